"""Notifications (the outbox and inbox in one table) and subscribe-message consents."""
from enum import StrEnum

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models_base import UTCDateTime, utcnow


class WeChatStatus(StrEnum):
    """Where a notification's WeChat copy stands; the inbox copy exists whatever it says."""

    NONE = "none"            # inbox only: no template for the kind, or no consent left
    PENDING = "pending"      # waiting for a delivery job
    SENDING = "sending"      # claimed by a job; requeued only if its worker died (lease expired)
    SENT = "sent"
    FAILED = "failed"        # WeChat unavailable through every retry; a requeue may try again
    REJECTED = "rejected"    # refused for good (43101 user refused, 40003 bad openid, …)


class Notification(db.Model):
    """One message to one user (通知): written in the transaction of the change it reports."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The inbox: newest first per user; the unread count reads the partial index only.
        Index("ix_notifications_user_id_id", "user_id", "id"),
        Index("ix_notifications_unread", "user_id",
              postgresql_where=text("read_at IS NULL"), sqlite_where=text("read_at IS NULL")),
        CheckConstraint("wechat_status IN ('none', 'pending', 'sending', 'sent', 'failed', 'rejected')",
                        name="wechat_status"),
        # The outbox sweep reads only the few rows still on their way.
        Index("ix_notifications_on_the_way", "wechat_status", "id",
              postgresql_where=text("wechat_status IN ('pending', 'sending')"),
              sqlite_where=text("wechat_status IN ('pending', 'sending')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")
    page: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    read_at = mapped_column(UTCDateTime)
    template_id: Mapped[str | None] = mapped_column(String(64))
    wechat_status: Mapped[str] = mapped_column(String(10), default=WeChatStatus.NONE)
    wechat_note: Mapped[str | None] = mapped_column(String(200))  # why it is not (yet) sent
    wechat_attempts: Mapped[int] = mapped_column(Integer, default=0)
    consent_spent: Mapped[bool] = mapped_column(Boolean, default=False)
    claimed_at = mapped_column(UTCDateTime)  # when a delivery job last claimed it
    sent_at = mapped_column(UTCDateTime)


class SubscriptionConsent(db.Model):
    """One-time subscribe consents (一次性订阅) a user has left for a template.

    Each `accept` from wx.requestSubscribeMessage allows exactly one message; WeChat offers no
    way to ask how many remain, so they are counted here and spent one per send.
    """

    __tablename__ = "subscription_consents"
    __table_args__ = (CheckConstraint("remaining >= 0", name="remaining_not_negative"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    template_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    remaining: Mapped[int] = mapped_column(Integer, default=0)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class NotificationPreference(db.Model):
    """A user's choice whether a kind of notification may come as a WeChat message (and so spend
    their consents); without a row the kind's default applies (service.REMINDERS)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    wechat: Mapped[bool] = mapped_column(Boolean)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class SmsStatus(StrEnum):
    """Where a notification's SMS copy stands (one SmsMessage per notification at most)."""

    PENDING = "pending"      # waiting for a delivery job
    SENDING = "sending"      # claimed; settled `sent` (no_answer) if its worker died
    SENT = "sent"
    FAILED = "failed"        # the provider unavailable through every retry
    REJECTED = "rejected"    # refused for good by the provider (bad number, template …)
    DROPPED = "dropped"      # not sent by us: daily limit reached, consent withdrawn, no template


class SmsConsent(db.Model):
    """A household's consent to notices by SMS (短信通知), with the number to send them to.

    The number is personal data that only the delivery job and its owner need: it is sealed
    (app/sealing.py, bound to the household) and shown to everyone else masked. `resident_id`
    is whose consent it is when they have an account (their erasure deletes it);
    `recorded_by_id` who entered it, a building head say, with `evidence` of the consent."""

    __tablename__ = "sms_consents"
    __table_args__ = (CheckConstraint("evidence IN ('self', 'written', 'in_person', 'phone_call')",
                                      name="evidence"),)

    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), primary_key=True)
    phone_sealed: Mapped[str] = mapped_column(Text)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    evidence: Mapped[str] = mapped_column(String(12))
    consented_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class SmsMessage(db.Model):
    """The SMS copy of one notification (the outbox's SMS channel): at most one per
    notification, written in the notification's transaction, claimed and settled like its
    WeChat copy (tasks.py)."""

    __tablename__ = "sms_messages"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'rejected', 'dropped')",
                        name="status"),
        # The daily limit counts a household's messages claimed since local midnight.
        Index("ix_sms_messages_household_id_claimed_at", "household_id", "claimed_at"),
        Index("ix_sms_messages_on_the_way", "status", "id",
              postgresql_where=text("status IN ('pending', 'sending')"),
              sqlite_where=text("status IN ('pending', 'sending')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default=SmsStatus.PENDING)
    note: Mapped[str | None] = mapped_column(String(200))  # why it is not (yet) sent; never the number
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    provider_ref: Mapped[str | None] = mapped_column(String(64))  # the provider's serial number
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    claimed_at = mapped_column(UTCDateTime)
    sent_at = mapped_column(UTCDateTime)
