import marshmallow as ma
from marshmallow import validate

from app.funds.models import EntryKind, PaidBy, StatementKind
from app.funds.statements import Review
from app.matters.schemas import PhotoSchema
from app.models_base import DAYS, Id, one_of
from app.pagination import PageArgsSchema, page_schema

MAX_FEN = 10**11  # 10 亿元: far above any community's fund, well inside a BIGINT
FEN = validate.Range(min=1, max=MAX_FEN)
MONTH = validate.Regexp(r"^20\d\d-(0[1-9]|1[0-2])$", error="月份须写成年-月，如 2026-11")
REVIEW_DOC = ("the supervisors' check (监委会核实): pending until one answers; queried while any answer "
              "disagrees; confirmed when every answer agrees")
RECORDED_KINDS = [EntryKind.CONTRIBUTION.value, EntryKind.GRANT.value, EntryKind.SPENDING.value]


# ---- funds -----------------------------------------------------------------------------------------

class FundInSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(min=2, max=60), metadata={"description": "e.g. 微更新基金"})
    description = ma.fields.String(load_default="", validate=validate.Length(max=500))
    courtyard_id = Id(load_default=None, allow_none=True, metadata={"description": "an estate's fund; none: the community's"})
    suggested_fen = ma.fields.Integer(load_default=None, allow_none=True, validate=FEN,
                                      metadata={"description": "what each household is asked for (10000 = 100 元/户)"})


class HouseholdAddressSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    address = ma.fields.String(required=True)


class MyHouseholdSchema(HouseholdAddressSchema):
    contributed_fen = ma.fields.Integer(required=True, metadata={"description": "corrections applied"})
    entries = ma.fields.Integer(required=True, metadata={"description": "contributions recorded"})


class FundActionsSchema(ma.Schema):
    keep = ma.fields.Boolean(required=True, metadata={"description": "record grants and spending, correct, publish"})
    view_ledger = ma.fields.Boolean(required=True, metadata={"description": "every entry, who contributed included"})
    collect = ma.fields.Boolean(required=True, metadata={"description": "may take a contribution for some household"})
    supervise = ma.fields.Boolean(required=True, metadata={"description": "confirm statements"})


class FundSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    community_id = ma.fields.Integer(required=True)
    courtyard_id = ma.fields.Integer(allow_none=True, required=True)
    scope_label = ma.fields.String(required=True, metadata={"description": "全社区, or the estate's name"})
    name = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    suggested_fen = ma.fields.Integer(allow_none=True, required=True)
    balance_fen = ma.fields.Integer(required=True)
    in_fen = ma.fields.Integer(required=True, metadata={"description": "every entry in, ever"})
    out_fen = ma.fields.Integer(required=True)
    entry_count = ma.fields.Integer(required=True)
    my_household = ma.fields.Nested(MyHouseholdSchema, allow_none=True, required=True,
                                    metadata={"description": "my household, if the fund asks of it"})
    can = ma.fields.Nested(FundActionsSchema, required=True)


class FundListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FundSchema), required=True)


# ---- entries ---------------------------------------------------------------------------------------

class FundEntryInSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(RECORDED_KINDS))
    amount_fen = ma.fields.Integer(required=True, validate=FEN, metadata={"description": "分 (100 = 1 元)"})
    occurred_on = ma.fields.Date(required=True, validate=DAYS, metadata={"description": "the day the money moved, not in the future"})
    household_id = Id(load_default=None, allow_none=True, metadata={"description": "contribution: the household that gave"})
    paid_by = ma.fields.String(load_default=None, allow_none=True, validate=one_of(PaidBy),
                               metadata={"description": "contribution: cash (with the receipt photo), transfer, other"})
    counterparty = ma.fields.String(load_default="", validate=validate.Length(max=100), metadata={"description": "付款方/收款方"})
    description = ma.fields.String(load_default="", validate=validate.Length(max=200))
    receipt_no = ma.fields.String(load_default="", validate=validate.Length(max=40))
    photo_id = Id(load_default=None, allow_none=True, metadata={
        "description": "my unused upload (POST /photos): the receipt of cash, the invoice of spending (both required)"})
    project_id = Id(load_default=None, allow_none=True,
                    metadata={"description": "spending: a funded project of a round on this fund"})
    over_cost_reason = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500), metadata={
        "description": "required when the project's spending would pass its approved cost"})


class EntryArgsSchema(PageArgsSchema):
    kind = ma.fields.String(load_default=None, validate=one_of(EntryKind))
    month = ma.fields.String(load_default=None, validate=MONTH,
                             metadata={"description": "YYYY-MM: entries recorded that month (the community's days)"})
    household_id = Id(load_default=None)


class ProjectTitleSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)


class PersonNameSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(allow_none=True, required=True)


class FundEntrySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    fund_id = ma.fields.Integer(required=True)
    seq = ma.fields.Integer(required=True, metadata={"description": "1, 2, 3 … within the fund"})
    kind = ma.fields.String(required=True, metadata={"description": "contribution, grant, spending, correction"})
    kind_label = ma.fields.String(required=True)
    direction = ma.fields.String(required=True, metadata={"description": "in, out"})
    amount_fen = ma.fields.Integer(required=True)
    balance_after_fen = ma.fields.Integer(required=True)
    occurred_on = ma.fields.Date(required=True)
    household = ma.fields.Nested(HouseholdAddressSchema, allow_none=True, required=True)
    paid_by = ma.fields.String(allow_none=True, required=True)
    counterparty = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    receipt_no = ma.fields.String(required=True)
    photo = ma.fields.Nested(PhotoSchema, allow_none=True, required=True)
    project = ma.fields.Nested(ProjectTitleSchema, allow_none=True, required=True)
    corrects_id = ma.fields.Integer(allow_none=True, required=True)
    corrected_by = ma.fields.List(ma.fields.Integer(), required=True)
    effective_fen = ma.fields.Integer(required=True, metadata={"description": "signed (+ in, − out), corrections applied"})
    reason = ma.fields.String(required=True, metadata={"description": "a correction's reason; spending over the cost: why"})
    recorded_by = ma.fields.Nested(PersonNameSchema, required=True)
    recorded_at = ma.fields.DateTime(required=True)
    acting_label = ma.fields.String(allow_none=True, required=True, metadata={"description": "由张三（楼栋长）代办"})


EntryPageSchema = page_schema(FundEntrySchema, "FundEntryPageSchema")


class CorrectionInSchema(ma.Schema):
    amount_fen = ma.fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_FEN),
                                   metadata={"description": "the right amount of the entry (0: it should not have been)"})
    reason = ma.fields.String(required=True, validate=validate.Length(min=2, max=500))


class MyContributionsSchema(ma.Schema):
    household = ma.fields.Nested(HouseholdAddressSchema, allow_none=True, required=True)
    total_fen = ma.fields.Integer(required=True)
    items = ma.fields.List(ma.fields.Nested(FundEntrySchema), required=True)


class ContributorArgsSchema(PageArgsSchema):
    building_id = Id(load_default=None)
    status = ma.fields.String(load_default=None, validate=validate.OneOf(["paid", "unpaid"]))


class FundContributorSchema(ma.Schema):
    household = ma.fields.Nested(HouseholdAddressSchema, required=True)
    head_name = ma.fields.String(allow_none=True, required=True)
    contributed_fen = ma.fields.Integer(required=True)
    last_on = ma.fields.Date(allow_none=True, required=True)


ContributorPageSchema = page_schema(FundContributorSchema, "FundContributorPageSchema")


# ---- statements ------------------------------------------------------------------------------------

class FundStatementInSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=one_of(StatementKind))
    month = ma.fields.String(load_default=None, allow_none=True, validate=MONTH, metadata={"description": "month: YYYY-MM, over"})
    project_id = Id(load_default=None, allow_none=True, metadata={"description": "project: a completed project of the fund"})


class FundStatementSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    month = ma.fields.String(allow_none=True, required=True)
    project = ma.fields.Nested(ProjectTitleSchema, allow_none=True, required=True)
    opening_fen = ma.fields.Integer(required=True, metadata={"description": "a project's: its approved cost"})
    in_fen = ma.fields.Integer(required=True)
    out_fen = ma.fields.Integer(required=True)
    closing_fen = ma.fields.Integer(required=True, metadata={"description": "a project's: what is left of its cost"})
    published_at = ma.fields.DateTime(required=True)
    review = ma.fields.String(required=True, validate=one_of(Review), metadata={"description": REVIEW_DOC})
    review_label = ma.fields.String(required=True, metadata={"description": "待监委会核实, 监委会已核实, 监委会有疑问"})


StatementPageSchema = page_schema(FundStatementSummarySchema, "FundStatementPageSchema")


class StatementLineSchema(ma.Schema):
    kind = ma.fields.String(required=True)
    kind_label = ma.fields.String(required=True)
    direction = ma.fields.String(required=True)
    amount_fen = ma.fields.Integer(required=True)
    households = ma.fields.Integer(metadata={"description": "the contributions line: how many households"})
    occurred_on = ma.fields.String(metadata={"description": "YYYY-MM-DD; every line but the contributions'"})
    counterparty = ma.fields.String()
    description = ma.fields.String()
    receipt_no = ma.fields.String()
    photo = ma.fields.Nested(PhotoSchema, allow_none=True)
    project = ma.fields.Nested(ProjectTitleSchema, allow_none=True)
    corrects_id = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String()


class ContributionsTotalSchema(ma.Schema):
    households = ma.fields.Integer(required=True)
    total_fen = ma.fields.Integer(required=True, metadata={"description": "signed, corrections applied"})


class StatementConfirmationSchema(ma.Schema):
    user = ma.fields.Nested(PersonNameSchema, required=True)
    agrees = ma.fields.Boolean(required=True)
    note = ma.fields.String(required=True)
    created_at = ma.fields.DateTime(required=True)


class StatementActionsSchema(ma.Schema):
    confirm = ma.fields.Boolean(required=True)


class FundNameSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class FundStatementSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    fund = ma.fields.Nested(FundNameSchema, required=True)
    kind = ma.fields.String(required=True, metadata={"description": "month, project"})
    month = ma.fields.String(allow_none=True, required=True)
    project = ma.fields.Nested(ProjectTitleSchema, allow_none=True, required=True)
    opening_fen = ma.fields.Integer(required=True, metadata={"description": "a project's: its approved cost"})
    in_fen = ma.fields.Integer(required=True)
    out_fen = ma.fields.Integer(required=True)
    closing_fen = ma.fields.Integer(required=True)
    lines = ma.fields.List(ma.fields.Nested(StatementLineSchema), required=True, metadata={
        "description": "every entry but contributions, in order; the contributions as one line first"})
    contributions = ma.fields.Nested(ContributionsTotalSchema, required=True)
    digest = ma.fields.String(required=True, metadata={
        "description": "sha256 of the frozen content as JSON with sorted keys (Python's json.dumps, ensure_ascii=False, "
                       "separators (',', ':'))"})
    published_by = ma.fields.Nested(PersonNameSchema, required=True)
    published_at = ma.fields.DateTime(required=True)
    confirmations = ma.fields.List(ma.fields.Nested(StatementConfirmationSchema), required=True)
    confirmed = ma.fields.Boolean(required=True, metadata={
        "description": "at least one supervisor answered, and every one who did agrees"})
    review = ma.fields.String(required=True, validate=one_of(Review), metadata={"description": REVIEW_DOC})
    review_label = ma.fields.String(required=True)
    can = ma.fields.Nested(StatementActionsSchema, required=True)


class StatementConfirmationInSchema(ma.Schema):
    agrees = ma.fields.Boolean(required=True)
    note = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500),
                            metadata={"description": "required when not agreeing: what does not add up"})


class ProjectSpendingSchema(ma.Schema):
    cost_fen = ma.fields.Integer(allow_none=True, required=True)
    spent_fen = ma.fields.Integer(required=True)
    entries = ma.fields.List(ma.fields.Nested(StatementLineSchema), required=True)
