"""Users, their sign-in sessions, and sign-ins to the desk console by scanning."""
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models_base import UTCDateTime, sql_values, utcnow


class User(db.Model):
    """A person who signed in through the mini-program (or a development login)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_login_at = mapped_column(UTCDateTime)
    erased_at = mapped_column(UTCDateTime)  # account deleted: identity gone, records kept


class AuthSession(db.Model):
    """One sign-in on one phone. A token names its session and generation: refresh bumps the
    generation (old tokens die), logout revokes the session. Kept in the database so every
    app process agrees."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    generation: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    revoked_at = mapped_column(UTCDateTime)


class ConsoleLoginStatus(StrEnum):
    PENDING = "pending"      # the code is on the computer's screen
    SCANNED = "scanned"      # a phone scanned it; waiting for that person to confirm
    CONFIRMED = "confirmed"  # confirmed on the phone; the browser has not collected its session yet
    REFUSED = "refused"      # refused on the phone
    USED = "used"            # the browser collected its session: the code is spent


class ConsoleLogin(db.Model):
    """Signing in to the desk console by scanning its mini-program code with WeChat.

    The browser that asked holds a key (only its hash is kept) and alone may collect the session,
    once, after the person who scanned confirms on their phone. The phone is shown which browser
    and address it is letting in, so a code photographed from someone else's screen is noticed."""

    __tablename__ = "console_logins"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_values(ConsoleLoginStatus)})", name="status"),
        CheckConstraint("(status = 'pending') = (user_id IS NULL)", name="scanned_by_someone"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # the code's scene
    key_hash: Mapped[str] = mapped_column(String(64))
    browser: Mapped[str] = mapped_column(String(60), default="")
    address: Mapped[str] = mapped_column(String(45), default="")
    status: Mapped[str] = mapped_column(String(10), default=ConsoleLoginStatus.PENDING)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
