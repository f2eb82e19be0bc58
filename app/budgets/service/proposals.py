"""Proposals and their review: a resident of the round's scope (or the council, or staff) proposes a
project, perhaps from a matter raised first; the proposer may withdraw it until it is reviewed;
the council (议事会) accepts it with a cost (on the ballot) or refuses it with a reason — naming,
where it applies, the rule of the community's 五议三不议 it breaks. Until voting opens a decision
may be revisited. The proposer is told each decision."""
from app.auth.permissions import Action, can, household_id_of
from app.budgets.models import BudgetProject, ProjectStatus
from app.budgets.rules import yuan
from app.budgets.service import access
from app.budgets.service.agenda import active_rule
from app.budgets.service.common import event, project_page
from app.errors import invalid
from app.extensions import db
from app.matters.models import Matter
from app.matters.service.reporting import check_text
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind

REVIEWABLE = (ProjectStatus.PROPOSED, ProjectStatus.ACCEPTED, ProjectStatus.REFUSED)


def _matter(user, rnd, matter_id):
    """A matter the proposal grows from: one the proposer's household raised, or any of the
    community's for the council and staff."""
    matter = db.session.get(Matter, matter_id)
    if matter is None or matter.community_id != rnd.community_id:
        raise invalid("matter_id", "诉求不存在")
    own = matter.household_id is not None and matter.household_id == household_id_of(user)
    if not (own or can(user, Action.REVIEW_PROPOSALS, rnd)):
        raise invalid("matter_id", "只能用本户反映的诉求提出提案")
    return matter


def propose(user, rnd, title, description="", location="", estimate_fen=None, matter_id=None):
    access.check_propose(user, rnd)
    if matter_id is not None:
        _matter(user, rnd, matter_id)
    check_text(user, f"{title}\n{description}\n{location}")
    project = BudgetProject(round_id=rnd.id, title=title, description=description, location=location,
                            estimate_fen=estimate_fen, proposed_by_id=user.id, household_id=household_id_of(user),
                            matter_id=matter_id, status=ProjectStatus.PROPOSED)
    db.session.add(project)
    db.session.flush()
    return project


def withdraw(user, project):
    access.check_withdraw(user, project)
    project.status = ProjectStatus.WITHDRAWN
    db.session.flush()
    return project


def review(user, rnd, project, decision, reason, cost_fen=None, agenda_rule_id=None):
    """Accept (costed: the cost the ballot and the rule use) or refuse with a reason; a refusal
    naming a rule reads "按“<rule>”不议：<reason>", kept as written even if the rule is renamed."""
    access.check_review(user, rnd)
    access.check_project_status(project, *REVIEWABLE, message="提案已撤回，不能审议")
    if decision == "accept":
        if cost_fen is None:
            raise invalid("cost_fen", "通过审议须核定造价")
        if cost_fen > rnd.budget_fen:
            raise invalid("cost_fen", f"核定造价 {yuan(cost_fen)} 元超过本轮预算 {yuan(rnd.budget_fen)} 元")
        if agenda_rule_id is not None:
            raise invalid("agenda_rule_id", "通过审议的提案不引用不议规则")
        project.status, project.cost_fen, project.agenda_rule_id = ProjectStatus.ACCEPTED, cost_fen, None
        project.review_reason = reason
        told = f"您的提案“{project.title}”通过审议，核定造价 {yuan(cost_fen)} 元，将列入投票。{reason}"
    else:
        rule = active_rule(rnd.community_id, agenda_rule_id) if agenda_rule_id is not None else None
        project.status, project.cost_fen, project.agenda_rule_id = ProjectStatus.REFUSED, cost_fen, agenda_rule_id
        project.review_reason = f"按“{rule.title}”不议：{reason}" if rule else reason
        told = f"您的提案“{project.title}”未通过审议：{project.review_reason}"
    project.reviewed_by_id, project.reviewed_at = user.id, utcnow()
    event(rnd, user, "reviewed", target_type="budget_project", target_id=project.id, decision=decision,
          cost_fen=project.cost_fen, agenda_rule_id=agenda_rule_id)
    notify([project.proposed_by_id], NotificationKind.NOTICE, {
        "title": "提案审议结果", "body": told, "project_id": project.id}, page=project_page(project))
    db.session.flush()
    return project
