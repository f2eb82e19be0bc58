"""GET /metrics (app/metrics.py): refused without METRICS_TOKEN, and figures that move with what
happens — requests per route and status, the database pool, the outbox, rq's queues and
workers, open polls' turnout, WeChat calls and SMS sends — added up across gunicorn's worker
processes. The Grafana dashboard and the alert rules in deploy/ name only metrics it exports."""
import json
import os
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import yaml
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from app import metrics
from app.extensions import db
from app.jobs import queue
from app.matters.service.text_check import check_reports
from app.models_base import utcnow
from app.notifications import service
from app.notifications.models import Notification
from config import ConfigError
from tests.conftest import TEST_REDIS_URL, gunicorn, login, work
from tests.factories import TEMPLATES, consent, give_consent, make_users, pass_deadline, poll_body, sms_settings

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "metrics-token-" + "m" * 32
AUTH = {"Authorization": f"Bearer {TOKEN}"}
API = "/api/v1"


def exposition(client):
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return response.get_data(as_text=True)


def samples(text):
    """{(sample name, sorted labels): value} of a scrape."""
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(found, name, **labels):
    return found.get((name, tuple(sorted(labels.items()))), 0)


def scrape(client):
    return samples(exposition(client))


@pytest.fixture
def metered(make_app):
    return make_app(METRICS_TOKEN=TOKEN)


@pytest.fixture
def rq_metered(make_app, fake_wechat, connection):
    """WeChat (the fake) and jobs through rq, on a private Redis."""
    return make_app(METRICS_TOKEN=TOKEN, WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret",
                    WECHAT_API_BASE=fake_wechat.url, WECHAT_TIMEOUT=1.0, WECHAT_TEMPLATES=TEMPLATES,
                    JOBS_INLINE=False, REDIS_CLIENT=connection)


# ---- who may read them -----------------------------------------------------------------------

def test_metrics_answer_404_unless_configured_and_401_without_the_token(make_app):
    unconfigured = make_app().test_client().get("/metrics", headers=AUTH)
    assert unconfigured.status_code == 404 and unconfigured.get_json()["error"]["code"] == "not_found"

    client = make_app(METRICS_TOKEN=TOKEN).test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": f"Bearer {TOKEN}x"}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
        assert "yuanba_" not in refused.get_data(as_text=True)
    assert "yuanba_http_request_total" in exposition(client)


def test_a_short_token_is_refused_at_start(make_app):
    with pytest.raises(ConfigError, match="METRICS_TOKEN must be at least 32 characters"):
        make_app(METRICS_TOKEN="secret")


# ---- counted as they happen ---------------------------------------------------------------------

def test_requests_are_counted_per_route_and_status(metered):
    client = metered.test_client()
    before = scrape(client)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    for poll_id in (123, 456):
        assert client.get(f"{API}/polls/{poll_id}").status_code == 401
    assert client.get("/no/such/page").status_code == 404
    after = scrape(client)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    count = "yuanba_http_request_duration_seconds_count"
    assert moved(count, method="GET", url_rule="/healthz", status="200") == 3
    # One series for the route, whatever the id in the path.
    assert moved(count, method="GET", url_rule="/api/v1/polls/<int:poll_id>", status="401") == 2
    assert moved(count, method="GET", url_rule="None", status="404") == 1
    assert moved("yuanba_http_request_total", method="GET", status="401") == 2
    assert moved("yuanba_http_request_duration_seconds_bucket", method="GET", url_rule="/healthz", status="200",
                 le="+Inf") == 3
    assert not any("123" in dict(labels).get("url_rule", "") for _name, labels in after)
    # Scrapes count themselves nowhere.
    assert not any(dict(labels).get("url_rule") == "/metrics" for _name, labels in after)


def test_the_pool_gauges_count_connections_held(metered):
    client = metered.test_client()
    idle = scrape(client)
    assert value(idle, "yuanba_db_pool_connections_limit") == (metered.config["DB_POOL_SIZE"]
                                                               + metered.config["DB_MAX_OVERFLOW"])
    with metered.app_context():
        with db.engine.connect(), db.engine.connect():
            held = scrape(client)
    assert value(held, "yuanba_db_pool_connections_in_use") == value(idle, "yuanba_db_pool_connections_in_use") + 2
    assert value(scrape(client), "yuanba_db_pool_connections_in_use") == value(idle,
                                                                                "yuanba_db_pool_connections_in_use")


def test_wechat_calls_and_sms_sends_are_counted_by_result(metered, fake_wechat, free_port):
    with metered.app_context():
        session = metrics.WeChatSession()
        body = {"grant_type": "client_credential", "appid": "wx-test-app", "secret": "s"}
        session.post(f"{fake_wechat.url}/cgi-bin/stable_token", json=body, timeout=5)
        session.post(f"{fake_wechat.url}/cgi-bin/stable_token", json=body, timeout=5)
        fake_wechat.token_errcode = 40125
        session.post(f"{fake_wechat.url}/cgi-bin/stable_token", json=body, timeout=5)
        session.post(f"{fake_wechat.url}/no/such/api", timeout=5)
        with pytest.raises(requests.ConnectionError):
            session.post(f"http://127.0.0.1:{free_port}/cgi-bin/stable_token", json=body, timeout=5)
        for result in ("Ok", "Ok", "FailedOperation.PhoneNumberInBlacklist"):
            metrics.count_sms_send(result)
    found = scrape(metered.test_client())
    calls = "yuanba_wechat_api_calls_total"
    assert value(found, calls, api="stable_token", result="0") == 2
    assert value(found, calls, api="stable_token", result="40125") == 1
    assert value(found, calls, api="api", result="http_404") == 1
    assert value(found, calls, api="stable_token", result="ConnectionError") == 1
    assert value(found, "yuanba_sms_sends_total", result="Ok") == 2
    assert value(found, "yuanba_sms_sends_total", result="FailedOperation.PhoneNumberInBlacklist") == 1


# ---- read at scrape time ------------------------------------------------------------------------

def test_the_outbox_and_the_queues_show_what_waits(rq_metered, fake_wechat):
    client = rq_metered.test_client()
    empty = scrape(client)
    assert value(empty, "yuanba_outbox_messages", channel="wechat", state="pending") == 0
    assert value(empty, "yuanba_rq_queue_jobs", queue="default") == 0
    assert value(empty, "yuanba_rq_workers") == 0

    resident, = make_users(rq_metered, "resident")
    give_consent(rq_metered, resident)
    with rq_metered.app_context():
        service.notify([resident], "matter_status", {"title": "您的诉求已办结", "status": "已办结"})
        db.session.commit()
        # As if it had waited twenty minutes (an alert fires after ten).
        db.session.execute(update(Notification).values(created_at=utcnow() - timedelta(minutes=20)))
        db.session.commit()
        worker = queue.worker()
        worker.register_birth()
    waiting = scrape(client)
    assert value(waiting, "yuanba_outbox_messages", channel="wechat", state="pending") == 1
    assert value(waiting, "yuanba_outbox_messages", channel="sms", state="pending") == 0
    assert 20 * 60 <= value(waiting, "yuanba_outbox_oldest_pending_seconds", channel="wechat") < 30 * 60
    assert value(waiting, "yuanba_rq_queue_jobs", queue="default") == 1
    assert value(waiting, "yuanba_rq_queue_oldest_job_seconds", queue="default") > 0
    assert value(waiting, "yuanba_rq_workers") == 1
    assert value(waiting, "yuanba_text_checks_waiting") == 0
    with rq_metered.app_context():
        queue.gather_after_commit(check_reports, 41)  # as a report's commit hands over its text
        queue.gather_after_commit(check_reports, 42)
        db.session.commit()
    assert value(scrape(client), "yuanba_text_checks_waiting") == 2

    with rq_metered.app_context():
        worker.register_death()
    work(rq_metered)
    assert len(fake_wechat.sent) == 1
    sent = scrape(client)
    assert value(sent, "yuanba_outbox_messages", channel="wechat", state="pending") == 0
    assert value(sent, "yuanba_outbox_oldest_pending_seconds", channel="wechat") == 0
    assert value(sent, "yuanba_rq_queue_jobs", queue="default") == 0
    assert value(sent, "yuanba_rq_queue_oldest_job_seconds", queue="default") == 0
    assert value(sent, "yuanba_rq_workers") == 0
    assert value(sent, "yuanba_rq_failed_jobs", queue="default") == 0
    assert value(sent, "yuanba_text_checks_waiting") == 0


def test_open_polls_show_their_turnout_until_they_close(metered, places):
    client = metered.test_client()
    staff = login(client, "staff")
    created = client.post(f"{API}/polls", json=poll_body(places), headers=staff)
    assert created.status_code == 201, created.get_json()
    poll = client.post(f"{API}/polls/{created.get_json()['id']}/publish", headers=staff).get_json()
    poll_id = str(poll["id"])
    opened = scrape(client)
    assert value(opened, "yuanba_poll_electors", poll=poll_id) == 2  # the community's two households
    assert value(opened, "yuanba_poll_voted", poll=poll_id) == 0

    answers = [{"question_id": poll["questions"][0]["id"], "choices": [0]}]
    voted = client.post(f"{API}/polls/{poll_id}/ballots", json={"answers": answers}, headers=login(client, "resident"))
    assert voted.status_code == 201, voted.get_json()
    assert value(scrape(client), "yuanba_poll_voted", poll=poll_id) == 1

    pass_deadline(metered, poll)
    assert client.post(f"{API}/polls/{poll_id}/close", headers=staff).status_code == 200
    assert not any(dict(labels).get("poll") == poll_id for _name, labels in scrape(client))


# ---- the dashboard and the alerts -------------------------------------------------------------

SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",), "info": ("_info",)}


def exported_names(text):
    """Every name a query may use for the families of a scrape (with or without samples)."""
    return {family.name + suffix for family in text_string_to_metric_families(text)
            for suffix in SUFFIXES.get(family.type, ("",))}


def test_the_dashboard_and_the_alert_rules_name_only_exported_metrics(rq_metered):
    exported = exported_names(exposition(rq_metered.test_client()))
    rules = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())["groups"][0]["rules"]
    alerts = {rule["alert"]: rule for rule in rules}
    assert {"YuanbaOutboxStuck", "YuanbaNoWorker", "YuanbaQueueStalled", "YuanbaErrorRate"} <= set(alerts)
    assert "yuanba_outbox_oldest_pending_seconds" in alerts["YuanbaOutboxStuck"]["expr"]
    assert "> 600" in alerts["YuanbaOutboxStuck"]["expr"] and "> 0.02" in alerts["YuanbaErrorRate"]["expr"]
    for rule in rules:
        assert rule["annotations"]["summary"] and rule["labels"]["severity"] in ("page", "ticket")

    dashboard = json.loads((ROOT / "deploy/grafana/yuanba.json").read_text())
    panels = [panel for panel in dashboard["panels"] if panel["type"] != "row"]
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])
    queries = [rule["expr"] for rule in rules] + [target["expr"] for panel in panels for target in panel["targets"]]
    named = {name for query in queries for name in re.findall(r"\byuanba_[a-z0-9_]+", query)}
    assert named and named <= exported, named - exported
    shown = " ".join(queries)
    for wanted in ("yuanba_http_request_duration_seconds_bucket", "yuanba_db_pool_connections_in_use",
                   "yuanba_rq_queue_oldest_job_seconds", "yuanba_outbox_messages", "yuanba_wechat_api_calls_total",
                   "yuanba_sms_sends_total", "yuanba_poll_voted", "yuanba_rq_workers"):
        assert wanted in shown


# ---- under gunicorn ---------------------------------------------------------------------------

def test_gunicorn_workers_add_up_their_counts_and_log_json_lines(app, database_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "REDIS_URL", "PROMETHEUS_"))}
    env.update(APP_ENV="testing", DATABASE_URL=database_url, SECRET_KEY="gunicorn-test-key-" + "z" * 32,
               GUNICORN_WORKERS="2", GUNICORN_THREADS="2", METRICS_TOKEN=TOKEN, LOG_FORMAT="json")
    if TEST_REDIS_URL:
        env["REDIS_URL"] = TEST_REDIS_URL
    log_path = tmp_path / "gunicorn.log"
    with gunicorn(env, log_path) as base:
        def scrape_server():
            return samples(requests.get(f"{base}/metrics", headers={**AUTH, "Connection": "close"}, timeout=5).text)

        # Both workers up: each has set its pool's limit (DB_POOL_SIZE 2 + DB_MAX_OVERFLOW 2).
        deadline = time.monotonic() + 60
        while value(scrape_server(), "yuanba_db_pool_connections_limit") < 2 * (2 + 2):
            assert time.monotonic() < deadline, "the second worker did not start within 60 s"
            time.sleep(0.2)
        ids = set()
        for _ in range(12):  # a new connection each: spread over both workers
            response = requests.get(f"{base}/api/v1/me", headers={"Connection": "close"}, timeout=5)
            assert response.status_code == 401
            ids.add(response.headers["X-Request-ID"])
        for _ in range(4):  # whichever worker answers, it adds up both
            found = scrape_server()
            assert value(found, "yuanba_http_request_duration_seconds_count", method="GET", url_rule="/api/v1/me",
                         status="401") == 12
            assert value(found, "yuanba_db_pool_connections_limit") == 2 * (2 + 2)
    access = [json.loads(line) for line in log_path.read_text().splitlines()
              if any(request_id in line for request_id in ids)]
    assert {line["logger"] for line in access} == {"gunicorn.access"}
    assert {line["message"].split()[-1] for line in access} == ids


def test_the_products_own_wechat_and_sms_calls_are_counted(make_app, fake_wechat, fake_sms, places):
    """Counted where the product calls out: a sign-in through the WeChat client, a notice through
    the SMS SDK, and a code WeChat refuses."""
    app = make_app(METRICS_TOKEN=TOKEN, WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret",
                   WECHAT_API_BASE=fake_wechat.url, WECHAT_TIMEOUT=1.0, **sms_settings(fake_sms))
    fake_wechat.codes["good-code"] = {"openid": "o-counted", "session_key": "k"}
    client = app.test_client()
    assert client.post("/api/v1/auth/login", json={"code": "good-code"}).status_code == 200
    assert client.post("/api/v1/auth/login", json={"code": "bad"}).status_code == 401
    consent(app, places["h1"])
    with app.app_context():
        service.notify([places["resident"]], "meeting_invitation", {"title": "1幢楼道改造意见会", "place": "1幢楼下院坝"})
        db.session.commit()
    found = scrape(client)
    calls = "yuanba_wechat_api_calls_total"
    assert value(found, calls, api="stable_token", result="0") == 1
    assert value(found, calls, api="jscode2session", result="0") == 1
    assert value(found, calls, api="jscode2session", result="40029") == 1
    assert value(found, "yuanba_sms_sends_total", result="Ok") == 1
