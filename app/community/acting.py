"""代办: the one rule for acting for a household — "may user U do act A for household H, and as
what?" — used by every act a resident could do themselves: report a matter, evaluate it, answer
a meeting invitation, be signed in at a meeting, have a paper or proxy ballot entered.

Two kinds of people act for a household:
- those who look after it: its building head, its grid worker, the community's staff (and
  admins) — every act, refused outside the place they hold their role over;
- a relative its head linked as a family helper (子女代办, app/community/helpers.py) — only the
  acts their stated rights name, and only while the link lasts. A helper never votes: they may be
  the named proxy of a proxy ballot that a building head enters (README: Polls).

Whoever lives in the household acts for themselves, never "on behalf" (403 if they name it). The answer, an `Agency`,
says who acted and as what; each act stores it (`as_` columns, timeline data, audit details) so
the household and the supervisors see who did it for whom.
"""
import enum
from dataclasses import dataclass

from flask import g
from sqlalchemy import or_, select

from app.auth.permissions import grants_of, household_id_of, is_admin
from app.community.models import Household, HelperRight, HouseholdHelper, Role, live_link
from app.errors import ApiError, invalid
from app.extensions import db


class Act(enum.StrEnum):
    REPORT = "report"                # report a matter for the household (走访登记)
    FOLLOW = "follow"                # read the household's matters in full
    EVALUATE = "evaluate"            # rate a resolved matter (群众评议)
    REPLY = "reply"                  # answer a meeting invitation
    CHECK_IN = "check_in"            # be signed in at a meeting
    PAPER_BALLOT = "paper_ballot"    # a paper ballot or proxy vote entered for it
    LINK_HELPER = "link_helper"      # link or unlink a family helper, on the household's written consent
    ELDER_MODE = "elder_mode"        # open the household's phones in large type (长辈模式)
    SMS_CONSENT = "sms_consent"      # record its consent to SMS notices, as the resident gave it
    CONTRIBUTE = "contribute"        # take its contribution to a fund (cash, with a receipt photo) or record a transfer
    BUDGET_BALLOT = "budget_ballot"  # enter its participatory-budget ballot (an elder without a phone)


ACT_LABELS = {
    Act.REPORT: "反映问题", Act.FOLLOW: "查看诉求", Act.EVALUATE: "评议", Act.REPLY: "回复会议",
    Act.CHECK_IN: "签到", Act.PAPER_BALLOT: "录入纸质票或委托投票", Act.LINK_HELPER: "绑定或解除家属代办",
    Act.ELDER_MODE: "设长辈模式", Act.SMS_CONSENT: "登记短信通知", Act.CONTRIBUTE: "登记自筹款",
    Act.BUDGET_BALLOT: "录入预算投票",
}

HELPER = "helper"
# Those who look after households, nearest first: the one named when several roles cover a household.
LOOKING_AFTER = (Role.BUILDING_HEAD, Role.GRID_WORKER, Role.STAFF)
AS_LABELS = {Role.BUILDING_HEAD.value: "楼栋长", Role.GRID_WORKER.value: "网格员", Role.STAFF.value: "社区工作人员",
             Role.ADMIN.value: "系统管理员", HELPER: "家属", "organizer": "会议组织者",
             "recorder": "代为登记人"}  # the last two: organisers, and recorders before roles were kept

# Which acts each may do: those who look after a household, all but none; a helper, per right.
HELPER_RIGHT_FOR = {
    Act.REPORT: HelperRight.REPORT_AND_FOLLOW,
    Act.FOLLOW: HelperRight.REPORT_AND_FOLLOW,
    Act.EVALUATE: HelperRight.REPORT_AND_FOLLOW,
    Act.REPLY: HelperRight.REPLY_MEETINGS,
}
OFFICIAL_ACTS = frozenset(Act) - {Act.FOLLOW}  # their own roles say which matters they read


@dataclass(frozen=True)
class Agency:
    """`user_id` acts for `household_id` as `role` (a Role value, or "helper" with `helper_id`)."""

    user_id: int
    household_id: int
    role: str
    helper_id: int | None = None

    def details(self):
        """What an audit entry or a timeline line keeps of it."""
        return {"by_user_id": self.user_id, "household_id": self.household_id, "as": self.role,
                **({"helper_id": self.helper_id} if self.helper_id else {})}


def label(name, role):
    """How the household reads it: 由张三（楼栋长）代办."""
    return f"由{name or '他人'}（{AS_LABELS.get(role, role)}）代办"


def helper_links(user):
    """The user's live helper links by household id, read once per request."""
    cache = g.setdefault("_helper_links", {})
    if user.id not in cache:
        cache[user.id] = {link.household_id: link for link in db.session.scalars(
            select(HouseholdHelper).where(live_link(user.id)))}
    return cache[user.id]


def known_no_links(user):
    """The sign-in read found the user helping no household (`permissions.current_user`)."""
    g.setdefault("_helper_links", {})[user.id] = {}


def forget_links(user_id):
    """After a link is made or revoked in this request."""
    g.get("_helper_links", {}).pop(user_id, None)


def _looks_after(user, household):
    """The role `user` looks after `household` as (the nearest), or None."""
    if is_admin(user):
        return Role.ADMIN.value
    held = {grant.role for grant in grants_of(user)
            if grant.role in LOOKING_AFTER and (grant.scope_kind, grant.scope_id) in household.scope_path}
    return next((role.value for role in LOOKING_AFTER if role in held), None)


def agency(user, household, act):
    """How `user` may do `act` for `household` (an Agency), or None. Members of the household act
    for themselves: None for them too (`lives_in`)."""
    act = Act(act)
    if lives_in(user, household.id):
        return None
    if act in OFFICIAL_ACTS and (role := _looks_after(user, household)):
        return Agency(user.id, household.id, role)
    link = helper_links(user).get(household.id)
    right = HELPER_RIGHT_FOR.get(act)
    if link is not None and right is not None and getattr(link, right.value):
        return Agency(user.id, household.id, HELPER, link.id)
    return None


def require(user, household, act):
    """The Agency, or the 403 saying why not."""
    found = agency(user, household, act)
    if found is not None:
        return found
    act = Act(act)
    if lives_in(user, household.id):
        raise ApiError(403, "own_household", "您是这户的成员，请直接办理，无需代办",
                       details={"act": act.value, "household_id": household.id})
    link = helper_links(user).get(household.id)
    if link is not None:
        message = f"这户没有授权您{ACT_LABELS[act]}" if act in HELPER_RIGHT_FOR else \
            f"家属不能代为{ACT_LABELS[act]}，请联系楼栋长或网格员"
        raise ApiError(403, "not_authorized_by_household", message,
                       details={"act": act.value, "household_id": household.id})
    raise ApiError(403, "not_acting_for_household",
                   f"不能代这户{ACT_LABELS[act]}：这户不在您负责的楼栋或网格内，也没有授权您代办",
                   details={"act": act.value, "household_id": household.id})


def lives_in(user, household_id):
    return household_id is not None and household_id_of(user) == household_id


def on_behalf(user, household_id, act):
    """For an act that names the household it is for (`on_behalf_of_household_id`): (household,
    Agency), or the 422 (no such household) or 403."""
    household = db.session.get(Household, household_id)
    if household is None:
        raise invalid("on_behalf_of_household_id", "代办的住户不存在")
    return household, require(user, household, act)


def looked_after(user):
    """SQL over Household: the households `user` looks after (False: none; None: all, an admin)."""
    if is_admin(user):
        return None
    columns = {Role.BUILDING_HEAD: Household.building_id, Role.GRID_WORKER: Household.grid_id,
               Role.STAFF: Household.community_id}
    scopes = {}
    for grant in grants_of(user):
        if grant.role in columns:
            scopes.setdefault(grant.role, set()).add(grant.scope_id)
    if not scopes:
        return False
    return or_(*(columns[role].in_(sorted(ids)) for role, ids in scopes.items()))


def helped(user, act=None):
    """Ids of the households `user` is a live helper of (with the right `act` needs, if given)."""
    if act is None:
        return sorted(helper_links(user))
    right = HELPER_RIGHT_FOR.get(Act(act))
    return sorted(household_id for household_id, link in helper_links(user).items()
                  if right is not None and getattr(link, right.value))


def notice_helpers(household_id):
    """SQL: the users to tell beside a household's members — its live helpers with the right to
    receive its notices. `household_id`: a column or value to match HouseholdHelper.household_id."""
    return select(HouseholdHelper.user_id).where(
        HouseholdHelper.household_id == household_id, HouseholdHelper.revoked_at.is_(None),
        HouseholdHelper.receive_notices.is_(True))
