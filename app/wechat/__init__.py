"""The only code that talks to WeChat's server API: our own small client, over requests.

Our own rather than an SDK (README: Dependencies): the app makes six calls, and wechatpy 1.8.18,
used before, has had no release since 2021 and had to be patched around for most of the quirks
below. The calls, each to WECHAT_API_BASE with a timeout of WECHAT_TIMEOUT seconds:

- `cgi-bin/stable_token`: the access token (below);
- `sns/jscode2session` (code_to_session): a wx.login code → openid;
- `cgi-bin/message/subscribe/send`: a subscribe message, opening the build
  WECHAT_MINIPROGRAM_STATE names (formal, trial, developer), in zh_CN;
- `wxa/msg_sec_check`, version 2 (text_suggestion, text_is_risky): the verdict is `result.suggest`;
- `wxa/media_check_async`, version 2 (check_media_async): the verdict comes later by message
  push (push.py);
- `wxa/getwxacodeunlimit` (miniprogram_code_image): a mini-program code opening the build
  WECHAT_ENV_VERSION names (release, trial, develop).

The quirks handled:

- The access token comes from `stable_token`, which, unlike `cgi-bin/token`, does not invalidate
  the token other processes hold: a plain fetch returns the current token until five minutes
  before it expires. It is cached until then, in Redis when configured (so all processes share
  one) under the key and JSON encoding wechatpy used, `yuanba:wechat:<appid>_access_token`, so
  processes of the previous release share it during a rolling upgrade; while Redis is down each
  process keeps its own (safe for the same reason).
- It is fetched before the call, on its own: a fetch that got no answer sent nothing, so
  WeChatNoAnswer can only mean the call itself. A fetch WeChat refuses (a wrong WECHAT_SECRET) is
  logged as an error and makes WeChat unavailable: no message is refused for our credentials.
- A refused token (40001, 40014, 42001) is refreshed once and the call tried once more; refused
  again, WeChat is unavailable. The refresh runs under a lock held across processes
  (`yuanba:wechat:token-refresh`), so a burst of refusals costs one refresh, and a process that
  finds the token already replaced uses the new one. When a plain fetch returns the refused
  token again, `force_refresh` makes a new one: WeChat allows 20 a day, 30 s apart, and it
  invalidates the old token for everyone, which is the point.
- Errors come as JSON with an `errcode`, mostly under HTTP 200. -1 (system busy), HTTP errors
  and an answer that is not what was asked for make WeChat unavailable; any other errcode is
  WeChatRefused, 45011 (rate limited) included, for the caller to map (login: 429).
- getwxacodeunlimit answers an image on success and JSON on error: the Content-Type tells which.
- Bodies are UTF-8 JSON with Chinese as it is, not `\\uXXXX` escapes (what `requests`' `json=`
  sends), as WeChat's documentation asks of text it checks or shows.
- code2Session needs no access token, but is sent one, as wechatpy sent it: a login fetches the
  token when none is cached, and fails with 503 when WeChat refuses it.

Exceptions: WeChatUnavailable (try later), WeChatNoAnswer (a kind of it: the request reached
WeChat, which did not answer, so it may have acted on it) and WeChatRefused(errcode, errmsg).
Login failures become ApiErrors here.
"""
import json
import logging
import threading
import time

import redis
import requests
from flask import current_app
from urllib3.exceptions import NewConnectionError

from app import metrics
from app.errors import ApiError

log = logging.getLogger(__name__)

# Drop a cached token this long before WeChat expires it, so no call uses a dead one.
TOKEN_EXPIRY_MARGIN = 300
TOKEN_KEY = "yuanba:wechat:{appid}_access_token"
REFRESH_LOCK_KEY = "yuanba:wechat:token-refresh"

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


class WeChatRefused(Exception):
    """WeChat answered with an errcode: it will not do what was asked."""

    def __init__(self, errcode, errmsg=None):
        super().__init__(errcode, errmsg)
        self.errcode = errcode
        self.errmsg = errmsg

    def __str__(self):
        return f"errcode={self.errcode} {self.errmsg or ''}".rstrip()


class TokenCache:
    """The access token: in Redis when configured, else (and while Redis is unreachable) in this
    process."""

    def __init__(self, redis_client, appid):
        self.redis = redis_client
        self.key = TOKEN_KEY.format(appid=appid)
        self.local = (None, 0.0)  # the token and when (time.monotonic) to stop using it

    def get(self):
        if self.redis is not None:
            try:
                value = self.redis.get(self.key)
            except redis.RedisError as exc:
                _redis_unreachable(exc)
            else:
                return json.loads(value) if value is not None else None
        token, until = self.local
        return token if time.monotonic() < until else None

    def set(self, token, ttl):
        self.local = (token, time.monotonic() + ttl)
        self._shared("set", self.key, json.dumps(token), ex=ttl)

    def delete(self):
        self.local = (None, 0.0)
        self._shared("delete", self.key)

    def _shared(self, command, *args, **kwargs):
        if self.redis is not None:
            try:
                getattr(self.redis, command)(*args, **kwargs)
            except redis.RedisError as exc:
                _redis_unreachable(exc)


def _redis_unreachable(exc):
    log.warning("WeChat token cache: Redis unreachable (%s); using this process's copy", exc.__class__.__name__)


class SharedLock:
    """The cross-process refresh lock in Redis; this process's lock while Redis is unreachable."""

    def __init__(self, redis_client):
        self.shared = redis_client.lock(REFRESH_LOCK_KEY, timeout=30, blocking_timeout=30)
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


class Client:
    """The mini-program's requests to WeChat and its access token."""

    def __init__(self, appid, secret, api_base, timeout, tokens, refresh_lock):
        self.appid = appid
        self.secret = secret
        self.api_base = api_base.rstrip("/")
        self.timeout = timeout
        self.tokens = tokens
        self.refresh_lock = refresh_lock
        self.http = metrics.WeChatSession()
        # The environment's proxy and CA bundle (HTTPS_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE …) for
        # WECHAT_API_BASE, read once, as requests would read them: it reads them on every call,
        # which was a tenth of a text check's CPU.
        settings = self.http.merge_environment_settings(self.api_base, {}, None, None, None)
        self.http.proxies, self.http.verify = settings["proxies"], settings["verify"]
        self.http.trust_env = False

    def request(self, method, path, params=None, body=None, image=False):
        """One request; WeChat's JSON answer, or with `image` the bytes of the image it sent.

        Raises requests' exceptions, WeChatRefused for an errcode, and WeChatUnavailable for an
        HTTP error or an answer that is not what was asked for."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        response = self.http.request(method, f"{self.api_base}/{path}", params=params, data=data,
                                     headers={"Content-Type": "application/json"} if data else None,
                                     timeout=self.timeout)
        if response.status_code >= 400:
            log.warning("WeChat answered HTTP %s to %s", response.status_code, path)
            raise WeChatUnavailable()
        content_type = response.headers.get("Content-Type", "")
        if image and content_type.startswith("image/"):
            return response.content
        try:
            result = json.loads(response.content)
        except ValueError:
            result = None
        if not isinstance(result, dict):
            log.warning("WeChat answered %s with %s, not JSON", path, content_type or "no content type")
            raise WeChatUnavailable()
        errcode = int(result.get("errcode") or 0)
        if errcode:
            raise WeChatRefused(errcode, result.get("errmsg"))
        if image:
            log.warning("WeChat answered %s with JSON and no error, not an image", path)
            raise WeChatUnavailable()
        return result

    def access_token(self):
        return self.tokens.get() or self.fetch_token()

    def fetch_token(self, force_refresh=False):
        result = self.request("POST", "cgi-bin/stable_token", body={
            "grant_type": "client_credential", "appid": self.appid, "secret": self.secret,
            "force_refresh": force_refresh})
        ttl = max(int(result.get("expires_in", 7200)) - TOKEN_EXPIRY_MARGIN, 60)
        self.tokens.set(result["access_token"], ttl)
        return result["access_token"]

    def refresh_token(self, refused):
        """WeChat refused the token `refused`: the shared token becomes a different one, which
        is returned (module docstring: one refresh for all processes, forced only if need be)."""
        with self.refresh_lock:
            current = self.tokens.get()
            if current and current != refused:
                return current
            self.tokens.delete()
            token = self.fetch_token()
            return self.fetch_token(force_refresh=True) if token == refused else token


def get_client():
    """The app's client, built once per process."""
    app = current_app
    client = app.extensions.get("wechat")
    if client is None:
        redis_client = app.extensions.get("redis")
        lock = SharedLock(redis_client) if redis_client is not None else threading.Lock()
        client = Client(app.config["WECHAT_APPID"], app.config["WECHAT_SECRET"], app.config["WECHAT_API_BASE"],
                        app.config["WECHAT_TIMEOUT"], TokenCache(redis_client, app.config["WECHAT_APPID"]), lock)
        app.extensions["wechat"] = client
    return client


def call(method, path, params=None, body=None, image=False):
    """A request with the app's access token (Client.request), the token fetched first.

    A refused token is refreshed and the request tried once more. Network faults, HTTP errors,
    'system busy' (-1) and a token refused twice become WeChatUnavailable or WeChatNoAnswer.
    """
    client = get_client()
    token = _token(client.access_token)
    for attempt in (1, 2):
        try:
            return _reaching(client.request, method, path, {**(params or {}), "access_token": token}, body, image)
        except WeChatRefused as exc:
            if exc.errcode in TOKEN_REFUSED and attempt == 1:
                log.info("WeChat refused the access token (errcode=%s); refreshing", exc.errcode)
                token = _token(client.refresh_token, token)
                continue
            if exc.errcode in SYSTEM_BUSY or exc.errcode in TOKEN_REFUSED:
                log.warning("WeChat unavailable: errcode=%s", exc.errcode)
                raise WeChatUnavailable() from exc
            raise


def may_have_reached(exc):
    """Whether a failed request may have reached WeChat: all but a failure to connect."""
    if isinstance(exc, (requests.ConnectTimeout, requests.exceptions.SSLError)):
        return False
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return not (isinstance(exc, requests.ConnectionError) and isinstance(reason, NewConnectionError))


def _reaching(fn, *args):
    """Run `fn`, a request; a network fault becomes WeChatNoAnswer or WeChatUnavailable."""
    try:
        return fn(*args)
    except requests.RequestException as exc:
        if may_have_reached(exc):
            log.warning("WeChat did not answer: %s", exc.__class__.__name__)
            raise WeChatNoAnswer() from exc
        log.warning("WeChat unreachable: %s", exc.__class__.__name__)
        raise WeChatUnavailable() from exc


def _token(fn, *args):
    """Run `fn`, a token fetch or refresh. It sends no message, so one left unanswered is merely
    unavailable; and a refusal is of our credentials, not of the caller's request."""
    try:
        return _reaching(fn, *args)
    except WeChatNoAnswer as exc:
        raise WeChatUnavailable() from exc
    except WeChatRefused as exc:
        if exc.errcode in SYSTEM_BUSY:
            log.warning("WeChat unavailable: errcode=%s", exc.errcode)
        else:
            log.error("WeChat refused the access token fetch (%s): check WECHAT_APPID and WECHAT_SECRET", exc)
        raise WeChatUnavailable() from exc


def send_subscribe_message(openid, template_id, data, page=None):
    """Send one subscribe message (订阅消息); `data` is already fitted to the template."""
    body = {"touser": openid, "template_id": template_id, "data": data, "lang": "zh_CN",
            "miniprogram_state": current_app.config["WECHAT_MINIPROGRAM_STATE"]}
    if page:
        body["page"] = page
    return call("POST", "cgi-bin/message/subscribe/send", body=body)


def code_to_session(code):
    """Exchange a wx.login code for the user's openid (and unionid, when bound).

    The session_key WeChat returns is dropped here: nothing we do needs it, and a key that is
    never kept can never leak.
    """
    client = get_client()
    try:
        result = call("GET", "sns/jscode2session", params={
            "appid": client.appid, "secret": client.secret, "js_code": code, "grant_type": "authorization_code"})
    except WeChatUnavailable:
        raise ApiError(503, "wechat_unavailable", "微信服务暂时不可用，请稍后再试") from None
    except WeChatRefused as exc:
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


def text_suggestion(openid, text, scene=3):
    """WeChat content security (msgSecCheck v2) for text residents publish; scene 3 = forum.
    WeChat's suggestion: "pass", "review" or "risky". Raises WeChatUnavailable or WeChatRefused
    (WeChat checks only the text of a user who opened the mini-program in the last two hours):
    the caller decides what no verdict means."""
    result = call("POST", "wxa/msg_sec_check", body={"version": 2, "openid": openid, "scene": scene, "content": text})
    return (result.get("result") or {}).get("suggest")


def text_is_risky(openid, text, scene=3):
    """`text_suggestion` is "risky", for text checked while the resident waits.

    Fails open: when WeChat is down or refuses the call, the text is accepted and the failure
    logged, so a WeChat outage never stops a resident commenting on a broken drain.
    """
    try:
        return text_suggestion(openid, text, scene) == "risky"
    except (WeChatUnavailable, WeChatRefused) as exc:
        log.warning("msgSecCheck unavailable, text accepted: %s", getattr(exc, "errcode", exc.__class__.__name__))
        return False


def check_media_async(openid, media_url, scene=3):
    """Ask WeChat to check an image (mediaCheckAsync v2); the verdict arrives later on the
    message push endpoint (app/wechat/push.py). Returns the trace id, or None when WeChat could
    not take the request (the photo stays visible: failing open, as for text)."""
    try:
        result = call("POST", "wxa/media_check_async", body={
            "media_url": media_url, "media_type": 2, "version": 2, "scene": scene, "openid": openid})
    except (WeChatUnavailable, WeChatRefused) as exc:
        log.warning("mediaCheckAsync unavailable, photo not checked: %s",
                    getattr(exc, "errcode", exc.__class__.__name__))
        return None
    return result.get("trace_id")


def miniprogram_code_image(scene, page):
    """A mini-program code (getwxacodeunlimit) opening `page` with `scene` in the build
    WECHAT_ENV_VERSION names: the image's bytes. 503 when WeChat cannot make one now.

    A trial or develop build's page is not published, so WeChat is told not to check it
    (`check_path`)."""
    env_version = current_app.config["WECHAT_ENV_VERSION"]
    body = {"scene": scene, "page": page, "env_version": env_version}
    if env_version != "release":
        body["check_path"] = False
    try:
        return call("POST", "wxa/getwxacodeunlimit", body=body, image=True)
    except WeChatUnavailable:
        raise ApiError(503, "wechat_unavailable", "微信服务暂时不可用，请稍后再试") from None
    except WeChatRefused as exc:
        raise ApiError(502, "wechat_error", "生成小程序码失败", details={"errcode": exc.errcode}) from None
