"""Reading matters: one matter with its timeline and what the viewer may do to it, and the
lists (mine, a community's, the triage queue, a handler's work list), each in a fixed number
of queries."""
from datetime import date, timedelta

from sqlalchemy import and_, func, literal, not_, select, tuple_, union
from sqlalchemy.orm import selectinload

from app.auth.permissions import Action, can, household_id_of
from app.community.models import Department, VolunteerTeam
from app.community import acting
from app.community.service import mask_phone
from app.extensions import db
from app.matters import access, photos, voice
from app.matters.models import (
    BUILTIN_CATEGORIES,
    CLASS_LABELS,
    HANDLER_LABELS,
    HANDLING,
    OPEN,
    STATUS_LABELS,
    TEXT_CHECK_LABELS,
    TEXT_CHECK_NOTES,
    HandlerType,
    Matter,
    MatterCategory,
    MatterEvent,
    MatterPhoto,
    MatterStatus,
    UNSATISFIED,
    is_overdue,
)
from app.matters.service.handling import local_today
from app.models_base import utcnow
from app.polls.models import Poll, PollStatus
from app.privacy.service import ERASED_NAME, is_erased

SIMILAR_DAYS = 30        # the triage queue shows open matters of the same building and category


def _mask_name(name):
    return (name[0] + "**") if name else "居民"


def _shown_name(user, name, full):
    """`name` (the user's, or the one standing for it) in full or masked; an erased account
    as erased."""
    if is_erased(user):
        return ERASED_NAME
    return name if full else _mask_name(name)


def matter_view(matter, level, viewer, filed=None):
    """`filed`: the matter's first timeline line, when it was filed in this very transaction:
    then that line is its whole timeline, and no photo, voice note or poll can refer to it yet
    (a hot path's answer, app/matters/service/reporting.py: fast_submit)."""
    submitter = matter.submitter
    # A submitter who gave no name or phone stands for the household: the roster's are shown.
    # Not for an erased account: nobody else is shown in its place.
    household = None if is_erased(submitter) else matter.household
    name = submitter.name or (household.head_name if household else None)
    phone = submitter.phone or (household.head_phone if household else None)
    full = level == access.FULL
    events = [filed] if filed is not None else db.session.scalars(
        select(MatterEvent).filter_by(matter_id=matter.id).order_by(MatterEvent.id))
    by_event = {}
    for photo in () if filed is not None else db.session.scalars(
            select(MatterPhoto).filter_by(matter_id=matter.id, hidden=False).order_by(MatterPhoto.id)):
        by_event.setdefault(photo.event_id, []).append(photos.photo_view(photo))
    return {
        **brief(matter),
        "text_check_note": TEXT_CHECK_NOTES.get(matter.text_check),
        "description": matter.description, "place_text": matter.place_text,
        "latitude": matter.latitude, "longitude": matter.longitude,
        "household_id": matter.household_id if full else None,
        "submitter_name": _shown_name(submitter, name, full),
        "submitter_phone": phone if full and can(viewer, Action.VIEW_PHONES, matter) else mask_phone(phone),
        "on_behalf": matter.recorded_by_id is not None,
        "handler": _handler(matter),
        "mine": access.is_household(viewer, matter),
        "can": access.flags(viewer, matter),
        "due_date": matter.due_date, "merged_into_id": matter.merged_into_id,
        "resolved_at": matter.resolved_at,
        "satisfaction": matter.satisfaction, "evaluation_comment": matter.evaluation_comment,
        "photos": by_event.get(None, []),
        "voice_note": voice.of_matters([matter.id]).get(matter.id) if full and filed is None else None,
        "timeline": [{**_event_view(event, full), "photos": by_event.get(event.id, [])} for event in events],
        "polls": [] if filed is not None else [{"id": i, "title": t, "status": s} for i, t, s in db.session.execute(
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
        "text_check": matter.text_check, "text_check_label": TEXT_CHECK_LABELS.get(matter.text_check),
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
            "actor_name": (name := _shown_name(actor, actor.name, full) if actor else None),
            "on_behalf_label": acting.label(name, event.data["acting"]["as"]) if "acting" in (event.data or {}) else None}


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
    """Matters I submitted or that concern my household (or one I help), newest first.

    Each condition reads its own index backwards for one page, and the page is taken from
    their union: with OR the database would walk every matter newer than the cursor."""
    household_id = household_id_of(user)
    # A family helper follows the matters of the households they help while the link lasts, the
    # ones they reported included: those count through the household, not as their own.
    conditions = [(Matter.submitter_id == user.id) & Matter.recorded_as.is_distinct_from(acting.HELPER)]
    households = ([household_id] if household_id is not None else []) + acting.helped(user, acting.Act.FOLLOW)
    conditions += [Matter.household_id == helped for helped in households]
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


def community_matters(community, viewer, status=None, matter_class=None, grid_id=None, handler_type=None,
                      overdue=None, unsatisfied=None, cursor=None, limit=20):
    """A community's matters, newest first, filtered as the desk's table asks: the council's
    and staff's working list beyond the triage queue, each row with its handler (the department's
    or team's name joined in), due date and rating. Those WeChat has not passed (`held_back`) are
    listed to staff only, marked by `text_check` (access.view_level)."""
    query = (select(Matter, Department.name, VolunteerTeam.name).where(Matter.community_id == community.id)
             .outerjoin(Department, Department.id == Matter.handler_department_id)
             .outerjoin(VolunteerTeam, VolunteerTeam.id == Matter.handler_team_id))
    if not access.is_staff(viewer, community):
        query = query.where(~Matter.held_back)
    if status:
        query = query.where(Matter.status == status)
    if matter_class:
        query = query.where(Matter.matter_class == matter_class)
    if grid_id is not None:
        query = query.where(Matter.grid_id == grid_id)
    if handler_type:
        query = query.where(Matter.handler_type == handler_type)
    if overdue is not None:
        late = and_(Matter.status.in_(list(HANDLING)), Matter.due_date.is_not(None), Matter.due_date < local_today())
        query = query.where(late if overdue else not_(late))  # no NULL in `late`: NOT keeps the rest
    if unsatisfied is not None:
        query = query.where(Matter.satisfaction <= UNSATISFIED if unsatisfied else Matter.satisfaction > UNSATISFIED)
    if cursor is not None:
        query = query.where(Matter.id < cursor)
    rows = db.session.execute(query.order_by(Matter.id.desc()).limit(limit + 1)).all()
    page = _brief_page([matter for matter, *_ in rows], limit)
    today = local_today()
    page["items"] = [{
        **item, "grid_id": matter.grid_id, "handler_type": matter.handler_type,
        "handler_label": HANDLER_LABELS[HandlerType(matter.handler_type)] if matter.handler_type else None,
        "handler_name": department or team or matter.handler_name, "due_date": matter.due_date,
        "overdue": is_overdue(matter.status, matter.due_date, today),
        "satisfaction": matter.satisfaction,
    } for item, (matter, department, team) in zip(page["items"], rows)]
    return page


def triage_queue(community, cursor=None, limit=20):
    """Unclassified matters, oldest first, each with its household's flags and the open matters
    of the same building and category from the last 30 days (likely duplicates to merge). Not
    those whose text WeChat is still checking (`held_back`), for staff either: they cannot be
    sorted until it has (access.AWAIT_VERDICT), and the council members working the queue are
    residents too. Staff find them in the community's table."""
    query = select(Matter).options(selectinload(Matter.household)).where(
        Matter.community_id == community.id, Matter.status == MatterStatus.SUBMITTED,
        ~Matter.held_back)
    if cursor is not None:
        query = query.where(Matter.id > cursor)
    rows = list(db.session.scalars(query.order_by(Matter.id).limit(limit + 1)))
    page = rows[:limit]
    similar = {}
    if page:
        since = utcnow() - timedelta(days=SIMILAR_DAYS)
        keys = {(m.building_id, m.category) for m in page}
        for other in db.session.execute(select(Matter.id, Matter.building_id, Matter.category).where(
                tuple_(Matter.building_id, Matter.category).in_(keys), Matter.status.in_(list(OPEN)),
                ~Matter.held_back, Matter.created_at >= since).order_by(Matter.id)):
            similar.setdefault((other.building_id, other.category), []).append(other.id)
    reported = {}  # the photos sent with each report (not handlers' later ones), one query per page
    for photo in db.session.scalars(select(MatterPhoto).where(
            MatterPhoto.matter_id.in_([m.id for m in page]), MatterPhoto.event_id.is_(None),
            MatterPhoto.hidden.is_(False)).order_by(MatterPhoto.id)) if page else ():
        reported.setdefault(photo.matter_id, []).append(photos.photo_view(photo))
    voices = voice.of_matters([m.id for m in page])
    items = []
    info = category_info(page)
    for matter in page:
        household = matter.household
        items.append({
            **brief(matter, info),
            "description": matter.description,
            "suggested_class": info.get((matter.community_id, matter.category), (None, None))[1],
            "household_flags": _flags(household) if household else None,
            "similar_ids": [i for i in similar.get((matter.building_id, matter.category), []) if i != matter.id],
            "photos": reported.get(matter.id, []),
            "voice_note": voices.get(matter.id),
        })
    return {"items": items, "next_cursor": rows[limit - 1].id if len(rows) > limit else None}


NO_DUE_DATE = date(9999, 12, 31)  # sorts after every due date


def work_list(user, cursor=None, limit=20):
    """What `user` is to act on: open matters assigned to them or to the department, committee
    or team they act for (access.handled_by), earliest due date first — so overdue ones lead —
    then those without one. The cursor is the last item's "due date_id"."""
    due = func.coalesce(Matter.due_date, literal(NO_DUE_DATE))
    query = select(Matter).options(selectinload(Matter.household)).where(
        access.handled_by(user), Matter.status.in_(list(HANDLING)))
    if cursor is not None:
        last_due, _, last_id = cursor.partition("_")
        query = query.where(tuple_(due, Matter.id) > tuple_(literal(date.fromisoformat(last_due)), literal(int(last_id))))
    rows = list(db.session.scalars(query.order_by(due, Matter.id).limit(limit + 1)))
    page, today = rows[:limit], local_today()
    info = category_info(page)
    items = [{
        **brief(matter, info),
        "place_text": matter.place_text,
        "due_date": matter.due_date,
        "overdue": is_overdue(matter.status, matter.due_date, today),
        "handler_label": HANDLER_LABELS[HandlerType(matter.handler_type)],
        "household_flags": _flags(matter.household) if matter.household is not None
        and can(user, Action.VIEW_HOUSEHOLDS, matter.household) else None,
    } for matter in page]
    last = page[-1] if len(rows) > limit else None
    return {"items": items,
            "next_cursor": f"{(last.due_date or NO_DUE_DATE).isoformat()}_{last.id}" if last else None}


def _flags(household):
    return {"elderly_alone": household.elderly_alone, "disabled": household.disabled,
            "low_income": household.low_income}
