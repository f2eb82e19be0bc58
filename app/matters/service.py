"""The rules of a matter's life: submission, triage (三事分流), handling, evaluation.

Every status change goes through `_transition`, which consults TRANSITIONS (models.py), writes
the timeline line in the same transaction and notifies the household; a change the table does
not allow is a 409. Who may see what: `view_level`.
"""
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, select, tuple_, union
from sqlalchemy.orm import selectinload

from app import wechat
from app.audit import service as audit
from app.auth.models import User
from app.auth.permissions import Action, authorize, can, household_id_of, membership_of
from app.community.models import (
    Building,
    Community,
    Department,
    Household,
    HouseholdMember,
    Role,
    RoleAssignment,
    VolunteerTeam,
)
from app.community.service import mask_phone
from app.errors import ApiError
from app.extensions import db
from app.jobs import queue, task
from app.matters import photos
from app.matters.models import (
    BUILTIN_CATEGORIES,
    CLASS_LABELS,
    HANDLERS_BY_CLASS,
    OPEN,
    STATUS_LABELS,
    TRANSITIONS,
    HandlerType,
    Matter,
    MatterCategory,
    MatterClass,
    MatterEvent,
    MatterPhoto,
    MatterStatus,
)
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind
from app.polls.models import Poll, PollStatus

REOPEN_DAYS = 7          # an unsatisfied evaluation within this reopens the matter
SIMILAR_DAYS = 30        # the triage queue shows open matters of the same building and category
UNSATISFIED = 2          # satisfaction at or below this is "unsatisfied"
ACTION_LABELS = {
    "classify": "分类", "reclassify": "重新分类", "assign": "交办", "progress": "更新进展",
    "resolve": "办结", "accept": "评议", "reopen": "重新办理", "withdraw": "撤回", "merge": "合并",
    "comment": "留言", "overdue": "逾期提醒", "escalate": "上报街道",
}

# What those who run the community do to a matter goes into the audit log as well as the
# matter's timeline; residents' own acts (accept, reopen, withdraw, comment) do not.
AUDITED_ACTIONS = frozenset({"classify", "reclassify", "assign", "progress", "resolve", "merge", "escalate"})


# ---- categories ------------------------------------------------------------------------------

def categories(community):
    builtin = [{"code": code, "name": name, "default_class": default, "builtin": True}
               for code, (name, default) in BUILTIN_CATEGORIES.items()]
    custom = db.session.scalars(select(MatterCategory).filter_by(community_id=community.id)
                                .order_by(MatterCategory.id))
    return builtin + [{"code": c.code, "name": c.name, "default_class": c.default_class, "builtin": False}
                      for c in custom]


def add_category(community, code, name, default_class=None):
    if code in BUILTIN_CATEGORIES or db.session.scalar(
            select(MatterCategory.id).filter_by(community_id=community.id, code=code)):
        raise ApiError(409, "category_exists", "该分类已存在", details={"code": code})
    category = MatterCategory(community_id=community.id, code=code, name=name, default_class=default_class)
    db.session.add(category)
    db.session.flush()
    return {"code": code, "name": name, "default_class": default_class, "builtin": False}


def _category(community_id, code):
    if code in BUILTIN_CATEGORIES:
        name, default = BUILTIN_CATEGORIES[code]
        return name, default
    custom = db.session.scalar(select(MatterCategory).filter_by(community_id=community_id, code=code))
    if custom is None:
        raise ApiError(422, "validation_error", "没有这个分类", details={"fields": {"category": [code]}})
    return custom.name, custom.default_class


# ---- submission --------------------------------------------------------------------------------

def submit(user, title, category, description="", building_id=None, place_text="",
           latitude=None, longitude=None, on_behalf_of_household_id=None, photo_ids=()):
    """A resident reports a matter; a building head or grid worker may record one for a
    household (走访登记), which the matter then says."""
    recorded_by = None
    if on_behalf_of_household_id is not None:
        household = db.session.get(Household, on_behalf_of_household_id)
        if household is None:
            raise ApiError(422, "validation_error", "住户不存在",
                           details={"fields": {"on_behalf_of_household_id": ["no such household"]}})
        authorize(user, Action.RECORD_MATTER_FOR, household)
        recorded_by = user.id
    else:
        membership = membership_of(user)
        household = membership.household if membership else None
    if building_id is not None:
        building = db.session.get(Building, building_id)
        if building is None:
            raise ApiError(422, "validation_error", "楼栋不存在", details={"fields": {"building_id": ["no such building"]}})
    elif household is not None:
        building = household.building
    else:
        raise ApiError(422, "validation_error", "请选择所在楼栋", details={"fields": {"building_id": ["required"]}})
    community = db.session.get(Community, building.community_id)
    if household is not None and household.community_id != community.id:
        raise ApiError(422, "validation_error", "楼栋不在本社区", details={"fields": {"building_id": ["other community"]}})
    if household is None and not can(user, Action.VIEW_PUBLIC_MATTERS, community):
        raise ApiError(403, "forbidden", "只能向自己所在的社区反映诉求")
    _category(community.id, category)
    _check_text(user, f"{title}\n{description}\n{place_text}")
    matter = Matter(
        community_id=community.id, grid_id=building.grid_id, courtyard_id=building.courtyard_id,
        building_id=building.id, household_id=household.id if household else None,
        submitter_id=user.id, recorded_by_id=recorded_by, title=title, description=description,
        category=category, place_text=place_text, latitude=latitude, longitude=longitude,
        status=MatterStatus.SUBMITTED,
    )
    db.session.add(matter)
    db.session.flush()
    db.session.add(MatterEvent(matter_id=matter.id, action="submit", actor_id=user.id,
                               status_to=MatterStatus.SUBMITTED,
                               note="代为登记（走访）" if recorded_by else "",
                               data={"on_behalf": bool(recorded_by)}))
    photos.attach(user, photo_ids, matter)
    if recorded_by:
        audit.record(user, "matter.recorded_for", "matter", matter.id, community_id=community.id,
                     household_id=household.id, title=title)
    db.session.flush()
    return matter


def _check_text(user, text):
    """Text others will read goes through WeChat content security when WeChat is configured."""
    if current_app.config["WECHAT_APPID"] and wechat.text_is_risky(user.openid, text):
        raise ApiError(422, "content_risky", "内容可能含有不适宜公开的信息，请修改后再提交")


# ---- reading -------------------------------------------------------------------------------------

FULL, PUBLIC = "full", "public"


def view_level(user, matter):
    """FULL for the household, the submitter and those who triage or handle it; PUBLIC (submitter
    masked) for the community's residents once it is classified major or minor; else None."""
    if _is_household(user, matter) or can(user, Action.VIEW_MATTERS, matter):
        return FULL
    if matter.matter_class in (MatterClass.MAJOR, MatterClass.MINOR) and \
            can(user, Action.VIEW_PUBLIC_MATTERS, db.session.get(Community, matter.community_id)):
        return PUBLIC
    return None


def get_visible(user, matter_id):
    """The matter if `user` may see it; 404 otherwise (a private matter's existence is private)."""
    matter = db.session.get(Matter, matter_id)
    level = view_level(user, matter) if matter is not None else None
    if level is None:
        raise ApiError(404, "not_found", "诉求不存在")
    return matter, level


def _mask_name(name):
    return (name[0] + "**") if name else "居民"


def matter_view(matter, level, viewer):
    submitter = matter.submitter
    name = submitter.name or (matter.household.head_name if matter.household else None)
    phone = submitter.phone or (matter.household.head_phone if matter.household else None)
    full = level == FULL
    events = db.session.scalars(select(MatterEvent).filter_by(matter_id=matter.id).order_by(MatterEvent.id))
    by_event = {}
    for photo in db.session.scalars(select(MatterPhoto).filter_by(matter_id=matter.id, hidden=False)
                                    .order_by(MatterPhoto.id)):
        by_event.setdefault(photo.event_id, []).append(photos.photo_view(photo))
    return {
        **brief(matter),
        "description": matter.description, "place_text": matter.place_text,
        "latitude": matter.latitude, "longitude": matter.longitude,
        "household_id": matter.household_id if full else None,
        "submitter_name": name if full else _mask_name(name),
        "submitter_phone": phone if full and can(viewer, Action.VIEW_PHONES, matter) else mask_phone(phone),
        "on_behalf": matter.recorded_by_id is not None,
        "handler": _handler(matter),
        "mine": _is_household(viewer, matter),
        "due_date": matter.due_date, "merged_into_id": matter.merged_into_id,
        "resolved_at": matter.resolved_at,
        "satisfaction": matter.satisfaction, "evaluation_comment": matter.evaluation_comment,
        "photos": by_event.get(None, []),
        "timeline": [{**_event_view(event, full), "photos": by_event.get(event.id, [])} for event in events],
        "polls": [{"id": i, "title": t, "status": s} for i, t, s in db.session.execute(
            select(Poll.id, Poll.title, Poll.status).where(Poll.matter_id == matter.id, Poll.status != PollStatus.DRAFT)
            .order_by(Poll.id))],
    }


def brief(matter, info=None):
    info = info if info is not None else category_info([matter])
    return {
        "id": matter.id, "title": matter.title, "category": matter.category,
        "category_name": category_name(info, matter),
        "class_label": CLASS_LABELS.get(matter.matter_class),
        "status": matter.status, "status_label": STATUS_LABELS[MatterStatus(matter.status)],
        "matter_class": matter.matter_class, "community_id": matter.community_id,
        "building_id": matter.building_id, "building_name": matter.building.name,
        "created_at": matter.created_at, "updated_at": matter.updated_at,
    }


def category_name(info, matter):
    """The matter's category name from `category_info` (its code if the category was removed)."""
    return info.get((matter.community_id, matter.category), (matter.category,))[0]


def category_info(matters):
    """(community id, code) → (name, suggested class), for a page of matters in one query."""
    info = {(m.community_id, code): entry for m in matters for code, entry in BUILTIN_CATEGORIES.items()}
    custom = {(m.community_id, m.category) for m in matters if m.category not in BUILTIN_CATEGORIES}
    if custom:
        info.update({(row.community_id, row.code): (row.name, row.default_class) for row in db.session.scalars(
            select(MatterCategory).where(tuple_(MatterCategory.community_id, MatterCategory.code).in_(custom)))})
    return info


def _event_view(event, full):
    actor = event.actor
    return {"id": event.id, "action": event.action, "status_from": event.status_from,
            "status_to": event.status_to, "matter_class": event.matter_class, "note": event.note,
            "data": event.data, "created_at": event.created_at,
            "actor_name": (actor.name if full else _mask_name(actor.name)) if actor else None}


def _handler(matter):
    if matter.handler_type is None:
        return None
    name = matter.handler_name
    if matter.handler_department_id:
        name = db.session.get(Department, matter.handler_department_id).name
    elif matter.handler_team_id:
        name = db.session.get(VolunteerTeam, matter.handler_team_id).name
    elif matter.handler_type == HandlerType.COMMITTEE:
        name = "居委会"
    return {"type": matter.handler_type, "name": name, "department_id": matter.handler_department_id,
            "user_id": matter.handler_user_id, "team_id": matter.handler_team_id}


def my_matters(user, cursor=None, limit=20):
    """Matters I submitted or that concern my household, newest first.

    Each condition reads its own index backwards for one page, and the page is taken from
    their union: with OR the database would walk every matter newer than the cursor."""
    household_id = household_id_of(user)
    conditions = [Matter.submitter_id == user.id]
    if household_id is not None:
        conditions.append(Matter.household_id == household_id)
    branches = []
    for condition in conditions:
        branch = select(Matter.id).where(condition)
        if cursor is not None:
            branch = branch.where(Matter.id < cursor)
        newest = branch.order_by(Matter.id.desc()).limit(limit + 1).subquery()
        branches.append(select(newest.c.id))
    ids = union(*branches).subquery()
    rows = list(db.session.scalars(select(Matter).where(Matter.id.in_(select(ids.c.id)))
                                   .order_by(Matter.id.desc()).limit(limit + 1)))
    return _brief_page(rows, limit)


def _brief_page(rows, limit):
    page = rows[:limit]
    info = category_info(page)
    return {"items": [brief(m, info) for m in page],
            "next_cursor": rows[limit - 1].id if len(rows) > limit else None}


def community_matters(community, status=None, matter_class=None, cursor=None, limit=20):
    """A community's matters, newest first, by status and class: the council's and staff's
    working list beyond the triage queue."""
    query = select(Matter).where(Matter.community_id == community.id)
    if status:
        query = query.where(Matter.status == status)
    if matter_class:
        query = query.where(Matter.matter_class == matter_class)
    if cursor is not None:
        query = query.where(Matter.id < cursor)
    return _brief_page(list(db.session.scalars(query.order_by(Matter.id.desc()).limit(limit + 1))), limit)


def triage_queue(community, cursor=None, limit=20):
    """Unclassified matters, oldest first, each with its household's flags and the open matters
    of the same building and category from the last 30 days (likely duplicates to merge)."""
    query = select(Matter).options(selectinload(Matter.household)).where(
        Matter.community_id == community.id, Matter.status == MatterStatus.SUBMITTED)
    if cursor is not None:
        query = query.where(Matter.id > cursor)
    rows = list(db.session.scalars(query.order_by(Matter.id).limit(limit + 1)))
    page = rows[:limit]
    similar = {}
    if page:
        since = utcnow() - timedelta(days=SIMILAR_DAYS)
        keys = {(m.building_id, m.category) for m in page}
        for other in db.session.execute(select(Matter.id, Matter.building_id, Matter.category).where(
                tuple_(Matter.building_id, Matter.category).in_(keys),
                Matter.status.in_(list(OPEN)), Matter.created_at >= since).order_by(Matter.id)):
            similar.setdefault((other.building_id, other.category), []).append(other.id)
    items = []
    info = category_info(page)
    for matter in page:
        household = matter.household
        items.append({
            **brief(matter, info),
            "description": matter.description,
            "suggested_class": info.get((matter.community_id, matter.category), (None, None))[1],
            "household_flags": {"elderly_alone": household.elderly_alone, "disabled": household.disabled,
                                "low_income": household.low_income} if household else None,
            "similar_ids": [i for i in similar.get((matter.building_id, matter.category), []) if i != matter.id],
        })
    return {"items": items, "next_cursor": rows[limit - 1].id if len(rows) > limit else None}


# ---- changes ----------------------------------------------------------------------------------------

def _allow(matter, action):
    """409 unless TRANSITIONS lets `action` start from the matter's status; returns the target."""
    allowed, to = TRANSITIONS[action]
    if matter.status not in allowed:
        raise ApiError(409, "invalid_transition",
                       f"诉求{STATUS_LABELS[MatterStatus(matter.status)]}，不能{ACTION_LABELS[action]}",
                       details={"status": matter.status, "action": action})
    return to


def _transition(matter, action, actor, note="", matter_class=None, data=None, tell_household=True):
    """Apply `action`: status per TRANSITIONS, a timeline line, the household told. Versioned
    rows make a concurrent change fail at flush (StaleDataError → 409 changed_meanwhile)."""
    to = _allow(matter, action)
    status_from = matter.status
    if to is not None:
        matter.status = to
    matter.updated_at = utcnow()
    event = MatterEvent(matter_id=matter.id, action=action, actor_id=actor.id if actor else None,
                        status_from=status_from, status_to=matter.status, matter_class=matter_class,
                        note=note or "", data=data or {})
    db.session.add(event)
    if actor is not None and action in AUDITED_ACTIONS:
        audit.record(actor, f"matter.{action}", "matter", matter.id, community_id=matter.community_id,
                     household_id=matter.household_id, note=note or "", status_from=status_from,
                     status_to=matter.status, matter_class=matter_class, data=data or {})
    if tell_household:
        _notify_household(matter, note)
    return event


def _notify_household(matter, note):
    recipients = {matter.submitter_id}
    if matter.household_id is not None:
        recipients |= set(db.session.scalars(
            select(HouseholdMember.user_id).filter_by(household_id=matter.household_id)))
    notify(sorted(recipients), NotificationKind.MATTER_STATUS, {
        "title": matter.title, "status": STATUS_LABELS[MatterStatus(matter.status)],
        "body": f"您反映的“{matter.title}”{STATUS_LABELS[MatterStatus(matter.status)]}" + (f"：{note}" if note else ""),
        "note": note or STATUS_LABELS[MatterStatus(matter.status)], "matter_id": matter.id,
    }, page=f"pages/matter/matter?id={matter.id}")


def classify(actor, matter, matter_class, reason):
    """Sort it as major, minor or private. Flags and the category's default are shown as
    suggestions; the decision and its reason are the council's."""
    authorize(actor, Action.TRIAGE_MATTERS, matter)
    _transition(matter, "classify", actor, reason, matter_class=matter_class)
    matter.matter_class = matter_class
    db.session.flush()
    return matter


def reclassify(actor, matter, matter_class, reason):
    """Change the class (minor → major after a site visit): back to triaged, handler cleared;
    the earlier classification stays in the timeline."""
    authorize(actor, Action.TRIAGE_MATTERS, matter)
    if matter_class == matter.matter_class:
        raise ApiError(422, "validation_error", "新的分类与原分类相同",
                       details={"fields": {"matter_class": ["unchanged"]}})
    _transition(matter, "reclassify", actor, reason, matter_class=matter_class,
                data={"from_class": matter.matter_class})
    matter.matter_class = matter_class
    _clear_handler(matter)
    db.session.flush()
    _watch_due_date(matter)
    return matter


def _clear_handler(matter):
    matter.handler_type = matter.handler_department_id = matter.handler_user_id = None
    matter.handler_team_id = matter.handler_name = matter.due_date = None


def assign(actor, matter, handler_type, note="", department_id=None, user_id=None, team_id=None,
           handler_name=None, due_date=None):
    """Name who handles it; which handlers fit depends on the class (HANDLERS_BY_CLASS)."""
    authorize(actor, Action.TRIAGE_MATTERS, matter)
    _allow(matter, "assign")
    if matter.matter_class is None or handler_type not in HANDLERS_BY_CLASS[MatterClass(matter.matter_class)]:
        allowed = sorted(str(h) for h in HANDLERS_BY_CLASS.get(matter.matter_class, ())) if matter.matter_class else []
        raise ApiError(422, "validation_error", f"{CLASS_LABELS.get(matter.matter_class, '未分类')}不能这样交办",
                       details={"fields": {"handler_type": [f"one of {allowed}"]}})
    fields = {}
    if handler_type == HandlerType.DEPARTMENT:
        if db.session.get(Department, department_id or 0) is None:
            fields["department_id"] = ["required: an existing department"]
        if due_date is None or due_date < local_today():
            fields["due_date"] = ["required for a department, not in the past"]
    elif handler_type == HandlerType.GRID_WORKER:
        if user_id is None or db.session.get(User, user_id) is None:
            fields["user_id"] = ["required: the grid worker"]
    elif handler_type == HandlerType.VOLUNTEER_TEAM:
        team = db.session.get(VolunteerTeam, team_id or 0)
        if team is None or team.community_id != matter.community_id:
            fields["team_id"] = ["required: a volunteer team of this community"]
    elif handler_type in (HandlerType.RESIDENT_GROUP, HandlerType.MARKET) and not handler_name:
        fields["handler_name"] = ["required"]
    if fields:
        raise ApiError(422, "validation_error", "交办信息不完整", details={"fields": fields})
    _transition(matter, "assign", actor, note, data={"handler_type": handler_type})
    _clear_handler(matter)
    matter.handler_type = handler_type
    matter.handler_department_id = department_id if handler_type == HandlerType.DEPARTMENT else None
    matter.handler_user_id = user_id if handler_type == HandlerType.GRID_WORKER else None
    matter.handler_team_id = team_id if handler_type == HandlerType.VOLUNTEER_TEAM else None
    matter.handler_name = handler_name if handler_type in (HandlerType.RESIDENT_GROUP, HandlerType.MARKET) else None
    matter.due_date = due_date
    db.session.flush()
    _watch_due_date(matter)
    return matter


def _authorize_handler(actor, matter):
    own_private = matter.handler_type == HandlerType.RESIDENT and _is_household(actor, matter)
    if not (own_private or can(actor, Action.HANDLE_MATTERS, matter)):
        raise ApiError(403, "forbidden", "只有承办人可以更新办理情况")


MOVES_FROM_ELSEWHERE = ("progress", "assign")  # what a meeting's decision may do to a matter


def check_move(actor, matter, action):
    """Refuse as `action` would (permission, then state) without doing it, so a caller moving
    several matters checks them all before the first one commits."""
    if action not in MOVES_FROM_ELSEWHERE:
        raise ApiError(422, "validation_error", "不支持的诉求操作",
                       details={"fields": {"matter_action": [f"one of {list(MOVES_FROM_ELSEWHERE)}"]}})
    if action == "progress":
        _authorize_handler(actor, matter)
    else:
        authorize(actor, Action.TRIAGE_MATTERS, matter)
    _allow(matter, action)


def post_progress(actor, matter, note, photo_ids=()):
    _authorize_handler(actor, matter)
    event = _transition(matter, "progress", actor, note)
    db.session.flush()
    photos.attach(actor, photo_ids, matter, event)
    db.session.flush()
    return matter


def resolve(actor, matter, note, photo_ids=()):
    _authorize_handler(actor, matter)
    event = _transition(matter, "resolve", actor, note)
    db.session.flush()
    photos.attach(actor, photo_ids, matter, event)
    matter.resolved_at = utcnow()
    db.session.flush()
    _watch_due_date(matter)
    return matter


def evaluate(user, matter, satisfaction, comment=""):
    """群众评议: the household rates the outcome. Unsatisfied within 7 days of resolution
    reopens it for the same handler; otherwise it closes."""
    if view_level(user, matter) != FULL or not _is_household(user, matter):
        raise ApiError(403, "forbidden", "只有反映诉求的居民可以评议")
    reopen = satisfaction <= UNSATISFIED and matter.resolved_at is not None and \
        utcnow() - matter.resolved_at <= timedelta(days=REOPEN_DAYS)
    _transition(matter, "reopen" if reopen else "accept", user, comment,
                data={"satisfaction": satisfaction})
    matter.satisfaction, matter.evaluation_comment = satisfaction, comment
    if reopen:
        matter.resolved_at = None  # open again: days-to-resolution counts until the next resolve
    else:
        matter.closed_at = utcnow()
    db.session.flush()
    return matter


def _is_household(user, matter):
    """The submitter, the one who recorded it, or someone living in the household it concerns."""
    if user.id in (matter.submitter_id, matter.recorded_by_id):
        return True
    return matter.household_id is not None and household_id_of(user) == matter.household_id


def withdraw(user, matter, reason=""):
    if not _is_household(user, matter):
        raise ApiError(403, "forbidden", "只有反映诉求的居民可以撤回")
    _transition(matter, "withdraw", user, reason)
    matter.closed_at = utcnow()
    db.session.flush()
    return matter


def merge(actor, matter, into_id, reason=""):
    """A duplicate joins the matter it repeats; both timelines say so."""
    authorize(actor, Action.TRIAGE_MATTERS, matter)
    into = db.session.get(Matter, into_id)
    if into is None or into.id == matter.id or into.community_id != matter.community_id \
            or into.status not in OPEN:
        raise ApiError(422, "validation_error", "只能合并到本社区另一件未办结的诉求",
                       details={"fields": {"into_id": ["an open matter of the same community"]}})
    _transition(matter, "merge", actor, reason, data={"into_id": into.id})
    matter.merged_into_id = into.id
    matter.closed_at = utcnow()
    db.session.add(MatterEvent(matter_id=into.id, action="comment", actor_id=actor.id,
                               note=f"合并了重复的诉求 #{matter.id}", data={"merged_id": matter.id}))
    db.session.flush()
    return matter


def comment(user, matter, text):
    _check_text(user, text)
    _transition(matter, "comment", user, text, tell_household=not _is_household(user, matter))
    db.session.flush()
    return matter


# ---- council votes, due dates ------------------------------------------------------------------------

def classify_by_vote(actor, matter, votes, reason):
    """The council votes on the class at a sitting (议事会); the timeline keeps every vote, the
    tally and the outcome. Only the community's council members vote, once each; a tie is no
    decision (409: discuss again)."""
    authorize(actor, Action.TRIAGE_MATTERS, matter)
    council = dict(db.session.execute(
        select(RoleAssignment.user_id, User.name).join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role == Role.COUNCIL_MEMBER, RoleAssignment.scope_id == matter.community_id)).all())
    voters = [vote["user_id"] for vote in votes]
    strangers = sorted(set(voters) - set(council))
    if strangers or len(set(voters)) != len(voters):
        raise ApiError(422, "validation_error", "只有本社区议事会成员可以投票，每人一票",
                       details={"fields": {"votes": [f"not council members: {strangers}" if strangers
                                                     else "one vote per member"]}})
    (outcome, top), *others = Counter(vote["matter_class"] for vote in votes).most_common()
    if others and others[0][1] == top:
        raise ApiError(409, "tied_vote", "票数相同，未能决定，请再议",
                       details={"tally": dict(Counter(vote["matter_class"] for vote in votes))})
    record = {"by_vote": True, "outcome": outcome,
              "tally": dict(Counter(vote["matter_class"] for vote in votes)),
              "votes": [{"user_id": v["user_id"], "name": council[v["user_id"]], "matter_class": v["matter_class"]}
                        for v in votes]}
    if matter.matter_class is None:
        _transition(matter, "classify", actor, reason, matter_class=outcome, data=record)
    else:
        if outcome == matter.matter_class:
            raise ApiError(409, "class_unchanged", "表决结果与原分类相同", details=record)
        _transition(matter, "reclassify", actor, reason, matter_class=outcome,
                    data={**record, "from_class": matter.matter_class})
        _clear_handler(matter)
    matter.matter_class = outcome
    db.session.flush()
    _watch_due_date(matter)
    return matter


def local_today():
    return datetime.now(ZoneInfo(current_app.config["TIME_ZONE"])).date()


def _overdue_job(matter):
    return f"matter-{matter.id}-overdue"


def _watch_due_date(matter):
    """Schedule the overdue warning for the end of the due date, or cancel it."""
    if matter.due_date is not None and matter.status in (MatterStatus.ASSIGNED, MatterStatus.IN_PROGRESS):
        zone = ZoneInfo(current_app.config["TIME_ZONE"])
        queue.schedule_after_commit(_overdue_job(matter), datetime.combine(matter.due_date + timedelta(days=1), time(), zone),
                       warn_overdue, matter.id)
    else:
        queue.cancel_after_commit(_overdue_job(matter))


@task
def warn_overdue(matter_id):
    """The due date passed with the matter still open: tell its handler (the department's
    liaisons) and the community's staff, and say so in the timeline."""
    matter = db.session.get(Matter, matter_id)
    if matter is None or matter.status not in (MatterStatus.ASSIGNED, MatterStatus.IN_PROGRESS) \
            or matter.due_date is None or matter.due_date >= local_today():
        return False
    _transition(matter, "overdue", None, f"已超过办理期限（{matter.due_date:%Y-%m-%d}）", tell_household=False)
    scopes = [(Role.STAFF, matter.community_id)]
    if matter.handler_department_id:
        scopes.append((Role.DEPARTMENT_LIAISON, matter.handler_department_id))
    recipients = db.session.scalars(select(RoleAssignment.user_id).where(or_(*(
        (RoleAssignment.role == role) & (RoleAssignment.scope_id == scope) for role, scope in scopes)))).all()
    notify(sorted(set(recipients)), NotificationKind.NOTICE, {
        "title": f"诉求逾期：{matter.title}",
        "body": f"诉求 #{matter.id} 已超过办理期限（{matter.due_date:%Y-%m-%d}），请尽快办理或说明情况。",
        "matter_id": matter.id,
    }, page=f"pages/matter/matter?id={matter.id}")
    db.session.flush()
    return True


def escalate(actor, matter, note):
    """Refer an overdue or stuck matter up to the sub-district (上报街道); recorded, not a new handler."""
    authorize(actor, Action.ESCALATE_MATTERS, matter)
    _transition(matter, "escalate", actor, note)
    matter.escalated_at = utcnow()
    db.session.flush()
    return matter
