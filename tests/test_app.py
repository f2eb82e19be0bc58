"""Settings, the error envelope, health, the OpenAPI document, migrations and CLI commands."""
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect

from app.auth.models import User
from app.community.models import Community, Grid, Household, HouseholdMember, RoleAssignment
from app.extensions import api, db
from app.matters.models import Matter
from app.notifications.models import Notification
from config import ConfigError, load_config
from app import create_app
from tests.conftest import login, make_settings

ROOT = Path(__file__).resolve().parent.parent


# ---- settings ------------------------------------------------------------------------------

@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    import config

    monkeypatch.setattr(config, "INSTANCE", tmp_path / "instance")
    for name in ("APP_ENV", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "WECHAT_APPID", "WECHAT_SECRET",
                 "WECHAT_API_BASE", "MEDIA_ROOT"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_development_defaults(clean_env):
    settings = load_config()
    assert settings.APP_ENV == "development"
    assert settings.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///") and settings.REDIS_URL is None
    assert settings.WECHAT_API_BASE == "https://api.weixin.qq.com"
    assert len(settings.SECRET_KEY) >= 32 and settings.dev_login_enabled


@pytest.mark.parametrize("missing", ["SECRET_KEY", "WECHAT_APPID", "WECHAT_SECRET"])
def test_production_refuses_to_start_without(clean_env, missing):
    env = {"APP_ENV": "production", "SECRET_KEY": "k" * 40, "WECHAT_APPID": "wx1", "WECHAT_SECRET": "s",
           "DATABASE_URL": "postgresql://db/yuanba"}
    del env[missing]
    for name, value in env.items():
        clean_env.setenv(name, value)
    with pytest.raises(ConfigError, match=missing):
        load_config()


@pytest.mark.parametrize("name", ["WECHAT_TIMEOUT", "SMS_TIMEOUT", "SMS_DAILY_LIMIT"])
def test_a_mistyped_number_names_its_setting(clean_env, name):
    clean_env.setenv(name, "abc")
    with pytest.raises(ConfigError, match=f"{name} must be a .*number, got 'abc'"):
        load_config()


def test_production_needs_a_long_key_and_postgresql(clean_env):
    for name, value in {"APP_ENV": "production", "SECRET_KEY": "short", "WECHAT_APPID": "wx1",
                        "WECHAT_SECRET": "s"}.items():
        clean_env.setenv(name, value)
    with pytest.raises(ConfigError, match="32"):
        load_config()
    clean_env.setenv("SECRET_KEY", "k" * 40)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config()
    clean_env.setenv("DATABASE_URL", "postgresql://db/yuanba")
    settings = load_config()
    assert settings.APP_ENV == "production" and not settings.dev_login_enabled


def test_half_configured_wechat_and_unknown_env_are_refused(clean_env):
    clean_env.setenv("WECHAT_APPID", "wx1")
    with pytest.raises(ConfigError, match="together"):
        load_config()
    clean_env.delenv("WECHAT_APPID")
    clean_env.setenv("APP_ENV", "staging")
    with pytest.raises(ConfigError, match="APP_ENV"):
        load_config()


def test_wsgi_in_production_without_settings_exits_with_a_clear_message():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "SECRET_KEY", "DATABASE_URL"))}
    env["APP_ENV"] = "production"
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "production refuses to start: set SECRET_KEY, WECHAT_APPID, WECHAT_SECRET" in result.stderr


# ---- errors ----------------------------------------------------------------------------------

def assert_envelope(response, status, code):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"] and isinstance(error["details"], dict)


def test_every_failure_is_the_json_envelope(client):
    assert_envelope(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_envelope(client.put("/api/v1/auth/login"), 405, "method_not_allowed")
    assert_envelope(client.post("/api/v1/auth/login", data="{oops", content_type="application/json"),
                    400, "invalid_json")
    assert_envelope(client.post("/api/v1/auth/login", json={"code": ""}), 422, "validation_error")
    assert_envelope(client.post("/api/v1/auth/login", json={"code": "dev:x", "extra": 1}), 422, "validation_error")
    assert_envelope(client.get("/api/v1/me"), 401, "unauthorized")


def test_oversized_body_is_413(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/api/v1/auth/login", data=b"x" * 4096, content_type="application/json")
    assert_envelope(response, 413, "payload_too_large")


def test_unexpected_error_is_500_without_a_trace(make_app):
    app = make_app()

    def broken():
        raise RuntimeError("secret internals")

    app.add_url_rule("/broken", view_func=broken)
    response = app.test_client().get("/broken")
    assert_envelope(response, 500, "internal_error")
    assert "secret internals" not in response.get_data(as_text=True)


def test_database_down_is_503(database_url, free_port):
    app = create_app(make_settings(database_url,
                                   SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://nobody@127.0.0.1:{free_port}/none"))
    client = app.test_client()
    assert_envelope(client.post("/api/v1/auth/login", json={"code": "dev:a"}), 503, "database_unavailable")
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["database"] == "down"


# ---- health and documentation ----------------------------------------------------------------

def test_healthz_checks_database_and_redis(client):
    body = client.get("/healthz").get_json()
    assert body == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_reports_redis_down(make_app, free_port):
    import redis

    app = make_app(REDIS_CLIENT=redis.Redis(host="127.0.0.1", port=free_port, socket_timeout=1))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "down"}


def test_openapi_documents_every_endpoint(app, client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops
                  if method != "parameters"}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") or rule.rule == "/healthz":
            path = rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}")
            served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served and served == documented
    for path, method in documented:
        operation = spec["paths"][path][method.lower()]
        assert any(code.startswith("2") for code in operation["responses"]), (path, method)
        if method in {"POST", "PATCH", "PUT"} and "requestBody" not in operation:
            assert path.endswith(("/refresh", "/logout", "/logout-everywhere", "/read", "/publish", "/publish-minutes",
                                  "/resend", "/close", "/recount", "/confirm", "/console-logins", "/scan",
                                  "/refuse", "/review", "/open-voting", "/withdraw")), (path, method)
    login_op = spec["paths"]["/api/v1/auth/login"]["post"]
    assert login_op["security"] == []
    assert "Idempotency-Key" in str(spec["paths"]["/api/v1/households/join"]["post"]["parameters"])


def test_a_later_app_serves_the_document_a_fresh_build_writes(make_app):
    """The document is written once a process (Api.register_blueprints); another app serves
    the same, and other document settings write another."""
    api._documents.clear()
    fresh = make_app().test_client().get("/api/openapi.json").get_json()
    assert make_app().test_client().get("/api/openapi.json").get_json() == fresh
    retitled = make_app(API_TITLE="院坝测试").test_client().get("/api/openapi.json").get_json()
    assert retitled["info"]["title"] == "院坝测试" != fresh["info"]["title"]
    assert retitled["paths"] == fresh["paths"] and len(api._documents) == 2


def test_docs_page_is_served_without_a_cdn(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and b"/api/docs/static/swagger-ui-bundle.js" in page.data
    assert client.get("/api/docs/static/swagger-ui-bundle.js").status_code == 200



def test_no_cookie_is_set_or_read(app, client, places):
    """Sign-in is by bearer token: no response sets a cookie, a session cookie sent is ignored,
    and nothing can be kept in Flask's session."""
    from flask import session

    headers = login(client, "resident")
    responses = [client.get("/api/v1/me", headers={**headers, "Cookie": "session=eyJ1c2VyIjoxfQ.forged"}),
                 client.get("/api/v1/me", headers={"Cookie": "session=eyJ1c2VyIjoxfQ.forged"}),
                 client.post("/api/v1/auth/login", json={"code": "dev:resident"})]
    assert [response.status_code for response in responses] == [200, 401, 200]
    assert not any("Set-Cookie" in response.headers for response in responses)
    with app.test_request_context(), pytest.raises(RuntimeError):
        session["user_id"] = 1

# ---- migrations ------------------------------------------------------------------------------

def test_models_and_migrations_agree(app):
    """The schema built by `db upgrade` is what the models describe: no missing migration."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_every_value_list_in_the_database_is_the_models(app):
    """A CHECK constraint listing an enum's values (models_base.sql_values) is text to Alembic's
    comparison above: a value added to the enum without a migration passes it, and the database
    refuses the value at run time. Compare the quoted values of every such constraint, as the
    migrated database holds it, with the model's."""
    with app.app_context(), db.engine.connect() as connection:
        inspector = inspect(connection)
        for table in db.metadata.sorted_tables:
            live = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)}
            for constraint in table.constraints:
                text = str(constraint.sqltext) if isinstance(constraint, CheckConstraint) else ""
                if " IN (" not in text:
                    continue
                name = constraint.name if constraint.name.startswith("ck_") else f"ck_{table.name}_{constraint.name}"
                assert name in live, f"{name}: in the model, not in the database"
                assert set(re.findall(r"'([^']*)'", live[name])) == set(re.findall(r"'([^']*)'", text)), name


# ---- commands --------------------------------------------------------------------------------

def test_grant_role_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["grant-role", "wx-openid-1", "admin"])
    assert result.exit_code == 0 and "user created" in result.output
    with app.app_context():
        community = Community(name="测试社区")
        db.session.add(community)
        db.session.commit()
        community_id = community.id
    result = runner.invoke(args=["grant-role", "wx-openid-1", "staff", "--scope", str(community_id)])
    assert result.exit_code == 0
    refused = runner.invoke(args=["grant-role", "wx-openid-1", "staff"])
    assert refused.exit_code != 0 and "范围" in refused.output
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(openid="wx-openid-1"))
        roles = {(a.role, a.scope_id) for a in db.session.scalars(db.select(RoleAssignment).filter_by(user_id=user.id))}
        assert roles == {("admin", None), ("staff", community_id)}


def test_import_roster_command(app, tmp_path):
    with app.app_context():
        db.session.add(Community(name="测试社区"))
        db.session.commit()
    roster = tmp_path / "roster.csv"
    roster.write_text("网格,院落,楼栋,单元,房号,面积\n一网格,院落,1幢,1单元,101,80\n一网格,院落,1幢,1单元,102,\n",
                      encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-roster", str(roster)])
    assert result.exit_code == 2
    assert '"created": 1' in result.output and '"row": 3' in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Household.id))) == 1


def test_demo_builds_donghai_and_is_safe_to_rerun(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        count = {model: db.session.scalar(db.select(db.func.count(model.id)))
                 for model in (Grid, Household, HouseholdMember, RoleAssignment, User, Notification, Matter)}
        council = db.session.scalar(db.select(db.func.count(RoleAssignment.id)).filter_by(role="council_member"))
        elders = db.session.scalar(db.select(db.func.count(Household.id)).filter_by(elderly_alone=True))
    assert count[Grid] == 7 and 300 <= count[Household] <= 600 and council == 21 and elders > 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        again = {model: db.session.scalar(db.select(db.func.count(model.id))) for model in count}
    assert again == count
    for name in ("admin", "staff", "grid1", "bhead", "council1", "owners", "supervisor", "liaison-cg",
                 "volunteer", "resident", "elder"):
        roles = {r["role"] for r in client.get("/api/v1/me", headers=login(client, name)).get_json()["roles"]}
        assert roles, name
    staff = login(client, "staff")
    tree = client.get("/api/v1/communities/1", headers=staff).get_json()
    assert tree["name"] == "东海社区" and len(tree["grids"]) == 7
    resident = login(client, "resident")
    inbox = client.get("/api/v1/notifications", headers=resident).get_json()["items"]
    assert inbox[-1]["title"] == "欢迎使用东海社区院坝"
    mine = client.get("/api/v1/matters/mine", headers=resident).get_json()["items"]
    assert {m["status"] for m in mine} == {"submitted", "assigned"}
    polls = client.get("/api/v1/polls/mine", headers=resident).get_json()["items"]
    assert [(p["title"], p["can_vote"]) for p in polls] == [("1幢楼道加装扶手和声控灯", True)]


def test_roster_upload_size_is_bounded(make_app, places):
    app = make_app(MAX_CONTENT_LENGTH=2048)
    client = app.test_client()
    response = client.post(f"/api/v1/communities/{places['community']}/roster", headers=login(client, "staff"),
                           data={"file": (io.BytesIO(b"a" * 10000), "big.csv")}, content_type="multipart/form-data")
    assert_envelope(response, 413, "payload_too_large")


def test_development_key_is_shared_by_every_process(clean_env, tmp_path):
    first, second = load_config(), load_config()
    assert first.SECRET_KEY == second.SECRET_KEY and len(first.SECRET_KEY) == 64
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600
