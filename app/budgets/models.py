"""Participatory budgets (参与式预算): a round calls for proposals, the council reviews each
(feasible? within the community's 五议三不议? what will it cost?), households approve projects
within the budget, and a rule the round states picks the winners: greedy by approvals, or the
Method of Equal Shares (pabutools computes both; app/budgets/rules.py). Funded projects are
then carried out, spent against (app/funds), signed off by the supervisors and evaluated by
the households (群众评议).

Ballots are real-name within the household (一户一票实名表决, as the seeds run their votes):
`BudgetBallot` keeps the household and what it approved for the supervisors; the result
publishes every ballot without its household, shuffled, so anyone can recount.
"""
from enum import StrEnum

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models_base import UTCDateTime, sql_values, utcnow


class BudgetRule(StrEnum):
    GREEDY = "greedy"              # most approvals first, skipping what no longer fits
    EQUAL_SHARES = "equal_shares"  # Method of Equal Shares: the budget shared equally among households


class RoundStatus(StrEnum):
    PROPOSING = "proposing"  # 征集: residents propose
    REVIEWING = "reviewing"  # 审议: the council reviews and costs
    VOTING = "voting"        # 投票: households approve projects within the budget
    CLOSED = "closed"        # 结果公示: winners chosen, explained
    CANCELLED = "cancelled"


class ProjectStatus(StrEnum):
    PROPOSED = "proposed"    # waiting for review
    WITHDRAWN = "withdrawn"  # by its proposer, before review
    REFUSED = "refused"      # not feasible, or out of scope (a rule of 五议三不议)
    ACCEPTED = "accepted"    # costed, on the ballot
    FUNDED = "funded"        # won: being carried out
    UNFUNDED = "unfunded"    # lost the vote
    COMPLETED = "completed"  # carried out, waiting for the supervisors' sign-off
    SIGNED_OFF = "signed_off"  # 验收: the supervisors signed it off; households evaluate it


class AgendaRule(db.Model):
    """One rule of the community's 五议三不议: a topic that may not be put to a vote (三不议, e.g.
    "违反法律法规的不议"). A refused proposal names the rule it breaks; a rule in use is retired
    (`active` false), never deleted, so old refusals keep their reason."""

    __tablename__ = "agenda_rules"
    __table_args__ = (UniqueConstraint("community_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class BudgetRound(db.Model):
    """A round of a participatory budget over a fund: `budget_fen` of it for the community's or
    an estate's households to allocate."""

    __tablename__ = "budget_rounds"
    __table_args__ = (
        Index("ix_budget_rounds_community_id_id", "community_id", "id"),
        CheckConstraint(f"rule IN ({sql_values(BudgetRule)})", name="rule"),
        CheckConstraint(f"status IN ({sql_values(RoundStatus)})", name="status"),
        CheckConstraint("budget_fen > 0", name="budget_positive"),
        CheckConstraint("(courtyard_id IS NULL) = (grid_id IS NULL)", name="estate_has_grid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    courtyard_id: Mapped[int | None] = mapped_column(ForeignKey("courtyards.id"))  # an estate's round
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    budget_fen: Mapped[int] = mapped_column(BigInteger)
    rule: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(10), default=RoundStatus.PROPOSING)
    proposals_until = mapped_column(UTCDateTime)  # shown to residents; staff move the round on
    voting_until = mapped_column(UTCDateTime)
    voting_opened_at = mapped_column(UTCDateTime)
    closed_at = mapped_column(UTCDateTime)
    result: Mapped[dict | None] = mapped_column(JSON)  # frozen at the close: winners and why
    result_digest: Mapped[str | None] = mapped_column(String(64))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    @property
    def scope_path(self):
        path = {("community", self.community_id)}
        if self.courtyard_id is not None:
            path |= {("grid", self.grid_id), ("courtyard", self.courtyard_id)}
        return frozenset(path)


class BudgetProject(db.Model):
    """A proposal, and once accepted and funded, the project carried out. `cost_fen` is what the
    review costed it at (what the ballot and the rule use); `estimate_fen` the proposer's guess."""

    __tablename__ = "budget_projects"
    __table_args__ = (
        Index("ix_budget_projects_round_id_id", "round_id", "id"),
        CheckConstraint(f"status IN ({sql_values(ProjectStatus)})", name="status"),
        CheckConstraint("estimate_fen IS NULL OR estimate_fen > 0", name="estimate_positive"),
        CheckConstraint("cost_fen IS NULL OR cost_fen > 0", name="cost_positive"),
        CheckConstraint("status NOT IN ('accepted', 'funded', 'unfunded', 'completed', 'signed_off') "
                        "OR cost_fen IS NOT NULL", name="costed_when_accepted"),
        CheckConstraint("status <> 'refused' OR review_reason IS NOT NULL", name="refusal_explained"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("budget_rounds.id"))
    title: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(100), default="")
    estimate_fen: Mapped[int | None] = mapped_column(BigInteger)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))  # the proposer's
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"), index=True)  # raised as a demand first
    status: Mapped[str] = mapped_column(String(10), default=ProjectStatus.PROPOSED)
    cost_fen: Mapped[int | None] = mapped_column(BigInteger)
    review_reason: Mapped[str | None] = mapped_column(String(500))
    agenda_rule_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_rules.id"))  # the 不议 it breaks
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at = mapped_column(UTCDateTime)
    approvals: Mapped[int | None] = mapped_column(Integer)  # at the close
    completed_at = mapped_column(UTCDateTime)
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_off_at = mapped_column(UTCDateTime)
    sign_off_note: Mapped[str | None] = mapped_column(String(500))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class BudgetElector(db.Model):
    """A household of the round's electorate, frozen when voting opens."""

    __tablename__ = "budget_electors"
    __table_args__ = (UniqueConstraint("round_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("budget_rounds.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    voted_at = mapped_column(UTCDateTime)


class BudgetBallot(db.Model):
    """A household's approvals (`project_ids`, their costs within the budget). One per household
    (the primary key); changeable while voting is open. `acting`: who entered it for the
    household, as what (a building head for an elder without a phone)."""

    __tablename__ = "budget_ballots"

    round_id: Mapped[int] = mapped_column(ForeignKey("budget_rounds.id"), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), primary_key=True)
    project_ids: Mapped[list] = mapped_column(JSON)
    cast_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    acting: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    cast_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class ProjectUpdate(db.Model):
    """Progress on a funded project (进展), with photos, posted by whoever carries it out."""

    __tablename__ = "budget_project_updates"
    __table_args__ = (Index("ix_budget_project_updates_project_id_id", "project_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("budget_projects.id"))
    text: Mapped[str] = mapped_column(String(1000))
    percent: Mapped[int | None] = mapped_column(Integer)
    completes: Mapped[bool] = mapped_column(Boolean, default=False)  # 完工: asks the supervisors to sign off
    posted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class ProjectPhoto(db.Model):
    """A photo of a project update (uploaded through POST /photos like any other)."""

    __tablename__ = "budget_project_photos"

    photo_id: Mapped[int] = mapped_column(ForeignKey("matter_photos.id"), primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("budget_project_updates.id"), index=True)


class ProjectEvaluation(db.Model):
    """群众评议: a household's rating of a signed-off project, 1 (很不满意) … 5 (很满意), as matters are rated."""

    __tablename__ = "budget_project_evaluations"
    __table_args__ = (
        UniqueConstraint("project_id", "household_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("budget_projects.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(500), default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    acting: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
