"""Community money: thin routes over app/funds/service.py (the ledger) and statements.py."""
from flask import Response
from flask_smorest import Blueprint

from app.auth.permissions import current_user, get_or_404, requires
from app.budgets import service as budgets
from app.community.models import Community
from app.funds import service, statements
from app.funds.schemas import (
    ContributorArgsSchema,
    ContributorPageSchema,
    CorrectionInSchema,
    EntryArgsSchema,
    EntryPageSchema,
    FundEntryInSchema,
    FundEntrySchema,
    FundInSchema,
    FundListSchema,
    FundSchema,
    FundStatementInSchema,
    FundStatementSchema,
    MyContributionsSchema,
    ProjectSpendingSchema,
    StatementConfirmationInSchema,
    StatementPageSchema,
)
from app.idempotency import idempotent
from app.matters.routes import XLSX
from app.pagination import PageArgsSchema

blp = Blueprint("funds", __name__, url_prefix="/api/v1",
                description="Community money (社区基金): funds, the ledger, contributions, statements (账目公示)")


def _community(community_id):
    return get_or_404(Community, community_id, "社区不存在")


def _fund(fund_id):
    return service.get_readable(current_user(), fund_id)


def _statement_view(statement):
    return statements.statement_view(statement, current_user())


# ---- funds -----------------------------------------------------------------------------------------

@blp.route("/communities/<int:community_id>/funds", methods=["POST"])
@idempotent
@blp.arguments(FundInSchema)
@blp.response(201, FundSchema)
@requires()
def create_fund(args, community_id):
    """Open a fund for the community or one estate (those who keep the accounts)."""
    community = _community(community_id)
    courtyard = service.courtyard_of(args.pop("courtyard_id"))
    fund = service.create_fund(current_user(), community, courtyard=courtyard, **args)
    return service.fund_view(fund, current_user())


@blp.route("/communities/<int:community_id>/funds", methods=["GET"])
@blp.response(200, FundListSchema)
@requires()
def community_funds(community_id):
    """The community's funds I may read: residents those that ask of their household, officials all."""
    return service.community_funds(current_user(), _community(community_id))


@blp.route("/funds/<int:fund_id>", methods=["GET"])
@blp.response(200, FundSchema)
@requires()
def fund(fund_id):
    """A fund: its balance, my household's contributions, and what I may do."""
    return service.fund_view(_fund(fund_id), current_user())


# ---- the ledger ------------------------------------------------------------------------------------

@blp.route("/funds/<int:fund_id>/entries", methods=["GET"])
@blp.arguments(EntryArgsSchema, location="query")
@blp.response(200, EntryPageSchema)
@requires()
def entries(args, fund_id):
    """The ledger, newest first, households named (those who read the ledger)."""
    return service.entries(current_user(), _fund(fund_id), **args)


@blp.route("/funds/<int:fund_id>/entries", methods=["POST"])
@idempotent
@blp.arguments(FundEntryInSchema)
@blp.response(201, FundEntrySchema)
@requires()
def record(args, fund_id):
    """Record a contribution (the household, or whoever collects for it), a grant or a spending
    (those who keep the accounts). Never below zero: 409 insufficient_funds."""
    return service.entry_view(service.record(current_user(), _fund(fund_id), **args))


@blp.route("/fund-entries/<int:entry_id>", methods=["GET"])
@blp.response(200, FundEntrySchema)
@requires()
def entry(entry_id):
    """An entry (those who read the ledger, or the contribution's household)."""
    return service.entry_view(service.get_entry(current_user(), entry_id))


@blp.route("/fund-entries/<int:entry_id>/corrections", methods=["POST"])
@idempotent
@blp.arguments(CorrectionInSchema)
@blp.response(201, FundEntrySchema)
@requires()
def correct(args, entry_id):
    """Put an entry right: the right amount and why; a new entry for the difference, linked to it."""
    original = service.get_entry(current_user(), entry_id)
    return service.entry_view(service.correct(current_user(), original, args["amount_fen"], args["reason"]))


@blp.route("/contributions/mine", methods=["GET"])
@blp.response(200, MyContributionsSchema)
@requires()
def my_contributions():
    """My household's contributions to every fund, with their corrections."""
    return service.my_contributions(current_user())


@blp.route("/funds/<int:fund_id>/contributors", methods=["GET"])
@blp.arguments(ContributorArgsSchema, location="query")
@blp.response(200, ContributorPageSchema)
@requires()
def contributors(args, fund_id):
    """Who has given what: every household of the fund (those who read the ledger), or those the
    caller collects for (a building head, a grid worker)."""
    return service.contributors(current_user(), _fund(fund_id), **args)


@blp.route("/budget-projects/<int:project_id>/spending", methods=["GET"])
@blp.response(200, ProjectSpendingSchema)
@requires()
def project_spending(project_id):
    """A project's approved cost and what was spent on it, as the public reads it."""
    _round, project = budgets.get_project(current_user(), project_id)
    return service.project_spending(project)


# ---- statements ------------------------------------------------------------------------------------

@blp.route("/funds/<int:fund_id>/statements", methods=["POST"])
@idempotent
@blp.arguments(FundStatementInSchema)
@blp.response(201, FundStatementSchema)
@requires()
def publish(args, fund_id):
    """Publish a month that is over, or a completed project (those who keep the accounts): frozen,
    the households told, the supervisors asked to confirm."""
    return _statement_view(statements.publish(current_user(), _fund(fund_id), **args))


@blp.route("/funds/<int:fund_id>/statements", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, StatementPageSchema)
@requires()
def fund_statements(page, fund_id):
    """The fund's statements, newest first."""
    return statements.fund_statements(_fund(fund_id), **page)


@blp.route("/fund-statements/<int:statement_id>", methods=["GET"])
@blp.response(200, FundStatementSchema)
@requires()
def statement(statement_id):
    """A statement as published: balances, lines with photos, contributions as one total, the
    supervisors' confirmations."""
    return _statement_view(statements.get_readable(current_user(), statement_id))


@blp.route("/fund-statements/<int:statement_id>/confirmations", methods=["POST"])
@blp.arguments(StatementConfirmationInSchema)
@blp.response(200, FundStatementSchema)
@requires()
def confirm(args, statement_id):
    """A supervisor confirms the statement, or queries it with a note; once each."""
    found = statements.get_readable(current_user(), statement_id)
    return _statement_view(statements.confirm(current_user(), found, **args))


@blp.route("/fund-statements/<int:statement_id>/statement.xlsx", methods=["GET"])
@blp.response(200, content_type=XLSX, description="账目公示 with every entry, households named (.xlsx)")
@blp.doc(responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}})
@requires()
def statement_excel(statement_id):
    """The statement for the street office, every entry with its household (those who read the ledger)."""
    found = statements.get_readable(current_user(), statement_id)
    return Response(statements.excel(current_user(), found), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="fund-statement-{statement_id}.xlsx"'})
