"""Places, households, join codes, roles, roster import. Thin: parse, authorize, call the
service, serialize."""
from flask_smorest import Blueprint

from app.auth.permissions import Action, current_user, get_or_404, requires
from app.community import helpers, roster, service
from app.community.models import (Building, Community, Courtyard, Department, Grid, Household, HouseholdHelper,
                                  JoinCode, RoleAssignment, VolunteerTeam)
from app.community.schemas import (CommunityPageSchema, CommunitySchema, CommunityTreeSchema, CouncilListSchema,
                                   DepartmentSchema, ElderModeSchema, GridWorkerListSchema, HelperCodeRequestSchema,
                                   HelperCodeSchema, HelperListSchema, HelperSchema, HelpSchema, HouseholdInSchema,
                                   HouseholdPageSchema, HouseholdPatchSchema, HouseholdSchema,
                                   IssuedJoinCodePageSchema, JoinCodeRequestSchema, JoinCodeSchema, JoinResultSchema,
                                   JoinSchema, MemberCreateSchema, PeopleArgsSchema, PersonPageSchema, PlaceSchema,
                                   RoleAssignmentCreateSchema, RoleAssignmentPageSchema, RoleAssignmentSchema,
                                   RosterReportSchema, RosterUploadSchema, VolunteerTeamSchema, VoterSchema)
from app.extensions import db, limiter
from app.idempotency import idempotent
from app.pagination import PageArgsSchema, page_schema, paginate

blp = Blueprint("community", __name__, url_prefix="/api/v1",
                description="Community structure, households, memberships and roles")


def community(community_id, **_):
    return get_or_404(Community, community_id, "社区不存在")


def grid(grid_id, **_):
    return get_or_404(Grid, grid_id, "网格不存在")


def courtyard(courtyard_id, **_):
    return get_or_404(Courtyard, courtyard_id, "院落不存在")


def building(building_id, **_):
    return get_or_404(Building, building_id, "楼栋不存在")


def household(household_id, **_):
    return get_or_404(Household, household_id, "住户不存在")


def join_code(code_id, **_):
    return get_or_404(JoinCode, code_id, "入户码不存在")


def join_code_household(code_id, **_):
    return db.session.get(Household, join_code(code_id).household_id)


# ---- communities and places ----------------------------------------------------------------

@blp.route("/communities", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, CommunityPageSchema)
@requires()
def list_communities(page):
    """Communities the signed-in user belongs to or serves (all, for admins)."""
    return paginate(db.session, service.communities_for(current_user()), Community.id, page)


@blp.route("/communities", methods=["POST"])
@blp.arguments(CommunitySchema)
@blp.response(201, CommunitySchema)
@requires(Action.CREATE_COMMUNITY)
def create_community(args):
    """Create a community (admin)."""
    return service.create_community(**args, actor=current_user())


@blp.route("/communities/<int:community_id>", methods=["GET"])
@blp.response(200, CommunityTreeSchema)
@requires(Action.VIEW_COMMUNITY, community)
def get_community(community_id):
    """A community with its grids, courtyards and buildings."""
    return service.community_tree(community(community_id))


@blp.route("/communities/<int:community_id>/grids", methods=["POST"])
@blp.arguments(PlaceSchema)
@blp.response(201, PlaceSchema)
@requires(Action.MANAGE_PLACES, community)
def add_grid(args, community_id):
    """Add a grid (网格) to a community."""
    return service.add_grid(community(community_id), args["name"], actor=current_user())


@blp.route("/grids/<int:grid_id>/courtyards", methods=["POST"])
@blp.arguments(PlaceSchema)
@blp.response(201, PlaceSchema)
@requires(Action.MANAGE_PLACES, grid)
def add_courtyard(args, grid_id):
    """Add a courtyard (院落) to a grid."""
    return service.add_courtyard(grid(grid_id), args["name"], actor=current_user())


@blp.route("/courtyards/<int:courtyard_id>/buildings", methods=["POST"])
@blp.arguments(PlaceSchema)
@blp.response(201, PlaceSchema)
@requires(Action.MANAGE_PLACES, courtyard)
def add_building(args, courtyard_id):
    """Add a building (楼栋) to a courtyard."""
    return service.add_building(courtyard(courtyard_id), args["name"], actor=current_user())


# ---- households ----------------------------------------------------------------------------

@blp.route("/buildings/<int:building_id>/households", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, HouseholdPageSchema)
@requires(Action.VIEW_HOUSEHOLDS, building)
def list_households(page, building_id):
    """Households of a building, with flags, for those who visit and triage."""
    result = paginate(db.session, service.households_in(building(building_id)), Household.id, page)
    viewer = current_user()
    result["items"] = [service.household_view(h, viewer) for h in result["items"]]
    return result


@blp.route("/buildings/<int:building_id>/households", methods=["POST"])
@blp.arguments(HouseholdInSchema)
@blp.response(201, HouseholdSchema)
@requires(Action.MANAGE_HOUSEHOLDS, building)
def create_household(args, building_id):
    """Add a household to a building."""
    created = service.create_household(building(building_id), actor=current_user(), **args)
    return service.household_view(created, current_user())


@blp.route("/households/<int:household_id>", methods=["GET"])
@blp.response(200, HouseholdSchema)
@requires(Action.VIEW_HOUSEHOLDS, household)
def get_household(household_id):
    """One household with its flags and members."""
    return service.household_view(household(household_id), current_user())


@blp.route("/households/<int:household_id>", methods=["PATCH"])
@blp.arguments(HouseholdPatchSchema)
@blp.response(200, HouseholdSchema)
@requires(Action.MANAGE_HOUSEHOLDS, household)
def update_household(args, household_id):
    """Correct a household's details or flags."""
    updated = service.update_household(household(household_id), actor=current_user(), **args)
    return service.household_view(updated, current_user())


@blp.route("/households/<int:household_id>/elder-mode", methods=["PUT"])
@blp.arguments(ElderModeSchema)
@blp.response(200, ElderModeSchema)
@requires()
def set_elder_mode(args, household_id):
    """Switch 长辈模式 for a household: its members, or the building head, grid worker or staff
    who look after it."""
    return service.set_elder_mode(current_user(), household(household_id), args["elder_mode"])


@blp.route("/households/<int:household_id>/join-codes", methods=["POST"])
@blp.arguments(JoinCodeRequestSchema)
@blp.response(201, JoinCodeSchema)
@requires(Action.ISSUE_JOIN_CODES, household)
def issue_join_code(args, household_id):
    """Issue a one-time join code (入户码) for a resident of this household."""
    target = household(household_id)
    code, issued = service.issue_join_code(target, current_user(), args["as_head"])
    return {"id": issued.id, "code": code, "household_id": target.id, "as_head": issued.as_head,
            "expires_at": issued.expires_at}


@blp.route("/households/<int:household_id>/join-codes", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, IssuedJoinCodePageSchema)
@requires(Action.ISSUE_JOIN_CODES, household)
def list_join_codes(page, household_id):
    """Codes issued for this household that are still unused and valid, so any of them can be
    revoked later (the code itself is never shown again)."""
    result = paginate(db.session, service.outstanding_join_codes(household(household_id)), JoinCode.id, page)
    result["items"] = service.join_code_views(result["items"])
    return result


@blp.route("/join-codes/<int:code_id>", methods=["DELETE"])
@blp.response(204)
@requires(Action.ISSUE_JOIN_CODES, join_code_household)
def revoke_join_code(code_id):
    """Withdraw an unused join code (作废), e.g. one handed to the wrong person."""
    service.revoke_join_code(join_code(code_id), actor=current_user())


@blp.route("/households/join", methods=["POST"])
@idempotent
@limiter.limit("10 per minute")
@blp.arguments(JoinSchema)
@blp.response(200, JoinResultSchema)
@requires()
def join_household(args):
    """Bind the signed-in user to a household with a join code."""
    membership = service.join_with_code(current_user(), args["code"])
    return {"household": service.household_brief(membership), "is_head": membership.is_head}


@blp.route("/households/<int:household_id>/members", methods=["POST"])
@blp.arguments(MemberCreateSchema)
@blp.response(201, HouseholdSchema)
@requires(Action.MANAGE_HOUSEHOLDS, household)
def add_member(args, household_id):
    """Add a signed-up user to a household (staff, e.g. after a home visit)."""
    target = household(household_id)
    service.add_member(target, service.user_by_id(args["user_id"]), args["is_head"], current_user())
    db.session.refresh(target)
    return service.household_view(target, current_user())


@blp.route("/households/<int:household_id>/voter", methods=["PUT"])
@blp.arguments(VoterSchema)
@blp.response(200, HouseholdSchema)
@requires()
def designate_voter(args, household_id):
    """The head names the member who votes for the household (一户一票); null: the head votes."""
    target = service.designate_voter(current_user(), household(household_id), args["user_id"])
    return service.household_view(target, current_user())


@blp.route("/households/<int:household_id>/members/<int:user_id>", methods=["DELETE"])
@blp.response(204)
@requires(Action.MANAGE_HOUSEHOLDS, household)
def remove_member(household_id, user_id):
    """Remove a member who moved out."""
    service.remove_member(household(household_id), user_id, actor=current_user())


@blp.route("/communities/<int:community_id>/roster", methods=["POST"])
@blp.arguments(RosterUploadSchema, location="files")
@blp.response(200, RosterReportSchema)
@requires(Action.IMPORT_ROSTER, community)
def import_roster(files, community_id):
    """Import the household roster (.xlsx or .csv); bad rows reported by row number."""
    upload = files["file"]
    return roster.import_file(community(community_id), upload.filename, upload.read(), current_user()).as_dict()


# ---- roles ---------------------------------------------------------------------------------

@blp.route("/communities/<int:community_id>/role-assignments", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, RoleAssignmentPageSchema)
@requires(Action.GRANT_ROLES, community)
def list_role_assignments(page, community_id):
    """Who holds which role in this community, and who granted it."""
    result = paginate(db.session, service.assignments_in(community(community_id)), RoleAssignment.id, page)
    result["items"] = service.role_holder_views(result["items"])
    return result


@blp.route("/communities/<int:community_id>/council-members", methods=["GET"])
@blp.response(200, CouncilListSchema)
@requires(Action.TRIAGE_MATTERS, community)
def list_council_members(community_id):
    """The council members (家园理事会) whose votes a sitting records on a matter's class."""
    return {"items": service.council_members(community(community_id))}


@blp.route("/communities/<int:community_id>/grid-workers", methods=["GET"])
@blp.response(200, GridWorkerListSchema)
@requires(Action.TRIAGE_MATTERS, community)
def list_grid_workers(community_id):
    """The grid workers (网格员) by name and grid, for those who assign minor matters to one."""
    return {"items": service.grid_workers(community(community_id))}


@blp.route("/communities/<int:community_id>/people", methods=["GET"])
@blp.arguments(PeopleArgsSchema, location="query")
@blp.response(200, PersonPageSchema)
@requires(Action.GRANT_ROLES, community)
def find_people(args, community_id):
    """Find someone of the community by name or address, with their roles here (staff, to grant
    one); no phone numbers."""
    return service.people_lookup(community(community_id), **args)


@blp.route("/role-assignments", methods=["POST"])
@blp.arguments(RoleAssignmentCreateSchema)
@blp.response(201, RoleAssignmentSchema)
@requires()
def grant_role(args):
    """Grant a role over a place (staff within their community; admin anything)."""
    return service.grant_role(current_user(), service.user_by_id(args["user_id"]), args["role"], args["scope_id"])


@blp.route("/role-assignments/<int:assignment_id>", methods=["DELETE"])
@blp.response(204)
@requires()
def revoke_role(assignment_id):
    """Revoke a role."""
    service.revoke_role(current_user(), get_or_404(RoleAssignment, assignment_id, "角色授予不存在"))


# ---- departments and volunteer teams -------------------------------------------------------

@blp.route("/departments", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(DepartmentSchema, "DepartmentPageSchema"))
@requires()
def list_departments(page):
    """Government departments (职能部门) that take major matters."""
    return paginate(db.session, db.select(Department), Department.id, page)


@blp.route("/departments", methods=["POST"])
@blp.arguments(DepartmentSchema)
@blp.response(201, DepartmentSchema)
@requires(Action.MANAGE_DEPARTMENTS)
def create_department(args):
    """Add a department (admin)."""
    return service.create_department(args["name"], actor=current_user())


@blp.route("/communities/<int:community_id>/volunteer-teams", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(VolunteerTeamSchema, "VolunteerTeamPageSchema"))
@requires(Action.VIEW_COMMUNITY, community)
def list_volunteer_teams(page, community_id):
    """Volunteer teams (义工队) private matters can be referred to."""
    query = db.select(VolunteerTeam).filter_by(community_id=community_id)
    return paginate(db.session, query, VolunteerTeam.id, page)


@blp.route("/communities/<int:community_id>/volunteer-teams", methods=["POST"])
@blp.arguments(VolunteerTeamSchema)
@blp.response(201, VolunteerTeamSchema)
@requires(Action.MANAGE_VOLUNTEER_TEAMS, community)
def create_volunteer_team(args, community_id):
    """Add a volunteer team."""
    return service.create_volunteer_team(community(community_id), **args, actor=current_user())


# ---- family helpers (子女代办, app/community/helpers.py) ------------------------------------------

@blp.route("/households/<int:household_id>/helper-codes", methods=["POST"])
@blp.arguments(HelperCodeRequestSchema)
@blp.response(201, HelperCodeSchema)
@requires()
def issue_helper_code(args, household_id):
    """A one-time code (代办码) that links a relative as the household's helper with the rights
    named: by its head, or by its building head, grid worker or staff with a photo of the head's
    written consent."""
    target = household(household_id)
    code, issued = helpers.issue_code(current_user(), target, args["rights"], args["consent_photo_id"])
    return {"id": issued.id, "code": code, "household_id": target.id, "rights": sorted(args["rights"]),
            "expires_at": issued.expires_at}


@blp.route("/households/help", methods=["POST"])
@idempotent
@limiter.limit("10 per minute")
@blp.arguments(HelpSchema)
@blp.response(200, HelperSchema)
@requires()
def help_household(args):
    """The relative enters the code: linked as a helper of that household (never a member)."""
    user = current_user()
    helper = helpers.link(user, args["code"])
    return helpers.helper_views(user, household(household_id=helper.household_id), [helper])[0]


@blp.route("/households/<int:household_id>/helpers", methods=["GET"])
@blp.response(200, HelperListSchema)
@requires()
def list_helpers(household_id):
    """The household's helpers and their rights: its members, and whoever looks after it."""
    target, user = household(household_id), current_user()
    helpers.check_view(user, target)
    return {"items": helpers.helper_views(user, target, db.session.scalars(helpers.helpers_of(target)).all())}


@blp.route("/households/<int:household_id>/helpers/<int:helper_id>", methods=["DELETE"])
@blp.response(204)
@requires()
def revoke_helper(household_id, helper_id):
    """End a helper's link: the head, whoever looks after the household, or the helper themselves."""
    helpers.revoke(current_user(), household(household_id),
                   get_or_404(HouseholdHelper, helper_id, "该家属代办人不存在或已解除"))

