"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py wsgi:app`.

Each value can be overridden from the environment (GUNICORN_*), so one file serves a laptop
and a production box. gthread workers: requests spend most time waiting on PostgreSQL, Redis
and WeChat, and threads share one DB pool per process (DB_POOL_SIZE defaults to
GUNICORN_THREADS: one connection per thread).
"""
import ipaddress
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

# Metrics (app/metrics.py): each process keeps its figures in files under PROMETHEUS_MULTIPROC_DIR
# and a scrape adds them up. Unset: a directory of this server's own, removed when it stops (rq
# workers given the same directory are counted too). Set here, before a worker imports
# prometheus_client; a reload keeps the directory.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.environ["GUNICORN_METRICS_DIR_MADE"] = tempfile.mkdtemp(
        prefix="yuanba-metrics-")
METRICS_DIR = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])

from prometheus_client import multiprocess  # noqa: E402 (reads PROMETHEUS_MULTIPROC_DIR)

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never takes a box down. Not often: a new worker
# imports the app again (about 2.5 s of CPU). At every 5,000 requests that was 0.5 ms a request,
# and at a vote's peak (700 requests/s over 5 workers) a restart of each worker every 36 s.
max_requests = 100_000
max_requests_jitter = 10_000
accesslog = "-"
errorlog = "-"
# No query strings in the access log: they may carry codes or tokens. Last, the request id
# (app/logs.py), as the app's own lines of the request carry it.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss %({x-request-id}o)s'
# The proxies (nginx) trusted for X-Forwarded-Proto and, below, X-Forwarded-For.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


class ClientAddressFromProxy:
    """WSGI middleware: the client's address from X-Forwarded-For, when a trusted proxy sent it.

    gunicorn itself trusts a proxy only for the scheme; behind nginx every peer address is
    nginx's, so limits per address (login, joining a household) would count all residents
    together. The last entry is the one the proxy appended itself ($proxy_add_x_forwarded_for);
    entries before it come from the client and may be forged. From any other peer the header
    is ignored, so a client reaching gunicorn directly cannot pick its own address.
    """

    def __init__(self, app, allowed):
        self.app = app
        self.trust_all = "*" in allowed
        self.networks = [ipaddress.ip_network(entry.strip()) for entry in allowed if entry.strip() != "*"]

    def trusts(self, peer):
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:  # a unix socket: only this machine reaches it (gunicorn trusts it too)
            return True
        return self.trust_all or any(address in network for network in self.networks)

    def __call__(self, environ, start_response):
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if forwarded and self.trusts(environ.get("REMOTE_ADDR", "")):
            try:
                environ["REMOTE_ADDR"] = str(ipaddress.ip_address(forwarded))
            except ValueError:
                pass  # not an address: keep the peer's
        return self.app(environ, start_response)


def post_worker_init(worker):
    # environ is changed in place, so the access log shows the client's address as well.
    worker.wsgi = ClientAddressFromProxy(worker.wsgi, worker.cfg.forwarded_allow_ips)


def on_starting(server):
    """Drop the metric files of processes that are gone (a previous run's): their counts start
    again, as they would in memory. Those of live processes, rq workers sharing the directory,
    stay."""
    for path in METRICS_DIR.glob("*.db"):
        try:
            os.kill(int(path.stem.rsplit("_", 1)[-1]), 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except (ValueError, PermissionError):  # not a process's file; another user's process
            pass


def child_exit(server, worker):
    # A worker that exited (recycled, timed out, killed) no longer counts in the live gauges.
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if os.environ.get("GUNICORN_METRICS_DIR_MADE") == str(METRICS_DIR):  # the one made above
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
