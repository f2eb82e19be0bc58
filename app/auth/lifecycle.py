"""Sign-in's personal data: sessions, and the stored replies of a person's retried requests."""
from sqlalchemy import delete, select, update

from app import lifecycle
from app.auth.models import AuthSession
from app.extensions import db
from app.idempotency import IdempotencyRecord
from app.models_base import utcnow


def export(user):
    return {"sessions": lifecycle.rows(select(AuthSession.id, AuthSession.created_at, AuthSession.expires_at,
                                    AuthSession.revoked_at).where(AuthSession.user_id == user.id))}


def erase(user):
    """Every session ends at once; the sessions stay as a record of sign-ins, now anonymous."""
    db.session.execute(update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id))


lifecycle.personal_data("auth_sessions", "idempotency_records", export=export, erase=erase)
