"""Background jobs: rq on Redis when REDIS_URL is set, inline in-process when it is not.

Domain code enqueues through `queue`, never through rq directly, so the embedded default
(SQLite, no Redis) and production behave alike:

- `queue.enqueue_after_commit(fn, *args)` — the job is handed over only when the caller's
  database transaction commits (nothing is sent for a change that rolled back). Inline, it runs
  right after the commit; with rq, it is pushed to Redis then. A Redis outage at that moment
  is logged, not raised: the change is committed and its rows say what is still pending.
- `queue.schedule(job_id, when, fn, *args)` / `queue.cancel(job_id)` — delayed jobs under a
  name the caller chooses (services use `schedule_after_commit` / `cancel_after_commit`: the
  same, once their transaction commits) (``meeting-12-reminder-24h``: letters, digits, - and _), so moving a meeting reschedules its
  reminder and cancelling it cancels the reminder. rq's scheduler runs inside the worker
  (`flask --app wsgi worker`). Inline, a timer thread stands in: it lives only as long as the
  process, which is fine for the embedded demo and is why production runs with Redis.

Job functions are decorated with `@task`: each run gets its own app context, hence its own
database session, and is one unit of work (app/unit_of_work.py): committed when it returns,
rolled back when it raises. A job carries the request id of the request (or job) that enqueued
or scheduled it (app/logs.py), and its log lines show it beside the job's id.

`queue.gather_after_commit(fn, item)` — for work done a batch at a time: `item` (an integer id)
joins a set in Redis when the transaction commits, and a job, `_drain`, runs `fn` (a task
taking a list) on up to GATHER_BATCH of them at once until the set is empty. A storm of reports
is then a few jobs, not one each: rq's own bookkeeping costs a job more CPU than most jobs'
work. Whoever adds an item also sets a flag (SET NX) and enqueues a drain if it was unset, and
another whenever its add fills a batch, so a backlog is drained by as many workers as are free;
a drain clears the flag when it finds the set empty and looks once more, so an item added at
any moment is taken by a running drain or by the one its adder enqueued. A drain that has run
for DRAIN_SECONDS enqueues its successor and ends, inside rq's job timeout. A batch that raises
puts its items back for the drain's retry. Items lost with Redis, or popped by a worker that was
killed, are the sweeps' to find again (`queue.gather`, `queue.gathered`). Inline, `fn` runs right
after the commit on that commit's items.

`queue.init_app(app, housekeeping=[…])` names tasks that every worker enqueues every
WORKER_HOUSEKEEPING_SECONDS (rq's maintenance step, on that interval; an idle worker's wait for
a job is no longer, so the cadence holds with no jobs flowing): the sweeps that put right what
an outage left undone — notifications whose job never reached Redis, deliveries cut off by a
killed worker, poll openings and closings whose scheduled job was lost with Redis's data.

`queue.work()` (`flask --app wsgi worker`) outlives Redis: down at start, gone mid-job or while
idle, the worker waits (backoff doubling up to WORKER_RECONNECT_MAX_SECONDS, each attempt
logged) and carries on, rather than exiting and leaving systemd's start limit to decide whether
a worker is there when Redis returns. Housekeeping that fell due meanwhile runs as soon as it
reconnects.
"""
import contextvars
import functools
import logging
import re
import signal
import threading
import time
from datetime import datetime, timezone

import redis
from flask import current_app
from rq import Queue, Retry, SimpleWorker, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from sqlalchemy import event

from app import logs, unit_of_work
from app.extensions import db

log = logging.getLogger(__name__)

# Worker order is priority: one resident's update is not queued behind a 10,000-household
# invitation.
DEFAULT, BULK = "default", "bulk"
QUEUES = (DEFAULT, BULK)
# Backoff for jobs that raise (WeChat busy, timeouts): ~10 s, 1 min, 5 min, 30 min, 2 h.
RETRY = Retry(max=5, interval=[10, 60, 300, 1800, 7200])
JOB_TIMEOUT = 600
_PENDING = "yuanba_jobs_after_commit"
_PENDING_SCHEDULES = "yuanba_schedules_after_commit"
_PENDING_GATHERED = "yuanba_gathered_after_commit"
GATHER_BATCH = 20  # items per run of a gathered task: a storm's jobs amortized, a verdict not long in coming
DRAIN_SECONDS = JOB_TIMEOUT / 2  # a drain hands over to a fresh one after this long, well inside its timeout
_JOB_ID = re.compile(r"^[A-Za-z0-9_-]+$")  # what rq accepts


def task(fn):
    """Mark `fn` as a job: it runs in a fresh app context with its own database session. The
    app is the running one: `flask --app wsgi worker`'s, or the web process's when inline."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        job = get_current_job()  # None inline: the lines keep the enqueuing request's id
        ids = {"request_id": job.meta.get("request_id"), "job_id": job.id} if job is not None else {}
        with current_app._get_current_object().app_context(), logs.bound(**ids):
            return unit_of_work.run(fn, *args, **kwargs)

    return run


def is_last_attempt():
    """True when a failure now is final: inline runs, and rq runs with no retries left."""
    job = get_current_job()
    return job is None or not job.retries_left


class _Backend:
    """Per-app state: the rq queues, or the inline timers."""

    def __init__(self, app, housekeeping):
        self.app = app
        self.housekeeping = tuple(housekeeping)
        self.connection = app.extensions.get("redis") if not app.config["JOBS_INLINE"] else None
        self.queues = {name: Queue(name, connection=self.connection) for name in QUEUES} \
            if self.connection is not None else None
        self.timers = {}
        self.lock = threading.Lock()


class JobQueue:
    def init_app(self, app, housekeeping=()):
        """`housekeeping`: tasks each worker enqueues every WORKER_HOUSEKEEPING_SECONDS; more
        than one worker may run one at once, so they must be safe to run concurrently."""
        app.extensions["jobs"] = _Backend(app, housekeeping)

    @property
    def _backend(self):
        return current_app.extensions["jobs"]

    @property
    def inline(self):
        return self._backend.queues is None

    def enqueue_after_commit(self, fn, *args, queue=DEFAULT):
        """Hand `fn(*args)` over when the current transaction commits."""
        session = db.session()
        session.info.setdefault(_PENDING, []).append((fn, args, queue))

    def schedule_after_commit(self, job_id, when, fn, *args):
        """`schedule`, when the current transaction commits."""
        db.session().info.setdefault(_PENDING_SCHEDULES, []).append((self.schedule, (job_id, when, fn, *args)))

    def cancel_after_commit(self, job_id):
        """`cancel`, when the current transaction commits."""
        db.session().info.setdefault(_PENDING_SCHEDULES, []).append((self.cancel, (job_id,)))

    def gather_after_commit(self, fn, item):
        """Hand the integer `item` to the gathered task `fn` when the current transaction commits
        (module docstring)."""
        db.session().info.setdefault(_PENDING_GATHERED, []).append((fn, item))

    def gather(self, fn, items, drain=True):
        """Add `items` to what waits for `fn` now; with `drain`, enqueue a drain whatever the flag
        says (a sweep: the flag may outlive a drain that was lost), else only if none is on its way."""
        backend = self._backend
        if backend.queues is None:
            _run_inline(backend.app, fn, (sorted(items),))
            return
        items_key, flag = _gather_keys(fn)
        try:
            with backend.connection.pipeline() as pipe:  # MULTI: the size is the one this add made
                pipe.sadd(items_key, *items)
                pipe.set(flag, 1, nx=True, ex=JOB_TIMEOUT)
                pipe.scard(items_key)
                added, unflagged, waiting = pipe.execute()
            # One more drain for each full batch this add completed: drains that fall behind (WeChat
            # slow) are joined by others, up to as many as there are workers.
            drains = bool(drain or unflagged) + waiting // GATHER_BATCH - (waiting - added) // GATHER_BATCH
            if drains:
                _push(backend, [(_drain, (fn,))] * drains, DEFAULT)
        except redis.RedisError as exc:
            log.warning("could not hand %d item(s) to %s: %s; the sweep finds them", len(items), fn.__name__, exc)

    def gathered(self, fn):
        """The items waiting for `fn` (not those a running batch holds): what a sweep need not add
        again."""
        backend = self._backend
        if backend.queues is None:
            return set()
        return {int(item) for item in backend.connection.smembers(_gather_keys(fn)[0])}

    def gathered_count(self, fn):
        """How many items wait for `fn` (a metric: read without listing them)."""
        backend = self._backend
        return backend.connection.scard(_gather_keys(fn)[0]) if backend.queues is not None else 0

    def enqueue(self, calls, queue=DEFAULT):
        """Enqueue `[(fn, args), …]` now: one Redis round trip, or run each inline."""
        backend = self._backend
        if backend.queues is None:
            for fn, args in calls:
                _run_inline(backend.app, fn, args)
            return
        try:
            _push(backend, calls, queue)
        except redis.RedisError as exc:
            log.warning("could not enqueue %d job(s) on %s: %s; their rows stay pending",
                        len(calls), queue, exc)

    def schedule(self, job_id, when, fn, *args):
        """Run `fn(*args)` at `when` (aware datetime) under `job_id`; scheduling an existing
        id again moves it."""
        if not _JOB_ID.match(job_id):
            raise ValueError(f"job id {job_id!r}: use letters, digits, '-' and '_' only")
        backend = self._backend
        if backend.queues is None:
            delay = max((when - datetime.now(timezone.utc)).total_seconds(), 0)
            # In the scheduling request's context, so the job's lines carry its request id.
            timer = threading.Timer(delay, contextvars.copy_context().run, (_fire_timer, backend, job_id, fn, args))
            timer.daemon = True
            with backend.lock:
                old = backend.timers.pop(job_id, None)
                if old is not None:
                    old.cancel()
                backend.timers[job_id] = timer
            timer.start()
            return
        try:
            backend.queues[DEFAULT].enqueue_at(when, fn, *args, job_id=job_id, job_timeout=JOB_TIMEOUT,
                                               retry=RETRY, meta=_meta())
        except redis.RedisError as exc:  # the change stands; housekeeping catches up what it can
            log.warning("could not schedule %s: %s", job_id, exc)

    def cancel(self, job_id):
        """Cancel a scheduled job; True if there was one."""
        backend = self._backend
        if backend.queues is None:
            with backend.lock:
                timer = backend.timers.pop(job_id, None)
            if timer is not None:
                timer.cancel()
            return timer is not None
        try:
            Job.fetch(job_id, connection=backend.connection).delete()
        except NoSuchJobError:
            return False
        except redis.RedisError as exc:  # a job that still fires checks its object's state first
            log.warning("could not cancel %s: %s", job_id, exc)
            return False
        return True

    def is_scheduled(self, job_id):
        backend = self._backend
        if backend.queues is None:
            return job_id in backend.timers
        return job_id in backend.queues[DEFAULT].scheduled_job_registry

    def failed_registries(self):
        backend = self._backend
        if backend.queues is None:
            return []
        return [FailedJobRegistry(queue=q) for q in backend.queues.values()]

    def waiting_calls(self, fn):
        """The arguments of every job of `fn` still queued, scheduled (a retry's backoff) or
        running, on any queue: what is on its way, so a sweep need not enqueue it again."""
        backend = self._backend
        if backend.queues is None:
            return []
        name = f"{fn.__module__}.{fn.__qualname__}"
        ids = []
        for q in backend.queues.values():
            ids += q.get_job_ids()
            ids += ScheduledJobRegistry(queue=q).get_job_ids(cleanup=False)
            ids += StartedJobRegistry(queue=q).get_job_ids(cleanup=False)  # rq's maintenance cleans
        jobs = Job.fetch_many(list(dict.fromkeys(ids)), connection=backend.connection)
        return [job.args for job in jobs if job is not None and job.func_name == name]

    def worker(self):
        """An rq worker for every queue, highest priority first (run with the scheduler)."""
        backend = self._backend
        if backend.queues is None:
            return None
        worker = _Worker([backend.queues[name] for name in QUEUES], connection=backend.connection,
                         maintenance_interval=backend.app.config["WORKER_HOUSEKEEPING_SECONDS"])
        worker.max_connection_wait_time = backend.app.config["WORKER_RECONNECT_MAX_SECONDS"]
        return worker

    def work(self, burst=False):
        """Run a worker until it is asked to stop (or, with `burst`, until the queues are empty).

        rq waits out Redis only while dequeueing; anywhere else (starting, finishing a job,
        maintenance) its worker exits. So a worker that ends without being asked to is replaced
        by a fresh one after a backoff, for as long as it takes."""
        cap = self._backend.app.config["WORKER_RECONNECT_MAX_SECONDS"]
        delay = 1
        while True:
            worker = None
            try:
                worker = self.worker()
                worker.work(burst=burst, with_scheduler=True)
                problem = "rq's loop ended (its log says why)"
            except redis.RedisError as exc:  # outside rq's own loop: starting or tearing down
                problem = f"Redis unreachable: {exc}"
            if burst or (worker is not None and worker.stop_asked):
                return
            if worker is not None and worker.birth_date is not None:
                delay = 1  # it had been running: this outage is a new one
            log.warning("worker: %s; starting again in %s s", problem, delay)
            if _wait_unless_stopped(delay):
                return
            delay = min(delay * 2, cap)


def _push(backend, calls, queue):
    """Enqueue `[(fn, args), …]` on rq in one round trip; raises redis.RedisError."""
    with backend.connection.pipeline() as pipe:
        backend.queues[queue].enqueue_many([
            Queue.prepare_data(fn, args, timeout=JOB_TIMEOUT, retry=RETRY, meta=_meta()) for fn, args in calls
        ], pipeline=pipe)
        pipe.execute()


def _gather_keys(fn):
    """The Redis set of what waits for `fn`, and the flag that says a drain is on its way."""
    name = f"yuanba:gathered:{fn.__module__}.{fn.__qualname__}"
    return name, f"{name}:drain"


def _drain(fn):
    """The job that runs the gathered task `fn` a batch at a time until nothing waits (module
    docstring)."""
    backend = current_app.extensions["jobs"]
    connection = backend.connection
    items_key, flag = _gather_keys(fn)
    started = time.monotonic()
    while True:
        batch = connection.spop(items_key, GATHER_BATCH)
        if not batch:
            connection.delete(flag)  # from here on, whoever adds an item enqueues a drain
            batch = connection.spop(items_key, GATHER_BATCH)  # what was added before the flag went
            if not batch:
                return
        try:
            fn(sorted(int(item) for item in batch))
        except Exception:
            connection.sadd(items_key, *batch)
            raise
        if time.monotonic() - started > DRAIN_SECONDS:  # a long backlog: the job timeout would cut a batch
            _push(backend, [(_drain, (fn,))], DEFAULT)
            return


def _meta():
    """What a job carries from whoever enqueues it: the request id, when there is one."""
    request_id = logs.current_request_id()
    return {"request_id": request_id} if request_id else None


def _wait_unless_stopped(seconds):
    """Sleep between workers; True when SIGTERM or SIGINT asks the process to stop meanwhile."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop.wait(seconds)


class _Worker(SimpleWorker):
    stop_asked = False

    @property
    def dequeue_timeout(self):
        """An idle worker wakes for housekeeping on time (rq's default wait is ~7 minutes)."""
        return self.maintenance_interval

    def request_stop(self, signum, frame):
        self.stop_asked = True  # what `JobQueue.work` goes by, even if Redis is gone meanwhile
        try:
            super().request_stop(signum, frame)
        except redis.RedisError:  # mid-job, recording the request in Redis: stop after the job
            self._stop_requested = True

    def run_maintenance_tasks(self):
        # Housekeeping first and raising: if Redis is away, rq's maintenance is not marked done
        # and the whole step is tried again once it is back.
        backend = current_app.extensions["jobs"]
        _push(backend, [(fn, ()) for fn in backend.housekeeping], DEFAULT)
        super().run_maintenance_tasks()


def _run_inline(app, fn, args):
    """Run a job in-process; its failure is logged, never raised into the caller's request."""
    try:
        with app.app_context():
            fn(*args)
    except Exception:
        log.exception("inline job %s failed", getattr(fn, "__name__", fn))


def _fire_timer(backend, job_id, fn, args):
    with backend.lock:
        if backend.timers.get(job_id) is threading.current_thread():
            del backend.timers[job_id]
    _run_inline(backend.app, fn, args)


queue = JobQueue()


@event.listens_for(db.session, "after_commit")
def _after_commit(session):
    pending = session.info.pop(_PENDING, None) or []
    by_queue = {}
    for fn, args, name in pending:
        by_queue.setdefault(name, []).append((fn, args))
    for name, calls in by_queue.items():
        queue.enqueue(calls, queue=name)
    gathered = {}
    for fn, item in session.info.pop(_PENDING_GATHERED, None) or []:
        gathered.setdefault(fn, []).append(item)
    for fn, items in gathered.items():
        queue.gather(fn, items, drain=False)
    for method, args in session.info.pop(_PENDING_SCHEDULES, None) or []:
        method(*args)


@event.listens_for(db.session, "after_soft_rollback")
def _after_rollback(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_PENDING_SCHEDULES, None)
        session.info.pop(_PENDING_GATHERED, None)
