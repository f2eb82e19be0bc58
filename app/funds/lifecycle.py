"""Community money's personal data. A contribution is the household's, not the person's: the
household's members read it in /contributions/mine while they live there. The person's download
holds what they did themselves: the contributions they recorded for their own household (not
those taken for it by someone else, nor, for a collector, other households'), and their
confirmations or queries of statements as a supervisor. Erasing the account leaves the ledger,
the statements and the confirmations as they are (the name goes with the account): accounts
that were published and confirmed must not change when someone leaves."""
from sqlalchemy import select

from app import lifecycle
from app.funds.models import EntryKind, FundEntry, StatementConfirmation


def export(user):
    return {
        "fund_contributions": lifecycle.rows(
            select(FundEntry.id, FundEntry.fund_id, FundEntry.amount_fen, FundEntry.occurred_on, FundEntry.paid_by,
                   FundEntry.receipt_no, FundEntry.recorded_at)
            .where(FundEntry.recorded_by_id == user.id, FundEntry.kind == EntryKind.CONTRIBUTION,
                   FundEntry.acting.is_(None)).order_by(FundEntry.id)),
        "fund_statement_confirmations": lifecycle.rows(
            select(StatementConfirmation.statement_id, StatementConfirmation.agrees, StatementConfirmation.note,
                   StatementConfirmation.created_at)
            .where(StatementConfirmation.user_id == user.id).order_by(StatementConfirmation.id)),
    }


lifecycle.personal_data("funds", "fund_entries", "fund_statements", "fund_statement_confirmations", export=export)
