"""Scale-out: the app keeps no state in the process. Two app servers (gunicorn with
config/gunicorn.conf.py, two workers each) on two ports over one database and one Redis share
sign-ins, idempotency records, rate limits and the WeChat access token.

Redis is the real one of TEST_REDIS_URL (CI's second pass) or fakeredis's TCP server, which the
instances reach over the network as they would a real one (the in-process FakeRedis the rest of
the suite uses cannot be shared between processes). Also here: the database pool settings and
the client address gunicorn takes from a trusted proxy.
"""
import os
import runpy
import threading
from contextlib import ExitStack

import fakeredis
import pytest
import redis
import requests
from fakeredis._clients._tcp_server import TCPFakeRequestHandler
from sqlalchemy import create_engine, func, select, text

import config
from app.extensions import db
from app.idempotency import IdempotencyRecord
from app.matters.models import Matter
from tests.conftest import ROOT, TEST_REDIS_URL, gunicorn, login, unused_port
from tests.fake_wechat import FakeWeChat

API = "/api/v1"
APPID = "wx-scale-out"  # not the other tests' app id: its token must be fetched here


class _AnswerErrors(TCPFakeRequestHandler):
    """fakeredis 2.40's TCP server hangs up after any error reply (cunla/fakeredis-py#432).
    redis-py runs a Lua script by EVALSHA and loads it on the NOSCRIPT error, on the same
    connection, so scripts (rate limits, lock release) would fail. Answer the error and keep
    the connection, as Redis does."""

    def setup(self):
        super().setup()
        read = self.current_client.read_response

        def read_response(**kwargs):
            try:
                return read(**kwargs)
            except redis.ResponseError as error:
                return error

        self.current_client.read_response = read_response


@pytest.fixture(scope="module")
def redis_url():
    """One Redis both instances reach over TCP."""
    if TEST_REDIS_URL:
        yield TEST_REDIS_URL  # flushed after each test by conftest's make_app
        return
    server = fakeredis.TcpFakeServer(("127.0.0.1", unused_port()))
    server.RequestHandlerClass = _AnswerErrors
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"redis://127.0.0.1:{server.server_address[1]}/0"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def wechat():
    fake = FakeWeChat().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def instances(database_url, _schema, redis_url, wechat, tmp_path_factory):
    """Instances A and B, started once for this module: their base URLs. Each test brings its
    own data (`places`, emptied afterwards). Sign-in goes through the fake WeChat, so every
    login needs the access token."""
    logs = tmp_path_factory.mktemp("scale-out")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WECHAT_", "REDIS_URL", "DATABASE_URL", "GUNICORN_", "DB_"))}
    env.update(APP_ENV="testing", DATABASE_URL=database_url, REDIS_URL=redis_url,
               SECRET_KEY="scale-out-key-" + "s" * 32,  # the same on every machine
               WECHAT_APPID=APPID, WECHAT_SECRET="wx-scale-out-secret", WECHAT_API_BASE=wechat.url,
               MEDIA_ROOT=str(logs / "media"), GUNICORN_WORKERS="2", GUNICORN_THREADS="2")
    with ExitStack() as servers:
        yield [servers.enter_context(gunicorn(env, logs / f"gunicorn-{name}.log")) for name in ("a", "b")]


def login_on(base, wechat, openid, address=None):
    """Sign in on `base` with a fresh wx.login code for `openid`, from `address` as nginx
    would pass it on."""
    code = f"code-{len(wechat.codes)}"
    wechat.codes[code] = {"openid": openid}
    headers = {"X-Forwarded-For": address} if address else {}
    return requests.post(f"{base}{API}/auth/login", json={"code": code}, headers=headers, timeout=10)


def token_from(base, wechat, openid):
    response = login_on(base, wechat, openid)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def call(method, base, path, token=None, **kwargs):
    # A new connection each time (no session): gunicorn hands it to either worker.
    headers = {**kwargs.pop("headers", {}), **({"Authorization": f"Bearer {token}"} if token else {})}
    return requests.request(method, f"{base}{API}{path}", headers=headers, timeout=10, **kwargs)


def test_a_sign_in_on_one_instance_holds_on_the_other(instances, places, wechat):
    a, b = instances
    for base in instances:  # each reaches the one database and the one Redis
        assert requests.get(f"{base}/healthz", timeout=5).json() == {"status": "ok", "database": "ok", "redis": "ok"}
    # WeChat expires its access token: whatever an earlier test left cached is refused now.
    wechat.expire_token()
    fetches = wechat.paths().count("/cgi-bin/stable_token")
    token = token_from(a, wechat, "dev-resident")
    me = call("GET", b, "/me", token)
    assert me.status_code == 200 and me.json()["id"] == places["resident"]

    refreshed = call("POST", b, "/auth/refresh", token)
    assert refreshed.status_code == 200
    new_token = refreshed.json()["token"]
    assert call("GET", a, "/me", token).status_code == 401  # refreshed on B: the old token is dead on A
    assert call("GET", a, "/me", new_token).status_code == 200

    assert call("POST", a, "/auth/logout", new_token).status_code == 204
    gone = call("GET", b, "/me", new_token)
    assert gone.status_code == 401 and gone.json()["error"]["code"] == "token_invalid"

    # Both instances signed people in through WeChat, each login with the access token, and
    # WeChat was asked for a new one once: the token is kept in Redis, not in each process.
    for base in (b, a, b, a):
        token_from(base, wechat, "dev-staff")
    assert wechat.paths().count("/cgi-bin/stable_token") - fetches == 1


def test_an_idempotency_key_replays_across_instances(instances, app, places, wechat):
    a, b = instances
    token = token_from(a, wechat, "dev-resident")
    body = {"title": "三单元楼道灯不亮", "category": "street_lamp"}
    key = {"Idempotency-Key": "report-lamp"}

    first = call("POST", a, "/matters", token, json=body, headers=key)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    retry = call("POST", b, "/matters", token, json=body, headers=key)  # the phone retried; B answered
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    other = call("POST", b, "/matters", token, json={**body, "title": "别的事"}, headers=key)
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Matter)) == 1
        assert db.session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1


def test_rate_limits_are_counted_across_instances(instances, places, wechat):
    a, b = instances
    # Per person: 10 reports a minute, whichever instance takes them (the grid worker, who has
    # reported nothing in this module yet; records for building 1).
    token = token_from(a, wechat, "dev-gridworker")
    reports = [call("POST", (a, b)[n % 2], "/matters", token,
                    json={"title": f"路灯坏了 {n}", "category": "street_lamp", "building_id": places["b1"]})
               for n in range(12)]
    assert [r.status_code for r in reports] == [201] * 10 + [429] * 2
    assert {r.json()["error"]["code"] for r in reports[10:]} == {"rate_limited"}
    assert all(int(r.headers["Retry-After"]) > 0 for r in reports[10:])

    # Per address: 60 refused sign-ins a minute (codes WeChat does not know). The address is
    # the one nginx saw, sent in X-Forwarded-For from a trusted proxy (the test stands in for
    # nginx on 127.0.0.1).
    refused = [requests.post(f"{(a, b)[n % 2]}{API}/auth/login", json={"code": f"made-up-{n}"},
                             headers={"X-Forwarded-For": "203.0.113.7"}, timeout=10) for n in range(62)]
    assert [r.status_code for r in refused] == [401] * 60 + [429] * 2
    assert {r.json()["error"]["code"] for r in refused[60:]} == {"rate_limited"}
    # An entry the client wrote itself is not believed: nginx appends the address it saw.
    assert login_on(b, wechat, "dev-resident", "198.51.100.9, 203.0.113.7").status_code == 429
    # Another address (another courtyard's Wi-Fi) is not held back.
    assert login_on(a, wechat, "dev-resident", "203.0.113.8").status_code == 200


def test_the_client_address_is_taken_only_from_a_trusted_proxy():
    middleware = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))["ClientAddressFromProxy"]

    def client_address(allowed, peer, forwarded):
        seen = {}

        def app(environ, _start_response):
            seen["address"] = environ["REMOTE_ADDR"]
            return []

        middleware(app, allowed)({"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": forwarded}, None)
        return seen["address"]

    assert client_address(["127.0.0.1"], "127.0.0.1", "1.2.3.4, 203.0.113.7") == "203.0.113.7"
    assert client_address(["10.0.0.0/8"], "10.1.2.3", "203.0.113.7") == "203.0.113.7"
    assert client_address(["*"], "198.51.100.1", "203.0.113.7") == "203.0.113.7"
    assert client_address(["127.0.0.1"], "198.51.100.1", "203.0.113.7") == "198.51.100.1"  # not our proxy
    assert client_address(["127.0.0.1"], "127.0.0.1", "not-an-address") == "127.0.0.1"
    assert client_address(["127.0.0.1"], "127.0.0.1", "") == "127.0.0.1"


def test_a_request_that_finds_no_free_connection_answers_503(make_app, places):
    app = make_app(DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0, DB_POOL_TIMEOUT=0.2)
    client = app.test_client()
    headers = login(client, "resident")
    with app.app_context():
        held = db.engine.connect()  # the pool's only connection, busy elsewhere
    try:
        busy = client.get(f"{API}/me", headers=headers)
    finally:
        held.close()
    assert busy.status_code == 503
    assert busy.get_json()["error"]["code"] == "database_busy" and int(busy.headers["Retry-After"]) > 0
    assert client.get(f"{API}/me", headers=headers).status_code == 200


def test_pool_settings_reach_the_engine(make_app):
    app = make_app(DB_POOL_SIZE=3, DB_MAX_OVERFLOW=1, DB_STATEMENT_TIMEOUT_MS=1500)
    with app.app_context():
        assert db.engine.pool.size() == 3
        if db.engine.dialect.name == "postgresql":
            assert db.session.scalar(text("SHOW statement_timeout")) == "1500ms"
    # SQLite in memory keeps SQLAlchemy's single-connection pool, which takes no sizes.
    settings = config.TestingConfig()
    settings.SQLALCHEMY_DATABASE_URI, settings.SECRET_KEY = "sqlite://", "k" * 32
    engine = create_engine(settings.SQLALCHEMY_DATABASE_URI, **settings.validate().SQLALCHEMY_ENGINE_OPTIONS)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT 1")) == 1
    engine.dispose()
