"""Reporting a matter: the categories it is filed under, the submission (or 走访登记 for a
household), and the content check of text others will read: a report's after it is saved
(text_check.py), a comment's before."""
import functools

from flask import current_app
from sqlalchemy import bindparam, exists, insert, select

from app import wechat
from app.audit import service as audit
from app.auth.models import AuthSession, User
from app.auth.permissions import Action, can, known_resident, membership_of
from app.auth.service import live_session
from app.community import acting
from app.community.models import Building, Community, Household, HouseholdMember, RoleAssignment
from app.errors import ApiError, invalid
from app.extensions import db
from app.jobs import queue
from app.matters import access, photos, voice
from app.matters.models import BUILTIN_CATEGORIES, Matter, MatterCategory, MatterEvent, MatterStatus, TextCheck
from app.matters.service import text_check, views
from app.models_base import UTCDateTime, inserted, prefixed, utcnow

VOICE_TITLE = "语音反映"  # the title of a report made by voice alone
RECORDED_NOTE = "代为登记（走访）"
RECORDED_NOTES = {acting.HELPER: "家属代为登记"}


def categories(community):
    builtin = [{"code": code, "name": name, "default_class": default, "builtin": True}
               for code, (name, default) in BUILTIN_CATEGORIES.items()]
    custom = db.session.scalars(select(MatterCategory).filter_by(community_id=community.id)
                                .order_by(MatterCategory.id))
    return builtin + [{"code": c.code, "name": c.name, "default_class": c.default_class, "builtin": False}
                      for c in custom]


def add_category(community, code, name, default_class=None, actor=None):
    if code in BUILTIN_CATEGORIES or db.session.scalar(
            select(MatterCategory.id).filter_by(community_id=community.id, code=code)):
        raise ApiError(409, "category_exists", "该分类已存在", details={"code": code})
    category = MatterCategory(community_id=community.id, code=code, name=name, default_class=default_class)
    db.session.add(category)
    db.session.flush()
    audit.record(actor, "matter_category.create", "community", community.id, community_id=community.id, code=code,
                 name=name, default_class=default_class)
    return {"code": code, "name": name, "default_class": default_class, "builtin": False}


def _check_category(community_id, code):
    if code not in BUILTIN_CATEGORIES and db.session.scalar(
            select(MatterCategory.id).filter_by(community_id=community_id, code=code)) is None:
        raise invalid("category", "没有这个类别")


def submit(user, title, category, description="", building_id=None, place_text="",
           latitude=None, longitude=None, on_behalf_of_household_id=None, photo_ids=(), voice_note_id=None):
    """A resident reports a matter; whoever may act for a household (app/community/acting.py:
    its building head, grid worker, staff, a family helper) may record one for it (走访登记),
    which the matter then says, naming who and as what. A voice note may stand in for the text:
    with one, the title may be left empty (VOICE_TITLE is shown). Typed text is checked by WeChat
    after the commit (text_check.py): until then the matter is `checking`, and only its household
    and the community's staff see it."""
    if voice_note_id is not None and not title.strip():
        title = VOICE_TITLE
    agency = None
    if on_behalf_of_household_id is not None:
        household, agency = acting.on_behalf(user, on_behalf_of_household_id, acting.Act.REPORT)
    else:
        membership = membership_of(user)
        household = membership.household if membership else None
    if building_id is not None:
        building = db.session.get(Building, building_id)
        if building is None:
            raise invalid("building_id", "楼栋不存在")
    elif household is not None:
        building = household.building
    else:
        raise invalid("building_id", "请选择所在楼栋")
    community = db.session.get(Community, building.community_id)
    if household is not None and household.community_id != community.id:
        raise invalid("building_id", "楼栋不在本社区")
    if household is None and not can(user, Action.VIEW_PUBLIC_MATTERS, community):
        raise ApiError(403, "forbidden", "只能向自己所在的社区反映诉求")
    _check_category(community.id, category)
    return _file(user, (community.id, building.grid_id, building.courtyard_id, building.id), household, agency,
                 title, category, description, place_text, latitude, longitude, photo_ids, voice_note_id)[0]


def _file(user, place, household, agency, title, category, description, place_text, latitude, longitude,
          photo_ids, voice_note_id):
    """The matter and its first timeline line, once who files it, for which household and where
    (community, grid, courtyard and building ids) are settled: (matter, that line). Both rows
    are written by `_filing`'s statements, in one round trip on PostgreSQL."""
    community_id, grid_id, courtyard_id, building_id = place
    now = utcnow()
    matter_row = dict(
        community_id=community_id, grid_id=grid_id, courtyard_id=courtyard_id,
        building_id=building_id, household_id=household.id if household else None,
        submitter_id=user.id, recorded_by_id=user.id if agency else None,
        recorded_as=agency.role if agency else None, title=title, description=description,
        category=category, place_text=place_text, latitude=latitude, longitude=longitude,
        status=MatterStatus.SUBMITTED, created_at=now, updated_at=now, version=1,
        text_check=text_check.initial_state(title != VOICE_TITLE or bool(description) or bool(place_text)),
    )
    event_row = dict(action="submit", actor_id=user.id, status_to=MatterStatus.SUBMITTED, created_at=now,
                     note=(RECORDED_NOTES.get(agency.role, RECORDED_NOTE) if agency else ""),
                     data={"on_behalf": bool(agency), **({"acting": agency.details()} if agency else {})})
    connection = db.session.connection()
    dialect = connection.dialect.name
    statements = _filing(dialect, tuple(matter_row), tuple(event_row))
    params = {**prefixed("matter_", matter_row), **prefixed("event_", event_row)}
    if dialect == "postgresql":
        [both] = statements
        matter_id, event_id = connection.execute(both, params).one()
    else:  # SQLite: no INSERT in a WITH
        matter_insert, event_insert = statements
        matter_id = connection.execute(matter_insert, params).scalar_one()
        event_id = connection.execute(event_insert, {**params, "event_matter_id": matter_id}).scalar_one()
    matter = inserted(db.session, Matter, id=matter_id, **matter_row)
    event = inserted(db.session, MatterEvent, id=event_id, matter_id=matter_id, **event_row)
    photos.attach(user, photo_ids, matter)
    voice.attach(user, voice_note_id, matter)
    if agency:
        audit.record(user, "matter.recorded_for", "matter", matter.id, community_id=community_id,
                     household_id=household.id, title=title, acting=agency.details())
    if matter.text_check == TextCheck.CHECKING:
        queue.gather_after_commit(text_check.check_reports, matter.id)
    return matter, event


@functools.cache
def _filing(dialect, matter_columns, event_columns):
    """The INSERTs of a matter and its first line, from the parameters `matter_<column>` and
    `event_<column>` (`_file`); other columns NULL. On PostgreSQL one statement: the matter's
    INSERT is a CTE whose id the line takes, RETURNING both ids. Elsewhere the matter's, then
    the line's with `event_matter_id`. Built once: building them costs more CPU than running
    them."""
    def values(model, prefix, columns):
        return {name: bindparam(prefix + name, type_=model.__table__.c[name].type) for name in columns}

    matter = insert(Matter).values(values(Matter, "matter_", matter_columns)).returning(Matter.id)
    event = insert(MatterEvent).values(values(MatterEvent, "event_", event_columns))
    if dialect != "postgresql":
        return matter, event.values(matter_id=bindparam("event_matter_id")).returning(MatterEvent.id)
    filed = matter.cte("filed")
    both = (event.values(matter_id=select(filed.c.id).scalar_subquery())
            .returning(MatterEvent.matter_id, MatterEvent.id).add_cte(filed))
    return (both,)


@functools.cache
def _resident_check():
    """The session in force, its user holding no role, their household and its building: built
    once, with bound parameters."""
    valid, unexpired = live_session(bindparam("session_id"), bindparam("generation"),
                                    bindparam("now", type_=UTCDateTime))
    return (select(User, Household, Building).select_from(AuthSession)
            .join(User, User.id == AuthSession.user_id)
            .join(HouseholdMember, HouseholdMember.user_id == User.id)
            .join(Household, Household.id == HouseholdMember.household_id)
            .join(Building, Building.id == Household.building_id)
            .where(valid, unexpired, ~exists().where(RoleAssignment.user_id == User.id)))


def fast_submit(claims, args, respond):
    """`submit`'s common case — a resident with no role reporting for their own household, in
    a built-in category, with neither photo nor voice note — in BEGIN, one statement that checks
    the session and finds the household (`live_session`), the matter and its first line, the
    idempotency record, COMMIT (app/hot_path.py). The answer is the matter as just filed: its
    timeline is that line, nothing else can refer to it yet; its building comes with the first
    statement. None for any other case: the regular path (`submit`) takes it."""
    if (args.get("on_behalf_of_household_id") is not None or args.get("photo_ids")
            or args.get("voice_note_id") is not None or args["category"] not in BUILTIN_CATEGORIES):
        return None
    row = db.session.execute(_resident_check(), {"session_id": str(claims.get("s")), "generation": claims.get("g"),
                                                 "now": utcnow()}).first()
    if row is None or args.get("building_id") not in (None, row.Household.building_id):
        return None
    user, household = row.User, row.Household
    known_resident(user, household)
    matter, event = _file(
        user, (household.community_id, household.grid_id, household.courtyard_id, household.building_id), household,
        None, args["title"], args["category"], args.get("description", ""), args.get("place_text", ""),
        args.get("latitude"), args.get("longitude"), (), None)
    response, record = respond(user.id, views.matter_view(matter, access.FULL, user, filed=event))
    if record is not None and db.session.connection().execute(*record).first() is None:
        return None
    return response


def check_text(user, text):
    """Text others will read at once (a comment, a budget proposal) goes through WeChat content
    security before it is saved, when WeChat is configured."""
    if current_app.config["WECHAT_APPID"] and wechat.text_is_risky(user.openid, text):
        raise ApiError(422, "content_risky", "内容可能含有不适宜公开的信息，请修改后再提交")
