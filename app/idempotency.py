"""Idempotency-Key for create endpoints that a phone may retry.

The record is inserted in the same transaction as the work, so it commits iff the work
commits: a retry after a lost response replays the stored response instead of acting twice.
The same key with another body → 422; a retry while the first is still running → 409 (on
PostgreSQL the second insert waits for the first transaction, then replays).

What is stored opens only for the retry: the record is named by a keyed hash of the user and
the Idempotency-Key (the key itself is not stored), the request's hash is keyed, and the
response is sealed (app/sealing.py) under a key derived from the same three. Someone reading
the database — with or without SECRET_KEY — learns that the user did something then, not
what: not a ballot's choices or receipt, not a guessable request body by hashing candidates.
"""
import hashlib
import hmac
import logging
from copy import deepcopy
from functools import wraps

from flask import Response, request
from flask_smorest.utils import deepupdate
from redis import RedisError
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.permissions import current_user
from app.errors import ApiError, invalid
from app.extensions import db, limiter
from app.models_base import UTCDateTime, insert_once, prefixed, utcnow
from app.sealing import derive, seal, unseal
from app.text import has_forbidden

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
HEADER_DOC = {
    "in": "header", "name": HEADER, "required": False,
    "description": "Any unique string (≤ 100 chars) per attempted action; retries reuse it.",
    "schema": {"type": "string", "maxLength": 100},
}


class IdempotencyRecord(db.Model):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))           # Names.lookup, not the key itself
    request_hash: Mapped[str] = mapped_column(String(64))   # keyed: Names.request_hash
    status_code: Mapped[int | None] = mapped_column(Integer)  # None while the first is running
    response_body: Mapped[str | None] = mapped_column(Text)   # sealed
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Names:
    """What a record is stored under, derived from SECRET_KEY, the user and the Idempotency-Key.
    migrations/versions/0010_ballot_secrecy.py renamed older records the same way."""

    def __init__(self, user_id, key):
        secret = derive(f"idempotency:{user_id}:{key}")
        self.lookup = hmac.new(secret, b"lookup", hashlib.sha256).hexdigest()
        self._seal_key = hmac.new(secret, b"seal", hashlib.sha256).digest()

    def request_hash(self, plain):
        return hmac.new(self._seal_key, plain.encode(), hashlib.sha256).hexdigest()

    def seal(self, body):
        return seal(self._seal_key, body.encode(), self.lookup.encode())

    def unseal(self, sealed):
        return unseal(self._seal_key, sealed, self.lookup.encode()).decode()


def _request_hash():
    """The request's method, path and content. For a multipart upload, the fields and files
    themselves: a retry's boundary differs, its content does not."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    if request.mimetype == "multipart/form-data":
        for name, value in sorted(request.form.items(multi=True), key=lambda item: (*_field_order(item[0]), item[1])):
            digest.update(f"{name}={value}\n".encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: _field_order(item[0])):
            digest.update(f"{name}:".encode())
            digest.update(hashlib.sha256(upload.read()).digest())
            upload.seek(0)
    else:
        digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _field_order(name):
    """werkzeug names a multipart part None when it cannot read its name (a fuzzer's
    `name="x\\"`): such parts sort last instead of failing the comparison with a 500."""
    return name is None, name or ""


def _replay(user, names, request_hash):
    existing = db.session.scalar(db.select(IdempotencyRecord).filter_by(user_id=user.id, key=names.lookup))
    if existing is None:  # the first attempt rolled back meanwhile
        raise ApiError(409, "request_in_progress", "请求正在处理中，请稍后再试")
    if existing.request_hash != request_hash:
        raise ApiError(422, "idempotency_key_reused", "同一个请求编号不能用于不同的内容")
    if existing.status_code is None:
        raise ApiError(409, "request_in_progress", "请求正在处理中，请稍后再试")
    response = Response(names.unseal(existing.response_body), status=existing.status_code,
                        mimetype="application/json")
    response.headers[REPLAYED] = "true"
    return response


def give_back_replays(response):
    """after_request: a replay is answered, not counted, so a phone retrying with its key is
    never refused for its retries. Limits count at the door, in one Redis call each (testing
    first and counting after the view, as flask-limiter's `deduct_when` does, costs two); what
    a replay was counted against is given back here. A limit whose window turned meanwhile
    starts the new one a request short of full (fixed windows, flask-limiter's default)."""
    if response.headers.get(REPLAYED) == "true":
        for counted in limiter.current_limits:
            try:
                limiter.limiter.hit(counted.limit, *counted.request_args, cost=-1)
            except RedisError:  # Redis down: limits are not kept anyway (RATELIMIT_SWALLOW_ERRORS)
                log.warning("could not give back a replay's count", exc_info=True)
    return response


def well_formed(key):
    return 1 <= len(key) <= 100 and not has_forbidden(key)


RECORD = ("user_id", "key", "request_hash", "status_code", "response_body", "created_at")


def answered(user_id, key, response):
    """The record of a request already done and answered, for a hot path that writes it in the
    same statement as its work (app/hot_path.py): (the INSERT … ON CONFLICT DO NOTHING RETURNING
    id, its parameters). Inserting nothing means the key was used before: the caller rolls back
    and takes the regular path, which replays the stored answer or refuses."""
    names = Names(user_id, key)
    return insert_once(IdempotencyRecord, db.engine.dialect.name, "record_", RECORD), prefixed("record_", {
        "user_id": user_id, "key": names.lookup, "request_hash": names.request_hash(_request_hash()),
        "status_code": response.status_code, "response_body": names.seal(response.get_data(as_text=True)),
        "created_at": utcnow()})


def idempotent(view):
    """Place between `@blp.route` and `@blp.arguments`; the view must sign the user in."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not well_formed(key):
            raise invalid(HEADER, "请求编号应为 1 到 100 个字符，不含控制字符")
        user = current_user()
        names = Names(user.id, key)
        request_hash = names.request_hash(_request_hash())
        # No savepoint: the transaction holds nothing but reads yet, so a duplicate key may
        # roll it all back. The record is then addressed by id, as the view's commit expires it.
        record = IdempotencyRecord(user_id=user.id, key=names.lookup, request_hash=request_hash)
        db.session.add(record)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            return _replay(user, names, request_hash)
        record_id = record.id
        try:
            response = view(*args, **kwargs)
        except Exception:
            db.session.rollback()
            raise
        same = IdempotencyRecord.id == record_id
        if response.status_code < 300:
            db.session.execute(db.update(IdempotencyRecord).where(same).values(
                status_code=response.status_code, response_body=names.seal(response.get_data(as_text=True))))
        else:
            db.session.execute(db.delete(IdempotencyRecord).where(same))
        return response  # committed with the work, at the edge (app/unit_of_work.py)

    wrapper._apidoc = deepcopy(getattr(view, "_apidoc", {}))
    wrapper._apidoc["manual_doc"] = deepupdate(
        deepcopy(wrapper._apidoc.get("manual_doc", {})), {"parameters": [HEADER_DOC]})
    return wrapper
