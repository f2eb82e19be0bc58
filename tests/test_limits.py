"""Limits: sign-in limits that fit shared addresses, per-person rate limits with 429 and
Retry-After, body sizes, page sizes."""
import io

import pytest

from config import ConfigError, load_config
from tests.conftest import login

API = "/api/v1"
COURTYARD = {"REMOTE_ADDR": "203.0.113.7"}  # one courtyard's Wi-Fi, or a carrier's shared address
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.20"}


@pytest.fixture
def signing_in(make_app, fake_wechat):
    """Sign-in with its limits on, through the fake WeChat (which answers 40029 to codes it
    was not given)."""
    return make_app(RATELIMIT_ENABLED=True, WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret",
                    WECHAT_API_BASE=fake_wechat.url, WECHAT_TIMEOUT=1.0).test_client()


def sign_in(client, code, address=COURTYARD):
    return client.post(f"{API}/auth/login", json={"code": code}, environ_base=address)


def fresh_code(fake_wechat, openid):
    """A wx.login code WeChat will accept once, for `openid`."""
    code = f"code-{len(fake_wechat.codes)}"
    fake_wechat.codes[code] = {"openid": openid}
    return code


def code2session_calls(fake_wechat):
    return fake_wechat.paths().count("/sns/jscode2session")


def test_a_whole_courtyard_signs_in_over_one_address(signing_in, fake_wechat):
    """A courtyard meeting where everyone opens the mini-program at once, or a carrier that puts
    a district behind one address: every resident gets in."""
    answers = [sign_in(signing_in, fresh_code(fake_wechat, f"o-resident-{n}")).status_code for n in range(200)]
    assert answers == [200] * 200


def test_refused_sign_ins_from_one_address_are_limited(signing_in, fake_wechat):
    """Made-up codes: 60 a minute from one address reach WeChat, then the address waits."""
    answers = [sign_in(signing_in, f"made-up-{n}") for n in range(61)]
    assert [r.status_code for r in answers] == [401] * 60 + [429]
    refused = answers[-1]
    assert refused.get_json()["error"] == {"code": "rate_limited", "message": "操作太频繁，请稍后再试", "details": {}}
    assert int(refused.headers["Retry-After"]) > 0
    asked = code2session_calls(fake_wechat)
    assert sign_in(signing_in, "made-up-again").status_code == 429
    assert code2session_calls(fake_wechat) == asked  # WeChat (and our quota there) is spared
    assert sign_in(signing_in, fresh_code(fake_wechat, "o-elsewhere"), ELSEWHERE).status_code == 200


def test_a_phone_retrying_a_dead_code_does_not_lock_out_its_neighbours(signing_in, fake_wechat):
    """A phone that lost the answer to its sign-in and retries the same code (WeChat: 40163,
    used) is held back by the code, not by the address its neighbours share."""
    dead = fresh_code(fake_wechat, "o-retrying")
    assert sign_in(signing_in, dead).status_code == 200
    fake_wechat.codes[dead] = {"errcode": 40163, "errmsg": "code been used"}
    retries = [sign_in(signing_in, dead) for _ in range(200)]
    assert [r.status_code for r in retries] == [401] * 3 + [429] * 197
    assert retries[-1].get_json()["error"]["code"] == "rate_limited" and int(retries[-1].headers["Retry-After"]) > 0
    # A neighbour's own stale code is answered as such, and the others sign in.
    assert sign_in(signing_in, "stale").status_code == 401
    neighbours = [sign_in(signing_in, fresh_code(fake_wechat, f"o-neighbour-{n}")).status_code for n in range(40)]
    assert neighbours == [200] * 40
    # A code the limiter cannot hash as text (a lone surrogate) is refused as bad input.
    broken = signing_in.post(f"{API}/auth/login", data='{"code": "\\udc00"}', content_type="application/json",
                             environ_base=COURTYARD)
    assert broken.status_code == 422


def test_a_mistyped_sign_in_limit_stops_the_start(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("LOGIN_FAILURES_PER_ADDRESS", "60 a minute")
    with pytest.raises(ConfigError, match="LOGIN_FAILURES_PER_ADDRESS must be a rate limit"):
        load_config("testing")
    monkeypatch.setenv("LOGIN_FAILURES_PER_ADDRESS", "120 per minute")  # a carrier's busy address
    assert load_config("testing").LOGIN_FAILURES_PER_ADDRESS == "120 per minute"


@pytest.fixture
def limited(make_app, places):
    return make_app(RATELIMIT_ENABLED=True).test_client()


def test_submissions_are_limited_per_person_not_per_address(limited, places):
    resident, neighbour = login(limited, "resident"), login(limited, "gridworker")
    body = {"title": "路灯坏了", "category": "street_lamp"}
    answers = [limited.post(f"{API}/matters", json=body, headers=resident) for _ in range(11)]
    assert [r.status_code for r in answers] == [201] * 10 + [429]
    refused = answers[-1]
    assert refused.get_json()["error"]["code"] == "rate_limited" and int(refused.headers["Retry-After"]) > 0
    # Another person at the same address (a courtyard on one Wi-Fi) is not held back.
    assert limited.post(f"{API}/matters", json={**body, "building_id": places["b1"]},
                        headers=neighbour).status_code == 201
    # Signing in again gives the same person no fresh allowance.
    again = login(limited, "resident")
    assert again != resident
    assert limited.post(f"{API}/matters", json=body, headers=again).status_code == 429


def test_a_retried_request_replays_instead_of_counting(limited, places):
    headers = {**login(limited, "resident"), "Idempotency-Key": "same-report"}
    body = {"title": "路灯坏了", "category": "street_lamp"}
    answers = [limited.post(f"{API}/matters", json=body, headers=headers) for _ in range(15)]
    assert {r.status_code for r in answers} == {201}
    assert len({r.get_json()["id"] for r in answers}) == 1
    # Each replay was counted at the door and given back: the first report took one of ten.
    fresh = [limited.post(f"{API}/matters", json=body, headers={**headers, "Idempotency-Key": f"report-{n}"})
             for n in range(10)]
    assert [r.status_code for r in fresh] == [201] * 9 + [429]


def test_bodies_and_pages_are_bounded(make_app, places):
    client = make_app(MAX_CONTENT_LENGTH=4096).test_client()
    resident = login(client, "resident")
    big = client.post(f"{API}/matters", json={"title": "路灯", "category": "street_lamp", "description": "灯" * 5000},
                      headers=resident)
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "payload_too_large"
    upload = client.post(f"{API}/photos", data={"file": (io.BytesIO(b"x" * 10000), "p.jpg")},
                         content_type="multipart/form-data", headers=resident)
    assert upload.status_code == 413
    assert client.get(f"{API}/notifications?limit=101", headers=resident).status_code == 422
