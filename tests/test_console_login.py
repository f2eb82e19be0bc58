"""Signing in to the desk console by scanning its code with the phone (app/auth/console_login.py)."""
import base64
from datetime import timedelta

from app.auth.models import ConsoleLogin
from app.extensions import db
from app.models_base import utcnow
from tests.conftest import login

API = "/api/v1"
WINDOWS_CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def start(client):
    response = client.post(f"{API}/auth/console-logins", headers={"User-Agent": WINDOWS_CHROME})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def poll(client, ticket, key=None):
    return client.get(f"{API}/auth/console-logins/{ticket['id']}",
                      headers={"X-Console-Key": key or ticket["browser_key"]})


def act(client, ticket, step, who):
    return client.post(f"{API}/auth/console-logins/{ticket['id']}/{step}", headers=login(client, who))


def test_staff_scan_confirm_and_the_browser_collects_its_session_once(client, places):
    ticket = start(client)
    assert ticket["code_image"] is None and ticket["poll_interval_ms"] > 0  # development: no WeChat
    assert poll(client, ticket).get_json() == {"status": "pending", "session": None}

    scanned = act(client, ticket, "scan", "staff")
    assert scanned.status_code == 200
    assert scanned.get_json()["browser"] == "Windows · Chrome" and scanned.get_json()["may_confirm"] is True
    assert poll(client, ticket).get_json()["status"] == "scanned"
    taken = act(client, ticket, "scan", "bhead")
    assert taken.status_code == 409 and "别人扫过" in taken.get_json()["error"]["message"]
    assert act(client, ticket, "confirm", "bhead").status_code == 409  # only the one who scanned

    assert act(client, ticket, "confirm", "staff").get_json()["status"] == "confirmed"
    assert act(client, ticket, "confirm", "staff").status_code == 200  # a retry is answered the same
    assert poll(client, ticket, key="guessed-key").status_code == 404
    collected = poll(client, ticket).get_json()
    assert collected["status"] == "confirmed" and collected["session"]["user"]["id"] == places["staff"]
    console = {"Authorization": f"Bearer {collected['session']['token']}"}
    assert client.get(f"{API}/me", headers=console).get_json()["id"] == places["staff"]
    again = poll(client, ticket)
    assert again.status_code == 410 and again.get_json()["error"]["code"] == "console_login_used"


def test_a_resident_without_a_role_cannot_let_a_console_in(client, places):
    ticket = start(client)
    scanned = act(client, ticket, "scan", "resident").get_json()
    assert scanned["may_confirm"] is False
    refused = act(client, ticket, "confirm", "resident")
    assert refused.status_code == 403 and "社区工作台" in refused.get_json()["error"]["message"]
    assert poll(client, ticket).get_json() == {"status": "scanned", "session": None}


def test_refused_on_the_phone_the_browser_is_told_and_cannot_be_confirmed_later(client, places):
    ticket = start(client)
    assert act(client, ticket, "refuse", "staff").status_code == 409  # not scanned yet
    act(client, ticket, "scan", "staff")
    assert act(client, ticket, "refuse", "staff").get_json()["status"] == "refused"
    assert poll(client, ticket).get_json() == {"status": "refused", "session": None}
    late = act(client, ticket, "confirm", "staff")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "console_login_refused"


def test_an_expired_code_lets_nobody_in(app, client, places):
    ticket = start(client)
    act(client, ticket, "scan", "staff")
    with app.app_context():
        db.session.get(ConsoleLogin, ticket["id"]).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert poll(client, ticket).get_json() == {"status": "expired", "session": None}
    assert act(client, ticket, "confirm", "staff").status_code == 410
    assert poll(client, ticket).get_json()["session"] is None


def test_unknown_or_malformed_codes_are_404(client, places):
    for login_id in ("nope", "x" * 40, "%E4%B8%AD"):
        response = client.get(f"{API}/auth/console-logins/{login_id}", headers={"X-Console-Key": "k"})
        assert response.status_code == 404
    assert client.get(f"{API}/auth/console-logins/{start(client)['id']}").status_code == 422  # no key


def test_sign_out_everywhere_ends_the_phone_and_the_console(client, places):
    phone = login(client, "staff")
    ticket = start(client)
    client.post(f"{API}/auth/console-logins/{ticket['id']}/scan", headers=phone)
    client.post(f"{API}/auth/console-logins/{ticket['id']}/confirm", headers=phone)
    console = {"Authorization": f"Bearer {poll(client, ticket).get_json()['session']['token']}"}
    assert client.post(f"{API}/auth/logout-everywhere", headers=console).status_code == 204
    assert client.get(f"{API}/me", headers=phone).status_code == 401
    assert client.get(f"{API}/me", headers=console).status_code == 401
    assert client.get(f"{API}/me", headers=login(client, "staff")).status_code == 200  # signing in again works


def test_the_code_is_a_mini_program_code_opening_the_confirmation_page(wechat_app, fake_wechat):
    ticket = start(wechat_app.test_client())
    assert ticket["code_image"].startswith("data:image/png;base64,")
    assert base64.b64decode(ticket["code_image"].split(",", 1)[1]).startswith(b"\x89PNG")
    assert fake_wechat.codes_made == [{"scene": ticket["id"], "page": "pages/console-login/console-login",
                                       "env_version": "release"}]
    with wechat_app.app_context():
        stored = db.session.get(ConsoleLogin, ticket["id"])
        assert ticket["browser_key"] not in (stored.key_hash, stored.id)


def test_erasing_an_account_removes_the_console_codes_it_scanned(app, client, places):
    ticket = start(client)
    act(client, ticket, "scan", "staff")
    erased = client.post(f"{API}/me/erase", json={"confirm": "注销账号"}, headers=login(client, "staff"))
    assert erased.status_code == 204
    with app.app_context():
        assert db.session.get(ConsoleLogin, ticket["id"]) is None
