import marshmallow as ma
from marshmallow import validate

from app.budgets.models import BudgetRule
from app.matters.schemas import PhotoSchema
from app.models_base import TIMES, Id, one_of
from app.pagination import PageArgsSchema, page_schema

MAX_FEN = 10**11  # 10 亿元: far above any community's budget, well inside a BIGINT
FEN = validate.Range(min=1, max=MAX_FEN)


# ---- 五议三不议 ------------------------------------------------------------------------------------

class AgendaRuleInSchema(ma.Schema):
    title = ma.fields.String(required=True, validate=validate.Length(min=2, max=60),
                             metadata={"description": "e.g. 违反法律法规的不议"})
    text = ma.fields.String(load_default="", validate=validate.Length(max=500))


class AgendaRuleEditSchema(ma.Schema):
    title = ma.fields.String(validate=validate.Length(min=2, max=60))
    text = ma.fields.String(validate=validate.Length(max=500))
    active = ma.fields.Boolean(metadata={"description": "false retires the rule (it is never deleted)"})


class AgendaRuleSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    text = ma.fields.String(required=True)
    active = ma.fields.Boolean(required=True)


class AgendaRuleListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AgendaRuleSchema), required=True)


# ---- rounds ---------------------------------------------------------------------------------------

class RoundInSchema(ma.Schema):
    title = ma.fields.String(required=True, validate=validate.Length(min=2, max=60))
    description = ma.fields.String(load_default="", validate=validate.Length(max=5000))
    fund_id = Id(required=True, metadata={"description": "the community's fund, or the estate's for an estate's round"})
    budget_fen = ma.fields.Integer(required=True, validate=FEN, metadata={"description": "分 (100 = 1 元)"})
    rule = ma.fields.String(required=True, validate=one_of(BudgetRule),
                            metadata={"description": "greedy: by approvals; equal_shares: the Method of Equal Shares"})
    courtyard_id = Id(load_default=None, allow_none=True, metadata={"description": "an estate's round; none: the community's"})
    proposals_until = ma.fields.AwareDateTime(load_default=None, allow_none=True, validate=TIMES,
                                              metadata={"description": "shown to residents; staff move the round on"})
    voting_until = ma.fields.AwareDateTime(load_default=None, allow_none=True, validate=TIMES)


class RoundSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    community_id = ma.fields.Integer(required=True)
    courtyard_id = ma.fields.Integer(allow_none=True, required=True)
    fund_id = ma.fields.Integer(required=True, metadata={"description": "the fund it spends"})
    scope_label = ma.fields.String(required=True, metadata={"description": "全社区, or the estate's name"})
    title = ma.fields.String(required=True)
    budget_fen = ma.fields.Integer(required=True)
    rule = ma.fields.String(required=True)
    rule_label = ma.fields.String(required=True)
    status = ma.fields.String(required=True, metadata={"description": "proposing, reviewing, voting, closed, cancelled"})
    status_label = ma.fields.String(required=True)
    proposals_until = ma.fields.DateTime(allow_none=True, required=True)
    voting_until = ma.fields.DateTime(allow_none=True, required=True)
    closed_at = ma.fields.DateTime(allow_none=True, required=True)


RoundPageSchema = page_schema(RoundSummarySchema, "BudgetRoundPageSchema")


class RoundListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RoundSummarySchema), required=True)


class FundBriefSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    balance_fen = ma.fields.Integer(required=True)


class ProjectSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    location = ma.fields.String(required=True)
    estimate_fen = ma.fields.Integer(allow_none=True, required=True)
    cost_fen = ma.fields.Integer(allow_none=True, required=True, metadata={"description": "as costed by the review"})
    status = ma.fields.String(required=True)
    status_label = ma.fields.String(required=True)
    approvals = ma.fields.Integer(allow_none=True, required=True, metadata={"description": "counted at the close"})
    funded_explanation = ma.fields.String(allow_none=True, required=True,
                                          metadata={"description": "why it won or lost, once the round is closed"})


class ResultLineSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    cost_fen = ma.fields.Integer(required=True)
    approvals = ma.fields.Integer(required=True)
    funded = ma.fields.Boolean(required=True)
    explanation = ma.fields.String(required=True)


class BudgetResultSchema(ma.Schema):
    rule = ma.fields.String(required=True)
    rule_label = ma.fields.String(required=True)
    budget_fen = ma.fields.Integer(required=True)
    ballots = ma.fields.Integer(required=True)
    electors = ma.fields.Integer(required=True)
    share_fen = ma.fields.Integer(allow_none=True, required=True, metadata={
        "description": "equal_shares: each voting household's share, budget_fen / ballots, to the fen"})
    tie_breaking = ma.fields.String(required=True)
    funded_ids = ma.fields.List(ma.fields.Integer(), required=True)
    spent_fen = ma.fields.Integer(required=True)
    left_fen = ma.fields.Integer(required=True, metadata={"description": "stays in the fund (no completion)"})
    projects = ma.fields.List(ma.fields.Nested(ResultLineSchema), required=True)
    ballots_digest = ma.fields.String(required=True, metadata={
        "description": "sha256 of the board: each ballot as a JSON list of sorted project ids (Python's json.dumps), "
                       "the lines sorted and joined by newlines"})


class MyBallotSchema(ma.Schema):
    project_ids = ma.fields.List(ma.fields.Integer(), required=True)
    cast_at = ma.fields.DateTime(required=True)
    acting_label = ma.fields.String(allow_none=True, required=True, metadata={"description": "由张三（楼栋长）代办"})


class RoundActionsSchema(ma.Schema):
    propose = ma.fields.Boolean(required=True)
    review = ma.fields.Boolean(required=True)
    vote = ma.fields.Boolean(required=True, metadata={"description": "for my household, as its voter"})
    manage = ma.fields.Boolean(required=True)
    close = ma.fields.Boolean(required=True)


class RoundSchema(RoundSummarySchema):
    fund = ma.fields.Nested(FundBriefSchema, required=True)
    description = ma.fields.String(required=True)
    voting_opened_at = ma.fields.DateTime(allow_none=True, required=True)
    cancel_reason = ma.fields.String(allow_none=True, required=True)
    electors = ma.fields.Integer(required=True, metadata={"description": "households, frozen when voting opens"})
    voted = ma.fields.Integer(required=True)
    projects = ma.fields.List(ma.fields.Nested(ProjectSummarySchema), required=True,
                              metadata={"description": "every proposal but the withdrawn, in the order proposed"})
    my_ballot = ma.fields.Nested(MyBallotSchema, allow_none=True, required=True)
    result = ma.fields.Nested(BudgetResultSchema, allow_none=True, required=True)
    result_digest = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "sha256 of the result as JSON with sorted keys (Python's json.dumps, ensure_ascii=False)"})
    can = ma.fields.Nested(RoundActionsSchema, required=True)


class BallotInSchema(ma.Schema):
    project_ids = ma.fields.List(Id(), required=True, validate=validate.Length(min=1, max=100),
                                 metadata={"description": "accepted projects of the round, their costs within the budget"})
    on_behalf_of_household_id = Id(load_default=None, allow_none=True, metadata={
        "description": "entered for an elector household by whoever looks after it (an elder without a phone)"})


class BoardSchema(ma.Schema):
    ballots = ma.fields.List(ma.fields.List(ma.fields.Integer()), required=True, metadata={
        "description": "every ballot's sorted project ids, in random order, without household or time"})


class ElectorArgsSchema(PageArgsSchema):
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    voted = ma.fields.Boolean(load_default=None, metadata={"description": "false: those still to vote"})


class BudgetElectorSchema(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"description": "the elector row: the page's cursor"})
    household_id = ma.fields.Integer(required=True)
    courtyard_name = ma.fields.String(required=True, metadata={
        "description": "with the building: a community's courtyards each have their 1幢"})
    building_name = ma.fields.String(required=True)
    unit = ma.fields.String(required=True)
    room = ma.fields.String(required=True)
    head_name = ma.fields.String(allow_none=True, required=True)
    elderly_alone = ma.fields.Boolean(required=True)
    voted = ma.fields.Boolean(required=True)
    voted_at = ma.fields.DateTime(allow_none=True, required=True)
    entered_for = ma.fields.Boolean(required=True, metadata={"description": "its ballot was entered for it (替住户录入)"})


ElectorPageSchema = page_schema(BudgetElectorSchema, "BudgetElectorPageSchema")


# ---- projects -------------------------------------------------------------------------------------

class ProjectInSchema(ma.Schema):
    title = ma.fields.String(required=True, validate=validate.Length(min=2, max=60))
    description = ma.fields.String(load_default="", validate=validate.Length(max=5000))
    location = ma.fields.String(load_default="", validate=validate.Length(max=100))
    estimate_fen = ma.fields.Integer(load_default=None, allow_none=True, validate=FEN,
                                     metadata={"description": "the proposer's guess; the review sets the cost"})
    matter_id = Id(load_default=None, allow_none=True,
                   metadata={"description": "a matter of my household's (any of the community's for council and staff)"})


class ReviewSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=validate.OneOf(["accept", "refuse"]))
    reason = ma.fields.String(required=True, validate=validate.Length(min=2, max=400))
    cost_fen = ma.fields.Integer(load_default=None, allow_none=True, validate=FEN,
                                 metadata={"description": "accept: required, within the round's budget"})
    agenda_rule_id = Id(load_default=None, allow_none=True, metadata={
        "description": "refuse: an active rule of the community's 五议三不议 the proposal breaks"})


class UpdateInSchema(ma.Schema):
    text = ma.fields.String(required=True, validate=validate.Length(min=2, max=1000))
    percent = ma.fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100))
    completes = ma.fields.Boolean(load_default=False, metadata={"description": "完工: asks the supervisors to sign off"})
    photo_ids = ma.fields.List(Id(), load_default=list, validate=validate.Length(max=9),
                               metadata={"description": "my unused uploads (POST /photos)"})


class SignOffSchema(ma.Schema):
    accepted = ma.fields.Boolean(required=True)
    note = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500),
                            metadata={"description": "required when not accepted: what to put right (整改)"})


class EvaluationInSchema(ma.Schema):
    rating = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=5),
                               metadata={"description": "1 很不满意 … 5 很满意"})
    comment = ma.fields.String(load_default="", validate=validate.Length(max=500))
    on_behalf_of_household_id = Id(load_default=None, allow_none=True, metadata={
        "description": "代为评议: its building head, grid worker, staff or family helper rates for the household"})


class ProjectRoundSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    rule = ma.fields.String(required=True)


class ProposerSchema(ma.Schema):
    name = ma.fields.String(allow_none=True, required=True)


class PostedBySchema(ProposerSchema):
    id = ma.fields.Integer(required=True)


class AgendaRuleBriefSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)


class ProjectUpdateSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    text = ma.fields.String(required=True)
    percent = ma.fields.Integer(allow_none=True, required=True)
    completes = ma.fields.Boolean(required=True)
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema), required=True)
    posted_by = ma.fields.Nested(PostedBySchema, required=True)
    created_at = ma.fields.DateTime(required=True)


class EvaluationSummarySchema(ma.Schema):
    count = ma.fields.Integer(required=True)
    average = ma.fields.Float(required=True)


class MyEvaluationSchema(ma.Schema):
    rating = ma.fields.Integer(required=True)
    comment = ma.fields.String(required=True)
    acting_label = ma.fields.String(allow_none=True, required=True, metadata={"description": "由张三（楼栋长）代办"})


class ProjectActionsSchema(ma.Schema):
    withdraw = ma.fields.Boolean(required=True)
    review = ma.fields.Boolean(required=True)
    update = ma.fields.Boolean(required=True)
    sign_off = ma.fields.Boolean(required=True)
    evaluate = ma.fields.Boolean(required=True, metadata={"description": "for my household"})


class ProjectSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    round = ma.fields.Nested(ProjectRoundSchema, required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    location = ma.fields.String(required=True)
    estimate_fen = ma.fields.Integer(allow_none=True, required=True)
    cost_fen = ma.fields.Integer(allow_none=True, required=True)
    status = ma.fields.String(required=True)
    status_label = ma.fields.String(required=True)
    proposer = ma.fields.Nested(ProposerSchema, required=True)
    matter_id = ma.fields.Integer(allow_none=True, required=True)
    review_reason = ma.fields.String(allow_none=True, required=True,
                                     metadata={"description": "a refusal naming a rule reads 按“<rule>”不议：<reason>"})
    agenda_rule = ma.fields.Nested(AgendaRuleBriefSchema, allow_none=True, required=True)
    reviewed_at = ma.fields.DateTime(allow_none=True, required=True)
    approvals = ma.fields.Integer(allow_none=True, required=True)
    explanation = ma.fields.String(allow_none=True, required=True)
    updates = ma.fields.List(ma.fields.Nested(ProjectUpdateSchema), required=True)
    completed_at = ma.fields.DateTime(allow_none=True, required=True)
    signed_off_at = ma.fields.DateTime(allow_none=True, required=True)
    sign_off_note = ma.fields.String(allow_none=True, required=True)
    evaluation = ma.fields.Nested(EvaluationSummarySchema, allow_none=True, required=True)
    my_evaluation = ma.fields.Nested(MyEvaluationSchema, allow_none=True, required=True)
    can = ma.fields.Nested(ProjectActionsSchema, required=True)
