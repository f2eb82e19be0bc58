"""The request id (app/logs.py): made or taken from the client, returned as X-Request-ID on every
response, written with every log line of the request and of the jobs it enqueued; and the JSON
log format, which keeps the redaction of personal data."""
import json
import logging
import threading

import pytest
from flask import jsonify

from app.extensions import db
from app.jobs import queue, task
from app.models_base import utcnow
from config import ConfigError, ProductionConfig, load_config
from tests.conftest import work

log = logging.getLogger("tests.request_id")
PHONE = "13912345678"


@task
def note(value):
    """A job for these tests: one log line."""
    log.warning("job ran with %s", value)


def with_test_routes(app):
    """A route that logs (a phone number among it) and one that enqueues and schedules `note`
    in its transaction, and one that fails."""

    def chatty():
        log.warning("looking up %s", PHONE)
        return jsonify(ok=True)

    def enqueue():
        queue.enqueue_after_commit(note, "enqueued")
        queue.schedule_after_commit("request-id-test", utcnow(), note, "scheduled")
        db.session.commit()  # this test route is its own unit of work
        return jsonify(ok=True)

    def broken():
        raise RuntimeError(f"cannot reach {PHONE}")

    for view in (chatty, enqueue, broken):
        app.add_url_rule(f"/test/{view.__name__}", view_func=view, methods=["GET", "POST"])
    return app


def json_lines(text):
    """Every line written, each parsed (a line that is not JSON fails the test)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_every_response_carries_an_id_and_every_line_of_its_request_shows_it(make_app, caplog):
    client = with_test_routes(make_app()).test_client()
    ids = set()
    for response in (client.get("/test/chatty"), client.get("/healthz"), client.get("/api/v1/me"),
                     client.get("/api/v1/no-such-thing"), client.put("/api/v1/auth/login"),
                     client.post("/api/v1/auth/login", json={"code": ""}), client.get("/test/broken")):
        assert len(response.headers["X-Request-ID"]) == 32
        ids.add(response.headers["X-Request-ID"])
    assert len(ids) == 7  # a new one each time
    chatty = next(r for r in caplog.records if r.getMessage().startswith("looking up"))
    failure = next(r for r in caplog.records if r.getMessage() == "unhandled error")
    assert chatty.log_context["request_id"] in ids and failure.log_context["request_id"] in ids
    assert chatty.log_context != failure.log_context


def test_a_refusal_by_the_rate_limiter_carries_an_id_and_its_line_too(make_app, caplog):
    client = make_app(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ADDRESS="1 per minute").test_client()
    answers = [client.post("/api/v1/auth/login", json={"code": "dev:resident"}) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [200, 429]
    [breach] = [record for record in caplog.records if "exceeded" in record.getMessage()]
    assert breach.log_context["request_id"] == answers[1].headers["X-Request-ID"] != answers[0].headers["X-Request-ID"]


@pytest.mark.parametrize("given", ["3f2a9c0e8b7d4e6f9a1b2c3d4e5f6a7b", "0b6e9d3c-61e1-4e0a-9c53-2d1f7e1b5c99",
                                   "req.2026-11-21_0001"])
def test_a_well_formed_id_from_the_client_or_nginx_is_kept(client, given):
    assert client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given


@pytest.mark.parametrize("hostile", ["x" * 500, "abcdefgh\nERROR forged line", "abcdefgh\n",
                                     "abcdefgh\r\nSet-Cookie: a=b", "short", "<script>alert(1)</script>",
                                     f"id-{PHONE}", ""])
def test_a_hostile_or_malformed_id_is_replaced(client, hostile):
    response = client.get("/api/v1/me", environ_overrides={"HTTP_X_REQUEST_ID": hostile})
    assert response.status_code == 401
    made = response.headers["X-Request-ID"]
    assert made != hostile and len(made) == 32 and made.isalnum()


@pytest.mark.parametrize("inline", [True, False], ids=["inline", "rq"])
def test_the_jobs_a_request_enqueues_log_with_its_id(make_app, connection, capsys, inline):
    app = with_test_routes(make_app(LOG_FORMAT="json", JOBS_INLINE=inline, REDIS_CLIENT=connection))
    given = "nginx-3f2a9c0e8b7d4e6f9a1b2c3d"
    earlier = set(threading.enumerate())  # other tests' timers may be due days from now
    response = app.test_client().post("/test/enqueue", headers={"X-Request-ID": given})
    assert response.headers["X-Request-ID"] == given
    if inline:  # the scheduled one runs on a timer thread (due now): wait for it
        for timer in [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t not in earlier]:
            timer.join(timeout=10)
    else:
        work(app)
    lines = {line["message"]: line for line in json_lines(capsys.readouterr().err)}
    for value in ("enqueued", "scheduled"):
        line = lines[f"job ran with {value}"]
        assert line["request_id"] == given and line["level"] == "WARNING"
        assert ("job_id" in line) is not inline  # an rq job names itself too


def test_json_lines_parse_and_carry_no_phone_number(make_app, capsys):
    client = with_test_routes(make_app(LOG_FORMAT="json")).test_client()
    chatty = client.get("/test/chatty").headers["X-Request-ID"]
    broken = client.get("/test/broken")
    assert broken.status_code == 500
    written = capsys.readouterr().err
    assert PHONE not in written and "139****5678" in written
    lines = json_lines(written)
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    looked_up = next(line for line in lines if line["message"].startswith("looking up"))
    assert looked_up["request_id"] == chatty
    failure = next(line for line in lines if line["message"] == "unhandled error")
    assert failure["request_id"] == broken.headers["X-Request-ID"] and failure["level"] == "ERROR"
    assert "RuntimeError: cannot reach 139****5678" in failure["exception"]


def test_text_lines_show_the_id_in_brackets(make_app, capsys):
    client = with_test_routes(make_app(LOG_FORMAT="text")).test_client()
    request_id = client.get("/test/chatty").headers["X-Request-ID"]
    [line] = [line for line in capsys.readouterr().err.splitlines() if "looking up" in line]
    assert f"tests.request_id [request_id={request_id}]: looking up 139****5678" in line


def test_log_format_is_json_in_production_and_checked(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    assert load_config("testing").LOG_FORMAT == "text"
    assert ProductionConfig().LOG_FORMAT == "json"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ConfigError, match="LOG_FORMAT must be one of json, text, got 'xml'"):
        load_config("testing")
