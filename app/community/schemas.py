import marshmallow as ma
from marshmallow import validate

from app.auth.schemas import HouseholdBriefSchema
from app.community.models import GRANTABLE_ROLES
from app.matters.schemas import PhotoSchema
from app.models_base import PHONE_PATTERN, Id
from app.pagination import PageArgsSchema, page_schema

NAME = validate.Length(min=1, max=100)


class CommunitySchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=NAME)
    district = ma.fields.String(allow_none=True, validate=validate.Length(max=100))
    subdistrict = ma.fields.String(allow_none=True, validate=validate.Length(max=100),
                                   metadata={"description": "街道, where overdue matters escalate"})


class PlaceSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=NAME)


class CourtyardTreeSchema(PlaceSchema):
    buildings = ma.fields.List(ma.fields.Nested(PlaceSchema), dump_only=True)


class GridTreeSchema(PlaceSchema):
    courtyards = ma.fields.List(ma.fields.Nested(CourtyardTreeSchema), dump_only=True)


class CommunityTreeSchema(CommunitySchema):
    grids = ma.fields.List(ma.fields.Nested(GridTreeSchema), dump_only=True)


class MemberSchema(ma.Schema):
    user_id = ma.fields.Integer(required=True)
    name = ma.fields.String(allow_none=True)
    is_head = ma.fields.Boolean(required=True)
    is_voter = ma.fields.Boolean(required=True, metadata={"description": "designated by the head to vote"})


class HouseholdInSchema(ma.Schema):
    """A household as staff enter it."""

    unit = ma.fields.String(validate=validate.Length(max=20), metadata={"description": "单元; blank if none"})
    room = ma.fields.String(required=True, validate=validate.Length(min=1, max=20))
    floor_area = ma.fields.Decimal(required=True, places=2, as_string=False, metadata={"description": "m²"},
                                   validate=validate.Range(min=0, min_inclusive=False, max=99999999))
    head_name = ma.fields.String(allow_none=True, validate=validate.Length(max=50))
    head_phone = ma.fields.String(allow_none=True, validate=validate.Regexp(PHONE_PATTERN, error="电话号码格式不正确"))
    elderly_alone = ma.fields.Boolean(metadata={"description": "独居老人"})
    disabled = ma.fields.Boolean(metadata={"description": "残疾"})
    low_income = ma.fields.Boolean(metadata={"description": "低保"})
    owner_ref = ma.fields.String(allow_none=True, validate=validate.Length(max=64), metadata={
        "description": "产权人: flats with the same reference count as one owner in homeowner votes"})
    developer_held = ma.fields.Boolean(metadata={
        "description": "开发商未售出或未交付: such flats together count as one owner"})


class ElderModeSchema(ma.Schema):
    """长辈模式: the household's phones open the mini-program in large type."""

    elder_mode = ma.fields.Boolean(required=True)


class HouseholdPatchSchema(HouseholdInSchema):
    """Any subset of a household's fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class HouseholdSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    community_id = ma.fields.Integer(required=True)
    building_id = ma.fields.Integer(required=True)
    building_name = ma.fields.String(required=True)
    unit = ma.fields.String(required=True)
    room = ma.fields.String(required=True)
    floor_area = ma.fields.Float(required=True)
    head_name = ma.fields.String(allow_none=True)
    head_phone = ma.fields.String(allow_none=True, metadata={"description": "masked unless the viewer calls residents"})
    elderly_alone = ma.fields.Boolean(required=True)
    disabled = ma.fields.Boolean(required=True)
    low_income = ma.fields.Boolean(required=True)
    owner_ref = ma.fields.String(allow_none=True, required=True)
    developer_held = ma.fields.Boolean(required=True)
    elder_mode = ma.fields.Boolean(required=True, metadata={"description": "长辈模式"})
    members = ma.fields.List(ma.fields.Nested(MemberSchema), required=True)
    can_designate_voter = ma.fields.Boolean(required=True, metadata={"description": "the head, or staff"})
    can_issue_join_codes = ma.fields.Boolean(required=True)


HouseholdPageSchema = page_schema(HouseholdSchema, "HouseholdPageSchema")


class VoterSchema(ma.Schema):
    user_id = Id(required=True, allow_none=True, metadata={
        "description": "the member who votes for the household; null: the head votes"})


class JoinCodeRequestSchema(ma.Schema):
    as_head = ma.fields.Boolean(load_default=False, metadata={"description": "the joiner becomes 户主"})


class JoinCodeSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"description": "for DELETE /join-codes/{id} (作废)"})
    code = ma.fields.String(required=True, metadata={"description": "shown once; only its hash is kept"})
    household_id = ma.fields.Integer(required=True)
    as_head = ma.fields.Boolean(required=True)
    expires_at = ma.fields.AwareDateTime(required=True)


class IssuedJoinCodeSchema(ma.Schema):
    """An outstanding code as its issuers see it later: never the code itself (only its hash is kept)."""

    id = ma.fields.Integer(required=True, metadata={"description": "for DELETE /join-codes/{id} (作废)"})
    household_id = ma.fields.Integer(required=True)
    as_head = ma.fields.Boolean(required=True)
    issued_at = ma.fields.AwareDateTime(required=True)
    expires_at = ma.fields.AwareDateTime(required=True)
    issued_by_name = ma.fields.String(allow_none=True, required=True)


IssuedJoinCodePageSchema = page_schema(IssuedJoinCodeSchema, "IssuedJoinCodePageSchema")


class JoinSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=validate.Length(min=1, max=32))


class JoinResultSchema(ma.Schema):
    household = ma.fields.Nested(HouseholdBriefSchema, required=True)
    is_head = ma.fields.Boolean(required=True)


class MemberCreateSchema(ma.Schema):
    user_id = Id(required=True)
    is_head = ma.fields.Boolean(load_default=False)


class RoleAssignmentCreateSchema(ma.Schema):
    user_id = Id(required=True)
    role = ma.fields.String(required=True, validate=validate.OneOf(GRANTABLE_ROLES))
    scope_id = Id(load_default=None, allow_none=True,
                                 metadata={"description": "id of the community, grid, building, "
                                           "department or volunteer team the role is held over"})


class RoleAssignmentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    user_id = ma.fields.Integer(required=True)
    role = ma.fields.String(required=True)
    scope_id = ma.fields.Integer(allow_none=True)
    granted_at = ma.fields.AwareDateTime(required=True)


class RoleHolderSchema(RoleAssignmentSchema):
    """A role in the community's list: who holds it and who granted it, by name."""

    user_name = ma.fields.String(allow_none=True, required=True)
    granted_by_name = ma.fields.String(allow_none=True, required=True, metadata={"description": "null: an operator"})


class CouncilMemberSchema(ma.Schema):
    user_id = ma.fields.Integer(required=True)
    name = ma.fields.String(allow_none=True, required=True)


class CouncilListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CouncilMemberSchema), required=True)


class GridWorkerSchema(ma.Schema):
    user_id = ma.fields.Integer(required=True)
    name = ma.fields.String(allow_none=True, required=True)
    grid_id = ma.fields.Integer(required=True)
    grid_name = ma.fields.String(required=True)


class GridWorkerListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(GridWorkerSchema), required=True)


class PeopleArgsSchema(PageArgsSchema):
    q = ma.fields.String(required=True, validate=[validate.Length(min=1, max=50),
                                                  validate.Regexp(r"\s*\S", error="请输入姓名或房号")], metadata={
        "description": "words to find in the name or the address (courtyard, building, unit, room), e.g. 张 or 1幢 101"})
    limit = ma.fields.Integer(load_default=20, validate=validate.Range(min=1, max=50))


class HeldRoleSchema(ma.Schema):
    role = ma.fields.String(required=True)
    scope_id = ma.fields.Integer(allow_none=True, required=True)


class PersonSchema(ma.Schema):
    """Someone of the community as the staff's lookup shows them: no phone, no openid."""

    user_id = ma.fields.Integer(required=True)
    name = ma.fields.String(allow_none=True, required=True, metadata={"description": "the roster's 户主姓名 for a "
                                                                                     "head who gave none"})
    household_id = ma.fields.Integer(allow_none=True, required=True, metadata={"description": "null: no home here"})
    address = ma.fields.String(allow_none=True, required=True, metadata={"description": "courtyard building unit room"})
    is_head = ma.fields.Boolean(allow_none=True, required=True)
    roles = ma.fields.List(ma.fields.Nested(HeldRoleSchema), required=True, metadata={
        "description": "the roles they hold in this community"})


PersonPageSchema = page_schema(PersonSchema, "PersonPageSchema")
RoleAssignmentPageSchema = page_schema(RoleHolderSchema, "RoleAssignmentPageSchema")
CommunityPageSchema = page_schema(CommunitySchema, "CommunityPageSchema")


class DepartmentSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=NAME)


class VolunteerTeamSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=NAME)
    description = ma.fields.String(allow_none=True, validate=validate.Length(max=500))


class RosterUploadSchema(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class RowErrorSchema(ma.Schema):
    row = ma.fields.Integer(required=True, metadata={"description": "spreadsheet row number (header is 1)"})
    reason = ma.fields.String(required=True)


class RosterReportSchema(ma.Schema):
    created = ma.fields.Integer(required=True)
    updated = ma.fields.Integer(required=True)
    unchanged = ma.fields.Integer(required=True)
    errors = ma.fields.List(ma.fields.Nested(RowErrorSchema), required=True)


# ---- family helpers (子女代办, app/community/helpers.py) ------------------------------------------

HELPER_RIGHTS = ["report_and_follow", "reply_meetings", "receive_notices"]


class HelperCodeRequestSchema(ma.Schema):
    rights = ma.fields.List(ma.fields.String(validate=validate.OneOf(HELPER_RIGHTS)), required=True,
                            validate=validate.Length(min=1, max=3), metadata={
                                "description": "report_and_follow, reply_meetings, receive_notices (at least one)"})
    consent_photo_id = Id(load_default=None, allow_none=True, metadata={
        "description": "the head's written consent (POST /photos): required unless the head issues the code"})

    @ma.validates("rights")
    def _distinct(self, value, **_kwargs):
        if len(set(value)) != len(value):
            raise ma.ValidationError("不能重复")


class HelperCodeSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    code = ma.fields.String(required=True, metadata={"description": "shown once; only its hash is kept"})
    household_id = ma.fields.Integer(required=True)
    rights = ma.fields.List(ma.fields.String(), required=True)
    expires_at = ma.fields.AwareDateTime(required=True)


class HelpSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=validate.Length(min=1, max=32))


class HelperSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"description": "helper_id, for DELETE …/helpers/{helper_id}"})
    household_id = ma.fields.Integer(required=True)
    user_id = ma.fields.Integer(required=True)
    name = ma.fields.String(allow_none=True, required=True)
    rights = ma.fields.List(ma.fields.String(), required=True)
    granted_as = ma.fields.String(required=True, metadata={
        "description": "head, or the role (building_head, grid_worker, staff) of whoever linked on consent"})
    granted_by_name = ma.fields.String(allow_none=True, required=True)
    linked_at = ma.fields.AwareDateTime(required=True)
    consent_photo = ma.fields.Nested(PhotoSchema, allow_none=True, required=True, metadata={
        "description": "the written consent, for those who look after the household; null otherwise"})


class HelperListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(HelperSchema), required=True)
