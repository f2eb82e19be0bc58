from datetime import date

import marshmallow as ma
from marshmallow import validate

from app.matters.models import HandlerType, MatterClass, MatterStatus, TextCheck
from app.models_base import DAYS, MAX_ID, Id, one_of
from app.pagination import MAX_LIMIT, PageArgsSchema

CLASSES = one_of(MatterClass)


class CategorySchema(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    default_class = ma.fields.String(allow_none=True, required=True,
                                     metadata={"description": "a suggestion shown at triage, never applied"})
    builtin = ma.fields.Boolean(required=True)


class CategoryListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CategorySchema), required=True)


class CategoryInSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,39}$"))
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))
    default_class = ma.fields.String(load_default=None, allow_none=True, validate=CLASSES)


class MatterInSchema(ma.Schema):
    title = ma.fields.String(load_default="", validate=validate.Length(max=60), metadata={
        "description": "2 to 60 characters; may be left empty only with a voice note (then 语音反映 is shown)"})
    description = ma.fields.String(load_default="", validate=validate.Length(max=2000))
    category = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))
    building_id = Id(load_default=None, allow_none=True,
                                    metadata={"description": "default: the submitter's building"})
    place_text = ma.fields.String(load_default="", validate=validate.Length(max=200))
    latitude = ma.fields.Decimal(load_default=None, allow_none=True, places=6, as_string=True,
                                 validate=validate.Range(min=-90, max=90))
    longitude = ma.fields.Decimal(load_default=None, allow_none=True, places=6, as_string=True,
                                  validate=validate.Range(min=-180, max=180))
    on_behalf_of_household_id = Id(
        load_default=None, allow_none=True,
        metadata={"description": "走访登记: a building head or grid worker records for this household"})
    photo_ids = ma.fields.List(Id(), load_default=list, validate=validate.Length(max=9),
                               metadata={"description": "photos uploaded with POST /photos, at most 9"})
    voice_note_id = Id(load_default=None, allow_none=True, metadata={
        "description": "a voice note uploaded with POST /voice-notes, instead of or beside the text"})

    @ma.validates_schema(skip_on_field_errors=False)
    def _title_or_voice(self, data, **_):
        """A title of 2 to 60 characters, or none at all with a voice note (it speaks for itself)."""
        if "title" not in data:  # refused already as a field (too long, not text)
            return
        title = data["title"]
        if not title.strip() and data.get("voice_note_id") is None:
            raise ma.ValidationError("必填，或者录一段语音", "title")
        if title.strip() and len(title) < 2:
            raise ma.ValidationError("须为 2 到 60 个字", "title")


class PhotoSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    width = ma.fields.Integer(required=True)
    height = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True, metadata={"description": "signed, valid for an hour; no token needed"})
    thumbnail_url = ma.fields.String(required=True)


class PhotoUploadSchema(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class VoiceNoteSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    duration_ms = ma.fields.Integer(required=True, metadata={"description": "how long it plays (1 to 60 seconds)"})
    content_type = ma.fields.String(required=True, metadata={"description": "audio/mpeg (mp3) or audio/mp4 (m4a)"})
    url = ma.fields.String(required=True, metadata={
        "description": "GET with the Authorization header (wx.downloadFile), then play the downloaded file"})


class VoiceNoteUploadSchema(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                                  "description": "mp3 or m4a (AAC), 1 to 60 seconds, at most 2 MB"})


class PhotoFileArgsSchema(ma.Schema):
    sig = ma.fields.String(required=True, validate=validate.Length(max=300))


class MatterBriefSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    category = ma.fields.String(required=True)
    category_name = ma.fields.String(required=True)
    class_label = ma.fields.String(allow_none=True, required=True, metadata={"description": "大事, 小事 or 私事"})
    status = ma.fields.String(required=True)
    status_label = ma.fields.String(required=True)
    text_check = ma.fields.String(required=True, validate=one_of(TextCheck), metadata={
        "description": "WeChat's check of the typed text, after the report is saved: checking (only the household "
                       "and staff see it until the verdict), passed, risky (withdrawn; only the household and staff "
                       "see it), unchecked (no verdict: WeChat not configured or unavailable; shown as passed)"})
    text_check_label = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "内容审核中 or 未通过内容审核; null once it is shown to others"})
    matter_class = ma.fields.String(allow_none=True, required=True)
    community_id = ma.fields.Integer(required=True)
    building_id = ma.fields.Integer(required=True)
    building_name = ma.fields.String(required=True)
    created_at = ma.fields.DateTime(required=True)
    updated_at = ma.fields.DateTime(required=True)


class MatterPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MatterBriefSchema), required=True)
    next_cursor = ma.fields.Integer(allow_none=True, required=True)


class EventSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    action = ma.fields.String(required=True)
    status_from = ma.fields.String(allow_none=True, required=True)
    status_to = ma.fields.String(allow_none=True, required=True)
    matter_class = ma.fields.String(allow_none=True, required=True)
    note = ma.fields.String(required=True)
    data = ma.fields.Dict(required=True)
    actor_name = ma.fields.String(allow_none=True, required=True)
    on_behalf_label = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "done for the household by someone else: 由张三（楼栋长）代办; null otherwise"})
    created_at = ma.fields.DateTime(required=True)
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema), required=True)


class HandlerSchema(ma.Schema):
    type = ma.fields.String(required=True)
    name = ma.fields.String(allow_none=True, required=True)
    department_id = ma.fields.Integer(allow_none=True, required=True)
    user_id = ma.fields.Integer(allow_none=True, required=True)
    team_id = ma.fields.Integer(allow_none=True, required=True)


class LinkedPollSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.String(required=True)


class MatterActionsSchema(ma.Schema):
    """What the viewer may do to the matter now (role, household, handler and status): the
    very checks the actions make, so a button shown is a button that works."""

    classify = ma.fields.Boolean(required=True)
    reclassify = ma.fields.Boolean(required=True)
    class_votes = ma.fields.Boolean(required=True, metadata={"description": "record the council's vote on the class"})
    assign = ma.fields.Boolean(required=True)
    merge = ma.fields.Boolean(required=True)
    progress = ma.fields.Boolean(required=True)
    resolve = ma.fields.Boolean(required=True)
    escalate = ma.fields.Boolean(required=True)
    evaluate = ma.fields.Boolean(required=True)
    evaluate_for = ma.fields.Boolean(required=True, metadata={
        "description": "rate for the household, sending on_behalf_of_household_id (代为评议)"})
    withdraw = ma.fields.Boolean(required=True)
    comment = ma.fields.Boolean(required=True)


class MatterSchema(MatterBriefSchema):
    text_check_note = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "what the household reads while the text is checked or once it was found risky"})
    description = ma.fields.String(required=True)
    place_text = ma.fields.String(required=True)
    # Numbers, as the document says (Decimal would answer "30.720000"); six places fit a float.
    latitude = ma.fields.Float(allow_none=True, required=True)
    longitude = ma.fields.Float(allow_none=True, required=True)
    household_id = ma.fields.Integer(allow_none=True, required=True)
    submitter_name = ma.fields.String(allow_none=True, required=True)
    submitter_phone = ma.fields.String(allow_none=True, required=True)
    on_behalf = ma.fields.Boolean(required=True)
    mine = ma.fields.Boolean(required=True, metadata={"description": "the viewer's household reported it"})
    can = ma.fields.Nested(MatterActionsSchema, required=True)
    resolved_at = ma.fields.DateTime(allow_none=True, required=True)
    handler = ma.fields.Nested(HandlerSchema, allow_none=True, required=True)
    due_date = ma.fields.Date(allow_none=True, required=True)
    merged_into_id = ma.fields.Integer(allow_none=True, required=True)
    satisfaction = ma.fields.Integer(allow_none=True, required=True)
    evaluation_comment = ma.fields.String(allow_none=True, required=True)
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema), required=True)
    voice_note = ma.fields.Nested(VoiceNoteSchema, allow_none=True, required=True, metadata={
        "description": "sent with the report; only for those who see the matter in full (household, triage, handlers)"})
    timeline = ma.fields.List(ma.fields.Nested(EventSchema), required=True)
    polls = ma.fields.List(ma.fields.Nested(LinkedPollSchema), required=True,
                           metadata={"description": "polls put to the vote about this matter"})


class HouseholdFlagsSchema(ma.Schema):
    elderly_alone = ma.fields.Boolean(required=True)
    disabled = ma.fields.Boolean(required=True)
    low_income = ma.fields.Boolean(required=True)


class TriageItemSchema(MatterBriefSchema):
    description = ma.fields.String(required=True)
    suggested_class = ma.fields.String(allow_none=True, required=True)
    household_flags = ma.fields.Nested(HouseholdFlagsSchema, allow_none=True, required=True)
    similar_ids = ma.fields.List(ma.fields.Integer(), required=True,
                                 metadata={"description": "open matters, same building and category, last 30 days"})
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema), required=True, metadata={"description": "sent with the report"})
    voice_note = ma.fields.Nested(VoiceNoteSchema, allow_none=True, required=True,
                                  metadata={"description": "sent with the report"})


class TriagePageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TriageItemSchema), required=True)
    next_cursor = ma.fields.Integer(allow_none=True, required=True)


class WorkItemSchema(MatterBriefSchema):
    place_text = ma.fields.String(required=True)
    due_date = ma.fields.Date(allow_none=True, required=True)
    overdue = ma.fields.Boolean(required=True, metadata={"description": "the due date has passed"})
    handler_label = ma.fields.String(required=True, metadata={"description": "职能部门, 居委会, 义工队 …"})
    household_flags = ma.fields.Nested(HouseholdFlagsSchema, allow_none=True, required=True,
                                       metadata={"description": "only for those who may see households"})


class WorkPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(WorkItemSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True, metadata={"description": "the last item's due date_id"})


class WorkArgsSchema(ma.Schema):
    cursor = ma.fields.String(load_default=None, validate=validate.Length(max=30),
                              metadata={"description": "next_cursor of the page before"})
    limit = ma.fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))

    @ma.validates("cursor")
    def _cursor(self, value, **_kwargs):
        if value is None:
            return
        due, _, last_id = value.partition("_")
        try:
            date.fromisoformat(due)
        except ValueError:
            raise ma.ValidationError("格式不对") from None
        if not (last_id.isascii() and last_id.isdigit()) or not 0 < int(last_id) <= MAX_ID:
            raise ma.ValidationError("格式不对")


class CommunityMattersArgsSchema(PageArgsSchema):
    status = ma.fields.String(load_default=None, validate=one_of(MatterStatus))
    matter_class = ma.fields.String(load_default=None, validate=CLASSES)
    grid_id = Id(load_default=None)
    handler_type = ma.fields.String(load_default=None, validate=one_of(HandlerType))
    overdue = ma.fields.Boolean(load_default=None, metadata={
        "description": "true: open matters past their due date; false: the others"})
    unsatisfied = ma.fields.Boolean(load_default=None, metadata={
        "description": "true: rated 1 or 2 by the household; false: rated 3 to 5"})


class CommunityMatterSchema(MatterBriefSchema):
    """A row of the community's matter table: where, who handles it, by when, how it was rated."""

    grid_id = ma.fields.Integer(required=True)
    handler_type = ma.fields.String(allow_none=True, required=True)
    handler_label = ma.fields.String(allow_none=True, required=True, metadata={"description": "职能部门, 居委会, 义工队 …"})
    handler_name = ma.fields.String(allow_none=True, required=True, metadata={"description": "城管, the team's name …"})
    due_date = ma.fields.Date(allow_none=True, required=True)
    overdue = ma.fields.Boolean(required=True, metadata={"description": "open and past its due date"})
    satisfaction = ma.fields.Integer(allow_none=True, required=True)


class CommunityMatterPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CommunityMatterSchema), required=True)
    next_cursor = ma.fields.Integer(allow_none=True, required=True)


class ClassifySchema(ma.Schema):
    matter_class = ma.fields.String(required=True, validate=CLASSES)
    reason = ma.fields.String(required=True, validate=validate.Length(min=2, max=500))


class CouncilVoteSchema(ma.Schema):
    user_id = Id(required=True)
    matter_class = ma.fields.String(required=True, validate=CLASSES)


class ClassVotesSchema(ma.Schema):
    votes = ma.fields.List(ma.fields.Nested(CouncilVoteSchema), required=True,
                           validate=validate.Length(min=1, max=100))
    reason = ma.fields.String(required=True, validate=validate.Length(min=2, max=500))


class AssignSchema(ma.Schema):
    handler_type = ma.fields.String(required=True, validate=one_of(HandlerType))
    note = ma.fields.String(load_default="", validate=validate.Length(max=500))
    department_id = Id(load_default=None, allow_none=True)
    user_id = Id(load_default=None, allow_none=True)
    team_id = Id(load_default=None, allow_none=True)
    handler_name = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    due_date = ma.fields.Date(load_default=None, allow_none=True, validate=DAYS)


class NoteSchema(ma.Schema):
    note = ma.fields.String(required=True, validate=validate.Length(min=1, max=2000))


class HandlerUpdateSchema(NoteSchema):
    photo_ids = ma.fields.List(Id(), load_default=list, validate=validate.Length(max=9))


class OptionalNoteSchema(ma.Schema):
    note = ma.fields.String(load_default="", validate=validate.Length(max=500))


class EvaluateSchema(ma.Schema):
    satisfaction = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = ma.fields.String(load_default="", validate=validate.Length(max=500))
    on_behalf_of_household_id = Id(load_default=None, allow_none=True, metadata={
        "description": "代为评议: the matter's household, when its building head, grid worker, staff or "
                       "family helper rates for it (can.evaluate_for)"})


class MergeSchema(ma.Schema):
    into_id = Id(required=True)
    note = ma.fields.String(load_default="", validate=validate.Length(max=500))


class PeriodArgsSchema(ma.Schema):
    start = ma.fields.Date(required=True, data_key="from", validate=DAYS,
                           metadata={"description": "first day, YYYY-MM-DD"})
    end = ma.fields.Date(required=True, data_key="to", validate=DAYS,
                         metadata={"description": "last day, included"})

    @ma.validates_schema
    def _span(self, data, **_):
        if data["end"] < data["start"]:
            raise ma.ValidationError("不能早于开始日期", "to")
        if (data["end"] - data["start"]).days > 366:
            raise ma.ValidationError("时间段最长一年", "to")


class MonthStatsSchema(ma.Schema):
    month = ma.fields.String(required=True, metadata={"description": "YYYY-MM in the community's time zone"})
    major = ma.fields.Integer(required=True)
    minor = ma.fields.Integer(required=True)
    private = ma.fields.Integer(required=True)
    unclassified = ma.fields.Integer(required=True)
    resolved = ma.fields.Integer(required=True, metadata={"description": "of that month's matters"})


class HandlerStatsSchema(ma.Schema):
    handler_type = ma.fields.String(required=True)
    handler_label = ma.fields.String(required=True)
    name = ma.fields.String(required=True, metadata={"description": "the department or team; else the kind"})
    count = ma.fields.Integer(required=True)
    resolved = ma.fields.Integer(required=True)
    median_days_to_resolution = ma.fields.Float(allow_none=True, required=True)
    overdue = ma.fields.Integer(required=True, metadata={"description": "open and past the due date today"})
    average_satisfaction = ma.fields.Float(allow_none=True, required=True)


class MatterStatsSchema(ma.Schema):
    total = ma.fields.Integer(required=True)
    by_month = ma.fields.List(ma.fields.Nested(MonthStatsSchema), required=True)
    by_handler = ma.fields.List(ma.fields.Nested(HandlerStatsSchema), required=True,
                                metadata={"description": "most matters first"})
    by_class = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), required=True)
    by_status = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), required=True)
    by_grid = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), required=True)
    median_days_to_resolution = ma.fields.Float(allow_none=True, required=True)
    satisfaction = ma.fields.Dict(required=True, metadata={"description": "count, average, distribution 1–5"})
