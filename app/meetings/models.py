"""Meetings (院坝会, 楼栋会, 议事会, 联席会议, 评议会): who is invited, who answered, who came, what
was decided.

Invitations are rows, one per invited household (or council member, or department liaison),
written when the meeting is published: the electorate of a meeting is fixed like a poll's, so
attendance has a denominator, and replies and sign-ins are conditional updates of one row.
"""
from enum import StrEnum

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models_base import UTCDateTime, sql_values, utcnow


class MeetingKind(StrEnum):
    COURTYARD = "courtyard"    # 院坝会
    BUILDING = "building"      # 楼栋会
    COUNCIL = "council"        # 议事会
    JOINT = "joint"            # 联席会议, with departments, for major matters
    EVALUATION = "evaluation"  # 评议会


class MeetingStage(StrEnum):
    """The four-meeting cycle (四会): opinion → topic discussion → decision → evaluation."""

    OPINION = "opinion"
    DISCUSSION = "discussion"
    DECISION = "decision"
    EVALUATION = "evaluation"


class ScopeKind(StrEnum):
    BUILDINGS = "buildings"      # one or more buildings
    COURTYARD = "courtyard"
    COMMUNITY = "community"
    COUNCIL = "council"          # the community's council members
    DEPARTMENTS = "departments"  # the liaisons of named departments


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    CLOSED = "closed"  # minutes published


class Reply(StrEnum):
    ATTEND = "attend"
    MAYBE = "maybe"
    DECLINE = "decline"


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_community_id_starts_at", "community_id", "starts_at"),
        CheckConstraint(f"kind IN ({sql_values(MeetingKind)})", name="kind"),
        CheckConstraint(f"stage IS NULL OR stage IN ({sql_values(MeetingStage)})", name="stage"),
        CheckConstraint(f"scope_kind IN ({sql_values(ScopeKind)})", name="scope_kind"),
        CheckConstraint(f"status IN ({sql_values(MeetingStatus)})", name="status"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity"),
        CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    organizer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(12))
    stage: Mapped[str | None] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(100))
    starts_at = mapped_column(UTCDateTime, nullable=False)
    ends_at = mapped_column(UTCDateTime)
    capacity: Mapped[int | None] = mapped_column(Integer)
    scope_kind: Mapped[str] = mapped_column(String(12))
    scope_ids: Mapped[list] = mapped_column(JSON, default=list)  # building, courtyard, community or department ids
    status: Mapped[str] = mapped_column(String(10), default=MeetingStatus.DRAFT)
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_published_at = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    agenda = relationship("AgendaItem", order_by="AgendaItem.position", cascade="all, delete-orphan")


class AgendaItem(db.Model):
    """One item of the agenda, optionally taking up matters and polls."""

    __tablename__ = "meeting_agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))
    matter_ids: Mapped[list] = mapped_column(JSON, default=list)
    poll_ids: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")


class Invitation(db.Model):
    """One invited household (or person, for council and joint meetings): its reply and whether
    it came. A household answers once, changing its answer until the meeting starts."""

    __tablename__ = "meeting_invitations"
    __table_args__ = (
        UniqueConstraint("meeting_id", "household_id"),
        UniqueConstraint("meeting_id", "user_id"),
        Index("ix_meeting_invitations_meeting_id_reply", "meeting_id", "reply"),
        CheckConstraint("(household_id IS NULL) != (user_id IS NULL)", name="household_or_user"),
        CheckConstraint(f"reply IS NULL OR reply IN ({sql_values(Reply)})", name="reply"),
        CheckConstraint("people >= 0 AND people <= 20", name="people"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reply: Mapped[str | None] = mapped_column(String(8))
    people: Mapped[int] = mapped_column(Integer, default=0)
    replied_at = mapped_column(UTCDateTime)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replied_as: Mapped[str | None] = mapped_column(String(20))  # for the household (app/community/acting.py)
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_in_at = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_in_by_hand: Mapped[bool] = mapped_column(Boolean, default=False)  # signed in by someone else
    checked_in_as: Mapped[str | None] = mapped_column(String(20))  # as what they signed it in


class Decision(db.Model):
    """A decision recorded with the minutes, optionally moving a matter it took up or opening the
    poll it put to the vote."""

    __tablename__ = "meeting_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(1000))
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))
    matter_action: Mapped[dict] = mapped_column(JSON, default=dict)  # what it did to the matter
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id"))  # the draft poll it opened
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
