"""What the hot paths cost in round trips to PostgreSQL, whatever the amount of data (issue 23).

A vote must be durable before its 201 and one transaction, so it cannot cost less than BEGIN,
a statement that checks, a statement that writes, and COMMIT; a report writes the matter, then
its first line (which needs the matter's id), then the idempotency record (which holds the
answer, which holds both). Counted on the wire by a proxy in
front of PostgreSQL (tests/pgproxy.py), in a world of a few households and in one of many, with
an Idempotency-Key and without. Statements are counted on SQLite too, so the hot path is known
to be taken there (the embedded default) as well.
"""
from datetime import timedelta
from urllib.parse import urlsplit

import psycopg
import pytest
import redis
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app import extensions
from app.auth.service import find_or_create_user
from app.community import service as community
from app.community.models import Role
from app.extensions import db
from app.models_base import utcnow
from app.matters.models import Matter
from app.polls.models import Ballot, PollElector
from tests.conftest import TEST_REDIS_URL, counting_statements, login
from tests.pgproxy import RoundTripProxy

API = "/api/v1"
BALLOT_ROUND_TRIPS = 4  # BEGIN, check, write, COMMIT
REPORT_ROUND_TRIPS = 5  # BEGIN, check, the matter with its first line, the idempotency record, COMMIT


@pytest.fixture
def round_trip_proxy(database_url):
    """A counting proxy in front of PostgreSQL (None on SQLite); set up before the app, so it
    outlives the app's teardown, which empties the tables through it."""
    if make_url(database_url).get_backend_name() != "postgresql":
        yield None
        return
    with RoundTripProxy() as proxy:
        yield proxy


@pytest.fixture
def proxied(round_trip_proxy, make_app, database_url):
    """The app, its PostgreSQL connections through the counting proxy."""
    if round_trip_proxy is None:
        return make_app(), None
    return make_app(SQLALCHEMY_DATABASE_URI=round_trip_proxy.url(database_url)), round_trip_proxy


def estate(app, households):
    with app.app_context():
        place = community.create_community("双龙社区", "渝北区", "双龙湖街道")
        building = community.add_building(community.add_courtyard(community.add_grid(place, "一网格"), "锦苑"), "3幢")
        for n in range(households):
            household = community.create_household(building, unit="1单元", room=f"{n + 101}", floor_area=70)
            community.add_member(household, find_or_create_user(f"dev-h{n}"), is_head=True)
            if n == 0:  # a member who does not cast the household's vote
                community.add_member(household, find_or_create_user("dev-member"))
        community.grant_role(None, find_or_create_user("dev-staff"), Role.STAFF, place.id)
        db.session.commit()
        return place.id, building.id


def open_poll(client, community_id, building_id, **fields):
    staff = login(client, "staff")
    created = client.post(f"{API}/polls", headers=staff, json={
        "community_id": community_id, "title": "是否更换电梯", "electorate": "households", "rule": "majority",
        "scope_kind": "buildings", "scope_ids": [building_id], "closes_at": (utcnow() + timedelta(days=3)).isoformat(),
        "questions": [{"text": "是否同意更换电梯", "kind": "yes_no"},
                      {"text": "电梯款式", "kind": "single", "options": ["甲", "乙", "丙"]}], **fields}).get_json()
    poll = client.post(f"{API}/polls/{created['id']}/publish", headers=staff).get_json()
    assert poll["status"] == "open", poll
    return poll


def vote_body(poll, pick):
    return {"answers": [{"question_id": q["id"], "choices": [pick]} for q in poll["questions"]]}


def vote(client, poll, pick, headers):
    return client.post(f"{API}/polls/{poll['id']}/ballots", json=vote_body(poll, pick), headers=headers)


def costs(app, proxy, send):
    """(statements, round trips or None) of one request."""
    if proxy is not None:
        proxy.reset()
    with counting_statements(app) as statements:
        response = send()
    return response, len(statements), proxy.round_trips if proxy is not None else None


@pytest.mark.parametrize("households", [3, 120])
@pytest.mark.parametrize("secret", [False, True])
def test_a_ballot_costs_four_round_trips_whatever_the_size(proxied, monkeypatch, households, secret):
    app, proxy = proxied
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 3600)  # pings: the test below
    client = app.test_client()
    poll = open_poll(client, *estate(app, households), secret=secret)
    heads = [login(client, f"h{n}") for n in range(3)]
    # The first vote this process takes in a poll reads its questions, once: the pool's connection too.
    assert vote(client, poll, 2, heads[2]).status_code == 201
    seen = []
    for n, key in ((0, "vote-0"), (1, None)):
        headers = {**heads[n], **({"Idempotency-Key": key} if key else {})}
        response, statements, round_trips = costs(app, proxy, lambda: vote(client, poll, n, headers))
        assert response.status_code == 201, response.get_json()
        seen.append((statements, round_trips))
    if proxy is not None:  # the check, then the record, the ballot and the mark in one statement
        assert seen == [(2, BALLOT_ROUND_TRIPS)] * 2
    else:  # BEGIN IMMEDIATE, the check, (the record), the ballot, the mark
        assert seen == [(5, None), (4, None)]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ballot)) == 3
        assert db.session.scalar(select(func.count()).select_from(PollElector)
                                 .where(PollElector.voted_at.is_not(None))) == 3


def test_the_hot_path_answers_as_the_regular_one(proxied):
    """Anything out of its common case is answered by `cast`'s own checks: a replay, a second
    ballot, a member who does not cast the household's vote, a closed poll, a bad answer."""
    app, _proxy = proxied
    client = app.test_client()
    poll = open_poll(client, *estate(app, 3))
    head = {**login(client, "h0"), "Idempotency-Key": "k-1"}
    cast = client.post(f"{API}/polls/{poll['id']}/ballots", json=vote_body(poll, 0), headers=head)
    replay = client.post(f"{API}/polls/{poll['id']}/ballots", json=vote_body(poll, 0), headers=head)
    assert cast.status_code == replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == cast.get_json()
    reused = client.post(f"{API}/polls/{poll['id']}/ballots", json=vote_body(poll, 1), headers=head)
    assert reused.status_code == 422 and reused.get_json()["error"]["code"] == "idempotency_key_reused"
    again = client.post(f"{API}/polls/{poll['id']}/ballots", json=vote_body(poll, 1), headers=login(client, "h0"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_voted"
    not_voter = client.post(f"{API}/polls/{poll['id']}/ballots", json=vote_body(poll, 1),
                            headers=login(client, "member"))
    assert not_voter.status_code == 403 and not_voter.get_json()["error"]["code"] == "not_household_voter"
    bad = client.post(f"{API}/polls/{poll['id']}/ballots", headers=login(client, "h1"),
                      json={"answers": [{"question_id": poll["questions"][0]["id"], "choices": [7]}]})
    assert bad.status_code == 422
    outsider = vote(client, poll, 1, login(client, "nobody"))
    assert outsider.status_code == 404


def test_a_connection_idle_for_a_while_is_checked_before_use(proxied, monkeypatch):
    """DB_POOL_PRE_PING pings a connection that sat idle (a firewall or a restart may have
    broken it meanwhile), not one in constant use: one round trip more, only then."""
    app, proxy = proxied
    if proxy is None:
        pytest.skip("SQLite has no connection to lose")
    client = app.test_client()
    poll = open_poll(client, *estate(app, 3))
    heads = [login(client, f"h{n}") for n in range(2)]
    assert vote(client, poll, 0, heads[0]).status_code == 201
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 0)
    response, _statements, round_trips = costs(app, proxy, lambda: vote(client, poll, 1, heads[1]))
    assert response.status_code == 201 and round_trips == BALLOT_ROUND_TRIPS + 1



def test_a_connection_broken_while_idle_is_replaced_before_a_request_uses_it(round_trip_proxy, make_app,
                                                                             database_url, monkeypatch):
    """The ping is what keeps a restart or a firewall's idle timeout from failing a resident's
    request: the server ends every connection resting in the pool; without the ping the next
    vote fails (503), with it the dead connection is replaced and the vote counts."""
    if round_trip_proxy is None:
        pytest.skip("SQLite has no connection to lose")
    name = "yuanba-idle-in-pool"
    url = make_url(round_trip_proxy.url(database_url)).update_query_dict({"application_name": name})
    app = make_app(SQLALCHEMY_DATABASE_URI=url.render_as_string(hide_password=False))
    client = app.test_client()
    poll = open_poll(client, *estate(app, 3))
    heads = [login(client, f"h{n}") for n in range(3)]

    def end_idle_connections():
        admin_url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(admin_url, autocommit=True) as admin:
            return admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                 "WHERE application_name = %s AND state = 'idle'", (name,)).fetchone()[0]

    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 3600)
    assert end_idle_connections() >= 1
    assert vote(client, poll, 0, heads[0]).status_code == 503
    assert vote(client, poll, 0, heads[0]).status_code == 201  # the pool was emptied and refilled
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 0)
    assert end_idle_connections() >= 1
    assert vote(client, poll, 1, heads[1]).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ballot)) == 2


@pytest.mark.parametrize("households", [3, 120])
def test_a_report_costs_five_round_trips_whatever_the_size(proxied, monkeypatch, households):
    app, proxy = proxied
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 3600)
    client = app.test_client()
    estate(app, households)
    heads = [login(client, f"h{n}") for n in range(3)]
    for n in range(households if households < 10 else 40):  # matters the view must not read
        assert client.post(f"{API}/matters", json={"title": f"路灯坏了{n}", "category": "street_lamp"},
                           headers=heads[n % 3]).status_code == 201
    seen = []
    for key in ("report-1", None):
        headers = {**heads[0], **({"Idempotency-Key": key} if key else {})}
        response, statements, round_trips = costs(app, proxy, lambda: client.post(
            f"{API}/matters", json={"title": "楼道灯不亮", "category": "street_lamp", "description": "三楼"},
            headers=headers))
        assert response.status_code == 201, response.get_json()
        seen.append((statements, round_trips))
        # The answer built from what was just written is what reading the matter gives.
        read_back = client.get(f"{API}/matters/{response.get_json()['id']}", headers=heads[0])
        assert response.get_json() == read_back.get_json()
    if proxy is not None:
        assert seen == [(3, REPORT_ROUND_TRIPS), (2, REPORT_ROUND_TRIPS - 1)]
    else:  # BEGIN IMMEDIATE; the matter and its line in two statements (no INSERT in a WITH)
        assert seen == [(5, None), (4, None)]


def test_a_reports_other_cases_take_the_regular_path(proxied):
    """A retry, someone holding a role, an unknown category: the regular path answers, as before
    (photos, voice notes, recording for a household: tests/test_matters.py, all through it)."""
    app, _proxy = proxied
    client = app.test_client()
    estate(app, 3)
    head = {**login(client, "h0"), "Idempotency-Key": "r-1"}
    body = {"title": "路灯坏了", "category": "street_lamp"}
    first = client.post(f"{API}/matters", json=body, headers=head)
    replay = client.post(f"{API}/matters", json=body, headers=head)
    assert first.status_code == replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == first.get_json()
    reused = client.post(f"{API}/matters", json={**body, "title": "别的"}, headers=head)
    assert reused.status_code == 422 and reused.get_json()["error"]["code"] == "idempotency_key_reused"
    staff = client.post(f"{API}/matters", json=body, headers=login(client, "staff"))
    assert staff.status_code == 422 and "building_id" in staff.get_data(as_text=True)  # no household: say where
    unknown = client.post(f"{API}/matters", json={**body, "category": "no_such"}, headers=login(client, "h1"))
    assert unknown.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Matter)) == 1


@pytest.fixture
def limits_via_proxy(make_app):
    """The app with its rate limits on, counted in the test's Redis through a counting proxy
    (README: Security); skipped without a real Redis (TEST_REDIS_URL)."""
    if not TEST_REDIS_URL:
        pytest.skip("counts calls to a real Redis: TEST_REDIS_URL")
    redis_url = urlsplit(TEST_REDIS_URL)
    with RoundTripProxy(redis_url.hostname, redis_url.port or 6379) as proxy:
        yield make_app(RATELIMIT_ENABLED=True,
                       RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{proxy.port}{redis_url.path}"), proxy


def test_a_limit_costs_one_call_to_redis_and_a_replay_gives_it_back(limits_via_proxy):
    """A ballot or a report is counted against each of its limits in one call, before the view;
    a retry with its key is answered from its record and its count given back, so a phone on a
    flaky network is never refused for retrying (tests/test_limits.py)."""
    app, proxy = limits_via_proxy
    client = app.test_client()
    poll = open_poll(client, *estate(app, 3))
    heads = [login(client, f"h{n}") for n in range(3)]
    assert vote(client, poll, 0, heads[2]).status_code == 201  # the pool's connection, the script loaded

    def calls(send):
        proxy.reset()
        response = send()
        assert response.status_code == 201, response.get_json()
        return response, proxy.round_trips

    keyed = {**heads[0], "Idempotency-Key": "vote-0"}
    first, counted = calls(lambda: vote(client, poll, 1, keyed))
    replay, given_back = calls(lambda: vote(client, poll, 1, keyed))
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.get_json() == first.get_json()
    assert (counted, given_back) == (1, 2)
    report = {"title": "路灯坏了", "category": "street_lamp"}
    assert calls(lambda: client.post(f"{API}/matters", json=report, headers=heads[1]))[1] == 2  # per minute, per day
    # What the replay was counted against went back: the voter has used one of twenty a minute.
    stored = redis.Redis.from_url(TEST_REDIS_URL)
    used = sorted((key.decode().split("/", 2)[2], int(stored.get(key))) for key in stored.keys("LIMITS:*/user:*"))
    assert used == [("matters.submit/10/1/minute", 1), ("matters.submit/200/1/day", 1),
                    ("polls.cast/20/1/minute", 1), ("polls.cast/20/1/minute", 1)]
