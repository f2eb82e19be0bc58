"""院坝 (Yuanba): neighbourhood self-governance backend.

create_app() wires settings, extensions, blueprints, CLI commands and error handlers.
"""
from pathlib import Path

import redis
import swagger_ui_bundle
from flask import Flask, send_from_directory
from flask.sessions import SessionInterface
from werkzeug.routing import IntegerConverter

from app import lifecycle, logs, unit_of_work
from app.errors import register_error_handlers
from app.extensions import api, configure_sqlite, db, limiter, migrate, ping_when_idle
from app.idempotency import give_back_replays
from app.jobs import queue
from app.models_base import MAX_ID
from app.text import check_request_text
from config import load_config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: an id from 1 to MAX_ID, so a larger one is 404 (and the
    OpenAPI document says so) rather than an overflow in the database."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


class NoCookieSession(SessionInterface):
    """No cookie session: the phone and the desk console sign in with bearer tokens. Flask's
    default builds a signing serializer on every request to look for a cookie nobody sends.
    `flask.session` is Flask's NullSession, which refuses to be written."""

    def open_session(self, app, request):
        return None

    def save_session(self, app, session, response):
        pass


def create_app(config=None):
    """Build the app. `config` is a settings object (tests pass one); default: from the environment."""
    config = config or load_config()
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    app.url_map.converters["int"] = IdConverter
    app.session_interface = NoCookieSession()
    app.config.from_object(config)
    app.config["SETTINGS"] = config
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logs.install()
    logs.configure(config.LOG_FORMAT)
    logs.init_app(app)  # first: the lines of every later hook carry the request id

    app.extensions["redis"] = getattr(config, "REDIS_CLIENT", None) or (
        redis.Redis.from_url(config.REDIS_URL) if config.REDIS_URL else None
    )
    app.config.setdefault("RATELIMIT_STORAGE_URI", config.REDIS_URL or "memory://")
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)  # Redis down: serve without limits

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
        elif config.DB_POOL_PRE_PING:
            ping_when_idle(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    limiter.init_app(app)
    app.after_request(give_back_replays)
    api.init_app(app)
    app.json.ensure_ascii = False

    from app import health
    from app.audit import routes as audit_routes
    from app.auth import routes as auth_routes
    from app.budgets import routes as budget_routes
    from app.community import routes as community_routes
    from app.funds import routes as fund_routes
    from app.matters import routes as matter_routes
    from app.meetings import routes as meeting_routes
    from app.notifications import routes as notification_routes
    from app.notifications import sms
    from app.notifications.templates import load_templates
    from app.polls import routes as poll_routes
    from app.privacy import routes as privacy_routes
    from app.printing import routes as printing_routes
    from app.wechat import push as wechat_push

    lifecycle.load()  # each domain's personal data and housekeeping (app/lifecycle.py)
    queue.init_app(app, housekeeping=lifecycle.housekeeping_tasks())
    # A mistyped template setting fails here, at start. Without WeChat credentials nothing is
    # sent, so every notification is inbox-only.
    templates = load_templates(config.WECHAT_TEMPLATES)
    app.extensions["notification_templates"] = templates if config.WECHAT_APPID else {}
    app.extensions["sms_templates"] = (sms.load_templates(config.SMS_TEMPLATES, config.SMS_SIGN_NAME)
                                       if config.SMS_PROVIDER else {})
    api.register_blueprints([module.blp for module in (
        health, auth_routes, community_routes, matter_routes, meeting_routes, poll_routes, notification_routes,
        fund_routes, budget_routes, audit_routes, privacy_routes, printing_routes, wechat_push)])

    from app import console, metrics
    app.register_blueprint(console.blp)  # the desk console's built files at /console/
    metrics.init_app(app)  # GET /metrics (METRICS_TOKEN)

    @app.get("/api/docs/static/<path:filename>")
    def swagger_static(filename):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    unit_of_work.wrap_views(app)  # every request: one transaction, committed or rolled back whole

    app.before_request(check_request_text)
    register_error_handlers(app)

    from app.cli import register_commands

    register_commands(app)
    return app
