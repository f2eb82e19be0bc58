"""Who may do what to one meeting, now.

The role-level policy (who may organise meetings where) is app/auth/permissions.py; here it is
applied to one meeting, its status and the user's invitation. Each `check_*` raises the error a
request answers with (403, 404 or 409) and the services call them; `actions` gives the meeting
view's `can` flags from the very same checks, so a button shown is a request that succeeds.
"""
from datetime import timedelta

from sqlalchemy import select

from app.auth.permissions import Action, allows, authorize, can, household_id_of
from app.community import acting
from app.community.models import Community
from app.errors import ApiError
from app.extensions import db
from app.meetings.models import Invitation, MeetingStatus
from app.models_base import utcnow

CHECKIN_OPENS = timedelta(hours=1)   # before the start
CHECKIN_CLOSES = timedelta(hours=6)  # after the start, when no end is given


def _community(meeting):
    """The meeting's community as the target of a permission check. A community's place path is
    its id alone, so no row is read: checking a page of meetings costs no statement."""
    return Community(id=meeting.community_id)


def addressed_to(user):
    """The condition 'this invitation is the user's': to them, or to their household."""
    household_id = household_id_of(user)
    mine = Invitation.user_id == user.id
    return mine | (Invitation.household_id == household_id) if household_id is not None else mine


def invitation_for(user, meeting):
    return db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id, addressed_to(user)))


def may_view(user, meeting):
    """The organisers, the invited and their family helpers (who may be told of it); anyone in the
    community once it is called. A draft is only its organisers' (as a draft poll is)."""
    if user.id == meeting.organizer_id or invitation_for(user, meeting) is not None:
        return True
    helped = acting.helped(user)
    if helped and db.session.scalar(select(Invitation.id).where(
            Invitation.meeting_id == meeting.id, Invitation.household_id.in_(helped)).limit(1)) is not None:
        return True
    if meeting.status == MeetingStatus.DRAFT:
        return allows(check_manage, user, meeting)
    return can(user, Action.VIEW_COMMUNITY, _community(meeting))


def check_status(meeting, *statuses):
    if meeting.status not in statuses:
        raise ApiError(409, "invalid_transition", "会议当前状态不能进行此操作", details={"status": meeting.status})


def check_manage(user, meeting):
    """The organiser, or whoever may organise any meeting of the community (its staff)."""
    if user.id != meeting.organizer_id:
        authorize(user, Action.ORGANIZE_COMMUNITY_MEETINGS, _community(meeting))


def check_publish(user, meeting):
    check_manage(user, meeting)
    check_status(meeting, MeetingStatus.DRAFT)


def check_change(user, meeting):
    """Reschedule or cancel."""
    check_manage(user, meeting)
    check_status(meeting, MeetingStatus.DRAFT, MeetingStatus.PUBLISHED)


def check_run(user, meeting):
    """Invite again, show the check-in code, sign households in by hand."""
    check_manage(user, meeting)
    check_status(meeting, MeetingStatus.PUBLISHED)


def check_record_minutes(user, meeting):
    check_run(user, meeting)
    if utcnow() < meeting.starts_at:
        raise ApiError(409, "meeting_not_started", "会议还没开始")


def check_publish_minutes(user, meeting):
    check_run(user, meeting)
    if not meeting.minutes:
        raise ApiError(409, "no_minutes", "请先填写会议纪要")


def _check_invited(invitation):
    if invitation is None:
        raise ApiError(404, "not_found", "您不在本次会议的邀请范围内")


def check_reply(meeting, invitation):
    """`invitation` (the user's, or None) may be answered: until the start."""
    check_status(meeting, MeetingStatus.PUBLISHED)
    _check_invited(invitation)
    if utcnow() >= meeting.starts_at:
        raise ApiError(409, "meeting_started", "会议已开始，不能再修改回复")


def check_check_in(meeting, invitation):
    """`invitation` (the user's, or None) may be signed in by scanning: from an hour before the
    start to the end (six hours after the start when no end is given)."""
    check_status(meeting, MeetingStatus.PUBLISHED)
    if not (meeting.starts_at - CHECKIN_OPENS <= utcnow() <= (meeting.ends_at or meeting.starts_at + CHECKIN_CLOSES)):
        raise ApiError(409, "checkin_closed", "不在签到时间内")
    _check_invited(invitation)


def actions(user, meeting, invitation, acts_for=False):
    """The meeting view's `can`: which of the meeting's actions `user` (invited by `invitation`,
    or None; acting for some invited households: `acts_for`) may take now."""
    run = allows(check_run, user, meeting)
    signs_in_for = acts_for and meeting.status == MeetingStatus.PUBLISHED
    change = allows(check_change, user, meeting)
    return {
        "manage": allows(check_manage, user, meeting),
        "publish": allows(check_publish, user, meeting),
        "reschedule": change,
        "cancel": change,
        "resend": run,
        "checkin_code": run,
        "check_in_by_hand": run or signs_in_for,
        "reply_for": acts_for and allows(check_reply, meeting, True),  # True: an invitation they act for
        "reply": allows(check_reply, meeting, invitation),
        "check_in": allows(check_check_in, meeting, invitation),
        "record_minutes": allows(check_record_minutes, user, meeting),
        "publish_minutes": allows(check_publish_minutes, user, meeting),
    }
