"""What the budgets' use cases share: labels, the audit trail, whom to tell and the pages they
open, and the share lock ballots hold on the round."""
from sqlalchemy import select, union

from app.audit import service as audit
from app.budgets.models import BudgetElector, BudgetRound, ProjectStatus, RoundStatus
from app.community import acting
from app.community.models import HouseholdMember, Role, RoleAssignment
from app.errors import ApiError
from app.extensions import db

ROUND_STATUS_LABELS = {RoundStatus.PROPOSING: "征集提案", RoundStatus.REVIEWING: "审议提案",
                       RoundStatus.VOTING: "投票中", RoundStatus.CLOSED: "结果公示", RoundStatus.CANCELLED: "已取消"}
PROJECT_STATUS_LABELS = {
    ProjectStatus.PROPOSED: "待审议", ProjectStatus.WITHDRAWN: "已撤回", ProjectStatus.REFUSED: "未通过审议",
    ProjectStatus.ACCEPTED: "列入投票", ProjectStatus.FUNDED: "获资助，实施中", ProjectStatus.UNFUNDED: "未获资助",
    ProjectStatus.COMPLETED: "已完工，待验收", ProjectStatus.SIGNED_OFF: "已验收",
}


def event(rnd, actor, action, target_type="budget_round", target_id=None, household_id=None, **details):
    """A line of the audit log about the round (or one of its projects)."""
    audit.record(actor, f"{target_type}.{action}", target_type, target_id or rnd.id, community_id=rnd.community_id,
                 household_id=household_id, **details)


def round_page(rnd):
    return f"pages/budget/round?id={rnd.id}"


def project_page(project):
    return f"pages/budget/project?id={project.id}"


def electorate_people(rnd):
    """Users to tell (a SELECT for `notify`): the members of the round's frozen electorate and
    the family helpers who receive their notices."""
    households = select(BudgetElector.household_id).where(BudgetElector.round_id == rnd.id)
    return union(select(HouseholdMember.user_id).where(HouseholdMember.household_id.in_(households)),
                 acting.notice_helpers(BudgetElector.household_id).where(BudgetElector.round_id == rnd.id))


def supervisors(rnd):
    """The round's community's supervisors (监委会), a SELECT for `notify`."""
    return select(RoleAssignment.user_id).where(RoleAssignment.role == Role.SUPERVISOR,
                                                RoleAssignment.scope_id == rnd.community_id)


def lock_voting(rnd):
    """Hold the round row in share mode for the rest of the transaction (closing takes it
    exclusively, so no ballot commits after the count) and check that voting is open."""
    status = db.session.scalar(select(BudgetRound.status).where(BudgetRound.id == rnd.id).with_for_update(read=True))
    if status != RoundStatus.VOTING:
        raise ApiError(409, "invalid_transition", "本轮不在投票阶段", details={"status": status})
