"""Signing in to the desk console (社区工作台) by scanning a mini-program code.

1. The browser asks for a code (`start`): it gets the code's id, a key only it holds, and the
   mini-program code image (none in development, where WeChat is not configured).
2. Someone signed in on their phone scans it (`scan`): the phone is told which browser, from
   which address, wants in — a code shown on someone else's screen (phishing by QR code) reads
   as "Windows · Chrome, 203.0.113.9", not as "your computer".
3. They confirm (`confirm`) or refuse (`refuse`). Only people with a role at a desk may confirm:
   a resident has nothing to do in the console.
4. The browser, polling with its key (`collect`), receives a session once; the code is spent.

Each step moves the row with a conditional UPDATE, so two phones or two polls racing on one
code get one winner. Codes live for CODE_TTL; a session issued here is an ordinary session
(logout, refresh and "sign out everywhere" treat it like any other).
"""
import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from app import wechat
from app.auth import service
from app.auth.models import ConsoleLogin, ConsoleLoginStatus as Status, User
from app.auth.permissions import grants_of, is_admin
from app.community.models import Role
from app.errors import ApiError
from app.extensions import db
from app.models_base import utcnow

CODE_TTL = timedelta(minutes=3)
POLL_INTERVAL_MS = 2000
PAGE = "pages/console-login/console-login"
BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (("Windows", "Windows"), ("Mac OS", "Mac"), ("Android", "Android"), ("iPhone", "iPhone"),
           ("Linux", "Linux"))
NOT_FOUND = "登录码不存在或已过期，请在电脑上刷新"


def _key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def browser_label(user_agent):
    """"Windows · Chrome" from a User-Agent: enough for a person to recognise their own computer."""
    ua = user_agent or ""
    system = next((name for mark, name in SYSTEMS if mark in ua), "")
    browser = next((name for mark, name in BROWSERS if mark in ua), "")
    return " · ".join(part for part in (system, browser) if part) or "未知浏览器"


def start(user_agent, address):
    """A fresh code for a browser: (row, the browser's key, PNG bytes of the code or None)."""
    key = secrets.token_urlsafe(24)
    login = ConsoleLogin(id=secrets.token_urlsafe(16), key_hash=_key_hash(key), browser=browser_label(user_agent),
                         address=(address or "")[:45], expires_at=utcnow() + CODE_TTL)
    db.session.add(login)
    db.session.flush()
    image = wechat.miniprogram_code_image(login.id, PAGE) if current_app.config["WECHAT_APPID"] else None
    return login, key, image


def _get(login_id):
    login = db.session.get(ConsoleLogin, login_id) if re.fullmatch(r"[A-Za-z0-9_-]{1,32}", login_id) else None
    if login is None:
        raise ApiError(404, "console_login_not_found", NOT_FOUND)
    return login


def _expired(login):
    return login.expires_at <= utcnow() and login.status in (Status.PENDING, Status.SCANNED)


def status_for_browser(login_id, key):
    """What the browser sees when it polls; with its session, once, after the confirmation."""
    login = _get(login_id)
    if not hmac.compare_digest(login.key_hash, _key_hash(key or "")):
        raise ApiError(404, "console_login_not_found", NOT_FOUND)
    if login.status == Status.USED:
        raise ApiError(410, "console_login_used", "这个登录码已经用过，请刷新后重新扫码")
    if _expired(login):
        return {"status": "expired", "session": None}
    if login.status != Status.CONFIRMED:
        return {"status": login.status, "session": None}
    spent = db.session.execute(update(ConsoleLogin).where(ConsoleLogin.id == login.id,
                                                          ConsoleLogin.status == Status.CONFIRMED)
                               .values(status=Status.USED).execution_options(synchronize_session=False)).rowcount
    if spent != 1:  # another poll with the same key collected it a moment ago
        raise ApiError(410, "console_login_used", "这个登录码已经用过，请刷新后重新扫码")
    user = db.session.get(User, login.user_id)
    token, expires_at = service.open_session(user)
    return {"status": Status.CONFIRMED.value, "session": (user, token, expires_at)}


def _move(login, user, frm, to, **values):
    """Move a live code from `frm` to `to` (the scanner's own, after the scan); False if it had moved."""
    where = [ConsoleLogin.id == login.id, ConsoleLogin.status == frm, ConsoleLogin.expires_at > utcnow()]
    if frm != Status.PENDING:
        where.append(ConsoleLogin.user_id == user.id)
    moved = db.session.execute(update(ConsoleLogin).where(*where).values(status=to, **values)
                               .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(login)
    return moved == 1


def _check_live(login, user):
    if _expired(login) or login.status == Status.USED:
        raise ApiError(410, "console_login_expired", "登录码已过期，请在电脑上刷新后重新扫码")
    if login.user_id is not None and login.user_id != user.id:
        raise ApiError(409, "console_login_taken", "这个登录码已经被别人扫过，请在电脑上刷新后重新扫码")


def scan(user, login_id):
    """The phone has scanned the code; the same person scanning again is answered the same."""
    login = _get(login_id)
    if not _move(login, user, Status.PENDING, Status.SCANNED, user_id=user.id):
        _check_live(login, user)
    return login


def may_use_console(user):
    """People with a role at a desk: a resident's whole job is on the phone."""
    return is_admin(user) or any(grant.role != Role.RESIDENT for grant in grants_of(user))


def _check_moved(login, user):
    """Why a code did not move as asked (it expired, was spent or refused meanwhile, or was never scanned)."""
    _check_live(login, user)
    if login.status == Status.PENDING:
        raise ApiError(409, "console_login_not_scanned", "请先用微信扫电脑上的登录码")
    if login.status == Status.REFUSED:
        raise ApiError(409, "console_login_refused", "已经拒绝了这次登录，请在电脑上刷新后重新扫码")


def confirm(user, login_id):
    login = _get(login_id)
    _check_live(login, user)
    if not may_use_console(user):
        raise ApiError(403, "forbidden", "社区工作台只给社区工作人员、议事会、监委会等有职务的人使用")
    if not _move(login, user, Status.SCANNED, Status.CONFIRMED):
        _check_moved(login, user)  # already confirmed (a retry): answered the same
    return login


def refuse(user, login_id):
    """Not me, or not now: refused until the browser has collected its session."""
    login = _get(login_id)
    if login.status == Status.USED and login.user_id == user.id:
        raise ApiError(409, "console_login_used",
                       "电脑已经登录，不能再拒绝；如不是本人操作，请在“我的信息”里“退出所有设备”")
    _check_live(login, user)
    if login.status != Status.REFUSED and not any(
            _move(login, user, frm, Status.REFUSED) for frm in (Status.SCANNED, Status.CONFIRMED)):
        _check_moved(login, user)
    return login
