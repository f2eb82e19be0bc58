"""Community money (社区基金, 自筹资金): a fund per community or estate, its ledger, and the
monthly and per-project statements published to the households (账目公示).

A `FundEntry` is never edited or deleted: a mistake is put right by a correction, a new entry
linked to the one it corrects (`corrects_id`). Each entry keeps the fund's balance after it,
and the fund's own `balance_fen` (CHECK ≥ 0) is updated under a row lock in the same
transaction, so concurrent spending can never take a fund below zero. Amounts are whole fen
(分), never floats. Every entry is also recorded in the hash-chained audit log.

Who contributed is the household's own business and the committee's: neighbours read the
statements, where contributions appear as one total (README: Community money).
"""
from enum import StrEnum

from sqlalchemy import (JSON, BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String,
                        UniqueConstraint, event)
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models_base import UTCDateTime, sql_values, utcnow


class EntryKind(StrEnum):
    CONTRIBUTION = "contribution"  # 住户自筹: a household's share, cash to a building head or a transfer
    GRANT = "grant"                # 拨款/捐赠: from the street office, a unit or a donor
    SPENDING = "spending"          # 支出, with its invoice photo, often against a funded project
    CORRECTION = "correction"      # 更正: puts an earlier entry right (never an edit)


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class PaidBy(StrEnum):
    CASH = "cash"          # 现金, collected by a building head, with a photo of the receipt
    TRANSFER = "transfer"  # 转账, recorded from the bank statement
    OTHER = "other"


class StatementKind(StrEnum):
    MONTH = "month"
    PROJECT = "project"


class Fund(db.Model):
    """A community's fund, or an estate's (`courtyard_id`): 蜀羽家园's 100 元/户 pot."""

    __tablename__ = "funds"
    __table_args__ = (
        UniqueConstraint("community_id", "name"),
        CheckConstraint("balance_fen >= 0", name="never_negative"),
        CheckConstraint("(courtyard_id IS NULL) = (grid_id IS NULL)", name="estate_has_grid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    courtyard_id: Mapped[int | None] = mapped_column(ForeignKey("courtyards.id"))
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(500), default="")
    # What the fund asks of each household (100 元/户), shown on the contribute page; None: no ask.
    suggested_fen: Mapped[int | None] = mapped_column(BigInteger)
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    entry_count: Mapped[int] = mapped_column(Integer, default=0)  # the last entry's seq
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    @property
    def scope_path(self):
        path = {("community", self.community_id)}
        if self.courtyard_id is not None:
            path |= {("grid", self.grid_id), ("courtyard", self.courtyard_id)}
        return frozenset(path)


class FundEntry(db.Model):
    """One movement of money, numbered `seq` within its fund. `balance_after_fen` is the fund's
    balance once it was recorded: a statement's opening and closing balances are read off it."""

    __tablename__ = "fund_entries"
    __table_args__ = (
        UniqueConstraint("fund_id", "seq"),
        Index("ix_fund_entries_household_id", "household_id"),
        Index("ix_fund_entries_project_id", "project_id"),
        Index("ix_fund_entries_corrects_id", "corrects_id"),
        CheckConstraint(f"kind IN ({sql_values(EntryKind)})", name="kind"),
        CheckConstraint(f"direction IN ({sql_values(Direction)})", name="direction"),
        CheckConstraint(f"paid_by IS NULL OR paid_by IN ({sql_values(PaidBy)})", name="paid_by"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("balance_after_fen >= 0", name="balance_never_negative"),
        CheckConstraint("(kind = 'correction') = (corrects_id IS NOT NULL)", name="correction_linked"),
        CheckConstraint("kind <> 'contribution' OR (direction = 'in' AND household_id IS NOT NULL)",
                        name="contribution_from_household"),
        CheckConstraint("kind <> 'grant' OR direction = 'in'", name="grant_in"),
        CheckConstraint("kind <> 'spending' OR direction = 'out'", name="spending_out"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    direction: Mapped[str] = mapped_column(String(3))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    balance_after_fen: Mapped[int] = mapped_column(BigInteger)
    occurred_on = mapped_column(Date, nullable=False)  # the day the money moved
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    paid_by: Mapped[str | None] = mapped_column(String(8))
    counterparty: Mapped[str] = mapped_column(String(100), default="")  # 付款方/收款方: 街道办, 五金店
    description: Mapped[str] = mapped_column(String(200), default="")
    receipt_no: Mapped[str] = mapped_column(String(40), default="")  # 收据/发票号
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("matter_photos.id"), unique=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("budget_projects.id"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("fund_entries.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")  # why a correction was made
    # A contribution taken by someone acting for the household: who, as what (app/community/acting.py).
    acting: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


@event.listens_for(FundEntry, "before_update")
@event.listens_for(FundEntry, "before_delete")
def _never_edited(mapper, connection, target):
    raise TypeError("fund entries are never edited or deleted: record a correction")


class FundStatement(db.Model):
    """账目公示: a month of a fund, or one funded project's spending, frozen when published
    (`content`: the balances and the entries as they stood, and `digest` over it) so that a
    later correction shows in the next statement rather than changing this one. The
    supervisors (监委会) confirm it, each in a `StatementConfirmation`."""

    __tablename__ = "fund_statements"
    __table_args__ = (
        UniqueConstraint("fund_id", "month"),
        UniqueConstraint("fund_id", "project_id"),
        CheckConstraint(f"kind IN ({sql_values(StatementKind)})", name="kind"),
        CheckConstraint("(kind = 'month') = (month IS NOT NULL) AND (kind = 'project') = (project_id IS NOT NULL)",
                        name="month_or_project"),
        CheckConstraint("opening_fen + in_fen - out_fen = closing_fen", name="adds_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    month: Mapped[str | None] = mapped_column(String(7))  # 2026-11
    project_id: Mapped[int | None] = mapped_column(ForeignKey("budget_projects.id"))
    first_seq: Mapped[int | None] = mapped_column(Integer)  # the entries it covers (None: none)
    last_seq: Mapped[int | None] = mapped_column(Integer)
    opening_fen: Mapped[int] = mapped_column(BigInteger)
    in_fen: Mapped[int] = mapped_column(BigInteger)
    out_fen: Mapped[int] = mapped_column(BigInteger)
    closing_fen: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[dict] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class StatementConfirmation(db.Model):
    """A supervisor's confirmation of a statement (核实无误), or their query (`agrees` false, with
    the note saying what does not add up)."""

    __tablename__ = "fund_statement_confirmations"
    __table_args__ = (UniqueConstraint("statement_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("fund_statements.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agrees: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    digest: Mapped[str] = mapped_column(String(64))  # the statement's digest as confirmed
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
