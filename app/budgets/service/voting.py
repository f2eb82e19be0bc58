"""The vote: each household of the frozen electorate approves projects on the ballot whose costs
together fit in the budget. One ballot per household (the table's primary key), changeable while
voting is open; cast by the household's voter, or entered for it by whoever looks after it
(Act.BUDGET_BALLOT: an elder without a phone), which the audit log records, and which never
replaces a ballot the household cast itself. Ballots are
real-name for the supervisors (BudgetBallot keeps the household); the board publishes them
without it (rounds.board)."""
from sqlalchemy import select, update

from app.auth.permissions import household_id_of
from app.budgets.models import BudgetBallot, BudgetElector, BudgetProject, ProjectStatus
from app.budgets.rules import yuan
from app.budgets.service import access
from app.budgets.service.common import event, lock_voting
from app.community import acting
from app.errors import ApiError, invalid
from app.extensions import db
from app.models_base import upsert, utcnow


def _checked(rnd, project_ids):
    """The ids, sorted: accepted projects of this round, each once, costing no more than the budget."""
    if len(set(project_ids)) != len(project_ids):
        raise invalid("project_ids", "同一个项目只能选一次")
    costs = dict(db.session.execute(select(BudgetProject.id, BudgetProject.cost_fen).where(
        BudgetProject.round_id == rnd.id, BudgetProject.status == ProjectStatus.ACCEPTED,
        BudgetProject.id.in_(project_ids))).all())
    if len(costs) != len(project_ids):
        raise invalid("project_ids", "所选项目不在本轮投票的项目中",
                      unknown=sorted(set(project_ids) - set(costs)))
    total = sum(costs.values())
    if total > rnd.budget_fen:
        raise invalid("project_ids", f"所选项目合计 {yuan(total)} 元，超过预算 {yuan(rnd.budget_fen)} 元",
                      code="over_budget", total_fen=total, budget_fen=rnd.budget_fen)
    return sorted(project_ids)


def cast(user, rnd, project_ids, on_behalf_of_household_id=None):
    """The household's ballot, or a new one in its place. Naming `on_behalf_of_household_id`,
    whoever looks after that household enters it for it."""
    lock_voting(rnd)
    agency = None
    if on_behalf_of_household_id is not None:
        household, agency = acting.on_behalf(user, on_behalf_of_household_id, acting.Act.BUDGET_BALLOT)
        elector = access.elector(rnd, household.id)
        access.check_elector(elector, access.NOT_ELECTOR_FOR)
    else:
        elector = access.elector(rnd, household_id_of(user))
        access.check_own_ballot(user, rnd, elector)
    project_ids = _checked(rnd, project_ids)
    now = utcnow()
    values = {"project_ids": project_ids, "cast_by_id": user.id,
              "acting": agency.details() if agency else None, "cast_at": now}
    # An entered ballot replaces only an entered one, in the one statement that writes it, so a
    # ballot the household casts at the same moment is never overwritten.
    written = db.session.execute(
        upsert(BudgetBallot, db.engine).values(round_id=rnd.id, household_id=elector.household_id, **values)
        .on_conflict_do_update(index_elements=["round_id", "household_id"], set_=values,
                               where=BudgetBallot.acting.is_not(None) if agency else None)
        .returning(BudgetBallot.household_id)).first()
    if written is None:
        raise ApiError(409, "household_voted", "这户已经自己投过票，不能代为修改")
    db.session.execute(update(BudgetElector).where(BudgetElector.id == elector.id, BudgetElector.voted_at.is_(None))
                       .values(voted_at=now))
    if agency:
        event(rnd, user, "ballot_entered_for", household_id=elector.household_id, acting=agency.details())
    db.session.flush()
    return rnd
