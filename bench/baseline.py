"""The ceilings, served by gunicorn with the same settings as the app (`gunicorn -c
config/gunicorn.conf.py bench.baseline:app`) and measured in the same run; every scenario's
throughput is given as a share of each.

`GET /ping`: a small JSON body, no database — the framework alone. `POST /insert`: the least
any write must do through psycopg — a pool's pre-ping (`SELECT 1` in autocommit, as
SQLAlchemy's `pool_pre_ping` sends it), then BEGIN, a one-row INSERT … RETURNING and COMMIT,
each a round trip of its own: four. A connection per gunicorn thread, opened on its first
request (the app's pool likewise keeps one per thread), to DATABASE_URL (an SQLAlchemy URL, as
the app's).
"""
import os
import threading

import psycopg
from flask import Flask
from sqlalchemy.engine import make_url

TABLE = "bench_writes"

app = Flask(__name__)
app.config["DATABASE_URL"] = os.environ.get("DATABASE_URL")
_local = threading.local()


def conninfo(database_url):
    """libpq's form of an SQLAlchemy URL (`postgresql+psycopg://…` → `postgresql://…`)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_table(database_url):
    """The insert route's table, made once before gunicorn starts (workers would race to)."""
    with psycopg.connect(conninfo(database_url), autocommit=True) as connection:
        connection.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} "
                           "(id bigserial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), "
                           "body text NOT NULL)")


def _connection():
    if getattr(_local, "connection", None) is None or _local.connection.closed:
        _local.connection = psycopg.connect(conninfo(app.config["DATABASE_URL"]), autocommit=True)
    return _local.connection


@app.get("/ping")
def ping():
    return {"status": "ok", "service": "yuanba"}


@app.post("/insert")
def insert():
    connection = _connection()
    connection.execute("SELECT 1")
    with connection.transaction():
        row_id = connection.execute(f"INSERT INTO {TABLE} (body) VALUES (%s) RETURNING id",
                                    ("楼道灯坏了",)).fetchone()[0]
    return {"id": row_id}, 201
