"""Extensions, created once here and bound to the app in create_app()."""
import hashlib
import time
import weakref

import flask_smorest
import marshmallow as ma
from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.exc import DisconnectionError

from app.errors import ErrorSchema
from app.models_base import render_item

# Named constraints so Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Api(flask_smorest.Api):
    """flask-smorest, documenting the project's error envelope (app/errors.py answers it)."""

    ERROR_SCHEMA = ErrorSchema
    # The settings the OpenAPI document is made from, besides the code.
    DOCUMENT_SETTINGS = ("API_TITLE", "API_VERSION", "OPENAPI_VERSION", "API_SPEC_OPTIONS")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._documents = {}

    def init_app(self, app, **kwargs):
        super().init_app(app, **kwargs)
        self.ma_plugin.converter.add_attribute_function(_numeric_bounds)

    def register_blueprints(self, blueprints):
        """Register the blueprints and document their views. Documenting them is three fifths
        of building an app (a tenth of a second) and its result depends only on the code and
        DOCUMENT_SETTINGS, so a process that builds many apps (the tests build one a test)
        writes the document once and each later app serves the same one."""
        key = (tuple(repr(self.config.get(name)) for name in self.DOCUMENT_SETTINGS),
               tuple(blueprint.name for blueprint in blueprints))
        if key not in self._documents:
            for blueprint in blueprints:
                self.register_blueprint(blueprint)
            self._documents[key] = self.spec
            return
        self.spec = self._documents[key]
        for blueprint in blueprints:
            self._app.extensions["flask-smorest"]["blp_name_to_api"][blueprint.name] = self
            self._app.register_blueprint(blueprint)


def _numeric_bounds(_converter, field, ret, **_kwargs):
    """apispec writes a Decimal field's Range as the field serializes it (a string), which
    OpenAPI refuses for `minimum`/`maximum`: write them as numbers."""
    if not isinstance(field, ma.fields.Decimal):
        return {}
    return {key: float(ret[key]) for key in ("minimum", "maximum") if key in ret}


db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate(render_as_batch=True, compare_type=True, render_item=render_item)
api = Api()
# No X-RateLimit-* headers: they cost two more Redis round trips on every limited request, and
# no client reads them. A refusal says when to try again (`retry_after`).
limiter = Limiter(key_func=get_remote_address)


def retry_after():
    """Seconds until the limit this request broke lets it through again (Retry-After of a 429)."""
    current = limiter.current_limit
    return str(max(1, current.reset_at - int(time.time()))) if current is not None else "60"


@event.listens_for(db.session, "loaded_as_persistent")
def _hold(session, instance):
    """Keep what a transaction loaded until it ends. The identity map holds objects weakly: a
    community or household read for a permission check and dropped would be read again by the
    next `db.session.get` of the same row in the same request."""
    session.info.setdefault("held", []).append(instance)


@event.listens_for(db.session, "after_transaction_end")
def _release(session, transaction):
    if transaction.parent is None:  # committed or rolled back: the objects are expired anyway
        session.info.pop("held", None)


# Per signed-in person (README: Security). A retry of one request (Idempotency-Key) is
# answered from its record and not counted (idempotency.give_back_replays).
SUBMIT_LIMIT = "10 per minute;200 per day"
UPLOAD_LIMIT = "60 per minute"
VOTE_LIMIT = "20 per minute"
PAPER_ENTRY_LIMIT = "60 per minute"


def per_signed_in_user():
    """Rate-limit key for acts of a signed-in person: the user their token names (signing in
    again starts no fresh allowance), a token from before tokens named users (hashed), else
    the address. Per person, not per address: a whole courtyard votes over one Wi-Fi."""
    from app.auth.service import token_user_id  # app.auth imports this module

    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        user_id = token_user_id(token.strip())
        if user_id is not None:
            return f"user:{user_id}"
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    return get_remote_address()


def login_limit(name):
    """A sign-in limit from the settings (config: LOGIN_*), read when a request is counted."""
    return lambda: current_app.config[name]


def login_code():
    """Rate-limit key for refused sign-ins with one code: a phone retrying a dead code (used,
    expired) is held back on its own, and its neighbours on the same address are not."""
    body = request.get_json(silent=True)
    code = body.get("code") if isinstance(body, dict) else None
    if not isinstance(code, str):  # no code to count by: the address's malformed requests
        return "no-code:" + get_remote_address()
    return "code:" + hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def signed_in(response):
    """A sign-in that worked: counted against the address's ceiling."""
    return response.status_code < 400


def refused_sign_in(response):
    """A sign-in refused for what the client sent (a code WeChat does not know or has seen,
    a malformed body). Not a 429, which counts nothing, nor a 5xx (WeChat or we failed)."""
    return 400 <= response.status_code < 500 and response.status_code != 429


PING_AFTER_IDLE_SECONDS = 1.0


def ping_when_idle(engine):
    """DB_POOL_PRE_PING without its round trip per request under load: a connection is checked
    (SELECT 1) before use only when it sat in the pool longer than PING_AFTER_IDLE_SECONDS —
    where a firewall's idle timeout, a restart or a failover in between would have broken it. A
    dead one is replaced before the request sees it. A connection used within the second is
    alive as of then; if the database goes away in that second, the first request to use it
    fails (503) and SQLAlchemy discards the pool's older connections (bench/README.md)."""
    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("connection dropped while idle") from exc


def configure_sqlite(engine):
    """Make SQLite transactional the way the code assumes.

    pysqlite emits no BEGIN before a SAVEPOINT, so releasing a savepoint would commit the
    whole transaction (SQLAlchemy's documented workaround follows). BEGIN IMMEDIATE takes the
    write lock up front: concurrent writers queue for it (busy timeout) instead of failing
    with "database is locked" when two readers both try to become the writer.

    A query result left unread holds SQLite's read lock even after ROLLBACK (Python 3.11 no
    longer resets statements then): a failed request whose traceback keeps such a result alive
    — in a log handler, say — would lock every writer out. Its cursors are closed when the
    connection goes back to the pool.
    """
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "after_cursor_execute")
    def _track(connection, cursor, *_args):
        connection.connection.info.setdefault("cursors", weakref.WeakSet()).add(cursor)

    @event.listens_for(engine, "reset")
    def _close_cursors(_dbapi_connection, record, _state):
        for cursor in list(record.info.pop("cursors", ())):
            cursor.close()
