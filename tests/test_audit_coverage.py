"""Every mutating endpoint writes the audit entry tests/audit_coverage.py names, or none, and a
new endpoint cannot skip the decision: the route list is read from the running app."""
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from tests.audit_coverage import OPERATIONS
from tests.matrix_world import api_routes, open_world, send, world_app

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture(scope="module")
def coverage_app(database_url, _schema, tmp_path_factory):
    with world_app(database_url, tmp_path_factory.mktemp("audit-media")) as app:
        yield app


@pytest.fixture(scope="module")
def world(coverage_app):
    return open_world(coverage_app)


def test_every_mutating_route_has_a_decision(coverage_app):
    """A POST, PUT, PATCH or DELETE without a row in tests/audit_coverage.py fails here."""
    routes = {route for route in api_routes(coverage_app) if route[0] in MUTATING}
    decided = {(op.method, op.rule) for op in OPERATIONS}
    assert sorted(routes - decided) == [], "mutating endpoints missing from tests/audit_coverage.py"
    assert sorted(decided - routes) == [], "rows naming no route"
    labels = [op.label for op in OPERATIONS]
    assert len(labels) == len(set(labels)), "two rows with one label"


def new_entries(app, after):
    """(action, target type, target id, actor, community) of each entry after `after`."""
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            select(AuditEntry.action, AuditEntry.target_type, AuditEntry.target_id, AuditEntry.actor_id,
                   AuditEntry.community_id).where(AuditEntry.id > after).order_by(AuditEntry.id))]


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_the_operation_writes_its_entry(coverage_app, world, op):
    world["snapshot"].restore()
    with coverage_app.app_context():
        before = db.session.scalar(select(func.max(AuditEntry.id))) or 0
    response = send(world, op.row, op.actor)
    assert 200 <= response.status_code < 300, response.get_json(silent=True)
    written = new_entries(coverage_app, before)
    if op.action is None:
        assert written == [], f"expected no entry ({op.why})"
        return
    names = world["names"]
    created = (response.get_json(silent=True) or {}).get("id")
    target_type, target = op.target
    community = created if op.community == "new" else names.get(op.community)
    assert written == [(op.action, target_type, created if target == "new" else names[target],
                        names.get(f"u:{op.actor}"), community)]
