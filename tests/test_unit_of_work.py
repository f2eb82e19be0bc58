"""One unit of work per request (app/unit_of_work.py): for each operation that touches more
than one domain, a failure injected at every SQL statement it sends leaves the database exactly
as it was — no matter moved, no poll opened, no notification queued, no job scheduled, no lock
held — and the same request then succeeds."""
import itertools
import sqlite3
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text

from app.extensions import db
from app.jobs import queue
from app.meetings.models import Meeting
from app.models_base import utcnow
from tests.conftest import counting_statements, login
from tests.matrix_world import Snapshot

API = "/api/v1"


class Injected(Exception):
    """The fault: raised in place of one statement."""


def contents(app):
    """Every row of every table, comparable."""
    with app.app_context():
        return {table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
                for table in db.metadata.sorted_tables}


@contextmanager
def failing_at(app, number):
    """The `number`-th SQL statement the app sends raises instead."""
    with app.app_context():
        engine = db.engine
    counter = itertools.count(1)

    def fail(*_args):
        if next(counter) == number:
            raise Injected(f"statement {number}")

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)


def nothing_held(app):
    """Another writer can start at once: the failed request left no lock and no open transaction
    behind — not even through a query result its traceback still holds (an unread SQLite result
    keeps the read lock after ROLLBACK)."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            return not db.session.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"))
    other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")  # a writer's commit waits for every reader
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def started_meeting(app, client, places, **fields):
    body = {"community_id": places["community"], "kind": "courtyard", "title": "院坝会", "place": "院坝",
            "starts_at": (utcnow() + timedelta(days=1)).isoformat(), "scope_kind": "community",
            "scope_ids": [places["community"]], **fields}
    meeting = client.post(f"{API}/meetings", json=body, headers=login(client, "staff")).get_json()
    assert client.post(f"{API}/meetings/{meeting['id']}/publish", headers=login(client, "staff")).status_code == 200
    with app.app_context():
        db.session.get(Meeting, meeting["id"]).starts_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    return meeting["id"]


def report(client, title):
    return client.post(f"{API}/matters", json={"title": title, "category": "facility_repair"},
                       headers=login(client, "resident")).get_json()["id"]


def minutes_moving_a_matter_and_opening_a_poll(app, client, places):
    matter = report(client, "楼道扶手松动")
    client.post(f"{API}/matters/{matter}/classify", json={"matter_class": "minor", "reason": "公共设施"},
                headers=login(client, "council"))
    poll = client.post(f"{API}/polls", headers=login(client, "staff"), json={
        "community_id": places["community"], "title": "是否加装围墙", "electorate": "households", "rule": "majority",
        "closes_at": (utcnow() + timedelta(days=3)).isoformat(), "questions": [{"text": "是否同意", "kind": "yes_no"}]},
    ).get_json()["id"]
    meeting = started_meeting(app, client, places)
    body = {"minutes": "议定两件事", "decisions": [
        {"text": "扶手交居委会", "matter_id": matter, "matter_action": {"action": "assign", "handler_type": "committee"}},
        {"text": "围墙交表决", "poll_id": poll}]}
    return "staff", f"{API}/meetings/{meeting}/minutes", body, [f"poll-{poll}-close"]


def publishing_a_meeting_to_its_households(app, client, places):
    body = {"community_id": places["community"], "kind": "courtyard", "title": "院坝会", "place": "院坝",
            "starts_at": (utcnow() + timedelta(days=2)).isoformat(), "scope_kind": "community",
            "scope_ids": [places["community"]]}
    meeting = client.post(f"{API}/meetings", json=body, headers=login(client, "staff")).get_json()["id"]
    return "staff", f"{API}/meetings/{meeting}/publish", None, [f"meeting-{meeting}-reminder-24h"]


def merging_a_duplicate_matter(app, client, places):
    first, second = report(client, "路灯坏了"), report(client, "单元门口路灯坏了")
    for matter in (first, second):
        client.post(f"{API}/matters/{matter}/classify", json={"matter_class": "minor", "reason": "公共照明"},
                    headers=login(client, "council"))
    return "council", f"{API}/matters/{second}/merge", {"into_id": first, "note": "同一盏灯"}, []


def erasing_an_account(app, client, places):
    report(client, "楼道灯坏了")
    return "resident", f"{API}/me/erase", {"confirm": "注销账号"}, []


@pytest.mark.parametrize("operation", [minutes_moving_a_matter_and_opening_a_poll,
                                       publishing_a_meeting_to_its_households, merging_a_duplicate_matter,
                                       erasing_an_account])
def test_a_failure_at_any_statement_leaves_nothing_and_the_retry_succeeds(app, client, places, operation):
    actor, path, body, jobs = operation(app, client, places)
    headers = login(client, actor)
    before, snapshot = contents(app), Snapshot(app)
    with counting_statements(app) as statements:
        assert client.post(path, json=body, headers=headers).status_code in (200, 204)
    assert contents(app) != before
    snapshot.restore()
    with app.app_context():
        for job in jobs:
            queue.cancel(job)
    for number in range(1, len(statements) + 1):
        with failing_at(app, number):
            failed = client.post(path, json=body, headers=headers)
        assert failed.status_code == 500, (number, statements[number - 1])
        assert nothing_held(app), f"locked by a failure at: {statements[number - 1]}"
        assert contents(app) == before, f"left behind by a failure at: {statements[number - 1]}"
        with app.app_context():
            assert not [job for job in jobs if queue.is_scheduled(job)], statements[number - 1]
    retried = client.post(path, json=body, headers=headers)
    assert retried.status_code in (200, 204), retried.get_json()
    with app.app_context():
        assert all(queue.is_scheduled(job) for job in jobs)
