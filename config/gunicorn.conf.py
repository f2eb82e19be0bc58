"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py wsgi:app`.

Each value can be overridden from the environment (GUNICORN_*), so one file serves a laptop
and a production box. gthread workers: requests spend most time waiting on PostgreSQL, Redis
and WeChat, and threads share one DB pool per process.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never takes a box down.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# No query strings in the access log: they may carry codes or tokens.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
