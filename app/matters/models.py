"""Matters (诉求/事项): what residents report, how the council sorts them (三事分流), who handles
them, and the timeline that proves every step.

The state machine lives here, in TRANSITIONS, and nowhere else: the service looks an action up
and refuses (409) anything the table does not allow.
"""
from enum import StrEnum

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models_base import UTCDateTime, sql_values, utcnow


class MatterClass(StrEnum):
    MAJOR = "major"      # 大事: a government department
    MINOR = "minor"      # 小事: the residents' committee with residents
    PRIVATE = "private"  # 私事: the resident, or a referral


class MatterStatus(StrEnum):
    SUBMITTED = "submitted"      # 待分类
    TRIAGED = "triaged"          # 已分类, no handler yet
    ASSIGNED = "assigned"        # 已交办
    IN_PROGRESS = "in_progress"  # 办理中
    RESOLVED = "resolved"        # 已办结, awaiting the resident's evaluation
    CLOSED = "closed"            # 已评议 / 已关闭
    WITHDRAWN = "withdrawn"      # 已撤回
    MERGED = "merged"            # 已合并 into another matter


class TextCheck(StrEnum):
    """WeChat's content check (msgSecCheck) of a report's typed text, which runs after the report
    is saved (app/matters/service/text_check.py); until its verdict only the household and staff
    see the matter."""

    CHECKING = "checking"    # 内容审核中: the verdict is not in yet
    PASSED = "passed"        # WeChat passed it, or there was no text to check (a voice note alone)
    RISKY = "risky"          # WeChat found it risky: held back for good (withdrawn, the household told)
    UNCHECKED = "unchecked"  # no verdict: WeChat not configured, down or refusing the call (fail open)


HELD_BACK = frozenset({TextCheck.CHECKING, TextCheck.RISKY})  # seen only by the household and staff
TEXT_CHECK_LABELS = {TextCheck.CHECKING: "内容审核中", TextCheck.RISKY: "未通过内容审核"}
TEXT_CHECK_NOTES = {
    TextCheck.CHECKING: "内容审核通过后，邻居和议事会才能看到这件诉求，一般只要几秒钟",
    TextCheck.RISKY: "内容可能含有不适宜公开的信息，请修改后重新反映",
}


class HandlerType(StrEnum):
    DEPARTMENT = "department"          # major
    COMMITTEE = "committee"            # minor: 居委会
    GRID_WORKER = "grid_worker"        # minor
    RESIDENT_GROUP = "resident_group"  # minor: residents settle it together
    RESIDENT = "resident"              # private: the resident themself
    VOLUNTEER_TEAM = "volunteer_team"  # private: referral
    MARKET = "market"                  # private: referral to a market service


HANDLERS_BY_CLASS = {
    MatterClass.MAJOR: {HandlerType.DEPARTMENT},
    MatterClass.MINOR: {HandlerType.COMMITTEE, HandlerType.GRID_WORKER, HandlerType.RESIDENT_GROUP},
    MatterClass.PRIVATE: {HandlerType.RESIDENT, HandlerType.VOLUNTEER_TEAM, HandlerType.MARKET},
}

S = MatterStatus
OPEN = frozenset({S.SUBMITTED, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS})
OPEN_SQL = sql_values(sorted(OPEN))
HANDLING = frozenset({S.ASSIGNED, S.IN_PROGRESS})  # with a handler, so with a due date to keep
UNSATISFIED = 2  # a household's rating at or below this is "unsatisfied" (and may reopen the matter)


def is_overdue(status, due_date, day):
    """Being handled and past its due date on `day` (the community's day): the one definition
    the work list, the desk's table and the statistics share."""
    return status in HANDLING and due_date is not None and due_date < day

# action → (states it may start from, state it leads to); None: the status does not change.
TRANSITIONS = {
    "classify": ({S.SUBMITTED}, S.TRIAGED),
    "reclassify": ({S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS}, S.TRIAGED),
    "assign": ({S.TRIAGED, S.ASSIGNED}, S.ASSIGNED),
    "progress": ({S.ASSIGNED, S.IN_PROGRESS}, S.IN_PROGRESS),
    "resolve": ({S.ASSIGNED, S.IN_PROGRESS}, S.RESOLVED),
    "accept": ({S.RESOLVED}, S.CLOSED),        # evaluated satisfied, or too late to reopen
    "reopen": ({S.RESOLVED}, S.IN_PROGRESS),   # evaluated unsatisfied within 7 days
    "withdraw": ({S.SUBMITTED, S.TRIAGED}, S.WITHDRAWN),
    "merge": ({S.SUBMITTED, S.TRIAGED}, S.MERGED),
    "comment": (OPEN | {S.RESOLVED}, None),
    "overdue": ({S.ASSIGNED, S.IN_PROGRESS}, None),   # the due date passed (a scheduled job)
    "escalate": ({S.ASSIGNED, S.IN_PROGRESS}, None),  # staff refer it up to the sub-district (街道)
    # WeChat found the text risky (TextCheck.RISKY): withdrawn for the resident to report again in
    # other words; not "closed", which means the household evaluated it.
    "hold_back": ({S.SUBMITTED}, S.WITHDRAWN),
}

STATUS_LABELS = {
    S.SUBMITTED: "待分类", S.TRIAGED: "已分类", S.ASSIGNED: "已交办", S.IN_PROGRESS: "办理中",
    S.RESOLVED: "已办结", S.CLOSED: "已评议", S.WITHDRAWN: "已撤回", S.MERGED: "已合并",
}
CLASS_LABELS = {MatterClass.MAJOR: "大事", MatterClass.MINOR: "小事", MatterClass.PRIVATE: "私事"}
HANDLER_LABELS = {
    HandlerType.DEPARTMENT: "职能部门", HandlerType.COMMITTEE: "居委会", HandlerType.GRID_WORKER: "网格员",
    HandlerType.RESIDENT_GROUP: "居民小组", HandlerType.RESIDENT: "居民自己", HandlerType.VOLUNTEER_TEAM: "义工队",
    HandlerType.MARKET: "市场服务",
}

# Built-in categories (code → name, suggested class); staff add their own per community.
BUILTIN_CATEGORIES = {
    "street_lamp": ("路灯", MatterClass.MINOR),
    "drains": ("下水道/排水", MatterClass.MINOR),
    "sanitation": ("环境卫生", MatterClass.MINOR),
    "illegal_construction": ("违章搭建", MatterClass.MAJOR),
    "noise_fumes": ("噪音/油烟", MatterClass.MINOR),
    "dogs": ("犬只管理", MatterClass.MINOR),
    "security": ("治安", MatterClass.MAJOR),
    "facility_repair": ("设施维修", None),
    "neighbour_dispute": ("邻里纠纷", MatterClass.MINOR),
    "other": ("其他", None),
}


class MatterCategory(db.Model):
    """A category staff added for their community, beside the built-in ones."""

    __tablename__ = "matter_categories"
    __table_args__ = (
        UniqueConstraint("community_id", "code"),
        CheckConstraint(f"default_class IS NULL OR default_class IN ({sql_values(MatterClass)})",
                        name="default_class"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(40))
    default_class: Mapped[str | None] = mapped_column(String(10))


class Matter(db.Model):
    """诉求: one demand, from submission to the resident's evaluation."""

    __tablename__ = "matters"
    __table_args__ = (
        # Keyset pages: my matters (by submitter, by household), a community's by status.
        Index("ix_matters_submitter_id_id", "submitter_id", "id"),
        Index("ix_matters_household_id_id", "household_id", "id"),
        Index("ix_matters_community_id_status_id", "community_id", "status", "id"),
        # Likely duplicates in the triage queue: open matters only, so closed years don't count.
        Index("ix_matters_open_building_id_category_created_at", "building_id", "category", "created_at",
              postgresql_where=text(f"status IN ({OPEN_SQL})"), sqlite_where=text(f"status IN ({OPEN_SQL})")),
        # The text-check sweep's reads: the few matters still waiting for WeChat's verdict.
        Index("ix_matters_text_checking_created_at", "created_at",
              postgresql_where=text(f"text_check = '{TextCheck.CHECKING}'"),
              sqlite_where=text(f"text_check = '{TextCheck.CHECKING}'")),
        CheckConstraint(f"status IN ({sql_values(MatterStatus)})", name="status"),
        CheckConstraint(f"text_check IN ({sql_values(TextCheck)})", name="text_check"),
        CheckConstraint(f"matter_class IS NULL OR matter_class IN ({sql_values(MatterClass)})", name="matter_class"),
        CheckConstraint(f"handler_type IS NULL OR handler_type IN ({sql_values(HandlerType)})", name="handler_type"),
        CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction"),
        CheckConstraint("handler_type != 'department' OR (handler_department_id IS NOT NULL AND due_date IS NOT NULL)",
                        name="department_has_due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"))
    courtyard_id: Mapped[int] = mapped_column(ForeignKey("courtyards.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    submitter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # 走访登记
    recorded_as: Mapped[str | None] = mapped_column(String(20))  # as what (app/community/acting.py)
    title: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(40))
    place_text: Mapped[str] = mapped_column(String(200), default="")
    latitude = mapped_column(Numeric(9, 6))
    longitude = mapped_column(Numeric(9, 6))
    status: Mapped[str] = mapped_column(String(12), default=MatterStatus.SUBMITTED)
    text_check: Mapped[str] = mapped_column(String(12), default=TextCheck.PASSED,
                                            server_default=TextCheck.PASSED.value)
    matter_class: Mapped[str | None] = mapped_column(String(10))
    handler_type: Mapped[str | None] = mapped_column(String(20))
    handler_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    handler_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handler_team_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_teams.id"))
    handler_name: Mapped[str | None] = mapped_column(String(100))
    due_date = mapped_column(Date)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    evaluation_comment: Mapped[str | None] = mapped_column(String(500))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    resolved_at = mapped_column(UTCDateTime)
    closed_at = mapped_column(UTCDateTime)
    escalated_at = mapped_column(UTCDateTime)
    # Two council members acting on one matter at once: the second gets 409, not a silent overwrite.
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    submitter = relationship("User", foreign_keys=[submitter_id], lazy="joined")
    building = relationship("Building", lazy="joined")
    household = relationship("Household")

    @property
    def scope_path(self):
        """Its places, plus whoever it is referred to: a department's liaisons and a volunteer
        team's lead reach the matter through it (and only then)."""
        path = {("community", self.community_id), ("grid", self.grid_id),
                ("courtyard", self.courtyard_id), ("building", self.building_id)}
        if self.household_id:
            path.add(("household", self.household_id))
        if self.handler_department_id:
            path.add(("department", self.handler_department_id))
        if self.handler_team_id:
            path.add(("volunteer_team", self.handler_team_id))
        return frozenset(path)

    @hybrid_property
    def held_back(self):
        """WeChat has not passed its text (being checked, or risky): the household's and the
        staff's alone. On a matter, or as SQL for the lists that leave such matters out."""
        return self.text_check in HELD_BACK

    @held_back.inplace.expression
    @classmethod
    def _held_back(cls):
        return cls.text_check.in_(sorted(HELD_BACK))


class MatterEvent(db.Model):
    """One line of a matter's timeline: who did what, when, with what reason. Never updated:
    reclassifications add lines, so the history of a decision is never overwritten."""

    __tablename__ = "matter_events"
    __table_args__ = (Index("ix_matter_events_matter_id_id", "matter_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(20))  # submit or a TRANSITIONS key
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status_from: Mapped[str | None] = mapped_column(String(12))
    status_to: Mapped[str | None] = mapped_column(String(12))
    matter_class: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    actor = relationship("User", lazy="joined")


class MatterPhoto(db.Model):
    """A photo of a matter, or of a handler's progress or resolution (then tied to that timeline
    line). Uploaded first, owned by the uploader until a submission or an update attaches it.
    The bytes (cleaned: no EXIF, no GPS) live in media storage under `key`."""

    __tablename__ = "matter_photos"
    __table_args__ = (Index("ix_matter_photos_matter_id_id", "matter_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("matter_events.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    thumbnail_key: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(30))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # WeChat's image check (mediaCheckAsync) answers later; a risky verdict hides the photo.
    check_trace_id: Mapped[str | None] = mapped_column(String(64), index=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    @property
    def storage_keys(self):
        """Its files in media storage (app/matters/photos.py `discard`)."""
        return [self.key, self.thumbnail_key]


class VoiceNote(db.Model):
    """A voice note (语音) a resident records instead of typing, or beside the text: uploaded
    first, owned by the uploader until a report attaches it; one per matter. The bytes (MP3 or
    M4A, as recorded) live in media storage under `key`. Only those who see the matter in full
    may play it (never its neighbours). Kept with its matter, as photos are."""

    __tablename__ = "matter_voice_notes"
    __table_args__ = (
        UniqueConstraint("matter_id"),
        CheckConstraint("duration_ms > 0", name="duration_ms"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(30))
    duration_ms: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    @property
    def storage_keys(self):
        return [self.key]
