"""What one viewer sees of meetings: a meeting, a page of them, "my meetings"."""
from datetime import timedelta

from sqlalchemy import case, func, select

from app.auth.permissions import Action, authorize
from app.errors import ApiError
from app.extensions import db
from app.meetings import access
from app.meetings.models import AgendaItem, Decision, Invitation, Meeting, MeetingStatus
from app.meetings.service.common import KIND_LABELS
from app.models_base import utcnow

STAGE_LABELS = {"opinion": "群众意见会", "discussion": "议题讨论会", "decision": "议事决策会", "evaluation": "群众评议会"}
STATUS_LABELS = {"draft": "草稿", "published": "已发布", "cancelled": "已取消", "closed": "已公示"}
RECENTLY_CLOSED = timedelta(days=30)  # closed meetings stay in "my meetings" this long (their 公示)


def meeting_views(meetings, viewer):
    """Views of meetings for one viewer — agenda, the viewer's reply and what they may do, counts,
    decisions — in a fixed number of queries however many meetings."""
    ids = [meeting.id for meeting in meetings]
    mine = {inv.meeting_id: inv for inv in db.session.scalars(
        select(Invitation).where(Invitation.meeting_id.in_(ids), access.addressed_to(viewer)))}
    counts = {meeting_id: (invited, present or 0) for meeting_id, invited, present in db.session.execute(
        select(Invitation.meeting_id, func.count(), func.sum(case((Invitation.present.is_(True), 1), else_=0)))
        .where(Invitation.meeting_id.in_(ids)).group_by(Invitation.meeting_id))}
    agenda, decisions = {}, {}
    for item in db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id.in_(ids)).order_by(AgendaItem.position)):
        agenda.setdefault(item.meeting_id, []).append(
            {"position": item.position, "text": item.text, "matter_ids": item.matter_ids,
             "poll_ids": item.poll_ids})
    for decision in db.session.scalars(select(Decision).where(Decision.meeting_id.in_(ids)).order_by(Decision.id)):
        decisions.setdefault(decision.meeting_id, []).append(
            {"text": decision.text, "matter_id": decision.matter_id, "matter_action": decision.matter_action,
             "poll_id": decision.poll_id})
    views = []
    for meeting in meetings:
        invitation = mine.get(meeting.id)
        invited, present = counts.get(meeting.id, (0, 0))
        views.append({
            **{name: getattr(meeting, name) for name in (
                "id", "community_id", "organizer_id", "kind", "stage", "title", "description", "place",
                "starts_at", "ends_at", "capacity", "scope_kind", "scope_ids", "status", "minutes")},
            "agenda": agenda.get(meeting.id, []),
            "my_reply": invitation.reply if invitation else None,
            "my_people": invitation.people if invitation else None,
            "present": invitation.present if invitation else None,
            "invited_me": invitation is not None,
            "can": access.actions(viewer, meeting, invitation),
            "kind_label": KIND_LABELS[meeting.kind], "stage_label": STAGE_LABELS.get(meeting.stage),
            "status_label": STATUS_LABELS[meeting.status],
            "decisions": decisions.get(meeting.id, []),
            "invited": invited, "attended": present,
        })
    return views


def meeting_view(meeting, viewer):
    return meeting_views([meeting], viewer)[0]


def get_visible(user, meeting_id):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not access.may_view(user, meeting):
        raise ApiError(404, "not_found", "会议不存在")
    return meeting


def community_meetings(user, community, status=None, cursor=None, limit=20):
    """Every meeting of the community, newest first, drafts and closed ones included: the desk's
    calendar for those who may run any of its meetings (staff)."""
    authorize(user, Action.ORGANIZE_COMMUNITY_MEETINGS, community)
    query = select(Meeting).where(Meeting.community_id == community.id)
    if status:
        query = query.where(Meeting.status == status)
    if cursor is not None:
        query = query.where(Meeting.id < cursor)
    rows = db.session.scalars(query.order_by(Meeting.id.desc()).limit(limit + 1)).all()
    return {"items": meeting_views(rows[:limit], user),
            "next_cursor": rows[limit - 1].id if len(rows) > limit else None}


def my_meetings(user, limit=50):
    """Meetings I am invited to or organise that have not ended (or whose minutes were published
    in the last 30 days), soonest first."""
    invited = select(Invitation.meeting_id).where(access.addressed_to(user))
    rows = db.session.scalars(select(Meeting).where(
        (Meeting.id.in_(invited)) | (Meeting.organizer_id == user.id),
        ((Meeting.status.in_([MeetingStatus.DRAFT, MeetingStatus.PUBLISHED])
          & (Meeting.starts_at >= utcnow() - access.CHECKIN_CLOSES))
         | ((Meeting.status == MeetingStatus.CLOSED) & (Meeting.minutes_published_at >= utcnow() - RECENTLY_CLOSED))),
    ).order_by(Meeting.starts_at).limit(limit)).all()
    return {"items": meeting_views(rows, user), "next_cursor": None}
