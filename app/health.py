"""GET /healthz: is this instance able to serve? Checks the database and, when configured, Redis."""
import logging

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import text

from app.extensions import db

log = logging.getLogger(__name__)
blp = Blueprint("health", __name__, description="Liveness and dependencies")


class HealthSchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={"description": "ok or degraded"})
    database = ma.fields.String(required=True)
    redis = ma.fields.String(required=True, metadata={"description": "ok, down or not_configured"})


def _check(name, probe):
    try:
        probe()
        return "ok"
    except Exception as exc:  # any failure means "down"; the reason goes to the log
        log.warning("health: %s down: %s", name, exc.__class__.__name__)
        return "down"


@blp.route("/healthz", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="a dependency is down")
@blp.doc(security=[])
def healthz():
    """Database and Redis reachability; 503 when either is down."""
    database = _check("database", lambda: db.session.execute(text("SELECT 1")))
    db.session.rollback()
    redis_client = current_app.extensions.get("redis")
    redis = _check("redis", redis_client.ping) if redis_client is not None else "not_configured"
    body = {"database": database, "redis": redis}
    healthy = "down" not in body.values()
    body["status"] = "ok" if healthy else "degraded"
    return body, 200 if healthy else 503
