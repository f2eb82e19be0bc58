"""The minutes (会议纪要) with the decisions taken, and their 公示.

A decision may move a matter it took up (to in progress with a note, or assign it) or open a
draft poll it puts to the vote, through the matters' and polls' own rules and permissions. The
minutes, every move and every poll opened are one unit of work: every decision is checked before
anything moves, a refusal anywhere leaves nothing changed, and a retry is a first try.
"""
from contextlib import contextmanager

from sqlalchemy import select

from app.errors import ApiError, invalid
from app.extensions import db
from app.matters import service as matters
from app.matters.models import Matter
from app.meetings import access
from app.meetings.models import Decision, MeetingStatus
from app.meetings.service.common import invitee_users, meeting_page, record_audit
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind
from app.polls import service as polls
from app.polls.models import Poll


@contextmanager
def _about_decision(number):
    """A refusal by the matters' or polls' rules says which decision it is about."""
    try:
        yield
    except ApiError as refusal:
        refusal.message = f"第{number}项决定：{refusal.message}"
        raise


def _checked(actor, meeting, number, decision):
    """The decision's matter and poll, refused as carrying it out would be, moving nothing."""
    matter = poll = None
    if decision.get("matter_id") is not None:
        matter = db.session.get(Matter, decision["matter_id"])
        if matter is None or matter.community_id != meeting.community_id:
            raise invalid("decisions", f"第{number}项决定：关联的诉求（编号{decision['matter_id']}）不存在")
    action = (decision.get("matter_action") or {}).get("action")
    if action is not None:
        if matter is None:
            raise invalid("decisions", f"第{number}项决定：处理诉求须先关联诉求")
        with _about_decision(number):
            matters.check_move(actor, matter, action)
    if decision.get("poll_id") is not None:
        poll = db.session.get(Poll, decision["poll_id"])
        if poll is None or poll.community_id != meeting.community_id:
            raise invalid("decisions", f"第{number}项决定：关联的表决（编号{decision['poll_id']}）不存在")
        with _about_decision(number):
            polls.check_publish(actor, poll)
    return matter, poll


def _carry_out(actor, meeting, decision, matter, poll):
    """Move the matter, open the poll, record the decision."""
    action = decision.get("matter_action") or {}
    if matter is not None and action.get("action") == "progress":
        matters.post_progress(actor, matter, f"会议决定：{decision['text']}")
    elif matter is not None and action.get("action") == "assign":
        matters.assign(actor, matter, **{k: v for k, v in action.items() if k != "action"},
                       note=f"会议决定：{decision['text']}")
    if poll is not None:
        polls.publish(actor, poll)
    db.session.add(Decision(meeting_id=meeting.id, text=decision["text"],
                            matter_id=matter.id if matter else None, poll_id=poll.id if poll else None,
                            matter_action={k: v.isoformat() if hasattr(v, "isoformat") else v
                                           for k, v in action.items() if v is not None}))


def record_minutes(actor, meeting, minutes, decisions=()):
    """会议纪要 with decisions, each checked before the first is carried out (see above)."""
    access.check_record_minutes(actor, meeting)
    if decisions and db.session.scalar(select(Decision.id).filter_by(meeting_id=meeting.id).limit(1)):
        raise ApiError(409, "decisions_recorded", "本次会议的决定已经记录，不能重复记录（纪要文字仍可修改）")
    checked = [(decision, *_checked(actor, meeting, number, decision))
               for number, decision in enumerate(decisions, start=1)]
    for number, (decision, matter, poll) in enumerate(checked, start=1):
        with _about_decision(number):
            _carry_out(actor, meeting, decision, matter, poll)
    meeting.minutes = minutes
    record_audit(actor, meeting, "record_minutes", decisions=len(decisions))
    db.session.flush()
    return meeting


def publish_minutes(actor, meeting):
    """公示: the minutes go to every household in scope; the meeting is closed."""
    access.check_publish_minutes(actor, meeting)
    meeting.status = MeetingStatus.CLOSED
    meeting.minutes_published_at = utcnow()
    notify(invitee_users(meeting), NotificationKind.NOTICE,
           {"title": f"公示：{meeting.title}会议纪要", "body": meeting.minutes[:500], "meeting_id": meeting.id},
           page=meeting_page(meeting))
    record_audit(actor, meeting, "publish_minutes")
    db.session.flush()
    return meeting
