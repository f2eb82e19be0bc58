"""Background jobs through a real rq worker: over fakeredis by default, over the real Redis of
TEST_REDIS_URL in CI (where `flask --app wsgi worker` also runs as its own process)."""
import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fakeredis
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from flask import current_app
from rq.job import Job
from sqlalchemy import select, update

from app import jobs, wechat
from app.extensions import db
from app.jobs import BULK, DEFAULT, GATHER_BATCH, queue, task
from app.matters.models import Matter
from app.notifications import service
from app.notifications.models import Notification
from app.polls.models import Poll
from tests.conftest import TEST_REDIS_URL, make_due, work
from tests.factories import TEMPLATES, consent_left, give_consent, make_users, notification_of

ROOT = Path(__file__).resolve().parent.parent


@task
def remember(value):
    """A job for these tests: leaves `value` in Redis."""
    current_app.extensions["redis"].rpush("test:remembered", value)


@task
def remember_batch(items):
    """A gathered task for these tests: leaves each batch in Redis; fails while test:fail is set;
    on item 1, hands item 99 over as a request committing meanwhile would."""
    connection = current_app.extensions["redis"]
    if connection.get("test:fail"):
        raise RuntimeError("this batch fails")
    connection.rpush("test:batches", ",".join(map(str, items)))
    if 1 in items:
        queue.gather(remember_batch, [99], drain=False)


def batches(app):
    return [[int(item) for item in batch.split(b",")] for batch in app.extensions["redis"].lrange("test:batches", 0, -1)]


@pytest.fixture
def rq_app(make_app, fake_wechat, connection):
    return make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret", WECHAT_API_BASE=fake_wechat.url,
                    WECHAT_TIMEOUT=1.0, WECHAT_TEMPLATES=TEMPLATES, JOBS_INLINE=False, REDIS_CLIENT=connection)


def queued(app, name=DEFAULT):
    return app.extensions["jobs"].queues[name].count


def notify_one(app, user_id, title="您的诉求已办结"):
    with app.app_context():
        service.notify([user_id], "matter_status", {"title": title, "status": "已办结"})
        db.session.commit()


def test_delivery_waits_for_commit_then_a_worker_sends_it(rq_app, fake_wechat):
    resident, = make_users(rq_app, "resident")
    give_consent(rq_app, resident)
    with rq_app.app_context():
        service.notify([resident], "matter_status", {"title": "已受理"})
        db.session.rollback()
    assert queued(rq_app) == 0

    notify_one(rq_app, resident)
    assert queued(rq_app) == 1
    assert notification_of(rq_app, resident).wechat_status == "pending" and fake_wechat.sent == []
    work(rq_app)
    assert queued(rq_app) == 0
    assert notification_of(rq_app, resident).wechat_status == "sent"
    assert [m["touser"] for m in fake_wechat.sent] == ["dev-resident"]


def test_fan_out_enqueues_batched_jobs_on_the_bulk_queue(rq_app, fake_wechat):
    users = make_users(rq_app, *[f"h{n}" for n in range(250)])
    for user_id in users:
        give_consent(rq_app, user_id)
    with rq_app.app_context():
        service.notify(users, "matter_status", {"title": "院坝会通知"})
        db.session.commit()
    assert (queued(rq_app, BULK), queued(rq_app, DEFAULT)) == (3, 0)  # 100 + 100 + 50
    work(rq_app)
    assert len(fake_wechat.sent) == 250
    assert len({m["touser"] for m in fake_wechat.sent}) == 250


def test_busy_wechat_is_retried_with_backoff_and_sent_once(rq_app, fake_wechat):
    resident, = make_users(rq_app, "resident")
    give_consent(rq_app, resident)
    fake_wechat.send_answers = [{"errcode": -1, "errmsg": "system busy"}]
    notify_one(rq_app, resident)
    work(rq_app)
    row = notification_of(rq_app, resident)
    assert (row.wechat_status, row.wechat_note, row.wechat_attempts) == ("pending", "wechat_unavailable", 1)
    [job_id] = make_due(rq_app)  # rq scheduled the retry; don't wait out the backoff
    assert Job.fetch(job_id, connection=rq_app.extensions["redis"]).retries_left == 4
    work(rq_app)
    row = notification_of(rq_app, resident)
    assert (row.wechat_status, row.wechat_attempts) == ("sent", 2)
    assert len(fake_wechat.sent) == 1 and consent_left(rq_app, resident) == 0


def test_exhausted_retries_land_in_the_failed_registry_and_can_be_requeued(rq_app, fake_wechat):
    resident, = make_users(rq_app, "resident")
    give_consent(rq_app, resident)
    fake_wechat.send_answers = [{"errcode": -1, "errmsg": "system busy"}] * 6
    notify_one(rq_app, resident)
    work(rq_app)
    while make_due(rq_app):
        work(rq_app)
    row = notification_of(rq_app, resident)
    assert (row.wechat_status, row.wechat_attempts) == ("failed", 6)
    assert consent_left(rq_app, resident) == 1  # WeChat never used it

    runner = rq_app.test_cli_runner()
    listing = runner.invoke(args=["jobs", "failed"])
    assert listing.exit_code == 0
    assert "app.notifications.tasks.deliver" in listing.output and "DeliveryDeferred" in listing.output
    assert runner.invoke(args=["jobs", "requeue"]).exit_code != 0  # says what to name
    result = runner.invoke(args=["jobs", "requeue", "--all"])
    assert "requeued 1 job(s)" in result.output
    work(rq_app)
    assert notification_of(rq_app, resident).wechat_status == "sent"
    assert len(fake_wechat.sent) == 1
    assert "no failed jobs" in runner.invoke(args=["jobs", "failed"]).output


def test_enqueue_failure_keeps_the_change_and_the_pending_row(make_app, fake_wechat, free_port, caplog):
    """Redis down when the transaction commits: the change stands, the notification waits."""
    down = redis.Redis(host="127.0.0.1", port=free_port, socket_timeout=1, socket_connect_timeout=1,
                       retry=Retry(NoBackoff(), 0))
    app = make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret", WECHAT_API_BASE=fake_wechat.url,
                   WECHAT_TEMPLATES=TEMPLATES, JOBS_INLINE=False, REDIS_CLIENT=down)
    resident, = make_users(app, "resident")
    give_consent(app, resident)
    notify_one(app, resident)
    assert notification_of(app, resident).wechat_status == "pending"
    assert "stay pending" in caplog.text


# ---- gathered tasks -------------------------------------------------------------------------------

def test_gathered_items_wait_for_the_commit_and_a_storm_is_a_job_a_batch_at_most(rq_app):
    with rq_app.app_context():
        db.session.execute(select(1))
        queue.gather_after_commit(remember_batch, 1000)
        db.session.rollback()
        for item in range(100, 145):  # 45 requests, each committing one
            db.session.execute(select(1))
            queue.gather_after_commit(remember_batch, item)
            db.session.commit()
    assert queued(rq_app) == 1 + 45 // GATHER_BATCH  # the first, and one more for each full batch waiting
    work(rq_app)
    assert [len(batch) for batch in batches(rq_app)] == [GATHER_BATCH, GATHER_BATCH, 45 - 2 * GATHER_BATCH]
    assert sorted(item for batch in batches(rq_app) for item in batch) == list(range(100, 145))
    assert queued(rq_app) == 0
    # A drain lost with its flag still set: later adds enqueue one only for each full batch they
    # make (so free workers share a backlog); a sweep's add enqueues one whatever the flag says.
    with rq_app.app_context():
        queue.gather(remember_batch, [200], drain=False)
        rq_app.extensions["jobs"].queues[DEFAULT].empty()  # the drain is lost, its flag stays
        queue.gather(remember_batch, list(range(201, 250)), drain=False)
        assert queued(rq_app) == 50 // GATHER_BATCH  # a drain for each full batch only: the flag says one is coming
        queue.gather(remember_batch, list(range(250, 259)))  # a sweep: a drain, whatever the flag says
    assert queued(rq_app) == 50 // GATHER_BATCH + 1


def test_an_item_added_while_a_drain_runs_is_taken_by_it_and_one_added_after_gets_a_drain(rq_app):
    with rq_app.app_context():
        queue.gather_after_commit(remember_batch, 1)
        db.session.commit()
        work(rq_app)  # item 1's batch hands over 99 while the drain still holds the flag
        assert batches(rq_app) == [[1], [99]] and queued(rq_app) == 0
        queue.gather_after_commit(remember_batch, 2)
        db.session.commit()
        assert queued(rq_app) == 1  # the drain cleared the flag on its way out
        work(rq_app)
    assert batches(rq_app) == [[1], [99], [2]]


def test_a_failed_batch_puts_its_items_back_for_the_retry(rq_app):
    connection = rq_app.extensions["redis"]
    connection.set("test:fail", 1)
    with rq_app.app_context():
        queue.gather_after_commit(remember_batch, 7)
        queue.gather_after_commit(remember_batch, 8)
        db.session.commit()
        work(rq_app)
        assert batches(rq_app) == [] and queue.gathered(remember_batch) == {7, 8}
        queue.gather_after_commit(remember_batch, 9)
        db.session.commit()
        assert queued(rq_app) == 0  # the failed drain's retry is on its way: no second drain
    connection.delete("test:fail")
    assert len(make_due(rq_app)) == 1
    work(rq_app)
    assert batches(rq_app) == [[7, 8, 9]]


def test_a_drain_running_long_hands_over_to_a_fresh_one(rq_app, monkeypatch):
    """A backlog that outlasts rq's job timeout is carried on by successive drains, none cut mid-batch."""
    monkeypatch.setattr(jobs, "DRAIN_SECONDS", 0)  # every drain has run long enough after one batch
    with rq_app.app_context():
        queue.gather(remember_batch, list(range(300, 345)), drain=False)  # one drain, and one a full batch
        assert queued(rq_app) == 3
        work(rq_app)
        drains = [job for job in rq_app.extensions["jobs"].queues[DEFAULT].finished_job_registry.get_job_ids()
                  if Job.fetch(job, connection=rq_app.extensions["redis"]).func_name == "app.jobs._drain"]
        assert queue.gathered(remember_batch) == set() and queued(rq_app) == 0
    assert [len(batch) for batch in batches(rq_app)] == [GATHER_BATCH, GATHER_BATCH, 45 - 2 * GATHER_BATCH]
    assert len(drains) == 6  # three batches, each drain handing over after its first


def test_redis_down_at_the_commit_leaves_the_items_to_the_sweep(make_app, free_port, caplog):
    """The commit stands and says so in the log; the sweeps find what is still waiting by its rows."""
    down = redis.Redis(host="127.0.0.1", port=free_port, socket_timeout=1, socket_connect_timeout=1,
                       retry=Retry(NoBackoff(), 0))
    app = make_app(JOBS_INLINE=False, REDIS_CLIENT=down)
    with app.app_context():
        db.session.execute(select(1))
        queue.gather_after_commit(remember_batch, 3)
        db.session.commit()
    assert "could not hand 1 item(s) to remember_batch" in caplog.text and "the sweep finds them" in caplog.text


def test_inline_a_gathered_task_runs_after_the_commit_on_its_items(make_app, connection):
    app = make_app(REDIS_CLIENT=connection)
    with app.app_context():
        assert queue.inline
        queue.gather_after_commit(remember_batch, 5)
        queue.gather_after_commit(remember_batch, 4)
        assert batches(app) == []
        db.session.commit()
    assert batches(app) == [[4, 5]]


# ---- scheduled jobs --------------------------------------------------------------------------------

def test_scheduled_job_can_be_moved_and_cancelled(rq_app):
    connection = rq_app.extensions["redis"]
    in_an_hour = datetime.now(timezone.utc) + timedelta(hours=1)
    with rq_app.app_context():
        queue.schedule("meeting-7-reminder-24h", in_an_hour, remember, "reminder")
        registry = rq_app.extensions["jobs"].queues[DEFAULT].scheduled_job_registry
        assert registry.get_job_ids() == ["meeting-7-reminder-24h"]
        queue.schedule("meeting-7-reminder-24h", in_an_hour + timedelta(days=1), remember, "moved")
        assert registry.get_job_ids() == ["meeting-7-reminder-24h"]
        assert registry.get_scheduled_time("meeting-7-reminder-24h") > in_an_hour + timedelta(hours=23)
        assert queue.is_scheduled("meeting-7-reminder-24h")
        assert queue.cancel("meeting-7-reminder-24h") is True
        assert not queue.is_scheduled("meeting-7-reminder-24h")
        assert queue.cancel("meeting-7-reminder-24h") is False

        queue.schedule("poll-3-close", in_an_hour, remember, "closed")
    make_due(rq_app)
    work(rq_app)
    assert connection.lrange("test:remembered", 0, -1) == [b"closed"]


def test_inline_scheduled_job_runs_when_due_unless_cancelled(make_app):
    app = make_app()
    ran = threading.Event()
    calls = []

    def record(value):
        calls.append(value)
        ran.set()

    with app.app_context():
        assert queue.inline
        queue.schedule("soon", datetime.now(timezone.utc), record, "now")
        queue.schedule("later", datetime.now(timezone.utc) + timedelta(seconds=30), record, "later")
        timer = app.extensions["jobs"].timers["later"]
        assert queue.is_scheduled("later")
        assert queue.cancel("later") is True
    timer.join(5)
    assert ran.wait(5)
    assert calls == ["now"] and not timer.is_alive()
    with app.app_context():
        assert not queue.is_scheduled("soon") and not queue.is_scheduled("later")


def test_worker_command_needs_redis(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


@pytest.mark.skipif(not TEST_REDIS_URL, reason="needs a real Redis shared with a second process (CI sets TEST_REDIS_URL)")
def test_flask_worker_command_delivers(rq_app, fake_wechat, database_url):
    """`flask --app wsgi worker --burst` as its own process, over the real Redis and database."""
    resident, = make_users(rq_app, "resident")
    give_consent(rq_app, resident)
    notify_one(rq_app, resident)
    env = {**os.environ, "APP_ENV": "testing", "DATABASE_URL": database_url, "REDIS_URL": TEST_REDIS_URL,
           "SECRET_KEY": "x" * 40, "WECHAT_APPID": "wx-test-app", "WECHAT_SECRET": "wx-test-secret",
           "WECHAT_API_BASE": fake_wechat.url, "WECHAT_TEMPLATE_MATTER_STATUS": TEMPLATES["matter_status"]}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert notification_of(rq_app, resident).wechat_status == "sent"
    assert [m["touser"] for m in fake_wechat.sent] == ["dev-resident"]
    with rq_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 1


def test_access_token_is_shared_by_every_process(make_app, fake_wechat, connection):
    """Two app processes over one Redis: one token fetch serves both (and the worker)."""
    apps = [make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret", WECHAT_API_BASE=fake_wechat.url,
                     WECHAT_TEMPLATES=TEMPLATES, REDIS_CLIENT=connection) for _ in range(2)]
    users = make_users(apps[0], "a", "b")
    for app, user_id in zip(apps, users):
        give_consent(app, user_id)
        notify_one(app, user_id)
    assert len(fake_wechat.sent) == 2
    assert [path for _, path, _, _ in fake_wechat.requests].count("/cgi-bin/stable_token") == 1


def test_access_token_is_dropped_from_redis_before_wechat_expires_it(rq_app, fake_wechat, connection):
    """Cached for expires_in − 5 min, so no process ever sends a token WeChat has expired."""
    resident, = make_users(rq_app, "resident")
    give_consent(rq_app, resident)
    notify_one(rq_app, resident)
    work(rq_app)
    [key] = connection.keys("yuanba:wechat:*access_token")
    assert connection.get(key) == b'"token-1"'  # JSON-encoded, as wechatpy stored it: rolling upgrades
    assert 7200 - 300 - 5 <= connection.ttl(key) <= 7200 - 300


# ---- faults: Redis down, scheduled jobs lost (a worker killed mid-send: test_worker_outages.py) ----

def wx_login(client, fake_wechat, name):
    """Sign in as `dev-<name>` through the fake WeChat (these apps have WeChat configured)."""
    fake_wechat.codes[f"code-{name}"] = {"openid": f"dev-{name}", "session_key": "k"}
    response = client.post("/api/v1/auth/login", json={"code": f"code-{name}"})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_redis_outage_loses_no_notification_and_sends_none_twice(make_app, fake_wechat, places):
    """Redis goes down: reports, votes and replies still succeed; their notifications wait in
    the outbox; when Redis is back the workers' sweep sends each once."""
    server = fakeredis.FakeServer()
    app = make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret", WECHAT_API_BASE=fake_wechat.url,
                   WECHAT_TIMEOUT=1.0, WECHAT_TEMPLATES={**TEMPLATES, "poll_opened": "tmpl-poll"},
                   JOBS_INLINE=False, REDIS_CLIENT=fakeredis.FakeRedis(server=server))
    client = app.test_client()
    give_consent(app, places["resident"], count=5)
    give_consent(app, places["resident"], "tmpl-poll")
    resident = wx_login(client, fake_wechat, "resident")
    matter = client.post("/api/v1/matters", json={"title": "路灯坏了", "category": "street_lamp"}, headers=resident)
    work(app)  # WeChat passes its text: the council sees it
    server.connected = False  # Redis is down from here
    council, staff = (wx_login(client, fake_wechat, name) for name in ("council", "staff"))
    assert client.post(f"/api/v1/matters/{matter.get_json()['id']}/classify", headers=council,
                       json={"matter_class": "minor", "reason": "公共设施"}).status_code == 200
    later = client.post("/api/v1/matters", json={"title": "楼道灯也坏了", "category": "street_lamp"}, headers=resident)
    assert later.status_code == 201 and later.get_json()["text_check"] == "checking"  # its check waits for Redis
    poll = client.post("/api/v1/polls", headers=staff, json={
        "community_id": places["community"], "title": "是否安装路灯", "electorate": "households", "rule": "majority",
        "closes_at": (datetime.now(timezone.utc) + timedelta(days=1)).isoformat(),
        "questions": [{"text": "同意吗", "kind": "yes_no"}]}).get_json()
    assert client.post(f"/api/v1/polls/{poll['id']}/publish", headers=staff).status_code == 200
    assert client.post(f"/api/v1/polls/{poll['id']}/ballots", headers=resident, json={
        "answers": [{"question_id": poll["questions"][0]["id"], "choices": [0]}]}).status_code == 201
    meeting = client.post("/api/v1/meetings", headers=staff, json={
        "community_id": places["community"], "kind": "courtyard", "title": "路灯议事会", "place": "院坝",
        "starts_at": (datetime.now(timezone.utc) + timedelta(days=2)).isoformat(),
        "scope_kind": "community", "scope_ids": [places["community"]]}).get_json()
    assert client.post(f"/api/v1/meetings/{meeting['id']}/publish", headers=staff).status_code == 200
    assert client.post(f"/api/v1/meetings/{meeting['id']}/reply", headers=resident,
                       json={"reply": "attend", "people": 1}).status_code == 200
    assert client.get("/healthz").get_json()["redis"] == "down"
    with app.app_context():
        waiting = db.session.scalars(select(Notification.title).where(
            Notification.user_id == places["resident"], Notification.wechat_status == "pending")).all()
        assert len(waiting) == 2 and fake_wechat.sent == []  # the matter's progress and the poll
        # Ten minutes pass; Redis comes back.
        db.session.execute(update(Notification).values(created_at=datetime.now(timezone.utc) - timedelta(minutes=11)))
        db.session.execute(update(Matter).values(created_at=datetime.now(timezone.utc) - timedelta(minutes=11)))
        db.session.commit()
    server.connected = True
    work(app)  # the worker's housekeeping sweeps the outbox and checks the text Redis never got
    later_now = client.get(f"/api/v1/matters/{later.get_json()['id']}", headers=council)
    assert later_now.status_code == 200 and later_now.get_json()["text_check"] == "passed"
    assert sorted(m["template_id"] for m in fake_wechat.sent) == ["tmpl-matter", "tmpl-poll"]
    work(app)  # and again: nothing twice
    assert len(fake_wechat.sent) == 2
    with app.app_context():
        assert not db.session.scalar(select(Notification.id).where(Notification.wechat_status.in_(["pending", "sending"])))


def test_housekeeping_closes_a_poll_whose_scheduled_close_was_lost(rq_app, fake_wechat, places):
    client = rq_app.test_client()
    staff = wx_login(client, fake_wechat, "staff")
    poll = client.post("/api/v1/polls", headers=staff, json={
        "community_id": places["community"], "title": "是否安装路灯", "electorate": "households", "rule": "majority",
        "closes_at": (datetime.now(timezone.utc) + timedelta(days=1)).isoformat(),
        "questions": [{"text": "同意吗", "kind": "yes_no"}]}).get_json()
    client.post(f"/api/v1/polls/{poll['id']}/publish", headers=staff)
    rq_app.extensions["redis"].flushdb()  # Redis restarted without its data: the close job is gone
    with rq_app.app_context():
        db.session.execute(update(Poll).where(Poll.id == poll["id"]).values(
            opens_at=datetime.now(timezone.utc) - timedelta(days=2), closes_at=datetime.now(timezone.utc)))
        db.session.commit()
    work(rq_app)
    assert client.get(f"/api/v1/polls/{poll['id']}", headers=staff).get_json()["status"] == "closed"


# ---- at most once: WeChat has no idempotency key ------------------------------------------------------

def test_a_send_wechat_took_without_answering_in_time_is_never_sent_again(rq_app, fake_wechat):
    """WeChat accepts the message just after our timeout: a retry would give the resident two."""
    resident, = make_users(rq_app, "resident")
    give_consent(rq_app, resident, count=2)
    fake_wechat.send_answers = [("slow", 2)]  # WECHAT_TIMEOUT is 1 s
    notify_one(rq_app, resident)
    work(rq_app)
    row = notification_of(rq_app, resident)
    assert (row.wechat_status, row.wechat_note, row.wechat_attempts) == ("sent", "no_answer", 1)
    assert make_due(rq_app) == []  # no retry waiting
    deadline = time.monotonic() + 30
    while not fake_wechat.sent and time.monotonic() < deadline:  # the slow WeChat gets there
        time.sleep(0.05)
    work(rq_app)  # the sweep too
    assert [m["touser"] for m in fake_wechat.sent] == ["dev-resident"]
    assert consent_left(rq_app, resident) == 1  # WeChat may have used it
    client = rq_app.test_client()
    [item] = client.get("/api/v1/notifications", headers=wx_login(client, fake_wechat, "resident")).get_json()["items"]
    assert item["wechat_label"] == "微信提醒可能已发送（微信未确认）"


def test_a_send_that_could_not_connect_is_retried(make_app, fake_wechat, connection, free_port):
    """Nothing reached WeChat, so trying again cannot duplicate anything."""
    app = make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret",
                   WECHAT_API_BASE=f"http://127.0.0.1:{free_port}", WECHAT_TIMEOUT=1.0, WECHAT_TEMPLATES=TEMPLATES,
                   JOBS_INLINE=False, REDIS_CLIENT=connection)
    resident, = make_users(app, "resident")
    give_consent(app, resident)
    with app.app_context():  # a token cached earlier: only the send itself finds WeChat unreachable
        wechat.get_client().tokens.set("token-1", 7200)
    notify_one(app, resident)
    work(app)
    row = notification_of(app, resident)
    assert (row.wechat_status, row.wechat_note) == ("pending", "wechat_unavailable")
    assert len(make_due(app)) == 1  # rq's retry


def test_a_token_fetch_without_answer_is_retried(rq_app, fake_wechat):
    """No message went out with an unanswered token fetch: the delivery is retried, and sent once."""
    resident, = make_users(rq_app, "resident")
    give_consent(rq_app, resident)
    fake_wechat.delay = 2  # every answer comes after our 1 s timeout
    notify_one(rq_app, resident)
    work(rq_app)
    row = notification_of(rq_app, resident)
    assert (row.wechat_status, row.wechat_note) == ("pending", "wechat_unavailable")
    assert fake_wechat.paths() == ["/cgi-bin/stable_token"]
    fake_wechat.delay = 0
    make_due(rq_app)
    work(rq_app)
    assert notification_of(rq_app, resident).wechat_status == "sent"
    assert [m["touser"] for m in fake_wechat.sent] == ["dev-resident"]
