"""Calling a meeting: its scope, agenda and times; publishing, rescheduling, cancelling; reminders.

Publishing writes one invitation per household in scope (or per council member, or per
liaison of an invited department) in one INSERT … SELECT and notifies everyone through the
outbox, so a community-wide meeting costs inserts, not a WeChat call per household. Reminders
are named scheduled jobs, moved with the meeting and cancelled with it.
"""
from datetime import timedelta

from sqlalchemy import Integer, cast, insert, literal, null, select

from app.auth.permissions import Action, authorize
from app.community.models import Building, Community, Courtyard, Department, Household, Role, RoleAssignment
from app.errors import ApiError, invalid
from app.extensions import db
from app.jobs import queue, task
from app.matters.models import Matter
from app.meetings import access
from app.meetings.models import AgendaItem, Invitation, Meeting, MeetingStatus, Reply, ScopeKind
from app.meetings.service.common import invitee_users, meeting_page, payload, record_audit
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind
from app.polls.models import Poll

REMINDERS = {"24h": timedelta(hours=24), "1h": timedelta(hours=1)}
PLACE_SCOPES = {ScopeKind.BUILDINGS: (Building, "楼栋"), ScopeKind.COURTYARD: (Courtyard, "院落"),
                ScopeKind.COMMUNITY: (Community, "社区")}


def _places(scope_kind, scope_ids):
    """The places a scope names (for the permission check), all in one community."""
    if scope_kind not in PLACE_SCOPES:
        return []
    model, label = PLACE_SCOPES[scope_kind]
    places = [db.session.get(model, ident) for ident in scope_ids]
    if not places or None in places:
        raise invalid("scope_ids", f"会议范围里的{label}不存在")
    return places


def _community_of(place):
    return place.id if isinstance(place, Community) else place.community_id


def _authorize_scope(actor, community, scope_kind, places):
    """Building heads call meetings for the buildings they head; staff for any scope of their
    community (council and joint meetings are staff's)."""
    if scope_kind in (ScopeKind.COUNCIL, ScopeKind.DEPARTMENTS):
        authorize(actor, Action.ORGANIZE_COMMUNITY_MEETINGS, community)
        return
    if {_community_of(place) for place in places} != {community.id}:
        raise invalid("scope_ids", "会议范围须在同一个社区内")
    for place in places:
        authorize(actor, Action.ORGANIZE_MEETINGS, place)


def _check_scope_ids(scope_kind, scope_ids):
    if scope_kind == ScopeKind.COUNCIL:
        if scope_ids:
            raise invalid("scope_ids", "议事会不需要填写会议范围")
        return
    if not scope_ids:
        raise invalid("scope_ids", "请选择会议范围")
    if scope_kind in (ScopeKind.COURTYARD, ScopeKind.COMMUNITY) and len(scope_ids) != 1:
        raise invalid("scope_ids", "会议范围只能是一个院落或一个社区")
    if scope_kind == ScopeKind.DEPARTMENTS and None in [db.session.get(Department, i) for i in scope_ids]:
        raise invalid("scope_ids", "会议范围里的部门不存在")


def _check_times(starts_at, ends_at):
    if starts_at <= utcnow():
        raise invalid("starts_at", "开始时间须在将来")
    if ends_at is not None and ends_at <= starts_at:
        raise invalid("ends_at", "结束时间须晚于开始时间")


def _set_agenda(meeting, agenda):
    for model, field, label in ((Matter, "matter_ids", "诉求"), (Poll, "poll_ids", "表决")):
        wanted = {i for item in agenda for i in item.get(field, [])}
        if wanted:
            found = set(db.session.scalars(select(model.id).where(
                model.id.in_(wanted), model.community_id == meeting.community_id)))
            if found != wanted:
                numbers = "、".join(str(i) for i in sorted(wanted - found))
                raise invalid("agenda", f"议程中的{label}须属于本社区，这些编号不是：{numbers}")
    meeting.agenda = [AgendaItem(position=n, text=item["text"], matter_ids=list(item.get("matter_ids", [])),
                                 poll_ids=list(item.get("poll_ids", [])))
                      for n, item in enumerate(agenda, start=1)]


def create(actor, community_id, kind, title, place, starts_at, scope_kind, scope_ids=(), stage=None,
           description="", ends_at=None, capacity=None, agenda=()):
    community = db.session.get(Community, community_id)
    if community is None:
        raise invalid("community_id", "社区不存在")
    scope_ids = list(dict.fromkeys(scope_ids))
    _check_scope_ids(scope_kind, scope_ids)
    _authorize_scope(actor, community, scope_kind, _places(scope_kind, scope_ids))
    _check_times(starts_at, ends_at)
    meeting = Meeting(community_id=community.id, organizer_id=actor.id, kind=kind, stage=stage, title=title,
                      description=description, place=place, starts_at=starts_at, ends_at=ends_at,
                      capacity=capacity, scope_kind=scope_kind, scope_ids=scope_ids, status=MeetingStatus.DRAFT)
    db.session.add(meeting)
    _set_agenda(meeting, agenda)
    db.session.flush()
    return meeting


def _invite(meeting):
    """Invite the households (or, for council and department meetings, the persons) in scope,
    in one INSERT … SELECT: a whole community's rows never travel from Python. How many."""
    no_id = cast(null(), Integer)
    if meeting.scope_kind in (ScopeKind.COUNCIL, ScopeKind.DEPARTMENTS):
        role, scopes = ((Role.COUNCIL_MEMBER, [meeting.community_id]) if meeting.scope_kind == ScopeKind.COUNCIL
                        else (Role.DEPARTMENT_LIAISON, meeting.scope_ids))
        invitees = select(no_id, RoleAssignment.user_id).where(
            RoleAssignment.role == role, RoleAssignment.scope_id.in_(scopes)).distinct()
    else:
        column = {ScopeKind.BUILDINGS: Household.building_id, ScopeKind.COURTYARD: Household.courtyard_id,
                  ScopeKind.COMMUNITY: Household.community_id}[meeting.scope_kind]
        invitees = select(Household.id, no_id).where(column.in_(meeting.scope_ids))
    chosen = invitees.subquery()
    household_id, user_id = chosen.c
    return db.session.execute(insert(Invitation.__table__).from_select(
        ["meeting_id", "household_id", "user_id", "people", "present", "checked_in_by_hand"],
        select(literal(meeting.id), household_id, user_id, literal(0), literal(False), literal(False))
        .order_by(household_id, user_id))).rowcount


def publish(actor, meeting):
    """Invite everyone in scope and schedule the reminders."""
    access.check_publish(actor, meeting)
    invited = _invite(meeting)
    if not invited:  # the INSERT … SELECT wrote nothing
        raise ApiError(422, "validation_error", "会议范围内没有可邀请的住户或成员")
    meeting.status = MeetingStatus.PUBLISHED
    notify(invitee_users(meeting), NotificationKind.MEETING_INVITATION, payload(meeting), page=meeting_page(meeting))
    record_audit(actor, meeting, "publish", invited=invited)
    db.session.flush()
    _schedule_reminders(meeting)
    return meeting


def _reminder_id(meeting, label):
    return f"meeting-{meeting.id}-reminder-{label}"


def _schedule_reminders(meeting):
    now = utcnow()
    for label, before in REMINDERS.items():
        when = meeting.starts_at - before
        if meeting.status == MeetingStatus.PUBLISHED and when > now:
            queue.schedule_after_commit(_reminder_id(meeting, label), when, remind, meeting.id, label)
        else:
            queue.cancel_after_commit(_reminder_id(meeting, label))


@task
def remind(meeting_id, label):
    """24 h / 1 h before: remind everyone invited who has not declined."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.status != MeetingStatus.PUBLISHED or meeting.starts_at <= utcnow():
        return 0
    users = invitee_users(meeting, only=(Invitation.reply.is_(None) | (Invitation.reply != Reply.DECLINE)))
    told = notify(users, NotificationKind.MEETING_REMINDER, payload(meeting, note=f"{label}后开始"),
                  page=meeting_page(meeting))
    db.session.flush()
    return told


def reschedule(actor, meeting, starts_at=None, ends_at=None, place=None):
    """Move a meeting: invitees are told, reminders move with it."""
    access.check_change(actor, meeting)
    starts_at = starts_at or meeting.starts_at
    ends_at = ends_at or meeting.ends_at  # not given: unchanged
    _check_times(starts_at, ends_at)
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place = place or meeting.place
    if meeting.status == MeetingStatus.PUBLISHED:
        notify(invitee_users(meeting), NotificationKind.MEETING_INVITATION,
               payload(meeting, title=f"时间地点变更：{meeting.title}", note="会议时间或地点已变更"),
               page=meeting_page(meeting))
    record_audit(actor, meeting, "reschedule", starts_at=starts_at.isoformat(), place=meeting.place)
    db.session.flush()
    _schedule_reminders(meeting)
    return meeting


def cancel(actor, meeting, reason):
    access.check_change(actor, meeting)
    was_published = meeting.status == MeetingStatus.PUBLISHED
    meeting.status = MeetingStatus.CANCELLED
    if was_published:
        notify(invitee_users(meeting), NotificationKind.NOTICE,
               payload(meeting, title=f"会议取消：{meeting.title}", note=reason), page=meeting_page(meeting))
    record_audit(actor, meeting, "cancel", reason=reason)
    db.session.flush()
    _schedule_reminders(meeting)
    return meeting
