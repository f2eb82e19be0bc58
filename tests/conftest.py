"""Test harness: SQLite by default, PostgreSQL when TEST_DATABASE_URL is set; fakeredis by
default, real Redis when TEST_REDIS_URL is set. The schema is built by the migrations, once
per run; every test starts from empty tables."""
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fakeredis
import pytest
import redis
import requests
from flask_migrate import upgrade
from rq.job import Job
from sqlalchemy import event, text

from app import create_app
from app.extensions import db
from app.jobs import DEFAULT, queue
from config import TestingConfig
from tests.fake_sms import FakeSms
from tests.fake_wechat import FakeWeChat

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def make_settings(database_url, **overrides):
    settings = TestingConfig()
    settings.SQLALCHEMY_DATABASE_URI = database_url
    settings.SECRET_KEY = "test-secret-key-" + "x" * 32
    settings.WECHAT_APPID = settings.WECHAT_SECRET = None
    settings.REDIS_URL = TEST_REDIS_URL
    if not TEST_REDIS_URL:
        settings.REDIS_CLIENT = fakeredis.FakeRedis()
    settings.RATELIMIT_ENABLED = False
    # Jobs run inline unless a test asks for rq (tests/test_jobs.py); no subscribe templates.
    settings.JOBS_INLINE = True
    settings.WECHAT_TEMPLATES = {}
    for name, value in overrides.items():
        setattr(settings, name, value)
    return settings.validate()


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app(make_settings(database_url))
    with app.app_context():
        if TEST_DATABASE_URL:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()


def _empty_tables():
    """Every table emptied, children first, and every id counting from 1 again. On PostgreSQL
    the DELETEs go in one round trip: TRUNCATE gives each of the fifty tables new files, a
    tenth of a second a test for the few rows a test leaves."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("; ".join(
            [f"DELETE FROM {table.name}" for table in tables]
            + ["SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"])))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def make_app(database_url, _schema, tmp_path):
    """Build an app with settings overridden. Tests open `app.app_context()` only around
    their own database reads: a context left pushed would be shared by every request the
    test client makes (and so would `g`), which production never does."""
    apps = []

    def build(**overrides):
        overrides.setdefault("MEDIA_ROOT", str(tmp_path / "media"))
        app = create_app(make_settings(database_url, **overrides))
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            _empty_tables()
            db.engine.dispose()
    if TEST_REDIS_URL:
        redis.Redis.from_url(TEST_REDIS_URL).flushdb()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def fake_wechat():
    fake = FakeWeChat().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_sms():
    fake = FakeSms().start()
    yield fake
    fake.stop()


@pytest.fixture
def wechat_app(make_app, fake_wechat):
    """An app with WeChat credentials, talking to the fake WeChat server."""
    return make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret",
                    WECHAT_API_BASE=fake_wechat.url, WECHAT_TIMEOUT=1.0)


@pytest.fixture
def connection():
    """Redis for rq: the real one when TEST_REDIS_URL is set, else a private fakeredis."""
    if TEST_REDIS_URL:
        conn = redis.Redis.from_url(TEST_REDIS_URL)
        conn.flushdb()
        return conn
    return fakeredis.FakeRedis(server=fakeredis.FakeServer())


def work(app):
    """Run a worker until the queues are empty (due scheduled jobs included)."""
    with app.app_context():
        queue.worker().work(burst=True, with_scheduler=True)


def make_due(app):
    """Bring every scheduled job (rq's retry backoff, reminders) forward to now."""
    with app.app_context():
        registry = app.extensions["jobs"].queues[DEFAULT].scheduled_job_registry
        ids = registry.get_job_ids()
        for job_id in ids:
            registry.schedule(Job.fetch(job_id, connection=registry.connection),
                              datetime.now(timezone.utc) - timedelta(seconds=1))
        return ids


def unused_port():
    """A port on 127.0.0.1 that nothing listens on: for a server a test starts, or one it finds down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def free_port():
    return unused_port()


@contextmanager
def gunicorn(env, log_path):
    """gunicorn with config/gunicorn.conf.py serving wsgi:app, as production runs it, with `env`
    as its whole environment and its output in `log_path`, on a port of its own. Yields its base
    URL once /healthz answers 200; stops it afterwards."""
    port = unused_port()
    with open(log_path, "wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "wsgi:app"],
                                  cwd=ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                                  stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60  # workers booting on a busy machine
            while True:
                try:
                    if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:  # not listening yet, or a worker still booting
                    pass
                assert server.poll() is None, Path(log_path).read_text()
                assert time.monotonic() < deadline, "gunicorn was not healthy within 60 s\n" + Path(log_path).read_text()
                time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@contextmanager
def counting_statements(app):
    """Collect the SQL statements the app sends while the block runs."""
    statements = []
    with app.app_context():
        engine = db.engine

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def login(client, name):
    """Development login as `dev-<name>`; returns the Authorization headers."""
    response = client.post("/api/v1/auth/login", json={"code": f"dev:{name}"})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@pytest.fixture
def places(app):
    """A small community: two grids, a building in each, households, and people holding roles.
    Returns the ids; people sign in with `login(client, name)`."""
    from app.auth.service import find_or_create_user
    from app.community import service
    from app.community.models import Role

    with app.app_context():
        community = service.create_community("东海社区", "嵊泗县", "菜园镇")
        other_community = service.create_community("长生桥社区", "南岸区", "长生桥镇")
        grid1, grid2 = service.add_grid(community, "第一网格"), service.add_grid(community, "第二网格")
        b1 = service.add_building(service.add_courtyard(grid1, "海滨新村"), "1幢")
        b2 = service.add_building(service.add_courtyard(grid2, "渔港小区"), "2幢")
        ob = service.add_building(service.add_courtyard(service.add_grid(other_community, "一网格"), "院落"), "9幢")
        h1 = service.create_household(b1, unit="1单元", room="101", floor_area=80, head_name="张秀英",
                                      head_phone="13812345678", elderly_alone=True)
        h2 = service.create_household(b2, unit="", room="201", floor_area=60, head_name="李建国",
                                      head_phone="13987654321")
        oh = service.create_household(ob, room="301", floor_area=70)

        def person(name, role=None, scope=None):
            user = find_or_create_user(f"dev-{name}")
            if role:
                service.grant_role(None, user, role, scope)
            return user.id

        ids = {
            "community": community.id, "other_community": other_community.id,
            "grid1": grid1.id, "grid2": grid2.id, "b1": b1.id, "b2": b2.id, "other_building": ob.id,
            "h1": h1.id, "h2": h2.id, "other_household": oh.id,
            "admin": person("admin", Role.ADMIN),
            "staff": person("staff", Role.STAFF, community.id),
            "other_staff": person("other-staff", Role.STAFF, other_community.id),
            "grid_worker": person("gridworker", Role.GRID_WORKER, grid1.id),
            "bhead": person("bhead", Role.BUILDING_HEAD, b1.id),
            "council": person("council", Role.COUNCIL_MEMBER, community.id),
            "nobody": person("nobody"),
        }
        resident = find_or_create_user("dev-resident")
        service.add_member(h1, resident, is_head=True)
        ids["resident"] = resident.id
        db.session.commit()
    return ids
