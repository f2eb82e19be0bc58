"""Polls (表决): one household one vote (一户一票), council votes, resident votes (一人一票) and
homeowner votes under Civil Code art. 278.

The electorate is frozen into `PollElector` rows when the poll opens. A `Ballot` holds what was
voted while the poll is open; its primary key is derived from the voter by a keyed hash (see
app/polls/secrecy.py), so the database itself refuses a second ballot from one voter, and a
voter changing their ballot finds it again. At the close every counted ballot is copied to the
`BoardEntry` table (公示的选票) in random order, and the count is taken from there.

In a secret poll the ballot row is written in the transaction that marks its voter as having
voted, so an insider can tie the two (PostgreSQL's xmin, storage order): what the row holds is
therefore sealed — choices, tracker and who cast it, encrypted (app/sealing.py) — and erased at
the close. The board carries no voter, receipt, time or sequence and is written in one
transaction in shuffled order, so nothing ties an entry to a household. README: Polls → Secrecy.
A real-name poll keeps the voter and the choices on the ballot for the supervisors.
"""
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models_base import UTCDateTime, sql_values, utcnow
from app.polls.rules import Rule


class Electorate(StrEnum):
    HOUSEHOLDS = "households"  # 一户一票: the head, or the member the head designates
    COUNCIL = "council"        # the community's council members, one each
    RESIDENTS = "residents"    # 一人一票: every registered resident in scope
    OWNERS = "owners"          # 业主: weighted by floor area, headcount by owner


class ScopeKind(StrEnum):
    BUILDINGS = "buildings"
    COURTYARD = "courtyard"
    COMMUNITY = "community"


class PollStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # published, opens later
    OPEN = "open"
    CLOSED = "closed"        # result frozen and published (公示)
    CANCELLED = "cancelled"


class QuestionKind(StrEnum):
    YES_NO = "yes_no"      # 赞成 / 反对 / 弃权
    SINGLE = "single"
    MULTIPLE = "multiple"  # up to max_choices


class BallotVia(StrEnum):
    PHONE = "phone"
    PAPER = "paper"  # 纸质票, entered by a building head with a photo of it
    PROXY = "proxy"  # 委托投票, with the authorization recorded


class BallotStatus(StrEnum):
    COUNTED = "counted"
    PENDING = "pending"  # a paper or proxy ballot waiting for a supervisor's confirmation


class PaperStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


YES_NO_OPTIONS = ["赞成", "反对", "弃权"]


class Poll(db.Model):
    __tablename__ = "polls"
    __table_args__ = (
        # A running tally, watched as households are marked as voted, tells how each voted.
        CheckConstraint("NOT (secret AND show_tally)", name="secret_no_tally"),
        Index("ix_polls_community_id_id", "community_id", "id"),
        CheckConstraint(f"electorate IN ({sql_values(Electorate)})", name="electorate"),
        CheckConstraint(f"scope_kind IN ({sql_values(ScopeKind)})", name="scope_kind"),
        CheckConstraint(f"status IN ({sql_values(PollStatus)})", name="status"),
        CheckConstraint(f"rule IN ({sql_values(Rule)})", name="rule"),
        CheckConstraint("quorum_percent IS NULL OR (quorum_percent > 0 AND quorum_percent <= 100)", name="quorum"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("objection_days >= 0 AND objection_days <= 30", name="objection_days"),
        # Floor area and owner headcount need to know whose ballot is whose.
        CheckConstraint("NOT secret OR (electorate <> 'owners' AND rule NOT LIKE 'owners%')", name="secret_unweighted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    electorate: Mapped[str] = mapped_column(String(12))
    scope_kind: Mapped[str] = mapped_column(String(12))
    scope_ids: Mapped[list] = mapped_column(JSON, default=list)
    rule: Mapped[str] = mapped_column(String(20))
    quorum_percent: Mapped[int | None] = mapped_column(Integer)
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_change: Mapped[bool] = mapped_column(Boolean, default=False)
    show_tally: Mapped[bool] = mapped_column(Boolean, default=False)  # running tally while open
    opens_at = mapped_column(UTCDateTime, nullable=False)
    closes_at = mapped_column(UTCDateTime, nullable=False)
    objection_days: Mapped[int] = mapped_column(Integer, default=7)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=PollStatus.DRAFT)
    opened_at = mapped_column(UTCDateTime)
    closed_at = mapped_column(UTCDateTime)
    objections_until = mapped_column(UTCDateTime)
    key_check: Mapped[str | None] = mapped_column(String(16))  # detects a SECRET_KEY change mid-poll
    result: Mapped[dict | None] = mapped_column(JSON)          # frozen at close
    result_digest: Mapped[str | None] = mapped_column(String(64))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    questions = relationship("PollQuestion", order_by="PollQuestion.position", cascade="all, delete-orphan")


class PollQuestion(db.Model):
    __tablename__ = "poll_questions"
    __table_args__ = (
        UniqueConstraint("poll_id", "position"),
        CheckConstraint(f"kind IN ({sql_values(QuestionKind)})", name="kind"),
        CheckConstraint("max_choices >= 1", name="max_choices"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    options: Mapped[list] = mapped_column(JSON)
    max_choices: Mapped[int] = mapped_column(Integer, default=1)


class PollElector(db.Model):
    """One member of the frozen electorate: a household (household and owner polls) or a person
    (council and resident polls). `voter_key` says who casts the one ballot: one household, one
    person, or one owner — the flats of one owner, and the developer's unsold flats together,
    share a key and so a ballot, counting once by headcount and by their summed area."""

    __tablename__ = "poll_electors"
    __table_args__ = (
        UniqueConstraint("poll_id", "household_id"),
        UniqueConstraint("poll_id", "user_id"),
        Index("ix_poll_electors_poll_id_voter_key", "poll_id", "voter_key"),
        CheckConstraint("(household_id IS NULL) != (user_id IS NULL)", name="household_or_user"),
        CheckConstraint("area >= 0", name="area"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    voter_key: Mapped[str] = mapped_column(String(80))
    area = mapped_column(Numeric(12, 2), nullable=False)
    voted_at = mapped_column(UTCDateTime)


class Ballot(db.Model):
    """What one voter voted: `choices` maps each question id to the chosen option indexes (an
    empty list abstains). The `receipt` (回执码) proves the ballot was received and counted;
    the `tracker` (核对码), known only to the voter, finds it on the board after the close.
    A secret poll keeps choices and tracker only in `sealed` until the close, then erases
    them (see the module docstring)."""

    __tablename__ = "poll_ballots"
    __table_args__ = (
        UniqueConstraint("poll_id", "receipt"),
        Index("ix_poll_ballots_poll_id_voter_key", "poll_id", "voter_key"),
        CheckConstraint(f"via IN ({sql_values(BallotVia)})", name="via"),
        CheckConstraint(f"status IN ({sql_values(BallotStatus)})", name="status"),
        CheckConstraint("choices IS NULL OR sealed IS NULL", name="clear_or_sealed"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    receipt: Mapped[str] = mapped_column(String(16))
    choices: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))  # real-name polls
    tracker: Mapped[str | None] = mapped_column(String(16))  # real-name polls
    sealed: Mapped[str | None] = mapped_column(Text)         # secret polls, until the close
    via: Mapped[str] = mapped_column(String(8), default=BallotVia.PHONE)
    status: Mapped[str] = mapped_column(String(8), default=BallotStatus.COUNTED)
    voter_key: Mapped[str | None] = mapped_column(String(80))  # real-name polls only


class BoardEntry(db.Model):
    """公示的选票: one counted ballot of a closed poll, published to the electorate so that
    anyone can recount the result and voters can find their own ballot by its tracker. The
    weights are what the count gave it (`people` 1; `area` in owners polls)."""

    __tablename__ = "poll_board"

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    tracker: Mapped[str] = mapped_column(String(16), primary_key=True)
    choices: Mapped[dict] = mapped_column(JSON)
    people: Mapped[int] = mapped_column(Integer)
    area = mapped_column(Numeric(12, 2), nullable=False)


class PaperBallot(db.Model):
    """A paper ballot (纸质票) or proxy vote (委托投票) entered for a household without a phone,
    with a photo of the paper or of the signed authorization. It counts once a supervisor
    (监委会) confirms it. The choices live in the ballot, not here; in a secret poll the photo
    (which shows them beside the household) is destroyed once the supervisor has decided."""

    __tablename__ = "poll_paper_ballots"
    __table_args__ = (
        Index("ix_poll_paper_ballots_poll_id_status", "poll_id", "status"),
        CheckConstraint(f"via IN ('{BallotVia.PAPER}', '{BallotVia.PROXY}')", name="via"),
        CheckConstraint(f"status IN ({sql_values(PaperStatus)})", name="status"),
        CheckConstraint("via <> 'proxy' OR (proxy_name IS NOT NULL AND authorization_text IS NOT NULL)",
                        name="proxy_authorized"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    via: Mapped[str] = mapped_column(String(8))
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("matter_photos.id"), unique=True)
    proxy_name: Mapped[str | None] = mapped_column(String(50))
    authorization_text: Mapped[str | None] = mapped_column(String(500))
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    status: Mapped[str] = mapped_column(String(10), default=PaperStatus.PENDING)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(String(500))


class Objection(db.Model):
    """An objection lodged during the 公示 period; the supervisors must answer it."""

    __tablename__ = "poll_objections"
    __table_args__ = (Index("ix_poll_objections_poll_id_id", "poll_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    text: Mapped[str] = mapped_column(String(1000))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    answer: Mapped[str | None] = mapped_column(String(1000))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at = mapped_column(UTCDateTime)
