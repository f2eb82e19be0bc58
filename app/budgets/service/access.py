"""Who may do what to a budget round and its projects: the checks the use cases enforce and the
`can` flags the views show, from the same functions (`allows`), so a button is shown exactly when
pressing it works. A check raises the refusal (403 or 409).

Who sees a round: a community-wide round, anyone with a place in the community; an estate's
round, the households of the estate and whoever holds a role over the estate, its grid or the
community (the council, the committees, staff) — and admins.
"""
from sqlalchemy import false, or_, select, true

from app.auth.permissions import Action, authorize, can, grants_of, household_id_of, is_admin
from app.budgets.models import BudgetElector, BudgetRound, ProjectStatus, RoundStatus
from app.community.models import Household
from app.errors import ApiError
from app.extensions import db
from app.polls.access import NOT_HOUSEHOLD_VOTER, casts_household_vote

OPEN_FOR_REVIEW = (RoundStatus.PROPOSING, RoundStatus.REVIEWING)
NOT_ELECTOR = "您家不在本轮参与式预算的投票范围内"
NOT_ELECTOR_FOR = "这户不在本轮参与式预算的投票范围内"  # to whoever enters a ballot for it


def _reach(user, community_id):
    """SQL over BudgetRound: the rounds of `community_id` that `user` sees (False: none)."""
    if is_admin(user):
        return true()
    grants = [grant for grant in grants_of(user) if ("community", community_id) in grant.path]
    if not grants:
        return false()
    if any(grant.scope_kind == "community" for grant in grants):
        return true()
    grids = {grant.scope_id for grant in grants if grant.scope_kind == "grid"}
    courtyards = {place_id for grant in grants for kind, place_id in grant.path if kind == "courtyard"}
    return or_(BudgetRound.courtyard_id.is_(None), BudgetRound.grid_id.in_(sorted(grids)),
               BudgetRound.courtyard_id.in_(sorted(courtyards)))


def visible_rounds(user, community_id):
    """A condition on BudgetRound for the community's rounds `user` may see."""
    return (BudgetRound.community_id == community_id) & _reach(user, community_id)


def may_view(user, rnd):
    return db.session.scalar(select(BudgetRound.id).where(BudgetRound.id == rnd.id,
                                                          visible_rounds(user, rnd.community_id))) is not None


def check_status(rnd, *statuses, message="预算轮次当前阶段不能进行此操作"):
    if rnd.status not in statuses:
        raise ApiError(409, "invalid_transition", message, details={"status": rnd.status})


def check_project_status(project, *statuses, message):
    if project.status not in statuses:
        raise ApiError(409, "invalid_transition", message, details={"status": project.status})


# ---- those who run the round --------------------------------------------------------------------------

def check_manage(user, rnd):
    """Move the round on, cancel it: staff (MANAGE_BUDGETS)."""
    authorize(user, Action.MANAGE_BUDGETS, rnd)


def check_close(user, rnd):
    check_manage(user, rnd)
    check_status(rnd, RoundStatus.VOTING, message="投票进行中才能截止计票")


def check_cancel(user, rnd):
    check_manage(user, rnd)
    check_status(rnd, RoundStatus.PROPOSING, RoundStatus.REVIEWING, RoundStatus.VOTING,
                 message="已公示结果或已取消的轮次不能取消")


def check_review(user, rnd):
    """The council's feasibility review (议事会), while proposals are taken or reviewed."""
    authorize(user, Action.REVIEW_PROPOSALS, rnd)
    check_status(rnd, *OPEN_FOR_REVIEW, message="投票开始后不能再审议提案")


# ---- residents ------------------------------------------------------------------------------------

def lives_in_scope(user, rnd):
    """The user's household lies in the round's scope."""
    household_id = household_id_of(user)
    return household_id is not None and rnd.scope_path <= db.session.get(Household, household_id).scope_path


def check_propose(user, rnd):
    """While proposals are taken: a resident of the round's scope, or the council and staff."""
    check_status(rnd, RoundStatus.PROPOSING, message="本轮已停止征集提案")
    if not (lives_in_scope(user, rnd) or can(user, Action.REVIEW_PROPOSALS, rnd)):
        raise ApiError(403, "not_in_scope", "只有本轮范围内的住户、议事会成员和社区工作人员可以提出提案")


def check_withdraw(user, project):
    if project.proposed_by_id != user.id:
        raise ApiError(403, "forbidden", "只有提案人可以撤回提案")
    check_project_status(project, ProjectStatus.PROPOSED, message="提案已审议，不能撤回")


def elector(rnd, household_id):
    """The household's BudgetElector row, or None."""
    if household_id is None:
        return None
    return db.session.scalar(select(BudgetElector).filter_by(round_id=rnd.id, household_id=household_id))


def check_elector(row, message=NOT_ELECTOR):
    if row is None:
        raise ApiError(403, "not_in_electorate", message)


def check_voting(rnd):
    check_status(rnd, RoundStatus.VOTING, message="本轮不在投票阶段")


def check_own_ballot(user, rnd, row):
    """The household's voter casts its ballot, while voting is open."""
    check_voting(rnd)
    check_elector(row)
    if not casts_household_vote(user, row.household_id):
        raise ApiError(403, "not_household_voter", NOT_HOUSEHOLD_VOTER)


# ---- funded projects ----------------------------------------------------------------------------------

def check_carry_out(user, rnd, project):
    """Progress on a funded project: the committee or staff (CARRY_OUT_PROJECTS)."""
    authorize(user, Action.CARRY_OUT_PROJECTS, rnd)
    check_project_status(project, ProjectStatus.FUNDED, message="只有获资助、尚未完工的项目可以更新进展")


def check_sign_off(user, rnd, project):
    """验收: the supervisors (监委会), once the project is reported done."""
    authorize(user, Action.SUPERVISE_FUNDS, rnd)
    check_project_status(project, ProjectStatus.COMPLETED, message="项目完工后才能验收")


def check_evaluate(project, row):
    """群众评议: a household of the round's electorate, once the project is signed off."""
    check_project_status(project, ProjectStatus.SIGNED_OFF, message="项目验收后才能评议")
    check_elector(row)
