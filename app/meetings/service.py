"""Calling, answering, attending and recording meetings.

Publishing writes one invitation per household in scope (or per council member, or per
liaison of an invited department) in batches and notifies everyone through the outbox, so a
community-wide meeting costs inserts, not a WeChat call per household. Reminders are named
scheduled jobs, moved with the meeting and cancelled with it.
"""
import base64
import hashlib
import hmac
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import Integer, case, cast, func, insert, literal, null, select, update

from app import wechat
from app.audit import service as audit
from app.auth.models import User
from app.auth.permissions import Action, authorize, can, household_id_of
from app.community.models import Building, Community, Courtyard, Department, Household, Role, RoleAssignment
from app.community.service import people_named
from app.errors import ApiError
from app.extensions import db
from app.jobs import queue, task
from app.matters import service as matters
from app.matters.models import Matter
from app.meetings.models import (
    AgendaItem,
    Decision,
    Invitation,
    Meeting,
    MeetingStatus,
    Reply,
    ScopeKind,
)
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind
from app.polls import service as polls
from app.polls.models import Poll

REMINDERS = {"24h": timedelta(hours=24), "1h": timedelta(hours=1)}
CHECKIN_WINDOW = 600           # seconds: the check-in code rotates this often
CHECKIN_OPENS = timedelta(hours=1)   # before the start
CHECKIN_CLOSES = timedelta(hours=6)  # after the start, when no end is given
KIND_LABELS = {"courtyard": "院坝会", "building": "楼栋会", "council": "议事会", "joint": "联席会议",
               "evaluation": "评议会"}
STAGE_LABELS = {"opinion": "群众意见会", "discussion": "议题讨论会", "decision": "议事决策会", "evaluation": "群众评议会"}
STATUS_LABELS = {"draft": "草稿", "published": "已发布", "cancelled": "已取消", "closed": "已公示"}
RECENTLY_CLOSED = timedelta(days=30)  # closed meetings stay in "my meetings" this long (their 公示)


# ---- scope ---------------------------------------------------------------------------------------

def _places(scope_kind, scope_ids):
    """The places a scope names (for the permission check), all in one community."""
    model = {ScopeKind.BUILDINGS: Building, ScopeKind.COURTYARD: Courtyard,
             ScopeKind.COMMUNITY: Community}.get(scope_kind)
    if model is None:
        return []
    places = [db.session.get(model, ident) for ident in scope_ids]
    if not places or None in places:
        raise ApiError(422, "validation_error", "会议范围不存在", details={"fields": {"scope_ids": ["no such place"]}})
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
        raise ApiError(422, "validation_error", "会议范围须在同一个社区内",
                       details={"fields": {"scope_ids": ["one community"]}})
    for place in places:
        authorize(actor, Action.ORGANIZE_MEETINGS, place)


def _check_scope_ids(scope_kind, scope_ids):
    if scope_kind == ScopeKind.COUNCIL:
        if scope_ids:
            raise ApiError(422, "validation_error", "议事会不需要范围编号",
                           details={"fields": {"scope_ids": ["must be empty for council"]}})
        return
    if not scope_ids or (scope_kind in (ScopeKind.COURTYARD, ScopeKind.COMMUNITY) and len(scope_ids) != 1):
        raise ApiError(422, "validation_error", "请选择会议范围", details={"fields": {"scope_ids": ["required"]}})
    if scope_kind == ScopeKind.DEPARTMENTS and None in [db.session.get(Department, i) for i in scope_ids]:
        raise ApiError(422, "validation_error", "部门不存在", details={"fields": {"scope_ids": ["no such department"]}})


def create(actor, community_id, kind, title, place, starts_at, scope_kind, scope_ids=(), stage=None,
           description="", ends_at=None, capacity=None, agenda=()):
    community = db.session.get(Community, community_id)
    if community is None:
        raise ApiError(422, "validation_error", "社区不存在", details={"fields": {"community_id": ["no such community"]}})
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


def _check_times(starts_at, ends_at):
    if starts_at <= utcnow():
        raise ApiError(422, "validation_error", "会议时间须在将来", details={"fields": {"starts_at": ["in the future"]}})
    if ends_at is not None and ends_at <= starts_at:
        raise ApiError(422, "validation_error", "结束时间须晚于开始时间", details={"fields": {"ends_at": ["after starts_at"]}})


def _set_agenda(meeting, agenda):
    for model, field, message in ((Matter, "matter_ids", "议程中的诉求须属于本社区"),
                                  (Poll, "poll_ids", "议程中的表决须属于本社区")):
        wanted = {i for item in agenda for i in item.get(field, [])}
        if wanted:
            found = set(db.session.scalars(select(model.id).where(
                model.id.in_(wanted), model.community_id == meeting.community_id)))
            if found != wanted:
                raise ApiError(422, "validation_error", message,
                               details={"fields": {"agenda": [f"unknown {field}: {sorted(wanted - found)}"]}})
    meeting.agenda = [AgendaItem(position=n, text=item["text"], matter_ids=list(item.get("matter_ids", [])),
                                 poll_ids=list(item.get("poll_ids", [])))
                      for n, item in enumerate(agenda, start=1)]


def _authorize_organizer(actor, meeting):
    if actor.id == meeting.organizer_id:
        return
    authorize(actor, Action.ORGANIZE_COMMUNITY_MEETINGS, db.session.get(Community, meeting.community_id))


def _require(meeting, *statuses):
    if meeting.status not in statuses:
        raise ApiError(409, "invalid_transition", "会议当前状态不能进行此操作", details={"status": meeting.status})


# ---- publishing, rescheduling, cancelling -----------------------------------------------------------

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


def _invitee_users(meeting, only=None):
    """Users to tell (a SELECT for `notify`): members of invited households and invited persons
    (`only`: a filter on Invitation)."""
    return people_named(Invitation, Invitation.meeting_id == meeting.id, only)


def _payload(meeting, title=None, note=""):
    organizer = db.session.get(User, meeting.organizer_id)
    return {"title": title or meeting.title, "time": meeting.starts_at, "place": meeting.place,
            "organizer": organizer.name or KIND_LABELS[meeting.kind], "note": note, "meeting_id": meeting.id,
            "body": f"{KIND_LABELS.get(meeting.kind, '会议')}：{meeting.title}，地点：{meeting.place}。{note}"}


def _page(meeting):
    return f"pages/meeting/meeting?id={meeting.id}"


def publish(actor, meeting):
    """Invite everyone in scope and schedule the reminders."""
    _authorize_organizer(actor, meeting)
    _require(meeting, MeetingStatus.DRAFT)
    invited = _invite(meeting)
    if not invited:  # the INSERT … SELECT wrote nothing
        raise ApiError(422, "validation_error", "会议范围内没有可邀请的住户或成员")
    meeting.status = MeetingStatus.PUBLISHED
    notify(_invitee_users(meeting), NotificationKind.MEETING_INVITATION, _payload(meeting), page=_page(meeting))
    _audit(actor, meeting, "publish", invited=invited)
    db.session.flush()
    _schedule_reminders(meeting)
    return meeting


def _audit(actor, meeting, action, household_id=None, **details):
    audit.record(actor, f"meeting.{action}", "meeting", meeting.id, community_id=meeting.community_id,
                 household_id=household_id, **details)


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
    users = _invitee_users(meeting, only=(Invitation.reply.is_(None) | (Invitation.reply != Reply.DECLINE)))
    told = notify(users, NotificationKind.MEETING_REMINDER, _payload(meeting, note=f"{label}后开始"), page=_page(meeting))
    db.session.flush()
    return told


def reschedule(actor, meeting, starts_at=None, ends_at=None, place=None):
    """Move a meeting: invitees are told, reminders move with it."""
    _authorize_organizer(actor, meeting)
    _require(meeting, MeetingStatus.DRAFT, MeetingStatus.PUBLISHED)
    starts_at = starts_at or meeting.starts_at
    ends_at = ends_at or meeting.ends_at  # not given: unchanged
    _check_times(starts_at, ends_at)
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place = place or meeting.place
    if meeting.status == MeetingStatus.PUBLISHED:
        notify(_invitee_users(meeting), NotificationKind.MEETING_INVITATION,
               _payload(meeting, title=f"时间地点变更：{meeting.title}", note="会议时间或地点已变更"), page=_page(meeting))
    _audit(actor, meeting, "reschedule", starts_at=starts_at.isoformat(), place=meeting.place)
    db.session.flush()
    _schedule_reminders(meeting)
    return meeting


def cancel(actor, meeting, reason):
    _authorize_organizer(actor, meeting)
    _require(meeting, MeetingStatus.DRAFT, MeetingStatus.PUBLISHED)
    was_published = meeting.status == MeetingStatus.PUBLISHED
    meeting.status = MeetingStatus.CANCELLED
    if was_published:
        notify(_invitee_users(meeting), NotificationKind.NOTICE,
               {**_payload(meeting, title=f"会议取消：{meeting.title}", note=reason)}, page=_page(meeting))
    _audit(actor, meeting, "cancel", reason=reason)
    db.session.flush()
    _schedule_reminders(meeting)
    return meeting


# ---- replies --------------------------------------------------------------------------------------

def _addressed_to(user):
    """The condition 'this invitation is the user's': to them, or to their household."""
    household_id = household_id_of(user)
    mine = Invitation.user_id == user.id
    return mine | (Invitation.household_id == household_id) if household_id is not None else mine


def _invitation_for(user, meeting):
    return db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id, _addressed_to(user)))


def reply(user, meeting, answer, people=1):
    """Attend, maybe or decline, for the user's household; changeable until the start."""
    _require(meeting, MeetingStatus.PUBLISHED)
    invitation = _invitation_for(user, meeting)
    if invitation is None:
        raise ApiError(404, "not_found", "您不在本次会议的邀请范围内")
    if utcnow() >= meeting.starts_at:
        raise ApiError(409, "meeting_started", "会议已开始，不能再修改回复")
    people = people if answer != Reply.DECLINE else 0
    if meeting.capacity is not None and answer == Reply.ATTEND:
        # Serialize replies of one meeting (SQLite already does) so capacity is never exceeded.
        db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
        taken = db.session.scalar(select(func.coalesce(func.sum(Invitation.people), 0)).where(
            Invitation.meeting_id == meeting.id, Invitation.reply == Reply.ATTEND, Invitation.id != invitation.id))
        if taken + people > meeting.capacity:
            raise ApiError(409, "meeting_full", "报名人数已满", details={"capacity": meeting.capacity, "taken": taken})
    invitation.reply, invitation.people = answer, people
    invitation.replied_at, invitation.replied_by_id = utcnow(), user.id
    db.session.flush()
    return invitation


def replies(actor, meeting):
    """Counts, and who has not answered (for the organiser)."""
    _authorize_organizer(actor, meeting)
    counts = dict(db.session.execute(select(Invitation.reply, func.count()).where(
        Invitation.meeting_id == meeting.id).group_by(Invitation.reply)).all())
    attending = db.session.scalar(select(func.coalesce(func.sum(Invitation.people), 0)).where(
        Invitation.meeting_id == meeting.id, Invitation.reply == Reply.ATTEND))
    present = db.session.scalar(select(func.count()).select_from(Invitation).where(
        Invitation.meeting_id == meeting.id, Invitation.present.is_(True)))
    unanswered = db.session.execute(
        select(Invitation.id, Household.id, Building.name, Household.unit, Household.room, Household.head_name)
        .join(Household, Household.id == Invitation.household_id).join(Building, Building.id == Household.building_id)
        .where(Invitation.meeting_id == meeting.id, Invitation.reply.is_(None)).order_by(Household.id).limit(500)).all()
    return {
        "invited": sum(counts.values()), "attend": counts.get(Reply.ATTEND, 0), "maybe": counts.get(Reply.MAYBE, 0),
        "decline": counts.get(Reply.DECLINE, 0), "unanswered": counts.get(None, 0), "people_attending": attending,
        "present": present,
        "unanswered_households": [{"household_id": h, "building_name": b, "unit": u, "room": r, "head_name": n}
                                  for _, h, b, u, r, n in unanswered],
    }


def invitations(actor, meeting, cursor=None, limit=50):
    """Everyone invited with their reply and attendance, for the organiser (sign-in by hand)."""
    _authorize_organizer(actor, meeting)
    query = (select(Invitation, Household, Building.name)
             .outerjoin(Household, Household.id == Invitation.household_id)
             .outerjoin(Building, Building.id == Household.building_id)
             .where(Invitation.meeting_id == meeting.id))
    if cursor is not None:
        query = query.where(Invitation.id > cursor)
    rows = db.session.execute(query.order_by(Invitation.id).limit(limit + 1)).all()
    items = [{"id": inv.id, "household_id": inv.household_id, "user_id": inv.user_id,
              "building_name": building, "unit": household.unit if household else None,
              "room": household.room if household else None, "head_name": household.head_name if household else None,
              "reply": inv.reply, "people": inv.people, "present": inv.present,
              "checked_in_by_hand": inv.checked_in_by_hand} for inv, household, building in rows[:limit]]
    return {"items": items, "next_cursor": rows[limit - 1][0].id if len(rows) > limit else None}


def resend(actor, meeting):
    """Invite again those who have not answered."""
    _authorize_organizer(actor, meeting)
    _require(meeting, MeetingStatus.PUBLISHED)
    users = _invitee_users(meeting, only=Invitation.reply.is_(None))
    told = notify(users, NotificationKind.MEETING_INVITATION, _payload(meeting, note="请回复是否参加"), page=_page(meeting))
    db.session.flush()
    return told


# ---- sign-in ----------------------------------------------------------------------------------------

def _mac(meeting_id, window):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"checkin:{meeting_id}:{window}".encode(), hashlib.sha256).hexdigest()[:12]


def checkin_scene(meeting, now=None):
    """The scene of the check-in code: meeting, time window, MAC (≤ 32 characters, as
    getwxacodeunlimit requires). It rotates every CHECKIN_WINDOW seconds; the current and the
    previous window are accepted, so a photo of the code is useless twenty minutes later."""
    window = int((now or utcnow()).timestamp()) // CHECKIN_WINDOW
    return f"{meeting.id:x}-{window:x}-{_mac(meeting.id, window)}"


def checkin_code(actor, meeting):
    """The code the organiser shows: the scene, and the mini-program code image when WeChat is
    configured (base64 PNG)."""
    _authorize_organizer(actor, meeting)
    _require(meeting, MeetingStatus.PUBLISHED)
    now = utcnow()
    scene = checkin_scene(meeting, now)
    window = int(now.timestamp()) // CHECKIN_WINDOW
    expires_at = datetime.fromtimestamp((window + 2) * CHECKIN_WINDOW, tz=timezone.utc)
    image = None
    if current_app.config["WECHAT_APPID"]:
        image = base64.b64encode(wechat.checkin_code_image(scene, "pages/meeting/checkin")).decode()
    return {"scene": scene, "expires_at": expires_at, "image_png_base64": image}


def _meeting_of_scene(scene):
    try:
        meeting_hex, window_hex, mac = scene.split("-")
        meeting_id, window = int(meeting_hex, 16), int(window_hex, 16)
    except ValueError:
        raise ApiError(422, "invalid_checkin_code", "签到码无效") from None
    if not hmac.compare_digest(mac, _mac(meeting_id, window)):
        raise ApiError(422, "invalid_checkin_code", "签到码无效")
    current = int(utcnow().timestamp()) // CHECKIN_WINDOW
    if window not in (current, current - 1):
        raise ApiError(410, "checkin_code_expired", "签到码已过期，请扫描现场最新的签到码")
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise ApiError(422, "invalid_checkin_code", "签到码无效")
    return meeting


def check_in(user, scene):
    """Sign in by scanning the code; scanning again changes nothing."""
    meeting = _meeting_of_scene(scene)
    _require(meeting, MeetingStatus.PUBLISHED)
    now = utcnow()
    if not (meeting.starts_at - CHECKIN_OPENS <= now <= (meeting.ends_at or meeting.starts_at + CHECKIN_CLOSES)):
        raise ApiError(409, "checkin_closed", "不在签到时间内")
    invitation = _invitation_for(user, meeting)
    if invitation is None:
        raise ApiError(404, "not_found", "您不在本次会议的邀请范围内")
    _mark_present(invitation, user, by_hand=False)
    db.session.flush()
    db.session.refresh(invitation)
    return meeting, invitation


def check_in_by_hand(actor, meeting, household_id):
    """The organiser signs in a household without a phone; recorded as such."""
    _authorize_organizer(actor, meeting)
    _require(meeting, MeetingStatus.PUBLISHED)
    invitation = db.session.scalar(select(Invitation).filter_by(meeting_id=meeting.id, household_id=household_id))
    if invitation is None:
        raise ApiError(404, "not_found", "该住户不在本次会议的邀请范围内")
    if _mark_present(invitation, actor, by_hand=True):
        _audit(actor, meeting, "check_in_by_hand", household_id=household_id)
    db.session.flush()
    db.session.refresh(invitation)
    return invitation


def _mark_present(invitation, by, by_hand):
    """Sign in (once: a second scan changes nothing); True if this one did. Not committed."""
    return db.session.execute(update(Invitation).where(Invitation.id == invitation.id, Invitation.present.is_(False))
                              .values(present=True, checked_in_at=utcnow(), checked_in_by_id=by.id,
                                      checked_in_by_hand=by_hand)).rowcount == 1


# ---- minutes ------------------------------------------------------------------------------------------

def record_minutes(actor, meeting, minutes, decisions=()):
    """会议纪要 with decisions; a decision may move a matter it took up (to in progress with a
    note, or assign it) or open a draft poll it puts to the vote, through the matters' and
    polls' own rules and permissions. The minutes, every move and every poll opened are one
    unit of work: a refusal anywhere leaves nothing changed, and a retry is a first try."""
    _authorize_organizer(actor, meeting)
    _require(meeting, MeetingStatus.PUBLISHED)
    if utcnow() < meeting.starts_at:
        raise ApiError(409, "meeting_not_started", "会议还没开始")
    if decisions and db.session.scalar(select(Decision.id).filter_by(meeting_id=meeting.id).limit(1)):
        raise ApiError(409, "decisions_recorded", "本次会议的决定已经记录，不能重复记录（纪要文字仍可修改）")
    moves = []
    for decision in decisions:
        matter = None
        if decision.get("matter_id") is not None:
            matter = db.session.get(Matter, decision["matter_id"])
            if matter is None or matter.community_id != meeting.community_id:
                raise ApiError(422, "validation_error", "决定关联的诉求不存在",
                               details={"fields": {"decisions": [f"no matter {decision['matter_id']}"]}})
        action = (decision.get("matter_action") or {}).get("action")
        if action is not None:
            if matter is None:
                raise ApiError(422, "validation_error", "推进诉求需要关联诉求",
                               details={"fields": {"decisions": ["matter_action without matter_id"]}})
            matters.check_move(actor, matter, action)
        poll = None
        if decision.get("poll_id") is not None:
            poll = db.session.get(Poll, decision["poll_id"])
            if poll is None or poll.community_id != meeting.community_id:
                raise ApiError(422, "validation_error", "决定关联的表决不存在",
                               details={"fields": {"decisions": [f"no poll {decision['poll_id']}"]}})
            polls.check_publish(actor, poll)
        moves.append((decision, matter, poll))
    for decision, matter, poll in moves:
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
    meeting.minutes = minutes
    _audit(actor, meeting, "record_minutes", decisions=len(decisions))
    db.session.flush()
    return meeting


def publish_minutes(actor, meeting):
    """公示: the minutes go to every household in scope; the meeting is closed."""
    _authorize_organizer(actor, meeting)
    _require(meeting, MeetingStatus.PUBLISHED)
    if not meeting.minutes:
        raise ApiError(409, "no_minutes", "请先填写会议纪要")
    meeting.status = MeetingStatus.CLOSED
    meeting.minutes_published_at = utcnow()
    notify(_invitee_users(meeting), NotificationKind.NOTICE,
           {"title": f"公示：{meeting.title}会议纪要", "body": meeting.minutes[:500], "meeting_id": meeting.id},
           page=_page(meeting))
    _audit(actor, meeting, "publish_minutes")
    db.session.flush()
    return meeting


def can_view(user, meeting):
    """The organiser and the invited; anyone in the community once it is called. A draft is
    only its organisers' (as a draft poll is), like the changes `_authorize_organizer` allows."""
    if user.id == meeting.organizer_id or _invitation_for(user, meeting) is not None:
        return True
    community = db.session.get(Community, meeting.community_id)
    if meeting.status == MeetingStatus.DRAFT:
        return can(user, Action.ORGANIZE_COMMUNITY_MEETINGS, community)
    return can(user, Action.VIEW_COMMUNITY, community)


def meeting_views(meetings, viewer):
    """Views of meetings for one viewer — agenda, the viewer's reply, counts, decisions — in a
    fixed number of queries however many meetings."""
    ids = [meeting.id for meeting in meetings]
    mine = {inv.meeting_id: inv for inv in db.session.scalars(
        select(Invitation).where(Invitation.meeting_id.in_(ids), _addressed_to(viewer)))}
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
    if meeting is None or not can_view(user, meeting):
        raise ApiError(404, "not_found", "会议不存在")
    return meeting


def my_meetings(user, limit=50):
    """Meetings I am invited to or organise that have not ended (or whose minutes were published
    in the last 30 days), soonest first."""
    invited = select(Invitation.meeting_id).where(_addressed_to(user))
    rows = db.session.scalars(select(Meeting).where(
        (Meeting.id.in_(invited)) | (Meeting.organizer_id == user.id),
        ((Meeting.status.in_([MeetingStatus.DRAFT, MeetingStatus.PUBLISHED])
          & (Meeting.starts_at >= utcnow() - CHECKIN_CLOSES))
         | ((Meeting.status == MeetingStatus.CLOSED) & (Meeting.minutes_published_at >= utcnow() - RECENTLY_CLOSED))),
    ).order_by(Meeting.starts_at).limit(limit)).all()
    return {"items": meeting_views(rows, user), "next_cursor": None}
