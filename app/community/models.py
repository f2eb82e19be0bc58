"""Places, households, memberships and roles.

Places nest community (社区) → grid (网格) → courtyard (院落/小区) → building (楼栋) →
household (户). Each place also stores the ids of all its ancestors: a permission check or a
scoped query then needs one row, not a walk up the tree (buildings do not move).
"""
import enum

from sqlalchemy import (Boolean, CheckConstraint, ForeignKey, Index, Numeric, String,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models_base import UTCDateTime, utcnow


class Community(db.Model):
    """社区: the unit a residents' committee (居委会) serves."""

    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    district: Mapped[str | None] = mapped_column(String(100))
    subdistrict: Mapped[str | None] = mapped_column(String(100))  # 街道, where escalations go
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    @property
    def scope_path(self):
        return frozenset({("community", self.id)})


class Grid(db.Model):
    """网格: a patch of the community looked after by grid workers."""

    __tablename__ = "grids"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    community = relationship(Community)

    @property
    def scope_path(self):
        return frozenset({("community", self.community_id), ("grid", self.id)})


class Courtyard(db.Model):
    """院落/小区: an estate or courtyard, where courtyard meetings (院坝会) are held."""

    __tablename__ = "courtyards"
    __table_args__ = (UniqueConstraint("grid_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    grid = relationship(Grid)

    @property
    def scope_path(self):
        return frozenset({("community", self.community_id), ("grid", self.grid_id),
                          ("courtyard", self.id)})


class Building(db.Model):
    """楼栋: a building, looked after by its building head (楼栋长)."""

    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("courtyard_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    courtyard = relationship(Courtyard)

    @property
    def scope_path(self):
        return frozenset({("community", self.community_id), ("grid", self.grid_id),
                          ("courtyard", self.courtyard_id), ("building", self.id)})


class Household(db.Model):
    """户: one flat, the voting unit. Floor area counts in statutory homeowner votes; the flags
    change how a demand is triaged (a broken lamp is private for most, communal for an elderly
    person living alone), so those who triage must see them."""

    __tablename__ = "households"
    __table_args__ = (
        UniqueConstraint("building_id", "unit", "room"),
        CheckConstraint("floor_area > 0", name="floor_area_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    unit: Mapped[str] = mapped_column(String(20), default="", server_default="")  # 单元, may be blank
    room: Mapped[str] = mapped_column(String(20))
    floor_area = mapped_column(Numeric(10, 2), nullable=False)  # m²
    head_name: Mapped[str | None] = mapped_column(String(50))
    head_phone: Mapped[str | None] = mapped_column(String(20))
    elderly_alone: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    low_income: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Homeowner votes count owners by headcount: flats with the same owner reference (产权人,
    # as staff enter it) count as one owner, and the developer's unsold or undelivered flats
    # together count as one. A flat without either is its own owner.
    owner_ref: Mapped[str | None] = mapped_column(String(64))
    developer_held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # 长辈模式: the mini-program opens in large type and big targets for this household's phones
    # (a resident may still switch it on their own phone).
    elder_mode: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    building = relationship(Building)
    members = relationship("HouseholdMember", back_populates="household", order_by="HouseholdMember.id")

    @property
    def scope_path(self):
        return frozenset({("community", self.community_id), ("grid", self.grid_id),
                          ("courtyard", self.courtyard_id), ("building", self.building_id),
                          ("household", self.id)})


class HouseholdMember(db.Model):
    """A user living in a household. A user belongs to one household; a household has at most
    one head (户主), who casts its vote unless they designate another member (`is_voter`)."""

    __tablename__ = "household_members"
    __table_args__ = (
        Index("uq_household_members_one_head", "household_id", unique=True,
              sqlite_where=text("is_head"), postgresql_where=text("is_head")),
        Index("uq_household_members_one_voter", "household_id", unique=True,
              sqlite_where=text("is_voter"), postgresql_where=text("is_voter")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)
    is_voter: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    joined_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # staff who added, or code issuer

    household = relationship(Household, back_populates="members")
    # Members are shown by name: loading a household's members brings their users in the same query.
    user = relationship("User", foreign_keys=[user_id], lazy="joined")


class JoinCode(db.Model):
    """A one-time code a building head or staff hands a resident to join a household.
    Only a hash is stored: whoever reads the table cannot use the codes."""

    __tablename__ = "join_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    as_head: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Department(db.Model):
    """职能部门: a government department (城管, 住建 …) that handles major matters. District
    level: one department serves many communities."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    @property
    def scope_path(self):
        return frozenset({("department", self.id)})


class VolunteerTeam(db.Model):
    """义工队: a volunteer team that private matters can be referred to."""

    __tablename__ = "volunteer_teams"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(500))

    @property
    def scope_path(self):
        return frozenset({("community", self.community_id), ("volunteer_team", self.id)})


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"                          # 社区干部/居委会
    GRID_WORKER = "grid_worker"              # 网格员
    BUILDING_HEAD = "building_head"          # 楼栋长
    COUNCIL_MEMBER = "council_member"        # 议事会/家园理事会成员
    OWNERS_COMMITTEE = "owners_committee"    # 业委会成员
    SUPERVISOR = "supervisor"                # 监委会成员
    DEPARTMENT_LIAISON = "department_liaison"  # 职能部门联络员
    VOLUNTEER_LEAD = "volunteer_lead"        # 义工队负责人
    RESIDENT = "resident"                    # implied by household membership, never granted


# The kind of place each granted role is scoped to (None: everywhere).
ROLE_SCOPE = {
    Role.ADMIN: None,
    Role.STAFF: "community",
    Role.GRID_WORKER: "grid",
    Role.BUILDING_HEAD: "building",
    Role.COUNCIL_MEMBER: "community",
    Role.OWNERS_COMMITTEE: "community",
    Role.SUPERVISOR: "community",
    Role.DEPARTMENT_LIAISON: "department",
    Role.VOLUNTEER_LEAD: "volunteer_team",
}

GRANTABLE_ROLES = sorted(role.value for role in ROLE_SCOPE)

SCOPE_MODELS = {
    "community": Community,
    "grid": Grid,
    "courtyard": Courtyard,
    "building": Building,
    "household": Household,
    "department": Department,
    "volunteer_team": VolunteerTeam,
}


class RoleAssignment(db.Model):
    """A role held by a user over one place (a building head of building 3 …)."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "scope_id"),
        Index("uq_role_assignments_global", "user_id", "role", unique=True,
              sqlite_where=text("scope_id IS NULL"), postgresql_where=text("scope_id IS NULL")),
        CheckConstraint("(role = 'admin') = (scope_id IS NULL)", name="scope_matches_role"),
        CheckConstraint("role <> 'resident'", name="resident_not_granted"),
        Index("ix_role_assignments_role_scope", "role", "scope_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    scope_id: Mapped[int | None] = mapped_column()
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    @property
    def scope_kind(self):
        return ROLE_SCOPE[Role(self.role)]


class HelperRight(enum.StrEnum):
    """What a family helper (子女代办) may do for the household that linked them. Voting is not
    one: a helper votes only as the named proxy of a proxy ballot (委托投票) a building head enters."""

    REPORT_AND_FOLLOW = "report_and_follow"  # report matters, follow and evaluate the household's matters
    REPLY_MEETINGS = "reply_meetings"        # answer the household's meeting invitations
    RECEIVE_NOTICES = "receive_notices"      # the household's notices in their own inbox


class HouseholdHelper(db.Model):
    """A relative's account linked to a household (子女代办) with stated rights. Never a member:
    electorates, invitations and who votes for the household count members only. A revoked link
    stays, so every act it allowed still names it; at most one live link per household and user."""

    __tablename__ = "household_helpers"
    __table_args__ = (
        Index("uq_household_helpers_live", "household_id", "user_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    report_and_follow: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_meetings: Mapped[bool] = mapped_column(Boolean, default=False)
    receive_notices: Mapped[bool] = mapped_column(Boolean, default=False)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_as: Mapped[str] = mapped_column(String(20))  # head, or the role of whoever linked on consent
    # the written consent, when someone other than the head linked them (a photo from POST /photos)
    consent_photo_id: Mapped[int | None] = mapped_column(ForeignKey("matter_photos.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    revoked_at = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def rights(self):
        return [right.value for right in HelperRight if getattr(self, right.value)]


def live_link(user_id):
    """SQL: a link of `user_id` (a value, or a column to correlate) as a helper, not revoked."""
    return (HouseholdHelper.user_id == user_id) & HouseholdHelper.revoked_at.is_(None)


class HelperCode(db.Model):
    """A one-time code that links whoever enters it as a helper of the household, with the rights
    it carries. Hashed at rest and expiring, like a join code."""

    __tablename__ = "helper_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    report_and_follow: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_meetings: Mapped[bool] = mapped_column(Boolean, default=False)
    receive_notices: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_as: Mapped[str] = mapped_column(String(20))
    consent_photo_id: Mapped[int | None] = mapped_column(ForeignKey("matter_photos.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
