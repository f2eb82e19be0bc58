"""The only code that talks to WeChat's server API.

wechatpy 1.8.18 writes WeChat's host into several places (the access-token fetch, each API
group's base URL) and sets no timeout on the token fetch. `MiniProgramClient` routes every
call through WECHAT_API_BASE with a timeout, and fetches tokens from `cgi-bin/stable_token`,
which unlike `cgi-bin/token` does not invalidate the token other processes hold. Tokens are
kept in Redis when configured, so all processes share one.

WeChat failures become ApiErrors here, so callers never see wechatpy's exceptions.
"""
import logging
import time

import requests
from flask import current_app
from wechatpy import WeChatClient
from wechatpy.client.api.base import BaseWeChatAPI
from wechatpy.exceptions import WeChatClientException
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


class WeChatUnavailable(Exception):
    """WeChat could not be reached, timed out, answered 5xx or said 'system busy' (-1)."""


class MiniProgramClient(WeChatClient):
    """wechatpy's client with every URL under `api_base` and a timeout on every call."""

    def __init__(self, appid, secret, api_base, timeout, session):
        super().__init__(appid, secret, session=session, timeout=timeout)
        self.api_base = api_base.rstrip("/")
        self.API_BASE_URL = f"{self.api_base}/cgi-bin/"
        # wechatpy puts one instance of each API group in the client's __dict__ (never
        # inspect.getmembers: it would read the access_token property and fetch a token).
        for group in list(vars(self).values()):
            base = getattr(group, "API_BASE_URL", None) if isinstance(group, BaseWeChatAPI) else None
            if base and base.startswith(WECHAT_HOST):
                group.API_BASE_URL = self.api_base + base[len(WECHAT_HOST):]

    def fetch_access_token(self):
        response = self._http.post(
            f"{self.api_base}/cgi-bin/stable_token",
            json={"grant_type": "client_credential", "appid": self.appid,
                  "secret": self.secret, "force_refresh": False},
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


def get_client():
    """The app's client, built once per process."""
    app = current_app
    client = app.extensions.get("wechat")
    if client is None:
        redis_client = app.extensions.get("redis")
        storage = RedisStorage(redis_client, prefix="yuanba:wechat") if redis_client else MemoryStorage()
        client = MiniProgramClient(
            app.config["WECHAT_APPID"], app.config["WECHAT_SECRET"],
            app.config["WECHAT_API_BASE"], app.config["WECHAT_TIMEOUT"], storage,
        )
        app.extensions["wechat"] = client
    return client


def call(fn, *args, **kwargs):
    """Run a wechatpy call; network faults and 'system busy' become WeChatUnavailable."""
    try:
        return fn(*args, **kwargs)
    except requests.RequestException as exc:
        log.warning("WeChat unreachable: %s", exc.__class__.__name__)
        raise WeChatUnavailable() from exc
    except WeChatClientException as exc:
        if exc.errcode is None or exc.errcode in SYSTEM_BUSY:
            log.warning("WeChat unavailable: errcode=%s", exc.errcode)
            raise WeChatUnavailable() from exc
        raise


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
