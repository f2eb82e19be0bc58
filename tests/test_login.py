"""Sign-in over real HTTP to a fake WeChat server, tokens, refresh and logout."""
import logging
from datetime import timedelta

import pytest

from app.auth.models import AuthSession, User
from app.auth.permissions import current_user, grants_of
from app.community import acting
from app.community import service as community
from app.community.models import Household, HouseholdHelper, Role
from app.extensions import db
from app.models_base import utcnow
from tests.conftest import counting_statements, login


def test_wechat_login_goes_through_the_configured_base(wechat_app, fake_wechat, caplog):
    caplog.set_level(logging.DEBUG)
    fake_wechat.codes["good-code"] = {"openid": "o-resident-1", "session_key": "SECRET-SESSION-KEY"}
    client = wechat_app.test_client()

    response = client.post("/api/v1/auth/login", json={"code": "good-code"})

    assert response.status_code == 200
    body = response.get_json()
    assert body["token"] and body["user"]["household"] is None
    assert fake_wechat.paths() == ["/cgi-bin/stable_token", "/sns/jscode2session"]
    _, _, query, _ = fake_wechat.requests[1]
    assert query["appid"] == "wx-test-app" and query["js_code"] == "good-code"
    assert "SECRET-SESSION-KEY" not in response.get_data(as_text=True)
    assert "SECRET-SESSION-KEY" not in caplog.text
    with wechat_app.app_context():
        assert db.session.scalar(db.select(User).filter_by(openid="o-resident-1")) is not None
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["id"] == body["user"]["id"]


def test_second_login_reuses_user_and_cached_access_token(wechat_app, fake_wechat):
    fake_wechat.codes.update({"c1": {"openid": "o-1"}, "c2": {"openid": "o-1"}})
    client = wechat_app.test_client()
    first = client.post("/api/v1/auth/login", json={"code": "c1"}).get_json()
    second = client.post("/api/v1/auth/login", json={"code": "c2"}).get_json()
    assert first["user"]["id"] == second["user"]["id"]
    assert fake_wechat.paths().count("/cgi-bin/stable_token") == 1
    with wechat_app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 1


@pytest.mark.parametrize("errcode, status, code", [
    (40029, 401, "invalid_login_code"),
    (40163, 401, "invalid_login_code"),
    (45011, 429, "wechat_rate_limited"),
    (-1, 503, "wechat_unavailable"),
    (40226, 502, "wechat_error"),
])
def test_wechat_errors_map_to_clear_api_errors(wechat_app, fake_wechat, errcode, status, code):
    fake_wechat.codes["bad"] = {"errcode": errcode, "errmsg": "from wechat"}
    response = wechat_app.test_client().post("/api/v1/auth/login", json={"code": "bad"})
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]
    if status == 429:
        assert response.headers["Retry-After"]
    with wechat_app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_wechat_http_500_is_unavailable(wechat_app, fake_wechat):
    fake_wechat.codes["boom"] = "http500"
    response = wechat_app.test_client().post("/api/v1/auth/login", json={"code": "boom"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "wechat_unavailable"


def test_wechat_unreachable_is_503(make_app, free_port):
    app = make_app(WECHAT_APPID="wx", WECHAT_SECRET="s", WECHAT_API_BASE=f"http://127.0.0.1:{free_port}",
                   WECHAT_TIMEOUT=1.0)
    response = app.test_client().post("/api/v1/auth/login", json={"code": "any"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "wechat_unavailable"


def test_wechat_too_slow_is_503_not_a_hang(wechat_app, fake_wechat):
    fake_wechat.codes["slow"] = {"openid": "o-slow"}
    fake_wechat.delay = 2.0  # the app's timeout is 1 s
    response = wechat_app.test_client().post("/api/v1/auth/login", json={"code": "slow"})
    assert response.status_code == 503
    assert len(fake_wechat.requests) == 1  # gave up on the token fetch, went no further


def test_refused_access_token_is_503(wechat_app, fake_wechat):
    fake_wechat.token_errcode = -1
    fake_wechat.codes["c"] = {"openid": "o"}
    response = wechat_app.test_client().post("/api/v1/auth/login", json={"code": "c"})
    assert response.status_code == 503


def test_dev_login_only_without_wechat_credentials(app, client, wechat_app):
    assert client.post("/api/v1/auth/login", json={"code": "dev:alice"}).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(User).filter_by(openid="dev-alice")) is not None
    refused = wechat_app.test_client().post("/api/v1/auth/login", json={"code": "dev:alice"})
    assert refused.status_code == 401


DEMO_LOGINS = {"admin", "staff", "owners", "supervisor", "liaison-cg", "liaison-zj", "volunteer", "resident", "elder",
               "bhead", *(f"bhead{n}" for n in range(2, 7)), *(f"grid{n}" for n in range(1, 8)),
               *(f"council{n}" for n in range(1, 22))}


def test_dev_logins_list_the_demo_people_and_each_signs_in(app, client):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    login(client, "newcomer")  # a development login with no role and no home is nobody to pick

    response = client.get("/api/v1/auth/dev-logins")

    assert response.status_code == 200
    people = response.get_json()["items"]
    assert {person["code"] for person in people} == {f"dev:{name}" for name in DEMO_LOGINS}
    staff = next(person for person in people if person["code"] == "dev:staff")
    assert staff["name"] == "王海燕" and staff["roles"] == [{"role": "staff", "scope_id": 1, "scope_name": "东海社区"}]
    council = next(person for person in people if person["code"] == "dev:council1")
    assert [role["role"] for role in council["roles"]] == ["council_member", "resident"]
    assert council["roles"][1]["scope_name"].startswith("海滨新村1幢 ")
    for person in people:
        signed_in = client.post("/api/v1/auth/login", json={"code": person["code"]})
        assert signed_in.status_code == 200, person
        user = signed_in.get_json()["user"]
        assert user["name"] == person["name"]
        assert {(r["role"], r["scope_id"]) for r in user["roles"]} == \
            {(r["role"], r["scope_id"]) for r in person["roles"]}, person


def test_no_dev_logins_where_the_dev_login_is_off(wechat_app):
    response = wechat_app.test_client().get("/api/v1/auth/dev-logins")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_dev_login_rejects_odd_names(client):
    response = client.post("/api/v1/auth/login", json={"code": "dev:../../etc"})
    assert response.status_code == 422


def test_real_code_without_credentials_says_how_to_log_in(client):
    response = client.post("/api/v1/auth/login", json={"code": "081abc"})
    assert response.status_code == 401
    assert "dev:" in response.get_json()["error"]["message"]


def test_me_needs_a_valid_token(client):
    assert client.get("/api/v1/me").status_code == 401
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "token_invalid"
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_refresh_gives_a_new_token_and_kills_the_old(client):
    headers = login(client, "bob")
    response = client.post("/api/v1/auth/refresh", headers=headers)
    assert response.status_code == 200
    new_headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
    assert client.get("/api/v1/me", headers=new_headers).status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/refresh", headers=headers).status_code == 401


def test_logout_revokes_only_that_session(client):
    phone = login(client, "carol")
    tablet = login(client, "carol")
    assert client.post("/api/v1/auth/logout", headers=phone).status_code == 204
    assert client.get("/api/v1/me", headers=phone).status_code == 401
    assert client.get("/api/v1/me", headers=tablet).status_code == 200


def test_expired_session_is_refused(app, client):
    headers = login(client, "dave")
    with app.app_context():
        db.session.execute(db.update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "token_expired"


def test_token_signed_with_another_key_is_refused(client, make_app):
    headers = login(client, "erin")
    other = make_app(SECRET_KEY="another-secret-key-" + "y" * 32)
    assert other.test_client().get("/api/v1/me", headers=headers).status_code == 401


def test_update_own_profile(client):
    headers = login(client, "frank")
    response = client.patch("/api/v1/me", json={"name": "王建国", "phone": "13800001111"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["name"] == "王建国"
    bad = client.patch("/api/v1/me", json={"phone": "call me"}, headers=headers)
    assert bad.status_code == 422 and "phone" in bad.get_json()["error"]["details"]["fields"]


def test_the_sign_in_read_brings_a_residents_grants(app, client, places):
    """Every signed-in request starts by reading its session. A resident holding no role and
    helping no household — most of those who sign in — has their grants and helper links from
    that same read, and anyone else their household; a request that changes someone's household
    reads their grants again."""
    with app.app_context():
        db.session.add(HouseholdHelper(household_id=places["h2"], user_id=places["nobody"], granted_as="head",
                                       report_and_follow=True))
        db.session.commit()

    def on_sign_in(name):
        headers = login(client, name)
        with app.test_request_context(headers=headers), counting_statements(app) as statements:
            user = current_user()
            roles = [(grant.role, grant.scope_id) for grant in grants_of(user)]
            helped = acting.helped(user)
        return roles, helped, len([sql for sql in statements if not sql.startswith("BEGIN")])  # SQLite's own

    assert on_sign_in("resident") == ([(Role.RESIDENT, places["h1"])], [], 1)
    # A helper's links are read; a building head's role and its building, not the household.
    assert on_sign_in("nobody") == ([], [places["h2"]], 2)
    assert on_sign_in("bhead") == ([(Role.BUILDING_HEAD, places["b1"])], [], 3)

    with app.test_request_context(headers=login(client, "nobody")):
        user = current_user()
        assert grants_of(user) == []
        community.add_member(db.session.get(Household, places["other_household"]), user)
        assert [(grant.role, grant.scope_id) for grant in grants_of(user)] == [(Role.RESIDENT, places["other_household"])]
        db.session.rollback()
