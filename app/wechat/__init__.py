"""The only code that talks to WeChat's server API.

wechatpy 1.8.18 writes WeChat's host into several places (the access-token fetch, each API
group's base URL) and sets no timeout on the token fetch. `MiniProgramClient` routes every
call through WECHAT_API_BASE with a timeout, and fetches tokens from `cgi-bin/stable_token`,
which unlike `cgi-bin/token` does not invalidate the token other processes hold. Tokens are
kept in Redis when configured, so all processes share one; while Redis is down each process
keeps its own (safe for the same reason), so logins and sends go on.

wechatpy's own retry on a refused token is off (it recurses for as long as WeChat refuses);
`call()` instead refreshes the token once, for all processes, and retries once.

Login failures become ApiErrors here; other callers get WeChatUnavailable (try later),
WeChatNoAnswer (a kind of it: the request reached WeChat, which did not answer, so it may have
acted on it) or wechatpy's WeChatClientException with WeChat's errcode (a refusal).
"""
import logging
import threading
import time
from urllib.parse import parse_qs, urlparse

import redis
import requests
from urllib3.exceptions import NewConnectionError
from flask import current_app
from wechatpy import WeChatClient
from wechatpy.client.api.base import BaseWeChatAPI
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage
from wechatpy.session.memorystorage import MemoryStorage
from wechatpy.session.redisstorage import RedisStorage

from app.errors import ApiError

log = logging.getLogger(__name__)

WECHAT_HOST = "https://api.weixin.qq.com"
# Drop a cached token this long before WeChat expires it, so no call uses a dead one.
TOKEN_EXPIRY_MARGIN = 300

INVALID_CODE = {40029, 40163}  # invalid code, code already used
RATE_LIMITED = {45011}
SYSTEM_BUSY = {-1}
# invalid credential, invalid token, expired token: refresh the token and try once more.
TOKEN_REFUSED = {40001, 40014, 42001}


class WeChatUnavailable(Exception):
    """WeChat could not be reached, timed out, answered 5xx or said 'system busy' (-1)."""


class WeChatNoAnswer(WeChatUnavailable):
    """The request went out and no answer came back (read timeout, connection dropped): WeChat
    may have acted on it. Only a failure to connect is known to have sent nothing."""


class MiniProgramClient(WeChatClient):
    """wechatpy's client with every URL under `api_base` and a timeout on every call."""

    def __init__(self, appid, secret, api_base, timeout, session, refresh_lock):
        super().__init__(appid, secret, session=session, timeout=timeout, auto_retry=False)
        self.api_base = api_base.rstrip("/")
        self.refresh_lock = refresh_lock
        self.API_BASE_URL = f"{self.api_base}/cgi-bin/"
        # wechatpy puts one instance of each API group in the client's __dict__ (never
        # inspect.getmembers: it would read the access_token property and fetch a token).
        for group in list(vars(self).values()):
            base = getattr(group, "API_BASE_URL", None) if isinstance(group, BaseWeChatAPI) else None
            if base and base.startswith(WECHAT_HOST):
                group.API_BASE_URL = self.api_base + base[len(WECHAT_HOST):]

    def fetch_access_token(self, force_refresh=False):
        response = self._http.post(
            f"{self.api_base}/cgi-bin/stable_token",
            json={"grant_type": "client_credential", "appid": self.appid,
                  "secret": self.secret, "force_refresh": force_refresh},
            timeout=self.timeout,
        )
        if response.status_code >= 400:
            raise WeChatClientException(None, f"HTTP {response.status_code}", client=self,
                                        request=response.request, response=response)
        result = response.json()
        if result.get("errcode"):
            raise WeChatClientException(result["errcode"], result.get("errmsg"), client=self,
                                        request=response.request, response=response)
        ttl = max(int(result.get("expires_in", 7200)) - TOKEN_EXPIRY_MARGIN, 60)
        self.session.set(self.access_token_key, result["access_token"], ttl)
        self.expires_at = int(time.time()) + ttl
        return result

    def refresh_access_token(self, refused):
        """WeChat refused the token `refused`: make the shared token a different one.

        Under a lock held across processes, so a burst of refusals costs one refresh. If another
        process already replaced the token, that one is used. A plain stable_token call returns
        the same token until it expires, so when it does, force a new one (WeChat allows a few
        forced refreshes a day; they invalidate the old token for everyone, which is the point).
        """
        with self.refresh_lock:
            current = self.session.get(self.access_token_key)
            if current and current != refused:
                return
            self.session.delete(self.access_token_key)
            if self.fetch_access_token()["access_token"] == refused:
                self.fetch_access_token(force_refresh=True)


class SharedStorage(SessionStorage):
    """Redis storage that falls back to this process's memory while Redis is unreachable."""

    def __init__(self, redis_client):
        self.shared = RedisStorage(redis_client, prefix="yuanba:wechat")
        self.local = MemoryStorage()

    def _shared(self, operation, *args):
        try:
            return getattr(self.shared, operation)(*args)
        except redis.RedisError as exc:
            log.warning("WeChat token cache: Redis unreachable (%s); using this process's copy",
                        exc.__class__.__name__)
            return getattr(self.local, operation)(*args)

    def get(self, key, default=None):
        return self._shared("get", key, default)

    def set(self, key, value, ttl=None):
        self.local.set(key, value, ttl)
        self._shared("set", key, value, ttl)

    def delete(self, key):
        self.local.delete(key)
        self._shared("delete", key)


class SharedLock:
    """The cross-process refresh lock in Redis; this process's lock while Redis is unreachable."""

    def __init__(self, redis_client):
        self.shared = redis_client.lock("yuanba:wechat:token-refresh", timeout=30, blocking_timeout=30)
        self.local = threading.Lock()
        self.held = threading.local()  # which of the two this thread took

    def __enter__(self):
        try:
            self.shared.acquire()
            self.held.lock = self.shared
        except redis.RedisError:
            self.local.acquire()
            self.held.lock = self.local
        return self

    def __exit__(self, *exc):
        try:
            self.held.lock.release()
        except redis.RedisError:
            pass  # the Redis lock expires by itself


def get_client():
    """The app's client, built once per process."""
    app = current_app
    client = app.extensions.get("wechat")
    if client is None:
        redis_client = app.extensions.get("redis")
        if redis_client is not None:
            storage, lock = SharedStorage(redis_client), SharedLock(redis_client)
        else:
            storage, lock = MemoryStorage(), threading.Lock()
        client = MiniProgramClient(
            app.config["WECHAT_APPID"], app.config["WECHAT_SECRET"],
            app.config["WECHAT_API_BASE"], app.config["WECHAT_TIMEOUT"], storage, lock,
        )
        app.extensions["wechat"] = client
    return client


def call(fn, *args, **kwargs):
    """Run a wechatpy call of the app's client.

    A refused access token is refreshed and the call tried once more. Network faults, HTTP
    errors, 'system busy' (-1) and a token refused twice become WeChatUnavailable.
    """
    for attempt in (1, 2):
        try:
            return fn(*args, **kwargs)
        except requests.RequestException as exc:
            if may_have_reached(exc):
                log.warning("WeChat did not answer: %s", exc.__class__.__name__)
                raise WeChatNoAnswer() from exc
            log.warning("WeChat unreachable: %s", exc.__class__.__name__)
            raise WeChatUnavailable() from exc
        except WeChatClientException as exc:
            if exc.errcode in TOKEN_REFUSED and attempt == 1:
                log.info("WeChat refused the access token (errcode=%s); refreshing", exc.errcode)
                _token_call(get_client().refresh_access_token, _token_of(exc))
                continue
            if exc.errcode is None or exc.errcode in SYSTEM_BUSY or exc.errcode in TOKEN_REFUSED:
                log.warning("WeChat unavailable: errcode=%s", exc.errcode)
                raise WeChatUnavailable() from exc
            raise


def may_have_reached(exc):
    """Whether a failed request may have reached WeChat: all but a failure to connect."""
    if isinstance(exc, (requests.ConnectTimeout, requests.exceptions.SSLError)):
        return False
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return not (isinstance(exc, requests.ConnectionError) and isinstance(reason, NewConnectionError))


def _token_call(fn, *args):
    """`call` for an access-token fetch: one left unanswered sent no message, so it is merely
    unavailable to the caller."""
    try:
        return call(fn, *args)
    except WeChatNoAnswer as exc:
        raise WeChatUnavailable() from exc


def _token_of(exc):
    """The access token the refused request carried."""
    url = getattr(exc.request, "url", None) or ""
    return parse_qs(urlparse(url).query).get("access_token", [None])[0]


def send_subscribe_message(openid, template_id, data, page=None):
    """Send one subscribe message (订阅消息); `data` is already fitted to the template."""
    body = {"touser": openid, "template_id": template_id, "data": data, "lang": "zh_CN",
            "miniprogram_state": current_app.config["WECHAT_MINIPROGRAM_STATE"]}
    if page:
        body["page"] = page
    client = get_client()
    # The token first, on its own: then WeChatNoAnswer can only mean the message itself.
    _token_call(getattr, client, "access_token")
    return call(client.post, "message/subscribe/send", data=body)


def code_to_session(code):
    """Exchange a wx.login code for the user's openid (and unionid, when bound).

    The session_key WeChat returns is dropped here: nothing we do needs it, and a key that is
    never kept can never leak.
    """
    try:
        result = call(get_client().wxa.code_to_session, code)
    except WeChatUnavailable:
        raise ApiError(503, "wechat_unavailable", "微信服务暂时不可用，请稍后再试") from None
    except WeChatClientException as exc:
        log.info("code2Session refused: errcode=%s", exc.errcode)
        if exc.errcode in INVALID_CODE:
            raise ApiError(401, "invalid_login_code", "登录凭证无效或已使用，请重新登录") from None
        if exc.errcode in RATE_LIMITED:
            raise ApiError(429, "wechat_rate_limited", "登录太频繁，请稍后再试",
                           headers={"Retry-After": "60"}) from None
        raise ApiError(502, "wechat_error", "微信登录失败，请稍后再试",
                       details={"errcode": exc.errcode}) from None
    if not result.get("openid"):
        raise ApiError(502, "wechat_error", "微信登录失败，请稍后再试")
    return {"openid": result["openid"], "unionid": result.get("unionid")}


def text_is_risky(openid, text, scene=3):
    """WeChat content security (msgSecCheck v2) for text residents publish; scene 3 = forum.

    Fails open: when WeChat is down or refuses the call, the text is accepted and the failure
    logged, so a WeChat outage never stops a resident reporting a broken drain.
    """
    client = get_client()
    try:
        result = call(client.post, f"{client.api_base}/wxa/msg_sec_check",
                      data={"version": 2, "openid": openid, "scene": scene, "content": text})
    except (WeChatUnavailable, WeChatClientException) as exc:
        log.warning("msgSecCheck unavailable, text accepted: %s", getattr(exc, "errcode", exc.__class__.__name__))
        return False
    return (result.get("result") or {}).get("suggest") == "risky"


def check_media_async(openid, media_url, scene=3):
    """Ask WeChat to check an image (mediaCheckAsync v2); the verdict arrives later on the
    message push endpoint (app/wechat/push.py). Returns the trace id, or None when WeChat could
    not take the request (the photo stays visible: failing open, as for text)."""
    client = get_client()
    try:
        result = call(client.post, f"{client.api_base}/wxa/media_check_async",
                      data={"media_url": media_url, "media_type": 2, "version": 2, "scene": scene,
                            "openid": openid})
    except (WeChatUnavailable, WeChatClientException) as exc:
        log.warning("mediaCheckAsync unavailable, photo not checked: %s",
                    getattr(exc, "errcode", exc.__class__.__name__))
        return None
    return result.get("trace_id")


def miniprogram_code_image(scene, page):
    """A mini-program code (getwxacodeunlimit) opening `page` with `scene` in the build
    WECHAT_ENV_VERSION names: PNG bytes. 503 when WeChat cannot make one now.

    Posted here rather than through wechatpy, whose helper cannot send `env_version`. A trial or
    develop build's page is not published, so WeChat is told not to check it (`check_path`)."""
    env_version = current_app.config["WECHAT_ENV_VERSION"]
    body = {"scene": scene, "page": page, "env_version": env_version}
    if env_version != "release":
        body["check_path"] = False
    client = get_client()
    try:
        response = call(client.post, f"{client.api_base}/wxa/getwxacodeunlimit", data=body)
    except WeChatUnavailable:
        raise ApiError(503, "wechat_unavailable", "微信服务暂时不可用，请稍后再试") from None
    except WeChatClientException as exc:
        raise ApiError(502, "wechat_error", "生成小程序码失败", details={"errcode": exc.errcode}) from None
    return response.content
