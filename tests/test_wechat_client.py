"""Our WeChat client (app/wechat) against the fake WeChat over real HTTP: what it sends, how it
reads WeChat's answers, the access token across processes and releases, and the signature on
WeChat's message push."""
import logging

import pytest

from app import wechat
from app.errors import ApiError
from tests.faults import TcpProxy
from tests.matrix_world import push_query

API = "/api/v1"
CREDENTIALS = {"WECHAT_APPID": "wx-test-app", "WECHAT_SECRET": "wx-test-secret", "WECHAT_TIMEOUT": 1.0}
MESSAGE = {"thing1": {"value": "路灯维修"}}


@pytest.fixture
def wechat_at(make_app, fake_wechat):
    """An app of the given settings whose WeChat is the fake server."""
    return lambda **settings: make_app(**CREDENTIALS, WECHAT_API_BASE=fake_wechat.url, **settings)


def send(app):
    with app.app_context():
        return wechat.send_subscribe_message("o-resident", "tmpl-matter", MESSAGE, "pages/matter/matter?id=1")


@pytest.mark.parametrize("state, env_version", [("formal", "release"), ("trial", "trial"), ("developer", "develop")])
def test_messages_and_codes_open_the_build_the_deployment_names(wechat_at, fake_wechat, state, env_version):
    """A trial deployment's messages and codes open the trial build; a code for a build whose
    pages are not published is made without WeChat checking the page."""
    app = wechat_at(WECHAT_MINIPROGRAM_STATE=state, WECHAT_ENV_VERSION=env_version)
    send(app)
    with app.app_context():
        image = wechat.miniprogram_code_image("m-1", "pages/meeting/checkin")
    [message] = fake_wechat.sent
    assert (message["miniprogram_state"], message["lang"], message["page"]) == (
        state, "zh_CN", "pages/matter/matter?id=1")
    assert image.startswith(b"\x89PNG")
    unpublished = {} if env_version == "release" else {"check_path": False}
    assert fake_wechat.codes_made == [{"scene": "m-1", "page": "pages/meeting/checkin", "env_version": env_version,
                                       **unpublished}]


def test_a_refusal_carries_wechats_errcode_and_message(wechat_at, fake_wechat):
    fake_wechat.send_answers = [{"errcode": 47003, "errmsg": "argument invalid! data.thing1.value invalid"}]
    with pytest.raises(wechat.WeChatRefused) as refused:
        send(wechat_at())
    assert refused.value.errcode == 47003
    assert refused.value.errmsg == "argument invalid! data.thing1.value invalid"
    assert fake_wechat.sent == []


@pytest.mark.parametrize("answers", [
    [{"errcode": -1, "errmsg": "system error"}],
    ["http500"],
    ["html"],  # a proxy's page, not WeChat's JSON
    [{"errcode": 40001, "errmsg": "invalid credential"}] * 2,  # refused, refreshed, refused again
], ids=["busy", "http500", "not-json", "token-refused-twice"])
def test_answers_that_say_nothing_about_the_message_make_wechat_unavailable(wechat_at, fake_wechat, answers):
    """Worth trying later, and certainly not delivered: never WeChatNoAnswer, never a refusal."""
    fake_wechat.send_answers = list(answers)
    with pytest.raises(wechat.WeChatUnavailable) as unavailable:
        send(wechat_at())
    assert type(unavailable.value) is wechat.WeChatUnavailable
    assert fake_wechat.paths().count("/cgi-bin/message/subscribe/send") == len(answers)


def test_a_refused_token_fetch_is_an_outage_for_the_operator_not_a_refused_message(wechat_at, fake_wechat, caplog):
    """WeChat refuses our credentials (a wrong WECHAT_SECRET): the message waits for a retry
    rather than being given up, the fetch is not repeated in a loop, and the log says what to fix."""
    fake_wechat.token_errcode = 40125
    with pytest.raises(wechat.WeChatUnavailable):
        send(wechat_at())
    assert fake_wechat.paths() == ["/cgi-bin/stable_token"]
    [error] = [r for r in caplog.records if r.name == "app.wechat" and r.levelno == logging.ERROR]
    assert "40125" in error.getMessage() and "WECHAT_SECRET" in error.getMessage()


def test_a_code_is_the_image_wechat_sends_and_json_in_its_place_is_a_failure(wechat_at, fake_wechat):
    """getwxacodeunlimit answers an image on success and JSON on error."""
    app = wechat_at()
    fake_wechat.code_answers = [None, {"errcode": 40169, "errmsg": "invalid length for scene"},
                                {"errcode": 0, "errmsg": "ok"}]
    with app.app_context():
        assert wechat.miniprogram_code_image("m-1", "pages/meeting/checkin") == b"\x89PNG\r\n\x1a\nm-1"
        with pytest.raises(ApiError) as refused:
            wechat.miniprogram_code_image("m-1", "pages/meeting/checkin")
        assert (refused.value.status, refused.value.details) == (502, {"errcode": 40169})
        with pytest.raises(ApiError) as no_image:
            wechat.miniprogram_code_image("m-1", "pages/meeting/checkin")
        assert no_image.value.status == 503


def test_text_is_checked_by_content_security_v2_and_sent_as_utf8(wechat_at, fake_wechat):
    """Chinese goes out as UTF-8, not \\u escapes; the verdict is result.suggest."""
    fake_wechat.risky_words = {"赌博"}
    app = wechat_at()
    with app.app_context():
        assert wechat.text_is_risky("o-resident", "楼下有人聚众赌博") is True
        assert wechat.text_is_risky("o-resident", "楼道的灯坏了") is False
    checks = [body for _, path, _, body in fake_wechat.requests if path == "/wxa/msg_sec_check"]
    assert [(b["version"], b["openid"], b["scene"]) for b in checks] == [(2, "o-resident", 3)] * 2
    raw = [body for path, body in fake_wechat.raw_bodies if path == "/wxa/msg_sec_check"]
    assert "楼道的灯坏了".encode() in raw[1] and b"\\u" not in raw[1]


def test_an_operators_proxy_for_wechat_is_used(wechat_at, fake_wechat, monkeypatch):
    """A deployment that reaches WeChat through a forward proxy names it in the environment, as
    for any requests client (read once, when the client is built)."""
    for name in ("NO_PROXY", "no_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    host, port = fake_wechat.url.removeprefix("http://").rstrip("/").split(":")
    proxy = TcpProxy(host, int(port))
    try:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
        send(wechat_at())
        assert proxy.connections  # what WeChat got came through the proxy
    finally:
        proxy.close()
    assert fake_wechat.paths() == ["/cgi-bin/stable_token", "/cgi-bin/message/subscribe/send"]


def test_a_token_cached_by_the_previous_release_is_used_as_it_is(wechat_at, fake_wechat, connection):
    """Rolling upgrade: processes of the previous release (wechatpy) and of this one share the
    token under the same Redis key and encoding, so neither makes WeChat replace it."""
    fake_wechat.current_token = "token-7"
    fake_wechat.valid_tokens.add("token-7")
    connection.set("yuanba:wechat:wx-test-app_access_token", b'"token-7"', ex=600)  # as wechatpy wrote it
    send(wechat_at(REDIS_CLIENT=connection))
    assert fake_wechat.paths() == ["/cgi-bin/message/subscribe/send"]
    assert fake_wechat.requests[0][2]["access_token"] == "token-7"


def test_a_token_another_process_already_replaced_is_not_replaced_again(wechat_at, fake_wechat, connection):
    """Two processes over one Redis, the token revoked: the first to be refused forces a new
    token; the second, refused with the old one meanwhile, takes the new one from Redis."""
    first, second = wechat_at(REDIS_CLIENT=connection), wechat_at(REDIS_CLIENT=connection)
    send(first)
    fake_wechat.revoke_token()
    send(first)
    fetches = fake_wechat.paths().count("/cgi-bin/stable_token")
    with second.app_context():
        assert wechat.get_client().refresh_token("token-1") == "token-2"
    assert fake_wechat.paths().count("/cgi-bin/stable_token") == fetches
    assert [body["force_refresh"] for _, path, _, body in fake_wechat.requests
            if path == "/cgi-bin/stable_token"] == [False, False, True]


@pytest.mark.parametrize("forge", [
    lambda: push_query("another-token"),
    lambda: push_query("push-token").replace("nonce=matrix", "nonce=replayed"),
    lambda: push_query("push-token").split("&", 1)[1] + "&signature=%E7%AD%BE%E5%90%8D",  # not hex, not ASCII
    lambda: push_query("push-token").split("&", 1)[1] + "&signature=",
], ids=["other-token", "other-nonce", "not-hex", "empty"])
def test_a_push_whose_signature_does_not_hold_is_refused(make_app, forge):
    client = make_app(WECHAT_PUSH_TOKEN="push-token").test_client()
    assert client.get(f"{API}/wechat/push?{forge()}&echostr=hi").status_code == 403
    assert client.get(f"{API}/wechat/push?{push_query('push-token')}&echostr=hi").data == b"hi"
