"""What one viewer sees of meetings: a meeting, a page of them, "my meetings"."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import case, func, select

from app.auth.permissions import Action, authorize
from app.errors import ApiError
from app.extensions import db
from app.meetings import access
from app.matters.report import period_bounds
from app.meetings.models import AgendaItem, Decision, Invitation, Meeting, MeetingKind, MeetingStatus
from app.community import acting
from app.meetings.service.common import KIND_LABELS
from app.meetings.service.invitations import acts_for_invited, on_behalf_labels
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
    acts_for = acts_for_invited(viewer, meetings)
    labels = on_behalf_labels(list(mine.values()))
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
            "my_reply_on_behalf": labels[invitation.id][0] if invitation else None,
            "present_on_behalf": labels[invitation.id][1] if invitation else None,
            "can": access.actions(viewer, meeting, invitation, meeting.id in acts_for),
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


def community_meetings(user, community, status=None, start=None, end=None, cursor=None, limit=20):
    """Every meeting of the community, newest first, drafts and closed ones included: the desk's
    calendar for those who may run any of its meetings (staff); with `start` and `end`, those
    starting on those days (the community's calendar)."""
    authorize(user, Action.ORGANIZE_COMMUNITY_MEETINGS, community)
    query = select(Meeting).where(Meeting.community_id == community.id)
    if status:
        query = query.where(Meeting.status == status)
    if start is not None:
        since, until = period_bounds(start, end)
        query = query.where(Meeting.starts_at >= since, Meeting.starts_at < until)
    if cursor is not None:
        query = query.where(Meeting.id < cursor)
    rows = db.session.scalars(query.order_by(Meeting.id.desc()).limit(limit + 1)).all()
    return {"items": meeting_views(rows[:limit], user),
            "next_cursor": rows[limit - 1].id if len(rows) > limit else None}


def meeting_stats(community, start, end):
    """Attendance over the period: per month (the community's calendar) and kind, the meetings
    that have begun (published, or closed with their minutes; not drafts or cancelled ones), the
    households — or persons, for council and joint meetings — invited and those signed in.
    Counted in SQL, one row per meeting."""
    since, until = period_bounds(start, end)
    zone = ZoneInfo(current_app.config["TIME_ZONE"])
    rows = db.session.execute(
        select(Meeting.starts_at, Meeting.kind, func.count(Invitation.id),
               func.count(case((Invitation.present.is_(True), Invitation.id))))
        .outerjoin(Invitation, Invitation.meeting_id == Meeting.id)
        .where(Meeting.community_id == community.id, Meeting.status.in_([MeetingStatus.PUBLISHED, MeetingStatus.CLOSED]),
               Meeting.starts_at >= since, Meeting.starts_at < min(until, utcnow()))
        .group_by(Meeting.id, Meeting.starts_at, Meeting.kind)).all()
    months = {}
    for starts_at, kind, invited, present in rows:
        counts = months.setdefault((starts_at.astimezone(zone).strftime("%Y-%m"), kind),
                                   {"meetings": 0, "invited": 0, "present": 0})
        counts["meetings"] += 1
        counts["invited"] += invited
        counts["present"] += present
    order = list(MeetingKind)
    return {"items": [{"month": month, "kind": kind, "kind_label": KIND_LABELS[kind], **counts}
                      for (month, kind), counts in sorted(months.items(),
                                                          key=lambda item: (item[0][0], order.index(item[0][1])))]}


def my_meetings(user, limit=50):
    """Meetings I am invited to (or a household I help, 子女代办) or organise that have not ended
    (or whose minutes were published in the last 30 days), soonest first."""
    invited = select(Invitation.meeting_id).where(
        access.addressed_to(user) | Invitation.household_id.in_(acting.helped(user, acting.Act.REPLY)))
    rows = db.session.scalars(select(Meeting).where(
        (Meeting.id.in_(invited)) | (Meeting.organizer_id == user.id),
        ((Meeting.status.in_([MeetingStatus.DRAFT, MeetingStatus.PUBLISHED])
          & (Meeting.starts_at >= utcnow() - access.CHECKIN_CLOSES))
         | ((Meeting.status == MeetingStatus.CLOSED) & (Meeting.minutes_published_at >= utcnow() - RECENTLY_CLOSED))),
    ).order_by(Meeting.starts_at).limit(limit)).all()
    return {"items": meeting_views(rows, user), "next_cursor": None}
