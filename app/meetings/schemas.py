import marshmallow as ma
from marshmallow import validate

from app.matters.models import HandlerType
from app.matters.schemas import AssignSchema
from app.meetings.models import MeetingKind, MeetingStage, MeetingStatus, Reply, ScopeKind
from app.models_base import DAYS, TIMES, Id, one_of
from app.pagination import PageArgsSchema, page_schema


class AgendaItemInSchema(ma.Schema):
    text = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))
    matter_ids = ma.fields.List(Id(), load_default=list, validate=validate.Length(max=50))
    poll_ids = ma.fields.List(Id(), load_default=list, validate=validate.Length(max=10))


class AgendaItemSchema(AgendaItemInSchema):
    position = ma.fields.Integer(required=True)


class MeetingInSchema(ma.Schema):
    community_id = Id(required=True)
    kind = ma.fields.String(required=True, validate=one_of(MeetingKind))
    stage = ma.fields.String(load_default=None, allow_none=True, validate=one_of(MeetingStage))
    title = ma.fields.String(required=True, validate=validate.Length(min=2, max=60))
    description = ma.fields.String(load_default="", validate=validate.Length(max=2000))
    place = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    starts_at = ma.fields.AwareDateTime(required=True, validate=TIMES)
    ends_at = ma.fields.AwareDateTime(load_default=None, allow_none=True, validate=TIMES)
    capacity = ma.fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100000))
    scope_kind = ma.fields.String(required=True, validate=one_of(ScopeKind))
    scope_ids = ma.fields.List(Id(), load_default=list, validate=validate.Length(max=200),
                               metadata={"description": "building ids, a courtyard id, the community id or department ids"})
    agenda = ma.fields.List(ma.fields.Nested(AgendaItemInSchema), load_default=list, validate=validate.Length(max=30))


class MeetingActionsSchema(ma.Schema):
    """What the viewer may do to the meeting now, from the checks the actions themselves make."""
    manage = ma.fields.Boolean(required=True, metadata={"description": "see replies and invitations (organisers)"})
    publish = ma.fields.Boolean(required=True)
    reschedule = ma.fields.Boolean(required=True)
    cancel = ma.fields.Boolean(required=True)
    resend = ma.fields.Boolean(required=True)
    checkin_code = ma.fields.Boolean(required=True)
    check_in_by_hand = ma.fields.Boolean(required=True, metadata={
        "description": "the organiser, any invited household; whoever acts for households, theirs"})
    reply_for = ma.fields.Boolean(required=True, metadata={
        "description": "代办: the viewer may answer for some invited households now (GET /meetings/{id}/invitations "
                       "lists those they act for; POST reply with on_behalf_of_household_id)"})
    reply = ma.fields.Boolean(required=True)
    check_in = ma.fields.Boolean(required=True, metadata={"description": "by scanning the check-in code"})
    record_minutes = ma.fields.Boolean(required=True)
    publish_minutes = ma.fields.Boolean(required=True)


class MeetingSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    community_id = ma.fields.Integer(required=True)
    organizer_id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    stage = ma.fields.String(allow_none=True, required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    place = ma.fields.String(required=True)
    starts_at = ma.fields.DateTime(required=True)
    ends_at = ma.fields.DateTime(allow_none=True, required=True)
    capacity = ma.fields.Integer(allow_none=True, required=True)
    scope_kind = ma.fields.String(required=True)
    scope_ids = ma.fields.List(ma.fields.Integer(), required=True)
    status = ma.fields.String(required=True)
    minutes = ma.fields.String(allow_none=True, required=True)
    agenda = ma.fields.List(ma.fields.Nested(AgendaItemSchema), required=True)
    my_reply = ma.fields.String(allow_none=True, required=True)
    my_people = ma.fields.Integer(allow_none=True, required=True)
    present = ma.fields.Boolean(allow_none=True, required=True, metadata={"description": "my household signed in"})
    invited_me = ma.fields.Boolean(required=True, metadata={"description": "my household (or I) is invited"})
    my_reply_on_behalf = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "who answered for my household: 由张三（楼栋长）代办; null if one of us did"})
    present_on_behalf = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "who signed my household in: 由张三（网格员）代办; null if we scanned or nobody did"})
    can = ma.fields.Nested(MeetingActionsSchema, required=True)
    kind_label = ma.fields.String(required=True)
    stage_label = ma.fields.String(allow_none=True, required=True)
    status_label = ma.fields.String(required=True)
    decisions = ma.fields.List(ma.fields.Nested(lambda: DecisionSchema()), required=True)
    invited = ma.fields.Integer(required=True)
    attended = ma.fields.Integer(required=True)


class CommunityMeetingsArgsSchema(PageArgsSchema):
    status = ma.fields.String(load_default=None, validate=one_of(MeetingStatus))
    start = ma.fields.Date(load_default=None, data_key="from", validate=DAYS,
                           metadata={"description": "meetings starting on or after this day (YYYY-MM-DD), with `to`"})
    end = ma.fields.Date(load_default=None, data_key="to", validate=DAYS,
                         metadata={"description": "… on or before this day, included"})

    @ma.validates_schema
    def _period(self, data, **_):
        if (data["start"] is None) != (data["end"] is None):
            raise ma.ValidationError("请同时填写开始和结束日期", "to" if data["end"] is None else "from")
        if data["start"] is not None and data["end"] < data["start"]:
            raise ma.ValidationError("不能早于开始日期", "to")


class MeetingMonthSchema(ma.Schema):
    month = ma.fields.String(required=True, metadata={"description": "YYYY-MM in the community's time zone"})
    kind = ma.fields.String(required=True)
    kind_label = ma.fields.String(required=True)
    meetings = ma.fields.Integer(required=True)
    invited = ma.fields.Integer(required=True, metadata={"description": "households (or persons, for council and "
                                                                        "joint meetings) invited"})
    present = ma.fields.Integer(required=True, metadata={"description": "of them, signed in"})


class MeetingStatsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MeetingMonthSchema), required=True,
                           metadata={"description": "per month and kind of meeting, oldest first"})


class MeetingPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MeetingSchema), required=True)
    next_cursor = ma.fields.Integer(allow_none=True, required=True)


class RescheduleSchema(ma.Schema):
    starts_at = ma.fields.AwareDateTime(load_default=None, allow_none=True, validate=TIMES)
    ends_at = ma.fields.AwareDateTime(load_default=None, allow_none=True, validate=TIMES)
    place = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))


class ReasonSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))


class ReplySchema(ma.Schema):
    reply = ma.fields.String(required=True, validate=one_of(Reply))
    people = ma.fields.Integer(load_default=1, validate=validate.Range(min=0, max=20))
    on_behalf_of_household_id = Id(load_default=None, allow_none=True, metadata={
        "description": "代办: the household answered for, by its building head, grid worker, staff or a family "
                       "helper with reply_meetings; omitted: my own household"})


class UnansweredSchema(ma.Schema):
    household_id = ma.fields.Integer(required=True)
    building_name = ma.fields.String(required=True)
    unit = ma.fields.String(required=True)
    room = ma.fields.String(required=True)
    head_name = ma.fields.String(allow_none=True, required=True)
    wechat_label = ma.fields.String(required=True, metadata={
        "description": "whether the invitation reached the household on WeChat, in Chinese"})


class RepliesSchema(ma.Schema):
    invited = ma.fields.Integer(required=True)
    attend = ma.fields.Integer(required=True)
    maybe = ma.fields.Integer(required=True)
    decline = ma.fields.Integer(required=True)
    unanswered = ma.fields.Integer(required=True)
    people_attending = ma.fields.Integer(required=True)
    present = ma.fields.Integer(required=True)
    unanswered_households = ma.fields.List(ma.fields.Nested(UnansweredSchema), required=True)


class ResentSchema(ma.Schema):
    notified = ma.fields.Integer(required=True)


class CheckinCodeSchema(ma.Schema):
    scene = ma.fields.String(required=True, metadata={"description": "what the code carries; rotates every 10 minutes"})
    expires_at = ma.fields.DateTime(required=True)
    image_png_base64 = ma.fields.String(allow_none=True, required=True,
                                        metadata={"description": "the mini-program code; null without WeChat"})


class CheckinSchema(ma.Schema):
    scene = ma.fields.String(required=True, validate=validate.Length(min=1, max=32))


class ManualCheckinSchema(ma.Schema):
    household_id = Id(required=True)


class MatterActionSchema(AssignSchema):
    """What a decision does to the matter it took up: move it on, or assign it with the very
    fields and checks of POST /matters/{id}/assign (the note is the decision's text)."""
    action = ma.fields.String(required=True, validate=validate.OneOf(["progress", "assign"]))
    handler_type = ma.fields.String(load_default=None, validate=one_of(HandlerType))

    @ma.validates_schema
    def _assign_names_a_handler(self, data, **_kwargs):
        if data["action"] == "assign" and data.get("handler_type") is None:
            raise ma.ValidationError({"handler_type": ["交办时须选择承办方"]})


class DecisionInSchema(ma.Schema):
    text = ma.fields.String(required=True, validate=validate.Length(min=1, max=1000))
    matter_id = Id(load_default=None, allow_none=True)
    matter_action = ma.fields.Nested(MatterActionSchema(exclude=("note",)), load_default=None, allow_none=True,
                                     metadata={"description": '{"action": "progress"} or {"action": "assign", '
                                                              '"handler_type": …} (as POST /matters/{id}/assign)'})
    poll_id = Id(load_default=None, allow_none=True, metadata={
        "description": "a draft poll of the community that this decision puts to the vote: it is published"})


class DecisionSchema(ma.Schema):
    text = ma.fields.String(required=True)
    matter_id = ma.fields.Integer(allow_none=True, required=True)
    matter_action = ma.fields.Dict(required=True, metadata={"description": "as recorded; dates as YYYY-MM-DD"})
    poll_id = ma.fields.Integer(allow_none=True, required=True)


class MinutesSchema(ma.Schema):
    minutes = ma.fields.String(required=True, validate=validate.Length(min=1, max=20000))
    decisions = ma.fields.List(ma.fields.Nested(DecisionInSchema), load_default=list, validate=validate.Length(max=50))


class InvitationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    household_id = ma.fields.Integer(allow_none=True, required=True)
    user_id = ma.fields.Integer(allow_none=True, required=True)
    building_name = ma.fields.String(allow_none=True, required=True)
    unit = ma.fields.String(allow_none=True, required=True)
    room = ma.fields.String(allow_none=True, required=True)
    head_name = ma.fields.String(allow_none=True, required=True)
    reply = ma.fields.String(allow_none=True, required=True)
    people = ma.fields.Integer(required=True)
    present = ma.fields.Boolean(required=True)
    checked_in_by_hand = ma.fields.Boolean(required=True)
    reply_on_behalf = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "由张三（楼栋长）代办 when someone outside the household answered"})
    checkin_on_behalf = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "由张三（网格员）代办 when someone signed the household in by hand"})


InvitationPageSchema = page_schema(InvitationSchema, "InvitationPage")
