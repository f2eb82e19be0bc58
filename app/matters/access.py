"""Who may do what to one matter: the checks the services enforce and the `can` flags the
matter's view shows, from the same functions, so a button is shown exactly when pressing it works.

The roles' policy is app/auth/permissions.py (`can`); this adds what concerns one matter and
one user: whose matter it is, who handles it, and what its status allows (TRANSITIONS).
"""
from dataclasses import dataclass

from sqlalchemy import or_, select

from app.auth.permissions import Action, authorize, can, grants_of, household_id_of, is_admin
from app.community import acting
from app.community.models import Community, Household, Role, RoleAssignment
from app.errors import ApiError
from app.extensions import db
from app.matters.models import TRANSITIONS, HandlerType, Matter, MatterClass

FULL, PUBLIC = "full", "public"


def require_categories(user, community):
    """Reading a community's categories: anyone within it, and a family helper who may report
    for one of its households (a relative living elsewhere files the report for it)."""
    if can(user, Action.VIEW_PUBLIC_MATTERS, community):
        return
    helped = acting.helped(user, acting.Act.REPORT)
    if helped and db.session.scalar(select(Household.id).where(
            Household.id.in_(helped), Household.community_id == community.id).limit(1)) is not None:
        return
    authorize(user, Action.VIEW_PUBLIC_MATTERS, community)


def lives_there(user, matter):
    """Someone living in the household the matter concerns."""
    return matter.household_id is not None and household_id_of(user) == matter.household_id


def is_household(user, matter):
    """The submitter, the one who recorded it, or someone living in the household it concerns. A
    family helper who recorded it is none of these: they follow it while their link lasts (`follows`)."""
    if lives_there(user, matter):
        return True
    return matter.recorded_as != acting.HELPER and user.id in (matter.submitter_id, matter.recorded_by_id)


def follows(user, matter):
    """A family helper of the household with the right to follow its matters (app/community/acting.py)."""
    return matter.household_id is not None and \
        acting.agency(user, matter.household, acting.Act.FOLLOW) is not None


def rates_on_behalf(user, matter):
    """Rating for a household one recorded the matter for (走访登记) and does not live in."""
    return is_household(user, matter) and user.id == matter.recorded_by_id and not lives_there(user, matter)


def is_staff(user, target):
    """The community's staff (and admins) over `target` (a matter or a place): those who answer
    for what the community shows its residents."""
    return is_admin(user) or any(grant.role is Role.STAFF and (grant.scope_kind, grant.scope_id) in target.scope_path
                                 for grant in grants_of(user))


def view_level(user, matter):
    """FULL for the household, its family helpers, the submitter and those who triage or handle it;
    PUBLIC (submitter masked) for the community's residents once it is classified major or minor;
    else None. A matter whose text WeChat has not passed (`held_back`: being checked, or risky) is
    the household's and the staff's alone: council members, grid workers and building heads are
    residents too, and read nothing before WeChat has."""
    if matter.held_back:
        return FULL if is_household(user, matter) or is_staff(user, matter) or follows(user, matter) else None
    if is_household(user, matter) or can(user, Action.VIEW_MATTERS, matter) or follows(user, matter):
        return FULL
    if matter.matter_class in (MatterClass.MAJOR, MatterClass.MINOR) and \
            can(user, Action.VIEW_PUBLIC_MATTERS, db.session.get(Community, matter.community_id)):
        return PUBLIC
    return None


def get_visible(user, matter_id):
    """The matter if `user` may see it; 404 otherwise (a private matter's existence is private).
    Every action on a matter starts here: whoever sees it may comment."""
    matter = db.session.get(Matter, matter_id)
    level = view_level(user, matter) if matter is not None else None
    if level is None:
        raise ApiError(404, "not_found", "诉求不存在")
    return matter, level


def is_handler(user, matter):
    """Those who handle matters where it lies or was referred, and the household of a private
    matter left to the resident."""
    own_private = matter.handler_type == HandlerType.RESIDENT and is_household(user, matter)
    return own_private or can(user, Action.HANDLE_MATTERS, matter)


# Who acts for a handler named by kind: the role, and the matter's column holding the place
# (department, team, community) the role must be held over. A grid worker is named in person
# (handler_user_id); a resident group or market service is named outside the system, and the
# committee follows it up; a private matter left to the resident is the household's own.
ACTS_FOR = {
    HandlerType.DEPARTMENT: (Role.DEPARTMENT_LIAISON, "handler_department_id"),
    HandlerType.VOLUNTEER_TEAM: (Role.VOLUNTEER_LEAD, "handler_team_id"),
    HandlerType.COMMITTEE: (Role.STAFF, "community_id"),
    HandlerType.RESIDENT_GROUP: (Role.STAFF, "community_id"),
    HandlerType.MARKET: (Role.STAFF, "community_id"),
}


def grid_worker_for(user_id, matter):
    """Does `user_id` hold the grid-worker role over the matter's grid? Only such a person can be
    named its handler: whoever else would be named could neither see the matter nor act on it."""
    return db.session.scalar(select(RoleAssignment.id).where(
        RoleAssignment.user_id == user_id, RoleAssignment.role == Role.GRID_WORKER,
        RoleAssignment.scope_id == matter.grid_id).limit(1)) is not None


def handler_user_ids(matter):
    """Those who act as the matter's handler: the person named, and whoever holds the role
    that acts for its kind of handler over its department, team or community."""
    ids = {matter.handler_user_id} if matter.handler_user_id else set()
    if matter.handler_type in ACTS_FOR:
        role, column = ACTS_FOR[HandlerType(matter.handler_type)]
        ids |= set(db.session.scalars(select(RoleAssignment.user_id).where(
            RoleAssignment.role == role, RoleAssignment.scope_id == getattr(matter, column))))
    return ids


def handled_by(user):
    """The SQL condition `handler_user_ids` answers the other way round: matters `user` handles."""
    conditions = [Matter.handler_user_id == user.id]
    for handler_type, (role, column) in ACTS_FOR.items():
        scopes = sorted({grant.scope_id for grant in grants_of(user) if grant.role is role})
        if scopes:
            conditions.append((Matter.handler_type == handler_type) & getattr(Matter, column).in_(scopes))
    return or_(*conditions)


def may_rate(user, matter):
    """The household rates the handling (群众评议). Whoever recorded the matter for it (走访登记)
    may rate on its behalf — but not work they handle themselves: nobody rates their own."""
    if rates_on_behalf(user, matter):
        return not is_handler(user, matter)
    return is_household(user, matter)


def may_rate_for(user, matter):
    """Rating for the household by whoever may act for it (its building head, grid worker, staff, a
    helper following its matters: app/community/acting.py), naming it (`on_behalf_of_household_id`);
    never work one acts as the handler of (`handler_user_ids`)."""
    return matter.household_id is not None and \
        acting.agency(user, matter.household, acting.Act.EVALUATE) is not None and \
        user.id not in handler_user_ids(matter)


# Triage waits for WeChat's verdict on the text: a matter held back is not sorted, nor merged into.
AWAIT_VERDICT = frozenset({"classify", "merge"})


def awaits_verdict(matter, step):
    return step in AWAIT_VERDICT and matter.held_back


def status_allows(matter, step):
    """Does TRANSITIONS let `step` start from the matter's status (and its text check, AWAIT_VERDICT)?"""
    return matter.status in TRANSITIONS[step][0] and not awaits_verdict(matter, step)


@dataclass(frozen=True)
class Rule:
    """Who may take an action (a policy action, or a check of the matter's people; None: whoever
    sees it), the 403's message, and the TRANSITIONS step whose statuses it may start from."""

    who: object  # an Action, a check (user, matter) → bool, or None
    step: str
    refusal: str | None = None  # None: the policy's own "没有权限进行此操作"


HANDLER_ONLY = "只有承办人可以更新办理情况"

RULES = {
    "classify": Rule(Action.TRIAGE_MATTERS, "classify"),
    "reclassify": Rule(Action.TRIAGE_MATTERS, "reclassify"),
    "class_votes": Rule(Action.TRIAGE_MATTERS, "classify"),  # "reclassify" once classified: `step`
    "assign": Rule(Action.TRIAGE_MATTERS, "assign"),
    "merge": Rule(Action.TRIAGE_MATTERS, "merge"),
    "progress": Rule(is_handler, "progress", HANDLER_ONLY),
    "resolve": Rule(is_handler, "resolve", HANDLER_ONLY),
    "escalate": Rule(Action.ESCALATE_MATTERS, "escalate"),
    "evaluate": Rule(may_rate, "accept", "只有反映诉求的住户可以评议，承办人不能评议自己办理的诉求"),  # reopen starts alike
    "evaluate_for": Rule(may_rate_for, "accept", "代为评议须由这户的楼栋长、网格员、社区工作人员或获授权的家属提出，"
                                                 "承办人不能评议自己办理的诉求"),
    "withdraw": Rule(is_household, "withdraw", "只有反映诉求的居民可以撤回"),
    "comment": Rule(None, "comment"),
}


def step(matter, action):
    """The TRANSITIONS step `action` takes on this matter: a council vote classifies an
    unclassified matter and reclassifies a classified one."""
    if action == "class_votes" and matter.matter_class is not None:
        return "reclassify"
    return RULES[action].step


def permitted(user, matter, action):
    """May `user` take `action` on `matter` (which they see), whatever its status?"""
    who = RULES[action].who
    if who is None:
        return True
    return can(user, who, matter) if isinstance(who, Action) else who(user, matter)


def require(user, matter, action):
    """403 unless `permitted`; the status is the transition's to refuse (409)."""
    if not permitted(user, matter, action):
        rule = RULES[action]
        raise ApiError(403, "forbidden", rule.refusal,
                       details={"action": str(rule.who)} if isinstance(rule.who, Action) else None)


def flags(user, matter):
    """The matter view's `can`: for each action, whether `user` may take it now."""
    return {action: permitted(user, matter, action) and status_allows(matter, step(matter, action))
            for action in RULES}
