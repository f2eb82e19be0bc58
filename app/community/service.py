"""Rules for places, households, memberships and roles. No request, no g: callable from
routes, CLI commands, jobs and tests alike. `actor` is the user acting (None: an operator
at the command line)."""
import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import and_, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit import service as audit
from app.community import acting
from app.auth.models import User
from app.auth.permissions import Action, allows, authorize, can, grants_of, is_admin, membership_of
from app.auth.service import user_names
from app.community.models import (SCOPE_MODELS, Building, Community, Courtyard, Department, Grid,
                                  Household, HouseholdMember, JoinCode, Role, RoleAssignment,
                                  ROLE_SCOPE, VolunteerTeam)
from app.errors import ApiError, invalid
from app.extensions import db
from app.models_base import PHONE_PATTERN, utcnow

# No 0/O, 1/I/L: codes are read aloud to elderly residents and typed on small screens.
JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_LENGTH = 8
PHONE = re.compile(PHONE_PATTERN)
# Roles that reach beyond one community's internal affairs: only an admin grants them.
OFFICIAL_ROLES = {Role.ADMIN, Role.STAFF, Role.DEPARTMENT_LIAISON}
# Household fields that identify a person: audit entries name them without their values.
PERSONAL_FIELDS = {"head_name", "head_phone", "owner_ref"}


def _conflict_on_duplicate(message):
    """Flush, turning a unique-constraint violation into a clear 409 (the edge rolls back)."""
    try:
        db.session.flush()
    except IntegrityError:
        raise ApiError(409, "duplicate", message) from None


# ---- places --------------------------------------------------------------------------------

def create_community(name, district=None, subdistrict=None, actor=None):
    community = Community(name=name, district=district, subdistrict=subdistrict)
    db.session.add(community)
    _conflict_on_duplicate(f"社区“{name}”已存在")
    audit.record(actor, "community.create", "community", community.id, community_id=community.id, name=name)
    return community


def communities_for(user):
    """Communities the user may look at: all for admins, else those of their roles and home."""
    query = db.select(Community)
    if not is_admin(user):
        ids = {place_id for grant in grants_of(user) for kind, place_id in grant.path if kind == "community"}
        query = query.where(Community.id.in_(ids))
    return query


def add_grid(community, name, actor=None):
    grid = Grid(community_id=community.id, name=name)
    db.session.add(grid)
    _conflict_on_duplicate(f"网格“{name}”已存在")
    audit.record(actor, "grid.create", "grid", grid.id, community_id=community.id, name=name)
    return grid


def add_courtyard(grid, name, actor=None):
    courtyard = Courtyard(community_id=grid.community_id, grid_id=grid.id, name=name)
    db.session.add(courtyard)
    _conflict_on_duplicate(f"院落“{name}”已存在")
    audit.record(actor, "courtyard.create", "courtyard", courtyard.id, community_id=grid.community_id, name=name)
    return courtyard


def add_building(courtyard, name, actor=None):
    building = Building(community_id=courtyard.community_id, grid_id=courtyard.grid_id,
                        courtyard_id=courtyard.id, name=name)
    db.session.add(building)
    _conflict_on_duplicate(f"楼栋“{name}”已存在")
    audit.record(actor, "building.create", "building", building.id, community_id=courtyard.community_id, name=name)
    return building


def community_tree(community):
    """The community with its grids, courtyards and buildings, in three queries."""
    grids = db.session.scalars(db.select(Grid).filter_by(community_id=community.id).order_by(Grid.id)).all()
    courtyards = db.session.scalars(
        db.select(Courtyard).filter_by(community_id=community.id).order_by(Courtyard.id)).all()
    buildings = db.session.scalars(
        db.select(Building).filter_by(community_id=community.id).order_by(Building.id)).all()
    by_courtyard = {}
    for building in buildings:
        by_courtyard.setdefault(building.courtyard_id, []).append(building)
    by_grid = {}
    for courtyard in courtyards:
        by_grid.setdefault(courtyard.grid_id, []).append(
            {"id": courtyard.id, "name": courtyard.name, "buildings": by_courtyard.get(courtyard.id, [])})
    return {
        "id": community.id, "name": community.name, "district": community.district,
        "subdistrict": community.subdistrict,
        "grids": [{"id": grid.id, "name": grid.name, "courtyards": by_grid.get(grid.id, [])}
                  for grid in grids],
    }


# ---- households ----------------------------------------------------------------------------

def normalize_phone(phone):
    if phone is None:
        return None
    phone = re.sub(r"[\s()]", "", str(phone))
    if not phone:
        return None
    if not PHONE.match(phone):
        raise ValueError("电话号码格式不正确")
    return phone


def create_household(building, actor=None, **fields):
    household = Household(community_id=building.community_id, grid_id=building.grid_id,
                          courtyard_id=building.courtyard_id, building_id=building.id)
    _assign_household_fields(household, fields)
    db.session.add(household)
    _conflict_on_duplicate("该楼栋已有相同单元和房号的住户")
    audit_household(actor, household, "create", dict.fromkeys(fields))
    return household


def update_household(household, actor=None, **fields):
    before = {name: getattr(household, name) for name in fields}
    _assign_household_fields(household, fields)
    _conflict_on_duplicate("该楼栋已有相同单元和房号的住户")
    audit_household(actor, household, "update", before)
    return household


def set_elder_mode(actor, household, on):
    """Its members, and those who look after it (a building head for an elder without the
    knack of settings), switch the household's phones to large type."""
    if not acting.lives_in(actor, household.id):
        acting.require(actor, household, acting.Act.ELDER_MODE)
    before = {"elder_mode": household.elder_mode}
    household.elder_mode = on
    audit_household(actor, household, "update", before)
    return {"elder_mode": household.elder_mode}


def audit_household(actor, household, action, before=None, **details):
    """An audit entry on the household. With `before` ({field: value before}), the fields that
    changed: values of those that place the household and weigh its vote (floor area, flags),
    only the names of those that identify a person (PERSONAL_FIELDS): an entry outlives an
    erased account, and no phone number goes into the log in clear."""
    if before is not None:
        changed = {name: [old, getattr(household, name)] for name, old in before.items()
                   if old != getattr(household, name)}
        details["changes"] = {name: [str(v) if isinstance(v, Decimal) else v for v in values]
                              for name, values in changed.items() if name not in PERSONAL_FIELDS}
        details["personal_fields_changed"] = sorted(changed.keys() & PERSONAL_FIELDS)
    audit.record(actor, f"household.{action}", "household", household.id, community_id=household.community_id,
                 **details)


def _assign_household_fields(household, fields):
    if "head_phone" in fields:
        try:
            fields["head_phone"] = normalize_phone(fields["head_phone"])
        except ValueError as exc:
            raise invalid("head_phone", str(exc)) from None
    for name, value in fields.items():
        setattr(household, name, value)


def mask_phone(phone):
    if not phone:
        return phone
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def household_view(household, viewer):
    return {
        "id": household.id, "community_id": household.community_id,
        "building_id": household.building_id, "building_name": household.building.name,
        "unit": household.unit, "room": household.room, "floor_area": household.floor_area,
        "head_name": household.head_name,
        "head_phone": (household.head_phone if can(viewer, Action.VIEW_PHONES, household)
                       else mask_phone(household.head_phone)),
        "elderly_alone": household.elderly_alone, "disabled": household.disabled,
        "low_income": household.low_income, "owner_ref": household.owner_ref,
        "developer_held": household.developer_held, "elder_mode": household.elder_mode,
        "members": [{"user_id": m.user_id, "name": m.user.name, "is_head": m.is_head, "is_voter": m.is_voter}
                    for m in household.members],
        "can_designate_voter": allows(check_designate_voter, viewer, household),
        "can_issue_join_codes": can(viewer, Action.ISSUE_JOIN_CODES, household),
    }


def households_in(building):
    """A building's households with members and their users loaded up front: a page costs a
    fixed number of queries however many households or members it holds."""
    return db.select(Household).filter_by(building_id=building.id).options(
        selectinload(Household.members).selectinload(HouseholdMember.user),
        selectinload(Household.building))


def join_code_hash(code):
    return hashlib.sha256(code.encode()).hexdigest()


def normalize_join_code(code):
    return re.sub(r"[\s-]", "", code).upper()


def is_join_code(join_code, code):
    """Is `code` (as typed) the one `join_code` was issued with? In constant time."""
    return hmac.compare_digest(join_code.code_hash.encode(), join_code_hash(normalize_join_code(code)).encode())


# ---- one-time codes: join codes (JoinCode) and helper codes (HelperCode, app/community/helpers.py) --

def new_code():
    """A fresh one-time code, its hash (all that is stored) and when it expires: (code, hash, expires_at)."""
    code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
    return code, join_code_hash(code), utcnow() + timedelta(days=current_app.config["JOIN_CODE_TTL_DAYS"])


def find_code(model, code):
    """The row of `model` issued with `code` as typed (spaces, dashes, lower case forgiven), or None."""
    return db.session.scalar(db.select(model).filter_by(code_hash=join_code_hash(normalize_join_code(code))))


def spend_code(row, user):
    """Mark `row` used by `user` with a conditional UPDATE, so two phones racing with one code get
    one use. False when it was used already or has expired."""
    model, now = type(row), utcnow()
    return db.session.execute(
        db.update(model).where(model.id == row.id, model.used_at.is_(None), model.expires_at > now)
        .values(used_at=now, used_by_id=user.id)).rowcount == 1


def issue_join_code(household, issued_by, as_head=False):
    """A fresh one-time code; returns (code, its row). Only its hash is stored."""
    code, code_hash, expires_at = new_code()
    join_code = JoinCode(code_hash=code_hash, household_id=household.id, as_head=as_head,
                         issued_by_id=issued_by.id if issued_by else None, expires_at=expires_at)
    db.session.add(join_code)
    db.session.flush()
    audit_household(issued_by, household, "join_code_issue", join_code_id=join_code.id, as_head=as_head)
    return code, join_code


def revoke_join_code(join_code, actor=None):
    """Withdraw an issued code before anyone uses it (a conditional DELETE: a code spent at the
    same moment stays spent)."""
    deleted = db.session.execute(
        db.delete(JoinCode).where(JoinCode.id == join_code.id, JoinCode.used_at.is_(None))
        .execution_options(synchronize_session=False)).rowcount
    if deleted != 1:
        raise ApiError(409, "join_code_used", "入户码已经使用，不能作废")
    household = db.session.get(Household, join_code.household_id)
    audit_household(actor, household, "join_code_revoke", join_code_id=join_code.id)
    db.session.expunge(join_code)


def outstanding_join_codes(household):
    """Codes issued for the household that nobody has used and that have not expired: what a
    building head may still revoke (a code handed to the wrong person, or lost)."""
    return db.select(JoinCode).where(JoinCode.household_id == household.id, JoinCode.used_at.is_(None),
                                     JoinCode.expires_at > utcnow())


def join_code_views(codes):
    """A page of codes with the name of whoever issued each, in one more query."""
    names = user_names(c.issued_by_id for c in codes)
    return [{"id": c.id, "household_id": c.household_id, "as_head": c.as_head, "issued_at": c.created_at,
             "expires_at": c.expires_at, "issued_by_name": names.get(c.issued_by_id)} for c in codes]


def join_with_code(user, code):
    """Use a join code. The code is spent by a conditional UPDATE, so two phones racing with
    one code get one membership; the membership and the spent code commit together."""
    join_code = find_code(JoinCode, code)
    if join_code is None:
        raise ApiError(404, "join_code_invalid", "入户码不正确，请核对后重新输入")
    if membership_of(user) is not None:
        raise ApiError(409, "already_member", "您已绑定住户，如需更换请联系社区工作人员")
    if not spend_code(join_code, user):
        raise ApiError(410, "join_code_expired", "入户码已使用或已过期，请向楼栋长重新索取")
    household = db.session.get(Household, join_code.household_id)
    membership = _add_member(household, user, join_code.as_head, join_code.issued_by_id)
    audit_household(user, household, "join", join_code_id=join_code.id, is_head=join_code.as_head)
    return membership


def add_member(household, user, is_head=False, added_by=None):
    if membership_of(user) is not None:
        raise ApiError(409, "already_member", "该用户已绑定住户")
    membership = _add_member(household, user, is_head, added_by.id if added_by else None)
    audit_household(added_by, household, "member_add", user_id=user.id, is_head=is_head)
    return membership


def _add_member(household, user, is_head, added_by_id):
    membership = HouseholdMember(household_id=household.id, user_id=user.id, is_head=is_head,
                                 added_by_id=added_by_id)
    db.session.add(membership)
    try:
        db.session.flush()
    except IntegrityError:
        raise ApiError(409, "already_member" if not is_head else "household_has_head",
                       "该用户已绑定住户" if not is_head else "该住户已有户主") from None
    return membership


def remove_member(household, user_id, actor=None):
    membership = db.session.scalar(
        db.select(HouseholdMember).filter_by(household_id=household.id, user_id=user_id))
    if membership is None:
        raise ApiError(404, "not_found", "该用户不是此住户成员")
    db.session.delete(membership)
    db.session.flush()
    audit_household(actor, household, "member_remove", user_id=user_id, was_head=membership.is_head)


def check_designate_voter(actor, household):
    """The household's head names its voter; staff may, e.g. for a head without a phone."""
    is_head = any(m.is_head and m.user_id == actor.id for m in household.members)
    if not is_head and not can(actor, Action.MANAGE_HOUSEHOLDS, household):
        raise ApiError(403, "forbidden", "只有户主可以指定投票人")


def designate_voter(actor, household, user_id):
    """The head (or staff) names the member who casts the household's vote; None: the head.
    Ballots already cast stay valid: a ballot belongs to the household, not to who cast it."""
    check_designate_voter(actor, household)
    members = {m.user_id: m for m in household.members}
    if user_id is not None and user_id not in members:
        raise invalid("user_id", "投票人须是本户成员")
    for member in members.values():
        member.is_voter = False
    db.session.flush()  # the one-voter index is checked row by row
    if user_id is not None:
        members[user_id].is_voter = True
    db.session.flush()
    audit_household(actor, household, "voter_designate", user_id=user_id)
    return household


# ---- roles ---------------------------------------------------------------------------------

def council_members(community):
    """The community's council members by name, for recording a sitting's votes."""
    return db.session.execute(
        db.select(User.id.label("user_id"), User.name).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.COUNCIL_MEMBER.value, RoleAssignment.scope_id == community.id)
        .order_by(User.id)).mappings().all()


def grid_workers(community):
    """The community's grid workers (网格员) by name with their grid, so whoever assigns a minor
    matter (council members too, who may not read the role list) picks one by name."""
    return db.session.execute(
        db.select(User.id.label("user_id"), User.name, Grid.id.label("grid_id"), Grid.name.label("grid_name"))
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .join(Grid, Grid.id == RoleAssignment.scope_id)
        .where(RoleAssignment.role == Role.GRID_WORKER.value, Grid.community_id == community.id)
        .order_by(Grid.id, User.id)).mappings().all()


PEOPLE_TERMS = 5  # words of a lookup, each to be found in the name or the address


def people_lookup(community, q, cursor=None, limit=20):
    """People of the community — members of its households and holders of roles in it — whose
    name or address (courtyard, building, unit, room) holds every word of `q`: the staff's way
    to find whom to grant a first role. Address and roles come along, never phone or openid. A
    fixed number of queries, keyset-paged by user id."""
    terms = q.split()[:PEOPLE_TERMS]
    address = Courtyard.name + Building.name + Household.unit + Household.room
    home = and_(Household.id == HouseholdMember.household_id, Household.community_id == community.id)
    holders = assignments_in(community).with_only_columns(RoleAssignment.user_id)
    query = (db.select(User.id, User.name, HouseholdMember.is_head, Household.id.label("household_id"),
                       Household.head_name, Courtyard.name.label("courtyard"), Building.name.label("building"),
                       Household.unit, Household.room)
             .outerjoin(HouseholdMember, HouseholdMember.user_id == User.id)
             .outerjoin(Household, home)
             .outerjoin(Building, Building.id == Household.building_id)
             .outerjoin(Courtyard, Courtyard.id == Building.courtyard_id)
             .where(User.erased_at.is_(None), or_(Household.id.is_not(None), User.id.in_(holders))))
    for term in terms:
        query = query.where(or_(User.name.contains(term, autoescape=True),
                                and_(HouseholdMember.is_head, Household.head_name.contains(term, autoescape=True)),
                                address.contains(term, autoescape=True)))
    if cursor is not None:
        query = query.where(User.id > cursor)
    rows = db.session.execute(query.order_by(User.id).limit(limit + 1)).all()
    page = rows[:limit]
    roles = {}
    if page:
        for assignment in db.session.scalars(assignments_in(community).where(
                RoleAssignment.user_id.in_([row.id for row in page])).order_by(RoleAssignment.id)):
            roles.setdefault(assignment.user_id, []).append({"role": assignment.role, "scope_id": assignment.scope_id})
    return {"items": [{
        "user_id": row.id,
        "name": row.name or (row.head_name if row.is_head else None),
        "household_id": row.household_id,
        "address": " ".join(part for part in (row.courtyard, row.building, row.unit, row.room) if part)
        if row.household_id else None,
        "is_head": bool(row.is_head) if row.household_id else None,
        "roles": roles.get(row.id, []),
    } for row in page], "next_cursor": page[-1].id if len(rows) > limit else None}


def resolve_scope(role, scope_id):
    """The place a role would be held over (None for admin); 422 when it does not fit."""
    kind = ROLE_SCOPE[role]
    if kind is None:
        if scope_id is not None:
            raise invalid("scope_id", "管理员角色不需要范围")
        return None
    if scope_id is None:
        raise invalid("scope_id", "请指定角色的范围")
    place = db.session.get(SCOPE_MODELS[kind], scope_id)
    if place is None:
        raise invalid("scope_id", "角色范围不存在")
    return place


def _grant_action(role):
    return Action.GRANT_OFFICIAL_ROLES if role in OFFICIAL_ROLES else Action.GRANT_ROLES


def grant_role(actor, user, role, scope_id=None):
    """Grant `role` over `scope_id`. Staff grant roles inside their community; admins grant
    anything. Granting twice returns the existing assignment."""
    role = Role(role)
    if role is Role.RESIDENT:
        raise ApiError(422, "validation_error", "居民身份由绑定住户获得，无需授予")
    place = resolve_scope(role, scope_id)
    if actor is not None:
        authorize(actor, _grant_action(role), place)
    existing = db.session.scalar(db.select(RoleAssignment).filter_by(
        user_id=user.id, role=role.value, scope_id=scope_id))
    if existing:
        return existing
    assignment = RoleAssignment(user_id=user.id, role=role.value, scope_id=scope_id,
                                granted_by_id=actor.id if actor else None)
    try:
        with db.session.begin_nested():  # only this grant is undone if it collides
            db.session.add(assignment)
            _audit_role(actor, "role.grant", user.id, role, scope_id, place)
    except IntegrityError:  # granted concurrently: the first one stands
        assignment = db.session.scalar(db.select(RoleAssignment).filter_by(
            user_id=user.id, role=role.value, scope_id=scope_id))
    return assignment


def revoke_role(actor, assignment):
    role = Role(assignment.role)
    place = resolve_scope(role, assignment.scope_id)
    authorize(actor, _grant_action(role), place)
    db.session.delete(assignment)
    _audit_role(actor, "role.revoke", assignment.user_id, role, assignment.scope_id, place)
    db.session.flush()


def _audit_role(actor, action, user_id, role, scope_id, place):
    community_id = place.id if isinstance(place, Community) else getattr(place, "community_id", None)
    audit.record(actor, action, "user", user_id, community_id=community_id, role=role.value, scope_id=scope_id)


def role_holder_views(assignments):
    """A page of role assignments with the names of their holders and granters, in one query."""
    names = user_names([a.user_id for a in assignments] + [a.granted_by_id for a in assignments])
    return [{"id": a.id, "user_id": a.user_id, "role": a.role, "scope_id": a.scope_id, "granted_at": a.granted_at,
             "user_name": names.get(a.user_id), "granted_by_name": names.get(a.granted_by_id)} for a in assignments]


def assignments_in(community):
    """Role assignments over the community or any place inside it."""
    def kinds(kind):
        return [role.value for role, scope in ROLE_SCOPE.items() if scope == kind]

    inside = {
        "community": db.select(Community.id).where(Community.id == community.id),
        "grid": db.select(Grid.id).where(Grid.community_id == community.id),
        "building": db.select(Building.id).where(Building.community_id == community.id),
        "volunteer_team": db.select(VolunteerTeam.id).where(VolunteerTeam.community_id == community.id),
    }
    return db.select(RoleAssignment).where(or_(*(
        and_(RoleAssignment.role.in_(kinds(kind)), RoleAssignment.scope_id.in_(ids))
        for kind, ids in inside.items())))


def scope_names(places):
    """{(kind, id): name} for (kind, id) pairs, names as people say them: a building with its
    courtyard (every estate has a 1幢). One query per kind of place; households have no name."""
    wanted = {}
    for kind, scope_id in places:
        wanted.setdefault(kind, set()).add(scope_id)
    names = {}
    for kind, ids in wanted.items():
        model = SCOPE_MODELS.get(kind)
        if model is Building:
            query = db.select(Building.id, Courtyard.name + Building.name).join(
                Courtyard, Courtyard.id == Building.courtyard_id)
        elif hasattr(model, "name"):
            query = db.select(model.id, model.name)
        else:
            continue
        names.update({(kind, place_id): name for place_id, name in db.session.execute(query.where(model.id.in_(ids)))})
    return names


def people_named(model, *where):
    """The user ids a table of invitees or electors names (a SELECT, for `notify`): the members
    of the households its rows name (and their family helpers with receive_notices) and the
    persons they name. `where` selects the rows (a None
    condition is skipped)."""
    where = [condition for condition in where if condition is not None]
    members = db.select(HouseholdMember.user_id).join(model, model.household_id == HouseholdMember.household_id)
    persons = db.select(model.user_id).where(model.user_id.is_not(None))
    helpers = acting.notice_helpers(model.household_id)  # 子女代办 who receive the household's notices
    return db.union(members.where(*where), persons.where(*where), helpers.where(*where))


def profile(user):
    """What /me shows: the user, their roles with place names, their household."""
    grants = grants_of(user)
    names = scope_names((grant.scope_kind, grant.scope_id) for grant in grants)
    roles = [{"role": grant.role.value, "scope_id": grant.scope_id,
              "scope_name": names.get((grant.scope_kind, grant.scope_id))} for grant in grants]
    membership = membership_of(user)
    household = household_brief(membership) if membership else None
    return {"id": user.id, "name": user.name, "phone": user.phone, "roles": roles, "household": household}


def household_brief(membership):
    household = membership.household
    community = db.session.get(Community, household.community_id)
    return {"id": household.id, "community_id": community.id, "community_name": community.name,
            "building_id": household.building_id, "building_name": household.building.name,
            "unit": household.unit, "room": household.room, "is_head": membership.is_head,
            "elder_mode": household.elder_mode}


# ---- departments and volunteer teams -------------------------------------------------------

def create_department(name, actor=None):
    department = Department(name=name)
    db.session.add(department)
    _conflict_on_duplicate(f"部门“{name}”已存在")
    audit.record(actor, "department.create", "department", department.id, name=name)
    return department


def create_volunteer_team(community, name, description=None, actor=None):
    team = VolunteerTeam(community_id=community.id, name=name, description=description)
    db.session.add(team)
    _conflict_on_duplicate(f"义工队“{name}”已存在")
    audit.record(actor, "volunteer_team.create", "volunteer_team", team.id, community_id=community.id, name=name)
    return team


def user_by_id(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        raise invalid("user_id", "用户不存在")
    return user

