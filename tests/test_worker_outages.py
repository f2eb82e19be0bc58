"""`flask --app wsgi worker` as its own process against a Redis server that goes away and comes
back: at start, while a job is in WeChat, while idle. The worker must outlive each outage and
deliver what was saved meanwhile; housekeeping (the outbox sweep) runs on its cadence, jobs or
no jobs. And a worker killed while WeChat has its request. The cadence and the reconnect
backoff are set to a second here; the waits below are bounds on an outcome, not timings."""
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import update

from app.extensions import db
from app.models_base import utcnow
from app.notifications import service
from app.notifications.models import Notification
from tests.conftest import ROOT, unused_port, work
from tests.factories import TEMPLATES, consent_left, give_consent, make_users, notification_of
from tests.faults import RedisServer

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs the redis-server binary")

SEND = "/cgi-bin/message/subscribe/send"


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(unused_port(), tmp_path)
    yield server
    server.stop()


def redis_client(port):
    """The web side's client: fails fast while the server is gone."""
    return redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0))


@pytest.fixture
def web(make_app, fake_wechat, redis_server):
    """The web process's app (this one), enqueueing on the test's Redis server."""
    return make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret", WECHAT_API_BASE=fake_wechat.url,
                    WECHAT_TEMPLATES=TEMPLATES, JOBS_INLINE=False, REDIS_CLIENT=redis_client(redis_server.port))


class WorkerProcess:
    def __init__(self, process, log_path):
        self.process = process
        self.log_path = log_path

    def log(self):
        return self.log_path.read_text(errors="replace")

    def kill(self):
        """SIGKILL, scheduler and all: no warm shutdown, no cleanup."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def wait_for(self, condition, what, seconds=60):
        """Wait until `condition()` holds; fail if the worker exits first or it never does."""
        deadline = time.monotonic() + seconds
        while not condition():
            assert self.process.poll() is None, \
                f"the worker exited (status {self.process.returncode}) waiting for {what}:\n{self.log()[-3000:]}"
            assert time.monotonic() < deadline, f"no {what} within {seconds} s:\n{self.log()[-3000:]}"
            time.sleep(0.1)


@pytest.fixture
def start_worker(web, fake_wechat, redis_server, database_url, tmp_path):
    started = []

    def start(redis_url=redis_server.url):
        env = {**os.environ, "APP_ENV": "testing", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
               "SECRET_KEY": "x" * 40, "WECHAT_APPID": "wx-test-app", "WECHAT_SECRET": "wx-test-secret",
               "WECHAT_API_BASE": fake_wechat.url, "WECHAT_TIMEOUT": "10",
               "WECHAT_TEMPLATE_MATTER_STATUS": TEMPLATES["matter_status"],
               "WORKER_HOUSEKEEPING_SECONDS": "1", "WORKER_RECONNECT_MAX_SECONDS": "1"}
        log_path = tmp_path / f"worker-{len(started)}.log"
        with open(log_path, "wb") as log:
            # Its own process group: the worker forks a scheduler process, which must stop with it.
            process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT,
                                       env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append(process)
        return WorkerProcess(process, log_path)

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def notify(app, user_id, title):
    with app.app_context():
        service.notify([user_id], "matter_status", {"title": title, "status": "已办结"})
        db.session.commit()


def status_of(app, user_id):
    return notification_of(app, user_id).wechat_status


def test_a_worker_started_while_redis_is_down_waits_for_it_then_delivers(web, fake_wechat, redis_server,
                                                                         start_worker):
    resident, = make_users(web, "resident")
    give_consent(web, resident)
    notify(web, resident, "路灯已修好")  # Redis is down: the row waits in the outbox
    assert status_of(web, resident) == "pending"
    worker = start_worker()
    worker.wait_for(lambda: worker.log().count("Redis unreachable") >= 2, "second reconnect attempt")
    redis_server.start()
    worker.wait_for(lambda: status_of(web, resident) == "sent", "delivery after Redis came back")
    assert [m["touser"] for m in fake_wechat.sent] == ["dev-resident"]


def test_a_worker_waiting_for_redis_still_stops_when_asked(redis_server, start_worker):
    worker = start_worker()
    worker.wait_for(lambda: worker.log().count("Redis unreachable") >= 2, "second reconnect attempt")
    worker.process.send_signal(signal.SIGTERM)
    assert worker.process.wait(30) == 0


def test_a_worker_outlives_redis_going_away_while_busy_and_while_idle(web, fake_wechat, redis_server,
                                                                      start_worker):
    busy, during, idle = make_users(web, "busy", "during", "idle")
    for user_id in (busy, during, idle):
        give_consent(web, user_id)
    redis_server.start()
    worker = start_worker()
    fake_wechat.send_answers = [("slow", 3)]
    notify(web, busy, "路灯已修好")
    worker.wait_for(lambda: SEND in fake_wechat.paths(), "the worker reaching WeChat")
    redis_server.stop()  # while the job is in WeChat
    worker.wait_for(lambda: status_of(web, busy) == "sent", "the busy job's send settling")
    notify(web, during, "排水沟已疏通")  # saved while Redis is down
    assert status_of(web, during) == "pending"
    worker.wait_for(lambda: "Redis unreachable" in worker.log(), "the worker noticing the outage")
    redis_server.start()  # empty: every queued job is gone
    worker.wait_for(lambda: status_of(web, during) == "sent", "delivery of the row saved during the outage")

    redis_server.stop()  # now while the worker waits for jobs
    notify(web, idle, "电梯已恢复")
    redis_server.start()
    worker.wait_for(lambda: status_of(web, idle) == "sent", "delivery after the idle outage")
    assert sorted(m["touser"] for m in fake_wechat.sent) == ["dev-busy", "dev-during", "dev-idle"]  # once each


def test_housekeeping_runs_on_its_cadence_while_no_jobs_flow(make_app, fake_wechat, redis_server, start_worker,
                                                             free_port):
    """The web side could not reach Redis (a partition) while the worker can: nothing wakes the
    idle worker but its own cadence, whose sweep finds the row."""
    redis_server.start()
    worker = start_worker()
    worker.wait_for(lambda: "Listening on" in worker.log(), "the worker starting")
    cut_off = make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret", WECHAT_API_BASE=fake_wechat.url,
                       WECHAT_TEMPLATES=TEMPLATES, JOBS_INLINE=False, REDIS_CLIENT=redis_client(free_port))
    resident, = make_users(cut_off, "resident")
    give_consent(cut_off, resident)
    notify(cut_off, resident, "路灯已修好")
    worker.wait_for(lambda: status_of(cut_off, resident) == "sent", "the sweep delivering the row")
    assert [m["touser"] for m in fake_wechat.sent] == ["dev-resident"]


def test_a_worker_killed_while_wechat_has_its_request_does_not_send_it_again(web, fake_wechat, redis_server,
                                                                            start_worker):
    """WeChat may have delivered it before the worker died: once the claim's lease runs out the
    sweep settles it as unconfirmed, and nothing sends it a second time."""
    redis_server.start()
    resident, = make_users(web, "resident")
    give_consent(web, resident, count=2)
    fake_wechat.send_answers = ["hang"]
    notify(web, resident, "路灯已修好")
    worker = start_worker()
    worker.wait_for(fake_wechat.hanging.is_set, "the worker reaching WeChat")
    worker.kill()
    fake_wechat.release.set()
    assert status_of(web, resident) == "sending"
    work(web)
    assert status_of(web, resident) == "sending"  # the lease has not run out
    with web.app_context():
        db.session.execute(update(Notification).values(claimed_at=utcnow() - timedelta(minutes=16)))
        db.session.commit()
    work(web)
    work(web)
    row = notification_of(web, resident)
    assert (row.wechat_status, row.wechat_note, row.wechat_attempts) == ("sent", "no_answer", 1)
    assert fake_wechat.sent == [] and consent_left(web, resident) == 1  # the consent stays spent
