"""Sign-in's personal data: sessions, and the stored replies of a person's retried requests."""
from sqlalchemy import delete, select

from app import lifecycle
from app.auth import service
from app.auth.models import AuthSession, ConsoleLogin
from app.extensions import db
from app.idempotency import IdempotencyRecord


def export(user):
    return {"sessions": lifecycle.rows(select(AuthSession.id, AuthSession.created_at, AuthSession.expires_at,
                                    AuthSession.revoked_at).where(AuthSession.user_id == user.id)),
            "console_logins": lifecycle.rows(select(ConsoleLogin.browser, ConsoleLogin.address, ConsoleLogin.status,
                                                    ConsoleLogin.created_at).where(ConsoleLogin.user_id == user.id))}


def erase(user):
    """Every session ends at once; the sessions stay as a record of sign-ins, now anonymous.
    Console sign-in codes the person scanned go (they name the browser and its address)."""
    service.end_all_sessions(user)
    db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id))
    db.session.execute(delete(ConsoleLogin).where(ConsoleLogin.user_id == user.id))


lifecycle.personal_data("auth_sessions", "idempotency_records", "console_logins", export=export, erase=erase)
