import marshmallow as ma
from marshmallow import validate

from app.models_base import PHONE_PATTERN


class LoginSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=validate.Length(min=1, max=128),
                            metadata={"description": "wx.login code; `dev:<name>` in development"})


class RoleSchema(ma.Schema):
    role = ma.fields.String(required=True)
    scope_id = ma.fields.Integer(allow_none=True)
    scope_name = ma.fields.String(allow_none=True)


class HouseholdBriefSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    community_id = ma.fields.Integer(required=True)
    community_name = ma.fields.String(required=True)
    building_id = ma.fields.Integer(required=True)
    building_name = ma.fields.String(required=True)
    unit = ma.fields.String(required=True)
    room = ma.fields.String(required=True)
    is_head = ma.fields.Boolean(required=True)
    elder_mode = ma.fields.Boolean(required=True, metadata={
        "description": "长辈模式 set for the household (the phone may override it locally)"})


class UserSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    roles = ma.fields.List(ma.fields.Nested(RoleSchema), required=True)
    household = ma.fields.Nested(HouseholdBriefSchema, allow_none=True, required=True)


class TokenSchema(ma.Schema):
    token = ma.fields.String(required=True)
    expires_at = ma.fields.AwareDateTime(required=True)
    user = ma.fields.Nested(UserSchema, required=True)


class DevLoginSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "what to send to POST /auth/login: `dev:<name>`"})
    name = ma.fields.String(allow_none=True, required=True, metadata={"description": "the person's name"})
    roles = ma.fields.List(ma.fields.Nested(RoleSchema), required=True,
                           metadata={"description": "as /me gives them; a home is the resident role over it, "
                                                    "its scope_name the address"})


class DevLoginListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DevLoginSchema), required=True)


class ProfileUpdateSchema(ma.Schema):
    name = ma.fields.String(validate=validate.Length(min=1, max=50))
    phone = ma.fields.String(validate=validate.Regexp(PHONE_PATTERN, error="电话号码格式不正确"))


class ConsoleLoginStartSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "the code's scene; the phone scans it"})
    browser_key = ma.fields.String(required=True, metadata={
        "description": "kept by this browser alone; sent as X-Console-Key when polling"})
    code_image = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "the mini-program code as a data: URL (PNG); null where WeChat is not configured"})
    expires_at = ma.fields.AwareDateTime(required=True)
    poll_interval_ms = ma.fields.Integer(required=True)


class ConsoleKeySchema(ma.Schema):
    key = ma.fields.String(required=True, data_key="X-Console-Key", validate=validate.Length(min=1, max=64))


class ConsoleLoginStatusSchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={
        "description": "pending, scanned, confirmed (with the session, once), refused or expired"})
    session = ma.fields.Nested(TokenSchema, allow_none=True, required=True)


class ConsoleLoginScanSchema(ma.Schema):
    """What the phone shows before its owner confirms: which computer is asking."""

    id = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    browser = ma.fields.String(required=True, metadata={"description": "e.g. Windows · Chrome"})
    address = ma.fields.String(required=True, metadata={"description": "the address the browser asked from"})
    expires_at = ma.fields.AwareDateTime(required=True)
    may_confirm = ma.fields.Boolean(required=True, metadata={"description": "false for residents without a role"})


class HelpingSchema(ma.Schema):
    """A household the user helps as a family member (子女代办), with the rights its head gave."""

    helper_id = ma.fields.Integer(required=True, metadata={"description": "to end it: DELETE "
                                                                            "/households/{household_id}/helpers/{helper_id}"})
    household_id = ma.fields.Integer(required=True)
    community_id = ma.fields.Integer(required=True, metadata={"description": "for its matter categories"})
    address = ma.fields.String(required=True, metadata={"description": "building, unit and room"})
    rights = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "report_and_follow, reply_meetings, receive_notices"})


class MeSchema(UserSchema):
    helping = ma.fields.List(ma.fields.Nested(HelpingSchema), required=True, metadata={
        "description": "households I act for as a family helper; never counted as my own"})
