"""Opening: the electorate is frozen when voting starts, at publishing or at `opens_at` by a
scheduled job; the reminder before the close; cancelling; and the sweep that opens and closes
the polls whose scheduled job was lost."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from app.community.models import Household, HouseholdMember, Role, RoleAssignment
from app.extensions import db
from app.jobs import queue, task
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind
from app.polls import access, secrecy
from app.polls.models import Electorate, Poll, PollElector, PollStatus, ScopeKind
from app.polls.service.closing import close_due
from app.polls.service.common import elector_users, event, job_id, page_path, payload

REMINDER_BEFORE = timedelta(hours=24)
INSERT_BATCH = 1000
EMPTY_ELECTORATE = "表决范围内没有可投票的住户或成员"


def _owner_key(household_id, owner_ref, developer_held):
    """Headcount under the judicial interpretation of art. 278: one flat, one owner; one owner of
    several flats, once; the developer's unsold or undelivered flats, once together."""
    if developer_held:
        return "developer"
    return f"owner:{owner_ref}" if owner_ref else f"h:{household_id}"


def elector_rows(poll):
    """(household_id, user_id, voter_key, area) for everyone who may vote."""
    if poll.electorate == Electorate.COUNCIL:
        users = db.session.scalars(select(RoleAssignment.user_id).where(
            RoleAssignment.role == Role.COUNCIL_MEMBER, RoleAssignment.scope_id == poll.community_id))
        return [(None, u, f"u:{u}", 0) for u in sorted(set(users))]
    column = {ScopeKind.BUILDINGS: Household.building_id, ScopeKind.COURTYARD: Household.courtyard_id,
              ScopeKind.COMMUNITY: Household.community_id}[poll.scope_kind]
    in_scope = column.in_(poll.scope_ids)
    if poll.electorate == Electorate.RESIDENTS:
        users = db.session.scalars(select(HouseholdMember.user_id).join(Household).where(in_scope)
                                   .order_by(HouseholdMember.user_id))
        return [(None, u, f"u:{u}", 0) for u in users]
    rows = db.session.execute(select(Household.id, Household.floor_area, Household.owner_ref, Household.developer_held)
                              .where(in_scope).order_by(Household.id))
    if poll.electorate == Electorate.OWNERS:
        return [(h, None, _owner_key(h, ref, developer), area) for h, area, ref, developer in rows]
    return [(h, None, f"h:{h}", 0) for h, _area, _ref, _developer in rows]


@task
def open_scheduled(poll_id):
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.status != PollStatus.SCHEDULED:
        return False
    if not elector_rows(poll):
        poll.status, poll.cancel_reason = PollStatus.CANCELLED, EMPTY_ELECTORATE
        event(poll, None, "cancelled", note=poll.cancel_reason)
        db.session.flush()
        return False
    open_poll(poll, None)
    return True


def open_poll(poll, actor):
    """Freeze the electorate, tell it, and schedule the close and the reminder."""
    rows = elector_rows(poll)
    table = PollElector.__table__
    for start in range(0, len(rows), INSERT_BATCH):
        db.session.execute(insert(table), [
            {"poll_id": poll.id, "household_id": h, "user_id": u, "voter_key": k, "area": Decimal(a)}
            for h, u, k, a in rows[start:start + INSERT_BATCH]])
    poll.status, poll.opened_at, poll.key_check = PollStatus.OPEN, utcnow(), secrecy.key_check()
    event(poll, actor, "opened", note=f"投票人 {len({row[2] for row in rows})}")
    notify(elector_users(poll), NotificationKind.POLL_OPENED, payload(poll, "请在截止前投票"), page=page_path(poll))
    db.session.flush()
    queue.schedule_after_commit(job_id(poll, "close"), poll.closes_at, close_due, poll.id)
    if poll.closes_at - REMINDER_BEFORE > utcnow():
        queue.schedule_after_commit(job_id(poll, "reminder"), poll.closes_at - REMINDER_BEFORE, remind, poll.id)


@task
def remind(poll_id):
    """A day before the close: remind those who have not voted."""
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.status != PollStatus.OPEN or poll.closes_at <= utcnow():
        return 0
    users = elector_users(poll, only=PollElector.voted_at.is_(None))
    told = notify(users, NotificationKind.POLL_CLOSING, payload(poll, "您还没有投票，即将截止"), page=page_path(poll))
    db.session.flush()
    return told


def cancel(actor, poll, reason):
    access.check_cancel(actor, poll)
    was_open = poll.status == PollStatus.OPEN
    poll.status, poll.cancel_reason = PollStatus.CANCELLED, reason
    event(poll, actor, "cancelled", note=reason)
    if was_open:
        notify(elector_users(poll), NotificationKind.NOTICE,
               {"title": f"表决取消：{poll.title}", "body": reason, "poll_id": poll.id}, page=page_path(poll))
    db.session.flush()
    for label in ("open", "close", "reminder"):
        queue.cancel_after_commit(job_id(poll, label))
    return poll


@task
def catch_up():
    """Open and close the polls whose scheduled job was lost (Redis restarted without its
    data): run by the workers' housekeeping every minute."""
    now = utcnow()
    due_to_open = db.session.scalars(select(Poll.id).where(Poll.status == PollStatus.SCHEDULED,
                                                           Poll.opens_at <= now)).all()
    due_to_close = db.session.scalars(select(Poll.id).where(Poll.status == PollStatus.OPEN,
                                                            Poll.closes_at <= now)).all()
    db.session.rollback()  # deliberate: ends this read; each poll opens or closes in a job of its own
    return [i for i in due_to_open if open_scheduled(i)], [i for i in due_to_close if close_due(i)]
