"""Faults injected for real: the database going away and coming back, and a transaction failing
half way. (Redis outages and killed workers: tests/test_worker_outages.py; lost scheduled jobs
and a WeChat that answers too late: tests/test_jobs.py; WeChat slow or down: tests/test_login.py
and tests/test_notifications.py.)"""
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from app.extensions import db
from app.matters.models import Matter, MatterEvent
from app.models_base import utcnow
from app.polls.models import Ballot, PollElector
from tests.conftest import login
from tests.faults import TcpProxy

API = "/api/v1"


@pytest.fixture
def outage(make_app, database_url):
    """An app whose database can be taken away and given back: PostgreSQL behind a TCP proxy
    that is cut; SQLite by its directory disappearing (fresh connections every request)."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
        app = make_app(SQLALCHEMY_DATABASE_URI=url.set(host="127.0.0.1", port=proxy.port)
                       .render_as_string(hide_password=False))
        yield app, proxy.cut, proxy.restore
        proxy.restore()
        return
    folder = Path(url.database).parent
    hidden = folder.with_name(folder.name + "-gone")
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool})
    yield app, lambda: folder.rename(hidden), lambda: hidden.rename(folder)
    if hidden.exists():
        hidden.rename(folder)


def test_database_outage_is_a_503_and_recovers_without_restart(outage, places):
    app, cut, restore = outage
    client = app.test_client()
    resident = login(client, "resident")
    assert client.get(f"{API}/matters/mine", headers=resident).status_code == 200
    cut()
    down = client.get(f"{API}/matters/mine", headers=resident)
    assert down.status_code == 503 and down.get_json()["error"]["code"] == "database_unavailable"
    report = client.post(f"{API}/matters", json={"title": "路灯坏了", "category": "street_lamp"}, headers=resident)
    assert report.status_code == 503
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["database"] == "down"
    restore()
    assert client.get("/healthz").status_code == 200
    assert client.get(f"{API}/matters/mine", headers=resident).get_json()["items"] == []  # nothing half-saved
    assert client.post(f"{API}/matters", json={"title": "路灯坏了", "category": "street_lamp"},
                       headers=resident).status_code == 201


class FailOn:
    """Make the database fail every statement that holds `part` (a statement of its own, or one
    of the writes a hot path sends together in one statement)."""

    def __init__(self, app, part):
        with app.app_context():
            self.engine = db.engine
        self.part = part

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self.fail)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self.fail)

    def fail(self, _conn, _cursor, statement, *_args):
        if self.part in statement.upper():
            raise OperationalError(statement, None, Exception("connection lost mid-transaction"))


def test_a_matter_is_never_saved_without_its_timeline(app, client, places):
    resident = {**login(client, "resident"), "Idempotency-Key": "report-1"}
    body = {"title": "路灯坏了", "category": "street_lamp"}
    with FailOn(app, "INSERT INTO MATTER_EVENTS"):
        assert client.post(f"{API}/matters", json=body, headers=resident).status_code == 503
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Matter)) == 0
    retried = client.post(f"{API}/matters", json=body, headers=resident)  # the same key works afterwards
    assert retried.status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MatterEvent)) == 1


def test_a_ballot_is_never_saved_without_its_voter_marked(app, client, places):
    staff = login(client, "staff")
    poll = client.post(f"{API}/polls", headers=staff, json={
        "community_id": places["community"], "title": "是否安装路灯", "electorate": "households", "rule": "majority",
        "closes_at": (utcnow() + timedelta(days=1)).isoformat(), "questions": [{"text": "同意吗", "kind": "yes_no"}]}).get_json()
    client.post(f"{API}/polls/{poll['id']}/publish", headers=staff)
    ballot = {"answers": [{"question_id": poll["questions"][0]["id"], "choices": [0]}]}
    resident = {**login(client, "resident"), "Idempotency-Key": "vote-1"}
    with FailOn(app, "UPDATE POLL_ELECTORS"):
        assert client.post(f"{API}/polls/{poll['id']}/ballots", json=ballot, headers=resident).status_code == 503
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0
        assert db.session.scalar(select(PollElector.id).where(PollElector.voted_at.is_not(None))) is None
    voted = client.post(f"{API}/polls/{poll['id']}/ballots", json=ballot, headers=resident)
    assert voted.status_code == 201 and voted.get_json()["receipt"]
