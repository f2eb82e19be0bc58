"""Sign-in: WeChat code → user, signed expiring tokens bound to a revocable session."""
import logging
import re
import secrets
from datetime import timedelta

from flask import current_app, g
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError

from app import wechat
from app.auth.models import AuthSession, User
from app.community.models import Household, HouseholdMember, RoleAssignment, live_link
from app.errors import ApiError, invalid
from app.extensions import db
from app.models_base import utcnow

log = logging.getLogger(__name__)

DEV_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
TOKEN_SALT = "yuanba-auth"


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def _ttl():
    return timedelta(seconds=current_app.config["TOKEN_TTL_SECONDS"])


def openid_for_code(code):
    """The openid behind a wx.login code; `dev:<name>` in development (no WeChat credentials)."""
    if code.startswith("dev:"):
        name = code[4:]
        if not current_app.config["SETTINGS"].dev_login_enabled:
            raise ApiError(401, "invalid_login_code", "登录凭证无效，请重新登录")
        if not DEV_NAME.match(name):
            raise invalid("code", "开发登录名只能包含字母、数字、下划线和短横线")
        return f"dev-{name}"
    if not current_app.config["WECHAT_APPID"]:
        raise ApiError(401, "invalid_login_code", "未配置微信登录；开发环境请用“dev:登录名”登录")
    return wechat.code_to_session(code)["openid"]


def require_dev_login():
    """404 unless the development login is on: where it is off, its demo people do not exist."""
    if not current_app.config["SETTINGS"].dev_login_enabled:
        raise ApiError(404)


def find_or_create_user(openid):
    user = db.session.scalar(db.select(User).filter_by(openid=openid))
    if user is not None:
        return user
    try:
        with db.session.begin_nested():
            user = User(openid=openid)
            db.session.add(user)
    except IntegrityError:  # the same person signed in twice at once: use the first row
        user = db.session.scalar(db.select(User).filter_by(openid=openid))
    return user


def issue_token(auth_session):
    """The bearer token: its session and generation, and whose it is (`u`, so rate limits count
    per person, however many times they sign in, without a database read)."""
    return _serializer().dumps({"s": auth_session.id, "g": auth_session.generation, "u": auth_session.user_id})


def token_user_id(token):
    """The user a validly signed token names (None if it names none); the session is not
    checked: for counting, not for access."""
    try:
        return token_claims(token).get("u")
    except ApiError:
        return None


def login(code):
    """Sign a user in; returns (user, token, expires_at)."""
    user = find_or_create_user(openid_for_code(code))
    return (user, *open_session(user))


def open_session(user):
    """A new session for the user (a phone, or the console after a scan): (token, expires_at)."""
    now = utcnow()
    user.last_login_at = now
    auth_session = AuthSession(id=secrets.token_hex(16), user_id=user.id, expires_at=now + _ttl())
    db.session.add(auth_session)
    db.session.flush()
    log.info("user %s signed in", user.id)
    return issue_token(auth_session), auth_session.expires_at


def token_claims(token):
    """What a validly signed, unexpired token claims (its session, generation and user), or 401.
    The session itself is not checked here: `live_session` is, inside a statement. Read once per
    request: the rate limit's key and the hot path both ask."""
    read = g.setdefault("token_claims", {})
    if token not in read:
        read[token] = _verified_claims(token)
    return read[token]


def _verified_claims(token):
    try:
        claims = _serializer().loads(token, max_age=current_app.config["TOKEN_TTL_SECONDS"])
    except SignatureExpired:
        raise ApiError(401, "token_expired", "登录已过期，请重新登录") from None
    except BadSignature:
        raise ApiError(401, "token_invalid", "登录状态无效，请重新登录") from None
    if not isinstance(claims, dict):
        raise ApiError(401, "token_invalid", "登录状态无效，请重新登录")
    return claims


def live_session(session_id, generation, now):
    """SQL: (the session a token names is in force at the token's generation, it has not
    expired), from values or bound parameters. `authenticate` and the hot paths that check the
    session inside their first statement (app/polls/service/voting.py) share it."""
    return (and_(AuthSession.id == session_id, AuthSession.generation == generation,
                 AuthSession.revoked_at.is_(None)),
            AuthSession.expires_at > now)


def authenticate(token):
    """(user, session, their household or None, whether they hold any role, whether they help a
    household) for a token, or 401. One read: every signed-in request starts here, and a resident
    holding no role and helping no one — most of those who sign in — has from it all that
    permission checks ask (`permissions.current_user`)."""
    claims = token_claims(token)
    valid, unexpired = live_session(str(claims.get("s")), claims.get("g"), utcnow())
    row = db.session.execute(select(AuthSession, User, Household, valid.label("valid"), unexpired.label("unexpired"),
                                    exists().where(RoleAssignment.user_id == User.id).label("holds_roles"),
                                    exists().where(live_link(User.id)).label("helps"))
                             .join(User, User.id == AuthSession.user_id)
                             .outerjoin(HouseholdMember, HouseholdMember.user_id == User.id)
                             .outerjoin(Household, Household.id == HouseholdMember.household_id)
                             .where(AuthSession.id == str(claims.get("s")))).first()
    if row is None or not row.valid:
        raise ApiError(401, "token_invalid", "登录状态无效，请重新登录")
    if not row.unexpired:
        raise ApiError(401, "token_expired", "登录已过期，请重新登录")
    return row.User, row.AuthSession, row.Household, row.holds_roles, row.helps


def refresh(auth_session):
    """A fresh token for the same session; the token used to ask dies with it.

    The generation moves by a conditional UPDATE, so two refreshes racing with one token
    give one new token, not two.
    """
    expires_at = utcnow() + _ttl()
    moved = db.session.execute(
        db.update(AuthSession)
        .where(AuthSession.id == auth_session.id, AuthSession.generation == auth_session.generation,
               AuthSession.revoked_at.is_(None))
        .values(generation=AuthSession.generation + 1, expires_at=expires_at)
    ).rowcount
    if moved != 1:
        raise ApiError(401, "token_invalid", "登录状态无效，请重新登录")
    db.session.flush()
    db.session.refresh(auth_session)
    return issue_token(auth_session), auth_session.expires_at


def logout(auth_session):
    auth_session.revoked_at = utcnow()
    db.session.flush()


def end_all_sessions(user):
    """Every session of the user ends at once: the phone, the console, any other."""
    db.session.execute(db.update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))


def user_names(ids):
    """User id → name, for the people a page names (None ids skipped), in one query."""
    ids = {i for i in ids if i is not None}
    return dict(db.session.execute(db.select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}


def update_profile(user, name=None, phone=None):
    if name is not None:
        user.name = name
    if phone is not None:
        user.phone = phone
    db.session.flush()
    return user
