"""Reporting a matter: the categories it is filed under, the submission (or 走访登记 for a
household), and the content check of text others will read."""
from flask import current_app
from sqlalchemy import select

from app import wechat
from app.audit import service as audit
from app.auth.permissions import Action, can, membership_of
from app.community import acting
from app.community.models import Building, Community
from app.errors import ApiError, invalid
from app.extensions import db
from app.matters import photos, voice
from app.matters.models import BUILTIN_CATEGORIES, Matter, MatterCategory, MatterEvent, MatterStatus

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
    with one, the title may be left empty (VOICE_TITLE is shown)."""
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
    if title != VOICE_TITLE or description or place_text:
        check_text(user, f"{title}\n{description}\n{place_text}")
    matter = Matter(
        community_id=community.id, grid_id=building.grid_id, courtyard_id=building.courtyard_id,
        building_id=building.id, household_id=household.id if household else None,
        submitter_id=user.id, recorded_by_id=user.id if agency else None,
        recorded_as=agency.role if agency else None, title=title, description=description,
        category=category, place_text=place_text, latitude=latitude, longitude=longitude,
        status=MatterStatus.SUBMITTED,
    )
    db.session.add(matter)
    db.session.flush()
    db.session.add(MatterEvent(matter_id=matter.id, action="submit", actor_id=user.id,
                               status_to=MatterStatus.SUBMITTED,
                               note=(RECORDED_NOTES.get(agency.role, RECORDED_NOTE) if agency else ""),
                               data={"on_behalf": bool(agency), **({"acting": agency.details()} if agency else {})}))
    photos.attach(user, photo_ids, matter)
    voice.attach(user, voice_note_id, matter)
    if agency:
        audit.record(user, "matter.recorded_for", "matter", matter.id, community_id=community.id,
                     household_id=household.id, title=title, acting=agency.details())
    db.session.flush()
    return matter


def check_text(user, text):
    """Text others will read goes through WeChat content security when WeChat is configured."""
    if current_app.config["WECHAT_APPID"] and wechat.text_is_risky(user.openid, text):
        raise ApiError(422, "content_risky", "内容可能含有不适宜公开的信息，请修改后再提交")
