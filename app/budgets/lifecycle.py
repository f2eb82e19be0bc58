"""Participatory budgets' personal data. The person's download holds their proposals, the ballots
they cast for their own household and their evaluations. Erasing the account leaves all of it in
the community's record, as the account's erasure leaves it (its name gone): a proposal the
households voted on, a ballot the result was counted from, a rating in a project's evaluation
and who ran, reviewed, carried out or signed off a round must not change when someone leaves."""
from sqlalchemy import select

from app import lifecycle
from app.budgets.models import BudgetBallot, BudgetProject, ProjectEvaluation


def export(user):
    return {
        "budget_proposals": lifecycle.rows(
            select(BudgetProject.id, BudgetProject.round_id, BudgetProject.title, BudgetProject.description,
                   BudgetProject.location, BudgetProject.estimate_fen, BudgetProject.status,
                   BudgetProject.review_reason, BudgetProject.created_at)
            .where(BudgetProject.proposed_by_id == user.id).order_by(BudgetProject.id)),
        "budget_ballots": lifecycle.rows(
            select(BudgetBallot.round_id, BudgetBallot.project_ids, BudgetBallot.cast_at)
            .where(BudgetBallot.cast_by_id == user.id, BudgetBallot.acting.is_(None)).order_by(BudgetBallot.round_id)),
        "budget_evaluations": lifecycle.rows(
            select(ProjectEvaluation.project_id, ProjectEvaluation.rating, ProjectEvaluation.comment,
                   ProjectEvaluation.created_at)
            .where(ProjectEvaluation.user_id == user.id).order_by(ProjectEvaluation.id)),
    }


lifecycle.personal_data("budget_rounds", "budget_projects", "budget_ballots", "budget_project_updates",
                        "budget_project_evaluations", export=export)
