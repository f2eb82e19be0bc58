"""The one permission check every endpoint uses.

`POLICY` says, per action, which roles may act and how a role's place must relate to the
target's place. Routes declare their action with `@requires(...)`; services that need a finer
check call `authorize()`. Admins may do everything. The decorator records the action on the
view (`view.permission`) so a table-driven test can walk every endpoint against every role.
"""
import enum
from dataclasses import dataclass
from functools import wraps
from itertools import chain

from flask import g, request
from sqlalchemy import event
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.util import identity_key

from app.auth.service import authenticate
from app.community.models import SCOPE_MODELS, HouseholdMember, Role, RoleAssignment
from app.errors import ApiError
from app.extensions import db


class Action(enum.StrEnum):
    VIEW_COMMUNITY = "community.view"
    CREATE_COMMUNITY = "community.create"
    MANAGE_PLACES = "places.manage"
    VIEW_HOUSEHOLDS = "households.view"        # flags, head's name and masked phone
    VIEW_PHONES = "households.view_phones"     # the phone in full, to call residents
    MANAGE_HOUSEHOLDS = "households.manage"
    ISSUE_JOIN_CODES = "join_codes.issue"
    GRANT_ROLES = "roles.grant"
    GRANT_OFFICIAL_ROLES = "roles.grant_official"  # admin, staff, department liaison
    IMPORT_ROSTER = "roster.import"
    MANAGE_DEPARTMENTS = "departments.manage"
    MANAGE_VOLUNTEER_TEAMS = "volunteer_teams.manage"
    VIEW_PUBLIC_MATTERS = "matters.view_public"  # major and minor ones, submitter masked
    VIEW_MATTERS = "matters.view"                # every matter, private ones included
    TRIAGE_MATTERS = "matters.triage"            # classify, assign, merge
    HANDLE_MATTERS = "matters.handle"            # progress and resolve what one is handling
    ESCALATE_MATTERS = "matters.escalate"        # refer up to the sub-district (街道)
    MANAGE_MATTER_CATEGORIES = "matter_categories.manage"
    ORGANIZE_MEETINGS = "meetings.organize"                      # for the buildings one heads
    ORGANIZE_COMMUNITY_MEETINGS = "meetings.organize_community"  # any scope, council, joint
    MANAGE_POLLS = "polls.manage"                # draft, open, cancel, close after the deadline
    ENTER_PAPER_BALLOTS = "polls.enter_paper"    # who may enter 纸质票 somewhere (per household: app/community/acting.py)
    SUPERVISE_POLLS = "polls.supervise"          # 监委会: confirm paper ballots, recount, objections
    VIEW_AUDIT = "audit.view"                    # the community's audit log and the chain's check
    KEEP_ACCOUNTS = "funds.keep"                 # open funds, record grants and spending, correct, publish statements
    VIEW_LEDGER = "funds.view_ledger"            # every entry, who contributed included
    SUPERVISE_FUNDS = "funds.supervise"          # 监委会: confirm statements, sign off funded projects
    MANAGE_BUDGETS = "budgets.manage"            # run participatory budget rounds and the 五议三不议 list
    REVIEW_PROPOSALS = "budgets.review"          # 议事会: feasibility, cost, out-of-scope refusals
    CARRY_OUT_PROJECTS = "budgets.carry_out"     # post progress on funded projects, mark them done


class Reach(enum.Enum):
    COVERS = "covers"  # the role's place is the target's place or one of its ancestors
    WITHIN = "within"  # the target's place is the role's place or one of its ancestors


@dataclass(frozen=True)
class Rule:
    roles: frozenset
    reach: Reach = Reach.COVERS


EVERY_ROLE = frozenset(Role) - {Role.ADMIN}
TRIAGE_ROLES = frozenset({Role.STAFF, Role.GRID_WORKER, Role.BUILDING_HEAD, Role.COUNCIL_MEMBER})

POLICY = {
    Action.VIEW_COMMUNITY: Rule(EVERY_ROLE, Reach.WITHIN),
    Action.CREATE_COMMUNITY: Rule(frozenset()),
    Action.MANAGE_PLACES: Rule(frozenset({Role.STAFF})),
    # A resident's grant is over their own household: they see its members (the head names the voter).
    Action.VIEW_HOUSEHOLDS: Rule(TRIAGE_ROLES | {Role.RESIDENT}),
    Action.VIEW_PHONES: Rule(frozenset({Role.STAFF, Role.GRID_WORKER, Role.BUILDING_HEAD})),
    Action.MANAGE_HOUSEHOLDS: Rule(frozenset({Role.STAFF})),
    Action.ISSUE_JOIN_CODES: Rule(frozenset({Role.STAFF, Role.GRID_WORKER, Role.BUILDING_HEAD})),
    Action.GRANT_ROLES: Rule(frozenset({Role.STAFF})),
    Action.GRANT_OFFICIAL_ROLES: Rule(frozenset()),
    Action.IMPORT_ROSTER: Rule(frozenset({Role.STAFF})),
    Action.MANAGE_DEPARTMENTS: Rule(frozenset()),
    Action.MANAGE_VOLUNTEER_TEAMS: Rule(frozenset({Role.STAFF})),
    Action.VIEW_PUBLIC_MATTERS: Rule(EVERY_ROLE, Reach.WITHIN),
    # A department's liaisons and a team's lead reach a matter only once it is referred to them.
    Action.VIEW_MATTERS: Rule(frozenset({Role.STAFF, Role.COUNCIL_MEMBER, Role.GRID_WORKER,
                                         Role.DEPARTMENT_LIAISON, Role.VOLUNTEER_LEAD})),
    Action.TRIAGE_MATTERS: Rule(frozenset({Role.STAFF, Role.COUNCIL_MEMBER})),
    Action.HANDLE_MATTERS: Rule(frozenset({Role.STAFF, Role.GRID_WORKER, Role.DEPARTMENT_LIAISON,
                                           Role.VOLUNTEER_LEAD})),
    Action.ESCALATE_MATTERS: Rule(frozenset({Role.STAFF})),
    Action.MANAGE_MATTER_CATEGORIES: Rule(frozenset({Role.STAFF})),
    Action.ORGANIZE_MEETINGS: Rule(frozenset({Role.STAFF, Role.BUILDING_HEAD})),
    Action.ORGANIZE_COMMUNITY_MEETINGS: Rule(frozenset({Role.STAFF})),
    Action.MANAGE_POLLS: Rule(frozenset({Role.STAFF, Role.OWNERS_COMMITTEE})),
    Action.ENTER_PAPER_BALLOTS: Rule(frozenset({Role.STAFF, Role.GRID_WORKER, Role.BUILDING_HEAD})),
    # Those who run a poll do not also confirm its paper ballots: that is the supervisors' check.
    Action.SUPERVISE_POLLS: Rule(frozenset({Role.SUPERVISOR})),
    Action.VIEW_AUDIT: Rule(frozenset({Role.STAFF, Role.SUPERVISOR})),
    # 131: the owners' committee decides how the money is spent, the supervisors watch how well.
    # Contributions are taken for a household under the acting rule (Act.CONTRIBUTE).
    Action.KEEP_ACCOUNTS: Rule(frozenset({Role.STAFF, Role.OWNERS_COMMITTEE})),
    Action.VIEW_LEDGER: Rule(frozenset({Role.STAFF, Role.OWNERS_COMMITTEE, Role.SUPERVISOR})),
    Action.SUPERVISE_FUNDS: Rule(frozenset({Role.SUPERVISOR})),
    Action.MANAGE_BUDGETS: Rule(frozenset({Role.STAFF})),
    Action.REVIEW_PROPOSALS: Rule(frozenset({Role.STAFF, Role.COUNCIL_MEMBER})),
    Action.CARRY_OUT_PROJECTS: Rule(frozenset({Role.STAFF, Role.OWNERS_COMMITTEE})),
}


@dataclass(frozen=True)
class Grant:
    """A role the user holds, with the path of the place it is held over."""

    role: Role
    scope_kind: str | None
    scope_id: int | None
    path: frozenset


def grants_of(user):
    """Every role the user holds, the implied resident role included. Cached per request. The
    places come in one query per kind of place held: heading thirty buildings costs what one does."""
    cache = g.setdefault("_grants", {})
    if user.id in cache:
        return cache[user.id]
    assignments = db.session.scalars(
        db.select(RoleAssignment).filter_by(user_id=user.id).order_by(RoleAssignment.id)).all()
    wanted = {}
    for assignment in assignments:
        if assignment.scope_kind:
            wanted.setdefault(assignment.scope_kind, set()).add(assignment.scope_id)
    places = {}
    for kind, ids in wanted.items():
        model = SCOPE_MODELS[kind]
        # What this request already loaded (often the very place being checked) costs no query.
        places.update({(kind, i): place for i in ids
                       if (place := db.session.identity_map.get(identity_key(model, i))) is not None})
        missing = [i for i in ids if (kind, i) not in places]
        if missing:
            places.update({(kind, place.id): place
                           for place in db.session.scalars(db.select(model).where(model.id.in_(missing)))})
    grants = []
    for assignment in assignments:
        kind = assignment.scope_kind
        place = places.get((kind, assignment.scope_id)) if kind else None
        if kind and place is None:
            continue  # its place was removed; the grant means nothing
        grants.append(Grant(Role(assignment.role), kind, assignment.scope_id,
                            place.scope_path if place else frozenset()))
    signed_in = g.get("_households", {})  # the sign-in read found the signed-in user's
    if user.id in signed_in:
        household = signed_in[user.id]
    else:
        household = membership.household if (membership := membership_of(user)) else None
    if household is not None:
        grants.append(_resident(household))
    cache[user.id] = grants
    return grants


def _resident(household):
    return Grant(Role.RESIDENT, "household", household.id, household.scope_path)


def known_resident(user, household):
    """This request's grants of a user found holding no role, living in `household` (or none):
    what `grants_of` would read, from the read that found them — the sign-in's (`current_user`),
    a hot path's first statement (app/matters/service/reporting.py)."""
    g.setdefault("_grants", {})[user.id] = [_resident(household)] if household is not None else []


@event.listens_for(db.session, "after_flush")
def _forget_grants(session, _flush_context):
    """Grants are read once per request: one that changes someone's household or roles (a join
    code used, a role granted) reads them again."""
    if ("_grants" in g or "_households" in g) and any(
            isinstance(changed, (HouseholdMember, RoleAssignment))
            for changed in chain(session.new, session.dirty, session.deleted)):
        g.pop("_grants", None)
        g.pop("_households", None)


def membership_of(user):
    """The user's HouseholdMember row (a user belongs to at most one household) with its
    household, or None."""
    return db.session.scalar(db.select(HouseholdMember).filter_by(user_id=user.id)
                             .options(joinedload(HouseholdMember.household)))


def household_id_of(user):
    """The id of the household the user lives in (None if none), from the grants already read
    for this request."""
    return next((grant.scope_id for grant in grants_of(user) if grant.role is Role.RESIDENT), None)


def is_admin(user):
    return any(grant.role is Role.ADMIN for grant in grants_of(user))


def can(user, action, target=None):
    """May `user` do `action` to `target` (a place, or anything with a `scope_path`)?"""
    if is_admin(user):
        return True
    rule = POLICY[action]
    target_path = target.scope_path if target is not None else frozenset()
    for grant in grants_of(user):
        if grant.role not in rule.roles:
            continue
        if rule.reach is Reach.COVERS and (grant.scope_kind, grant.scope_id) in target_path:
            return True
        if rule.reach is Reach.WITHIN and target_path and target_path <= grant.path:
            return True
    return False


def holds(user, action):
    """Does `user` hold a role that may do `action` anywhere (for checks over no one place)?"""
    return is_admin(user) or any(grant.role in POLICY[action].roles for grant in grants_of(user))


def can_somewhere_in(user, action, place):
    """May `user` do `action` to something inside `place` (a building head, within their
    community)? For showing a button; the act itself is checked with `can` on its target."""
    if is_admin(user):
        return True
    return any(grant.role in POLICY[action].roles and place.scope_path <= grant.path for grant in grants_of(user))


def allows(check, *args):
    """Would `check(*args)` let the action through? For the `can` flags a view shows: computed
    by the very check that enforces the action, so the two cannot drift."""
    try:
        check(*args)
    except ApiError:
        return False
    return True


def authorize(user, action, target=None):
    if not can(user, action, target):
        raise ApiError(403, "forbidden", "没有权限进行此操作", details={"action": str(action)})


def current_user():
    """The signed-in user of this request (401 if none)."""
    user = g.get("user")
    if user is None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "unauthorized", "请先登录")
        user, auth_session, household, holds_roles, helps = authenticate(token.strip())
        g.user, g.auth_session = user, auth_session
        if holds_roles:  # their roles are read when asked; their household is known
            g.setdefault("_households", {})[user.id] = household
        else:
            known_resident(user, household)
        if not helps:
            from app.community import acting  # acting imports this module
            acting.known_no_links(user)
    return user


def requires(action=None, target=None):
    """Sign-in required; with `action`, also permission over `target(**view_args)`.

    `target` loads the object the request acts on (404 when missing), so the check and the
    404 come before any work.
    """
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if action is not None:
                authorize(user, action, target(**kwargs) if target else None)
            return view(*args, **kwargs)

        wrapper.permission = action
        return wrapper

    return decorator


def get_or_404(model, ident, message="内容不存在"):
    obj = db.session.get(model, ident)
    if obj is None:
        raise ApiError(404, "not_found", message)
    return obj

