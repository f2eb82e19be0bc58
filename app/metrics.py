"""Prometheus metrics at GET /metrics, for whoever holds METRICS_TOKEN (README: Production,
Metrics and logs; deploy/grafana/yuanba.json and deploy/prometheus/alerts.yml read them).

- Requests: prometheus-flask-exporter's count and latency histogram per URL rule (the route, not
  the raw path: one series per route whatever the ids; unmatched paths share `None`), method
  and status.
- The database pool's connections in use and its limit, counted in each process.
- WeChat API calls and SMS sends by result code (`WeChatSession`, `count_sms_send`), counted in
  Redis: most are made by rq workers, which may run on other machines or in other containers
  than the app, so the counts are kept where every app process can read them.
- Read when Prometheus scrapes, by `StateCollector`, with one aggregate query each: the outbox
  (rows on their way by channel and state, the age of the oldest pending one), rq (each
  queue's depth, the age of its oldest job, its failed jobs; the reports waiting for the text
  check; the workers alive), the turnout
  of open polls, and those counts. No thread of ours polls anything. These figures are the
  same from every app process: aggregate them with max(), not sum().

gunicorn runs several processes, and a scrape reaches one of them: with PROMETHEUS_MULTIPROC_DIR
set (config/gunicorn.conf.py sets it when the environment does not), prometheus_client keeps
each process's values in files there and the scrape adds them up.
"""
import atexit
import hmac
import logging
import os
from datetime import timezone
from urllib.parse import urlparse

import redis
import requests
from flask import Response, current_app, request
from prometheus_client import REGISTRY, CollectorRegistry, Gauge, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_flask_exporter import PrometheusMetrics
from rq import Worker
from rq.registry import FailedJobRegistry
from sqlalchemy import event, func, select
from sqlalchemy.exc import SQLAlchemyError

from app.errors import ApiError
from app.extensions import db
from app.jobs import queue
from app.models_base import utcnow

log = logging.getLogger(__name__)
PATH = "/metrics"
# Counters kept in Redis: name → (help, labels); each a hash, field = the label values joined.
REDIS_COUNTERS = {
    "yuanba_wechat_api_calls": ("Requests to WeChat's server API, by API and result: 0 (done), WeChat's "
                                "errcode, http_<status>, not_json, or the network fault", ("api", "result")),
    "yuanba_sms_sends": ("SendSms requests, by result: Ok, the provider's error code, no_answer or unreachable",
                         ("result",)),
}
COUNTER_KEY = "yuanba:metrics:{}"
SEPARATOR = "\t"
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # a process given the directory before gunicorn made it
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
# livesum: the processes alive now, added up (gunicorn's child_exit and atexit drop the dead).
POOL_IN_USE = Gauge("yuanba_db_pool_connections_in_use", "Database connections checked out of the pools",
                    multiprocess_mode="livesum")
POOL_LIMIT = Gauge("yuanba_db_pool_connections_limit", "Connections the pools may open (DB_POOL_SIZE + "
                   "DB_MAX_OVERFLOW per process); beyond, requests wait DB_POOL_TIMEOUT, then 503",
                   multiprocess_mode="livesum")


def _multiprocess():
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def init_app(app):
    """Request metrics, the pool's gauges and the endpoint; before unit_of_work.wrap_views, so
    the scrape's queries end like any request's."""
    # An exporter and registry per app: the tests build many apps in one process.
    app.extensions["metrics"] = PrometheusMetrics(app, path=None, registry=CollectorRegistry(),
                                                  defaults_prefix="yuanba", group_by="url_rule")
    _watch_pool(app)
    if _multiprocess():  # the rq worker's live gauges (gunicorn's are dropped by its child_exit)
        atexit.register(multiprocess.mark_process_dead, os.getpid())
    app.add_url_rule(PATH, "metrics", scrape, methods=["GET"])


def _watch_pool(app):
    with app.app_context():
        engine = db.engine
    event.listen(engine, "checkout", lambda *_: POOL_IN_USE.inc())
    event.listen(engine, "checkin", lambda *_: POOL_IN_USE.dec())
    POOL_LIMIT.set(app.config["DB_POOL_SIZE"] + app.config["DB_MAX_OVERFLOW"])


@PrometheusMetrics.do_not_track()
def scrape():
    """The metrics, in the format the scraper asks for. 404 while METRICS_TOKEN is unset (nothing
    here for the public), 401 without it as the Bearer token."""
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        raise ApiError(404)
    if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), f"Bearer {token}".encode()):
        raise ApiError(401, headers={"WWW-Authenticate": "Bearer"})
    registry = CollectorRegistry()
    if _multiprocess():
        multiprocess.MultiProcessCollector(registry)  # every process's files
    else:
        registry.register(REGISTRY)  # this process's counters and gauges, and its own figures
        registry.register(current_app.extensions["metrics"].registry)
    registry.register(StateCollector(current_app._get_current_object()))
    encode, content_type = choose_encoder(request.headers.get("Accept"))
    return Response(encode(registry), content_type=content_type)


# ---- counted as they happen ---------------------------------------------------------------

class WeChatSession(requests.Session):
    """The WeChat client's HTTP session: counts every request by API (the path's last part:
    stable_token, jscode2session, send …) and result."""

    def request(self, method, url, *args, **kwargs):
        api = urlparse(url).path.rsplit("/", 1)[-1]
        try:
            response = super().request(method, url, *args, **kwargs)
        except requests.RequestException as exc:
            _count("yuanba_wechat_api_calls", api, exc.__class__.__name__)
            raise
        _count("yuanba_wechat_api_calls", api, _wechat_result(response))
        return response


def _wechat_result(response):
    """WeChat answers errors as JSON with an errcode, mostly under HTTP 200; a mini-program code
    as an image."""
    if response.status_code >= 400:
        return f"http_{response.status_code}"
    if response.headers.get("Content-Type", "").startswith("image/"):
        return "0"
    try:
        answer = response.json()
        return str(int(answer.get("errcode") or 0))
    except (ValueError, AttributeError, TypeError):
        return "not_json"


def count_sms_send(result):
    """One SendSms request: `result` is the provider's status code ("Ok" or its error code), or
    no_answer / unreachable when the request failed on the way."""
    _count("yuanba_sms_sends", result)


def _count(name, *labels):
    """One more in a Redis counter. Without Redis (the embedded demo) nothing is counted; while
    Redis is unreachable the count is lost, never the call."""
    connection = current_app.extensions.get("redis")
    if connection is not None:
        try:
            connection.hincrby(COUNTER_KEY.format(name), SEPARATOR.join(labels), 1)
        except redis.RedisError:
            pass


# ---- read at scrape time ------------------------------------------------------------------

class StateCollector:
    """Gauges read from the database and Redis when Prometheus scrapes, in the scraping request.
    A part whose store is down is left out (and logged), so the rest still answers."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        try:
            yield from self._outbox()
            yield from self._polls()
        except SQLAlchemyError as exc:
            log.warning("metrics: database unavailable: %s", exc.__class__.__name__)
            db.session.rollback()  # deliberate: the scrape's failed read, before the request ends
        try:
            yield from self._counts()
            yield from self._queues()
        except redis.RedisError as exc:
            log.warning("metrics: Redis unavailable: %s", exc.__class__.__name__)

    def _outbox(self):
        from app.notifications.tasks import CHANNELS, WECHAT

        rows = GaugeMetricFamily("yuanba_outbox_messages", "Messages on their way (pending, or sending: "
                                 "claimed by a worker), by channel and state", labels=["channel", "state"])
        oldest = GaugeMetricFamily("yuanba_outbox_oldest_pending_seconds", "Age of the oldest message waiting "
                                   "to be sent (0: none)", labels=["channel"])
        now = utcnow()
        for channel in CHANNELS:
            name = "wechat" if channel is WECHAT else "sms"
            states = channel.states
            # Reads the partial index of the rows on their way, never the settled millions.
            found = {status: (count, first) for status, count, first in db.session.execute(
                select(channel.status, func.count(), func.min(channel.model.created_at))
                .where(channel.status.in_([states.PENDING, states.SENDING])).group_by(channel.status))}
            for state in (states.PENDING, states.SENDING):
                rows.add_metric([name, state.value], found.get(state, (0, None))[0])
            first = found.get(states.PENDING, (0, None))[1]
            oldest.add_metric([name], (now - first).total_seconds() if first else 0)
        yield rows
        yield oldest

    def _polls(self):
        from app.polls.models import Poll, PollStatus
        from app.polls.service.views import _turnout

        electors = GaugeMetricFamily("yuanba_poll_electors", "Voters of each open poll (by voter, as residents "
                                     "see the turnout)", labels=["poll"])
        voted = GaugeMetricFamily("yuanba_poll_voted", "Voters of each open poll who have voted", labels=["poll"])
        for poll_id, (total, done) in _turnout(select(Poll.id).where(Poll.status == PollStatus.OPEN)).items():
            electors.add_metric([str(poll_id)], total)
            voted.add_metric([str(poll_id)], done)
        yield electors
        yield voted

    def _counts(self):
        connection = self.app.extensions.get("redis")
        if connection is None:
            return
        with connection.pipeline(transaction=False) as pipe:
            for name in REDIS_COUNTERS:
                pipe.hgetall(COUNTER_KEY.format(name))
            counts = pipe.execute()
        for (name, (documentation, labels)), found in zip(REDIS_COUNTERS.items(), counts):
            family = CounterMetricFamily(name, documentation, labels=labels)
            for field, value in found.items():
                family.add_metric(field.decode().split(SEPARATOR), int(value))
            yield family

    def _queues(self):
        backend = self.app.extensions["jobs"]
        if backend.queues is None:  # inline jobs: no queue to watch
            return
        depth = GaugeMetricFamily("yuanba_rq_queue_jobs", "Jobs waiting in each rq queue", labels=["queue"])
        age = GaugeMetricFamily("yuanba_rq_queue_oldest_job_seconds", "How long the job at the head of each "
                                "queue has waited (0: empty)", labels=["queue"])
        failed = GaugeMetricFamily("yuanba_rq_failed_jobs", "Jobs in each queue's failed registry (flask jobs "
                                   "failed)", labels=["queue"])
        now = utcnow()
        for name, waiting in backend.queues.items():
            depth.add_metric([name], waiting.count)
            head = waiting.get_jobs(0, 1)
            enqueued = head[0].enqueued_at if head else None
            if enqueued is not None and enqueued.tzinfo is None:
                enqueued = enqueued.replace(tzinfo=timezone.utc)
            age.add_metric([name], (now - enqueued).total_seconds() if enqueued else 0)
            failed.add_metric([name], FailedJobRegistry(queue=waiting).count)
        from app.matters.service.text_check import check_reports

        checks = GaugeMetricFamily("yuanba_text_checks_waiting", "Reports handed to WeChat's text check that no "
                                   "worker has taken yet (gathered in Redis, app/jobs.py)",
                                   value=queue.gathered_count(check_reports))
        # Worker.all skips (and unregisters) workers whose heartbeat key has expired.
        workers = GaugeMetricFamily("yuanba_rq_workers", "rq workers alive (heartbeat within its TTL)",
                                    value=len(Worker.all(connection=backend.connection)))
        yield from (depth, age, failed, checks, workers)
