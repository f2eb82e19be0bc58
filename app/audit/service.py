"""Appending to the audit log and verifying its chain (see models)."""
import hashlib
import json

from sqlalchemy import select

from app.audit.models import GENESIS, AuditEntry, AuditHead
from app.auth.service import user_names
from app.extensions import db
from app.models_base import utcnow
from app.pagination import paginate

VERIFY_BATCH = 1000


def _digest(prev_hash, entry):
    content = {"created_at": entry.created_at.isoformat(), "actor_id": entry.actor_id, "action": entry.action,
               "target_type": entry.target_type, "target_id": entry.target_id,
               "community_id": entry.community_id, "household_id": entry.household_id,
               "details": entry.details}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def record(actor, action, target_type, target_id=None, community_id=None, household_id=None, **details):
    """Append an entry in the caller's transaction: it commits (or rolls back) with the act."""
    head = db.session.scalar(select(AuditHead).where(AuditHead.id == 1).with_for_update())
    if head is None:  # the first entry ever
        head = AuditHead(id=1, last_hash=GENESIS)
        db.session.add(head)
    entry = AuditEntry(created_at=utcnow().replace(microsecond=0), actor_id=actor.id if actor else None,
                       action=action, target_type=target_type, target_id=target_id, community_id=community_id,
                       household_id=household_id, details=details, prev_hash=head.last_hash)
    entry.hash = _digest(head.last_hash, entry)
    head.last_hash = entry.hash
    db.session.add(entry)
    return entry


COLUMNS = (AuditEntry.id, AuditEntry.created_at, AuditEntry.actor_id, AuditEntry.action, AuditEntry.target_type,
           AuditEntry.target_id, AuditEntry.community_id, AuditEntry.household_id, AuditEntry.details,
           AuditEntry.prev_hash, AuditEntry.hash)


def verify():
    """Walk the chain: {"ok", "entries", "first_bad_id", "last_hash"}. Editing an entry, removing
    one or inserting one breaks the chain at the entry after it; removing the last ones shows
    against the head. Reads rows in batches (no ORM objects), so a long log costs memory for
    one batch."""
    prev, count, last_id = GENESIS, 0, 0
    while True:
        rows = db.session.execute(select(*COLUMNS).where(AuditEntry.id > last_id)
                                  .order_by(AuditEntry.id).limit(VERIFY_BATCH)).all()
        for row in rows:
            if row.prev_hash != prev or row.hash != _digest(prev, row):
                return {"ok": False, "entries": count, "first_bad_id": row.id, "last_hash": prev}
            prev, count, last_id = row.hash, count + 1, row.id
        if len(rows) < VERIFY_BATCH:
            break
    head = db.session.get(AuditHead, 1)
    ok = (head.last_hash if head else GENESIS) == prev
    return {"ok": ok, "entries": count, "first_bad_id": None if ok else last_id + 1, "last_hash": prev}


def entries(community_id=None, target_type=None, target_id=None, actor_id=None, action=None, cursor=None, limit=50):
    """A page of entries, oldest first; `action` ending in a dot takes every action it begins."""
    query = select(AuditEntry)
    if community_id is not None:
        query = query.where(AuditEntry.community_id == community_id)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if action is not None:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True) if action.endswith(".")
                            else AuditEntry.action == action)
    if target_type is not None:
        query = query.where(AuditEntry.target_type == target_type)
    if target_id is not None:
        query = query.where(AuditEntry.target_id == target_id)
    return paginate(db.session, query, AuditEntry.id, {"cursor": cursor, "limit": limit})


def entry_views(page):
    """A page of entries with the actors' names."""
    names = user_names(entry.actor_id for entry in page["items"])
    return {**page, "items": [{
        "id": e.id, "created_at": e.created_at, "actor_id": e.actor_id,
        "actor": names.get(e.actor_id) if e.actor_id is not None else "系统", "action": e.action,
        "target_type": e.target_type, "target_id": e.target_id, "household_id": e.household_id,
        "details": e.details, "prev_hash": e.prev_hash, "hash": e.hash} for e in page["items"]]}
