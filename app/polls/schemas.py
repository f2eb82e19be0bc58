import marshmallow as ma
from marshmallow import validate

from app.matters.schemas import PhotoSchema
from app.models_base import MAX_ID, TIMES, Id, one_of
from app.pagination import page_schema
from app.polls.models import BallotVia, Electorate, PaperStatus, QuestionKind, ScopeKind
from app.polls.rules import Rule


class QuestionInSchema(ma.Schema):
    text = ma.fields.String(required=True, validate=validate.Length(min=2, max=200))
    kind = ma.fields.String(required=True, validate=one_of(QuestionKind),
                            metadata={"description": "yes_no: 赞成/反对/弃权; single; multiple (up to max_choices)"})
    options = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=60)), load_default=list,
                             validate=validate.Length(max=20), metadata={"description": "not for yes_no"})
    max_choices = ma.fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=20))


class QuestionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    position = ma.fields.Integer(required=True)
    text = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    options = ma.fields.List(ma.fields.String(), required=True)
    max_choices = ma.fields.Integer(required=True)


class PollEditSchema(ma.Schema):
    """A poll's settings: what drafting sets and editing a draft changes (PATCH sends only what changes)."""

    title = ma.fields.String(required=True, validate=validate.Length(min=2, max=60))
    description = ma.fields.String(load_default="", validate=validate.Length(max=5000))
    electorate = ma.fields.String(required=True, validate=one_of(Electorate))
    scope_kind = ma.fields.String(load_default=ScopeKind.COMMUNITY.value, validate=one_of(ScopeKind))
    scope_ids = ma.fields.List(Id(), load_default=list, validate=validate.Length(max=200),
                               metadata={"description": "building ids, a courtyard id, or the community id"})
    rule = ma.fields.String(required=True, validate=one_of(Rule))
    quorum_percent = ma.fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100))
    secret = ma.fields.Boolean(load_default=False, metadata={"description": "无记名: not for owners polls"})
    allow_change = ma.fields.Boolean(load_default=False, metadata={"description": "the last ballot before the close counts"})
    show_tally = ma.fields.Boolean(load_default=False, metadata={"description": "show the running tally while open"})
    opens_at = ma.fields.AwareDateTime(load_default=None, allow_none=True, validate=TIMES,
                                       metadata={"description": "default: on publishing"})
    closes_at = ma.fields.AwareDateTime(required=True, validate=TIMES)
    objection_days = ma.fields.Integer(load_default=7, validate=validate.Range(min=0, max=30),
                                       metadata={"description": "公示 period after the close"})
    matter_id = Id(load_default=None, allow_none=True)
    questions = ma.fields.List(ma.fields.Nested(QuestionInSchema), required=True, validate=validate.Length(min=1, max=10))


class PollInSchema(PollEditSchema):
    community_id = Id(required=True)


class ChoiceSchema(ma.Schema):
    value = ma.fields.String(required=True)
    label = ma.fields.String(required=True)


class RequirementSchema(ma.Schema):
    label = ma.fields.String(required=True)
    required = ma.fields.String(required=True, metadata={"description": "e.g. ≥ 2/3"})


class RuleInfoSchema(ChoiceSchema):
    summary = ma.fields.String(required=True, metadata={"description": "what the rule asks, in plain words"})
    requires = ma.fields.List(ma.fields.Nested(RequirementSchema), required=True,
                              metadata={"description": "the thresholds the count checks (a poll's quorum on top)"})
    owners_only = ma.fields.Boolean(required=True, metadata={"description": "weighted by area: owners polls only"})


class RuleBookSchema(ma.Schema):
    electorates = ma.fields.List(ma.fields.Nested(ChoiceSchema), required=True)
    rules = ma.fields.List(ma.fields.Nested(RuleInfoSchema), required=True)


class ThresholdSchema(ma.Schema):
    name = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    value = ma.fields.String(required=True)
    of = ma.fields.String(required=True)
    unit = ma.fields.String(required=True)
    required = ma.fields.String(required=True, metadata={"description": "e.g. ≥ 2/3"})
    met = ma.fields.Boolean(required=True)


class OptionResultSchema(ma.Schema):
    label = ma.fields.String(required=True)
    people = ma.fields.Integer(required=True)
    area = ma.fields.String(required=True)
    passed = ma.fields.Boolean(required=True)
    thresholds = ma.fields.List(ma.fields.Nested(ThresholdSchema), required=True)


class QuestionResultSchema(ma.Schema):
    question_id = ma.fields.Integer(required=True)
    text = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    options = ma.fields.List(ma.fields.Nested(OptionResultSchema), required=True)
    passed = ma.fields.Boolean(required=True)
    thresholds = ma.fields.List(ma.fields.Nested(ThresholdSchema), required=True)
    chosen = ma.fields.List(ma.fields.Integer(), required=True)
    tie = ma.fields.Boolean(required=True)


class CountSchema(ma.Schema):
    people = ma.fields.Integer(required=True)
    area = ma.fields.String(required=True)


class ResultSchema(ma.Schema):
    rule = ma.fields.String(required=True)
    rule_label = ma.fields.String(required=True)
    quorum_percent = ma.fields.Integer(allow_none=True, required=True)
    electorate = ma.fields.Nested(CountSchema, required=True)
    participants = ma.fields.Nested(CountSchema, required=True)
    questions = ma.fields.List(ma.fields.Nested(QuestionResultSchema), required=True)
    ballots = ma.fields.Integer(required=True)
    pending_paper = ma.fields.Integer(required=True, metadata={"description": "paper ballots never confirmed: not counted"})
    ballots_digest = ma.fields.String(required=True, metadata={
        "description": "sha256 of the counted ballots: the sorted lines `tracker:choices` (choices as JSON with "
                       "sorted keys, Python's json.dumps), joined by newlines"})


class BallotSchema(ma.Schema):
    receipt = ma.fields.String(required=True, metadata={
        "description": "回执码: proves the ballot was received and counted, not what it says"})
    tracker = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "核对码, for the voter alone: finds the ballot on the board after the close. Secret polls: "
                       "only to the member who cast it, until the close"})
    choices = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.Integer()), allow_none=True,
                             required=True, metadata={"description": "to whom the tracker goes, else null"})
    via = ma.fields.String(required=True)
    status = ma.fields.String(required=True)


class CastResultSchema(BallotSchema):
    changed = ma.fields.Boolean(required=True, metadata={"description": "an earlier ballot was replaced"})


class ReceiptCheckSchema(ma.Schema):
    receipt = ma.fields.String(required=True)
    via = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    counted = ma.fields.Boolean(required=True)
    in_result = ma.fields.Boolean(required=True)


class BoardArgsSchema(ma.Schema):
    cursor = ma.fields.String(load_default=None, validate=validate.Length(max=16),
                              metadata={"description": "the last tracker of the previous page"})
    limit = ma.fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class BoardEntrySchema(ma.Schema):
    tracker = ma.fields.String(required=True)
    choices = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.Integer()), required=True,
                             metadata={"description": "question id → chosen option indexes (empty: abstained)"})
    people = ma.fields.Integer(required=True)
    area = ma.fields.String(required=True, metadata={"description": "m², two decimals; 0.00 unless an owners poll"})


class BoardPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(BoardEntrySchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)
    ballots_digest = ma.fields.String(required=True, metadata={"description": "the frozen result's"})


class PollSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    community_id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    electorate = ma.fields.String(required=True)
    electorate_label = ma.fields.String(required=True)
    scope_kind = ma.fields.String(required=True)
    scope_ids = ma.fields.List(ma.fields.Integer(), required=True)
    rule = ma.fields.String(required=True)
    rule_label = ma.fields.String(required=True)
    quorum_percent = ma.fields.Integer(allow_none=True, required=True)
    secret = ma.fields.Boolean(required=True)
    allow_change = ma.fields.Boolean(required=True)
    show_tally = ma.fields.Boolean(required=True)
    opens_at = ma.fields.DateTime(required=True)
    closes_at = ma.fields.DateTime(required=True)
    objection_days = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True)
    status_label = ma.fields.String(required=True)
    matter_id = ma.fields.Integer(allow_none=True, required=True)
    closed_at = ma.fields.DateTime(allow_none=True, required=True)
    objections_until = ma.fields.DateTime(allow_none=True, required=True)
    result_digest = ma.fields.String(allow_none=True, required=True)
    cancel_reason = ma.fields.String(allow_none=True, required=True)
    questions = ma.fields.List(ma.fields.Nested(QuestionSchema), required=True)
    voters = ma.fields.Integer(required=True, metadata={"description": "the frozen electorate, by voter"})
    voted = ma.fields.Integer(required=True)
    in_electorate = ma.fields.Boolean(required=True)
    household_voted = ma.fields.Boolean(required=True, metadata={"description": "my household (or I) has voted"})
    can_vote = ma.fields.Boolean(required=True)
    cannot_vote_reason = ma.fields.String(allow_none=True, required=True, metadata={"description": "why not, in Chinese"})
    my_ballot = ma.fields.Nested(BallotSchema, allow_none=True, required=True)
    result = ma.fields.Nested(ResultSchema, allow_none=True, required=True,
                              metadata={"description": "after the close, or while open when show_tally"})
    can_manage = ma.fields.Boolean(required=True)
    can_edit = ma.fields.Boolean(required=True, metadata={"description": "a draft I may edit and publish"})
    can_cancel = ma.fields.Boolean(required=True, metadata={"description": "not closed yet, and I may cancel it"})
    can_supervise = ma.fields.Boolean(required=True)
    can_close = ma.fields.Boolean(required=True, metadata={"description": "deadline passed, not yet counted, and I may close"})
    can_object = ma.fields.Boolean(required=True, metadata={"description": "in the 公示 period and in the electorate"})
    can_enter_paper = ma.fields.Boolean(required=True, metadata={
        "description": "open, by household, and I enter paper ballots somewhere in the community"})


PollPageSchema = page_schema(PollSchema, "PollPageSchema")


class AnswerSchema(ma.Schema):
    question_id = Id(required=True)
    choices = ma.fields.List(ma.fields.Integer(), required=True, validate=validate.Length(max=20),
                             metadata={"description": "option indexes; empty abstains from a choice question"})


class CastSchema(ma.Schema):
    answers = ma.fields.List(ma.fields.Nested(AnswerSchema), required=True, validate=validate.Length(min=1, max=10))


class PaperInSchema(CastSchema):
    household_id = Id(load_default=None, metadata={"description": "the household; or scan its paper ballot's ballot_code"})
    ballot_code = ma.fields.String(load_default=None, validate=validate.Length(min=5, max=40), metadata={
        "description": "the code printed on the household's paper ballot (GET /polls/{id}/paper-ballots.pdf), scanned"})
    photo_id = Id(required=True, metadata={"description": "a photo of the paper ballot or the authorization"})
    via = ma.fields.String(load_default=BallotVia.PAPER.value,
                           validate=validate.OneOf([BallotVia.PAPER.value, BallotVia.PROXY.value]))
    proxy_name = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=50))
    authorization_text = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(min=2, max=500),
                                          metadata={"description": "委托书: who authorized whom, for what, signed when"})


class PaperSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    household_id = ma.fields.Integer(required=True)
    household = ma.fields.String(allow_none=True, required=True)
    via = ma.fields.String(required=True)
    photo = ma.fields.Nested(PhotoSchema, allow_none=True, required=True, metadata={
        "description": "null in a secret poll once reviewed: the photo is destroyed"})
    proxy_name = ma.fields.String(allow_none=True, required=True)
    authorization_text = ma.fields.String(allow_none=True, required=True)
    entered_by = ma.fields.String(allow_none=True, required=True)
    entered_at = ma.fields.DateTime(required=True)
    status = ma.fields.String(required=True)
    reviewed_by = ma.fields.String(allow_none=True, required=True)
    reviewed_at = ma.fields.DateTime(allow_none=True, required=True)
    review_note = ma.fields.String(allow_none=True, required=True)
    choices = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.Integer()), allow_none=True,
                             required=True, metadata={"description": "what was entered; to supervisors while pending"})


PaperPageSchema = page_schema(PaperSchema, "PaperBallotPageSchema")


class PaperArgsSchema(ma.Schema):
    cursor = ma.fields.Integer(load_default=None, validate=validate.Range(min=0, max=MAX_ID))
    limit = ma.fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    status = ma.fields.String(load_default=None, validate=one_of(PaperStatus))


class ObjectionInSchema(ma.Schema):
    text = ma.fields.String(required=True, validate=validate.Length(min=2, max=1000))


class ObjectionAnswerSchema(ma.Schema):
    answer = ma.fields.String(required=True, validate=validate.Length(min=2, max=1000))


class ObjectionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    text = ma.fields.String(required=True)
    created_at = ma.fields.DateTime(required=True)
    answer = ma.fields.String(allow_none=True, required=True)
    answered_at = ma.fields.DateTime(allow_none=True, required=True)
    mine = ma.fields.Boolean(required=True)
    household = ma.fields.String(allow_none=True, required=True, metadata={"description": "to overseers only"})


ObjectionPageSchema = page_schema(ObjectionSchema, "ObjectionPageSchema")


class PollEventSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    action = ma.fields.String(required=True)
    action_label = ma.fields.String(required=True)
    actor_id = ma.fields.Integer(allow_none=True, required=True)
    actor = ma.fields.String(allow_none=True, required=True)
    household_id = ma.fields.Integer(allow_none=True, required=True)
    household = ma.fields.String(allow_none=True, required=True)
    note = ma.fields.String(required=True)
    created_at = ma.fields.DateTime(required=True)


EventPageSchema = page_schema(PollEventSchema, "PollEventPageSchema")


class ElectorateSchema(ma.Schema):
    frozen = ma.fields.Boolean(required=True, metadata={"description": "false: a draft's, as it would be frozen now"})
    voters = ma.fields.Integer(required=True, metadata={"description": "the headcount art. 278 counts"})
    households = ma.fields.Integer(required=True)
    area = ma.fields.Float(required=True, metadata={"description": "total floor area, m²"})


class BuildingTurnoutSchema(ma.Schema):
    building_id = ma.fields.Integer(required=True)
    building_name = ma.fields.String(required=True, metadata={"description": "courtyard and building"})
    electors = ma.fields.Integer(required=True)
    voted = ma.fields.Integer(required=True)
    paper_pending = ma.fields.Integer(required=True)


class TurnoutSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(BuildingTurnoutSchema), required=True)


class PollTurnoutSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    closed_at = ma.fields.AwareDateTime(required=True)
    electorate_label = ma.fields.String(required=True)
    voters = ma.fields.Integer(required=True, metadata={"description": "the electorate, by voter"})
    voted = ma.fields.Integer(required=True)
    turnout_percent = ma.fields.Float(allow_none=True, required=True, metadata={"description": "null: no voters"})


class PollStatsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PollTurnoutSchema), required=True,
                           metadata={"description": "the polls closed in the period, in the order they closed"})


class ElectorArgsSchema(ma.Schema):
    cursor = ma.fields.Integer(load_default=None, validate=validate.Range(min=0, max=MAX_ID))
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    building_id = Id(load_default=None)
    voted = ma.fields.Boolean(load_default=None)


class ElectorSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    household_id = ma.fields.Integer(allow_none=True, required=True)
    user_id = ma.fields.Integer(allow_none=True, required=True)
    label = ma.fields.String(required=True)
    building = ma.fields.String(allow_none=True, required=True, metadata={"description": "household electorates"})
    head_name = ma.fields.String(allow_none=True, required=True)
    voted = ma.fields.Boolean(required=True)
    voted_at = ma.fields.DateTime(allow_none=True, required=True)
    paper_pending = ma.fields.Boolean(required=True, metadata={"description": "a paper or proxy ballot awaits confirmation"})


ElectorPageSchema = page_schema(ElectorSchema, "PollElectorPageSchema")


class NamedBallotArgsSchema(ma.Schema):
    cursor = ma.fields.String(load_default=None, validate=validate.Length(max=80))
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


class NamedBallotSchema(BallotSchema):
    voters = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "the flats this ballot speaks for"})


class NamedBallotPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(NamedBallotSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


class RecountSchema(ma.Schema):
    matches = ma.fields.Boolean(required=True)
    frozen_digest = ma.fields.String(required=True)
    recount_digest = ma.fields.String(required=True)
    result = ma.fields.Nested(ResultSchema, required=True)
