"""What people see of budget rounds and projects: a round for one viewer (its projects, turnout,
their household's ballot, the result, what they may do — from access.py), the community's rounds
and their own, and a project with its progress, photos and evaluation."""
from sqlalchemy import func, select

from app.auth.permissions import Action, allows, authorize, household_id_of
from app.auth.service import user_names
from app.budgets import rules
from app.budgets.models import (AgendaRule, BudgetBallot, BudgetElector, BudgetProject, BudgetRound, ProjectEvaluation,
                                ProjectPhoto, ProjectStatus, ProjectUpdate, RoundStatus)
from app.budgets.service import access
from app.budgets.service.common import PROJECT_STATUS_LABELS, ROUND_STATUS_LABELS
from app.budgets.service.proposals import REVIEWABLE
from app.community import acting
from app.community.models import Building, Courtyard, Household
from app.errors import ApiError
from app.extensions import db
from app.funds.models import Fund
from app.matters.models import MatterPhoto
from app.matters.photos import photo_view

WHOLE_COMMUNITY = "全社区"


def get_visible(user, round_id):
    rnd = db.session.get(BudgetRound, round_id)
    if rnd is None or not access.may_view(user, rnd):
        raise ApiError(404, "not_found", "预算轮次不存在")
    return rnd


def get_project(user, project_id):
    """The project and its round, if `user` sees the round (404 otherwise): who may read its
    progress and spending."""
    project = db.session.get(BudgetProject, project_id)
    rnd = db.session.get(BudgetRound, project.round_id) if project is not None else None
    if rnd is None or not access.may_view(user, rnd):
        raise ApiError(404, "not_found", "项目不存在")
    return rnd, project


def _scope_labels(rounds):
    courtyards = {r.courtyard_id for r in rounds if r.courtyard_id}
    names = dict(db.session.execute(select(Courtyard.id, Courtyard.name).where(Courtyard.id.in_(courtyards))).all()) \
        if courtyards else {}
    return {r.id: names.get(r.courtyard_id, WHOLE_COMMUNITY) for r in rounds}


def round_summaries(rounds):
    labels = _scope_labels(rounds)
    return [{"id": r.id, "community_id": r.community_id, "courtyard_id": r.courtyard_id, "fund_id": r.fund_id,
             "scope_label": labels[r.id], "title": r.title, "budget_fen": r.budget_fen, "rule": r.rule,
             "rule_label": rules.RULE_LABELS[rules.BudgetRule(r.rule)], "status": r.status,
             "status_label": ROUND_STATUS_LABELS[r.status], "proposals_until": r.proposals_until,
             "voting_until": r.voting_until, "closed_at": r.closed_at} for r in rounds]


def _explanations(rnd):
    return {line["id"]: line["explanation"] for line in (rnd.result or {}).get("projects", [])}


def _entered_by(user_id, agency):
    """What the household reads on something entered for it (a ballot, an evaluation): 由张三（楼栋长）代办;
    None on what it entered itself."""
    return acting.label(user_names([user_id]).get(user_id), agency["as"]) if agency else None


def round_view(rnd, viewer):
    household_id = household_id_of(viewer)
    fund = db.session.get(Fund, rnd.fund_id)
    electors, voted = db.session.execute(select(func.count(), func.count(BudgetElector.voted_at)).where(
        BudgetElector.round_id == rnd.id)).one()
    projects = db.session.scalars(select(BudgetProject).where(
        BudgetProject.round_id == rnd.id, BudgetProject.status != ProjectStatus.WITHDRAWN)
        .order_by(BudgetProject.id)).all()
    explanations = _explanations(rnd)
    ballot = db.session.get(BudgetBallot, (rnd.id, household_id)) if household_id else None
    elector = access.elector(rnd, household_id)
    my_ballot = None
    if ballot is not None:
        my_ballot = {"project_ids": ballot.project_ids, "cast_at": ballot.cast_at,
                     "acting_label": _entered_by(ballot.cast_by_id, ballot.acting)}
    return {
        **round_summaries([rnd])[0],
        "fund": {"id": fund.id, "name": fund.name, "balance_fen": fund.balance_fen},
        "description": rnd.description, "voting_opened_at": rnd.voting_opened_at, "cancel_reason": rnd.cancel_reason,
        "electors": electors, "voted": voted,
        "projects": [{"id": p.id, "title": p.title, "location": p.location, "estimate_fen": p.estimate_fen,
                      "cost_fen": p.cost_fen, "status": p.status, "status_label": PROJECT_STATUS_LABELS[p.status],
                      "approvals": p.approvals, "funded_explanation": explanations.get(p.id)} for p in projects],
        "my_ballot": my_ballot, "result": rnd.result, "result_digest": rnd.result_digest,
        "can": {"propose": allows(access.check_propose, viewer, rnd),
                "review": allows(access.check_review, viewer, rnd),
                "vote": allows(access.check_own_ballot, viewer, rnd, elector),
                "manage": allows(access.check_manage, viewer, rnd),
                "close": allows(access.check_close, viewer, rnd)},
    }


def _desc_page(query, cursor, limit):
    if cursor is not None:
        query = query.where(BudgetRound.id < cursor)
    rows = db.session.scalars(query.order_by(BudgetRound.id.desc()).limit(limit + 1)).all()
    return {"items": round_summaries(rows[:limit]), "next_cursor": rows[limit - 1].id if len(rows) > limit else None}


def community_rounds(viewer, community, cursor=None, limit=20):
    """The community's rounds `viewer` may see, newest first (403 without a place in it)."""
    authorize(viewer, Action.VIEW_COMMUNITY, community)
    return _desc_page(select(BudgetRound).where(access.visible_rounds(viewer, community.id)), cursor, limit)


def electors(viewer, rnd, voted=None, cursor=None, limit=50):
    """The round's elector households that `viewer` looks after — a building head's building, a
    grid worker's grid, staff's community (`acting.looked_after`, whom Act.BUDGET_BALLOT lets
    them enter a ballot for) — each with whether it has voted and whether that ballot was entered
    for it: so the elders who still need one are found without trying door after door. 403 for
    whoever looks after nobody."""
    scope = acting.looked_after(viewer)
    if scope is False:
        raise ApiError(403, "not_looking_after", "您没有负责照看的住户，不能替住户录入")
    query = (select(BudgetElector, Household, Courtyard.name, Building.name, BudgetBallot.acting)
             .join(Household, Household.id == BudgetElector.household_id)
             .join(Courtyard, Courtyard.id == Household.courtyard_id)
             .join(Building, Building.id == Household.building_id)
             .outerjoin(BudgetBallot, (BudgetBallot.round_id == rnd.id)
                        & (BudgetBallot.household_id == BudgetElector.household_id))
             .where(BudgetElector.round_id == rnd.id))
    if scope is not None:
        query = query.where(scope)
    if voted is not None:
        query = query.where(BudgetElector.voted_at.is_not(None) if voted else BudgetElector.voted_at.is_(None))
    if cursor is not None:
        query = query.where(BudgetElector.id > cursor)
    rows = db.session.execute(query.order_by(BudgetElector.id).limit(limit + 1)).all()
    items = [{"id": elector.id, "household_id": household.id, "courtyard_name": courtyard, "building_name": building,
              "unit": household.unit, "room": household.room, "head_name": household.head_name,
              "elderly_alone": household.elderly_alone, "voted": elector.voted_at is not None,
              "voted_at": elector.voted_at, "entered_for": entered is not None}
             for elector, household, courtyard, building, entered in rows[:limit]]
    return {"items": items, "next_cursor": rows[limit - 1][0].id if len(rows) > limit else None}


def my_rounds(user):
    """Rounds whose scope holds my household, not cancelled, newest first."""
    household_id = household_id_of(user)
    if household_id is None:
        return {"items": []}
    household = db.session.get(Household, household_id)
    rounds = db.session.scalars(select(BudgetRound).where(
        BudgetRound.community_id == household.community_id, BudgetRound.status != RoundStatus.CANCELLED,
        BudgetRound.courtyard_id.is_(None) | (BudgetRound.courtyard_id == household.courtyard_id))
        .order_by(BudgetRound.id.desc())).all()
    return {"items": round_summaries(rounds)}


def project_view(rnd, project, viewer):
    household_id = household_id_of(viewer)
    updates = db.session.scalars(select(ProjectUpdate).where(ProjectUpdate.project_id == project.id)
                                 .order_by(ProjectUpdate.id)).all()
    photos = {}
    for update_id, photo in db.session.execute(select(ProjectPhoto.update_id, MatterPhoto).join(
            MatterPhoto, MatterPhoto.id == ProjectPhoto.photo_id).where(
            ProjectPhoto.update_id.in_([u.id for u in updates]), MatterPhoto.hidden.is_(False))
            .order_by(ProjectPhoto.photo_id)):
        photos.setdefault(update_id, []).append(photo_view(photo))
    names = user_names([project.proposed_by_id, *(u.posted_by_id for u in updates)])
    count, average = db.session.execute(select(func.count(), func.avg(ProjectEvaluation.rating)).where(
        ProjectEvaluation.project_id == project.id)).one()
    mine = db.session.scalar(select(ProjectEvaluation).filter_by(project_id=project.id, household_id=household_id)) \
        if household_id else None
    rule = project.agenda_rule_id and db.session.get(AgendaRule, project.agenda_rule_id)
    elector = access.elector(rnd, household_id)
    return {
        "id": project.id, "round": {"id": rnd.id, "title": rnd.title, "status": rnd.status, "rule": rnd.rule},
        **{name: getattr(project, name) for name in (
            "title", "description", "location", "estimate_fen", "cost_fen", "status", "matter_id", "review_reason",
            "reviewed_at", "approvals", "completed_at", "signed_off_at", "sign_off_note")},
        "status_label": PROJECT_STATUS_LABELS[project.status],
        "proposer": {"name": names.get(project.proposed_by_id)},
        "agenda_rule": {"id": rule.id, "title": rule.title} if rule else None,
        "explanation": _explanations(rnd).get(project.id),
        "updates": [{"id": u.id, "text": u.text, "percent": u.percent, "completes": u.completes,
                     "photos": photos.get(u.id, []), "posted_by": {"id": u.posted_by_id, "name": names.get(u.posted_by_id)},
                     "created_at": u.created_at} for u in updates],
        "evaluation": {"count": count, "average": round(float(average), 1)} if count else None,
        "my_evaluation": {"rating": mine.rating, "comment": mine.comment,
                          "acting_label": _entered_by(mine.user_id, mine.acting)} if mine else None,
        "can": {"withdraw": allows(access.check_withdraw, viewer, project),
                "review": allows(access.check_review, viewer, rnd) and project.status in REVIEWABLE,
                "update": allows(access.check_carry_out, viewer, rnd, project),
                "sign_off": allows(access.check_sign_off, viewer, rnd, project),
                "evaluate": mine is None and allows(access.check_evaluate, project, elector)},
    }
