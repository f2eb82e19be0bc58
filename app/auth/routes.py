import base64

from flask import g, request
from flask_smorest import Blueprint

from app import demo
from app.auth import console_login, service
from app.auth.permissions import current_user, requires
from app.auth.schemas import (ConsoleKeySchema, ConsoleLoginScanSchema, ConsoleLoginStartSchema,
                              ConsoleLoginStatusSchema, DevLoginListSchema, LoginSchema, MeSchema,
                              ProfileUpdateSchema, TokenSchema)
from app.community import helpers
from app.community.service import profile
from app.errors import ErrorSchema
from app.extensions import limiter, login_code, login_limit, refused_sign_in, signed_in

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Sign-in and the signed-in user")


def _token_body(user, token, expires_at):
    return {"token": token, "expires_at": expires_at, "user": profile(user)}


@blp.route("/auth/login", methods=["POST"])
# Each counted after the answer (README: Security, Limits), so a 429 from them counts towards none.
@limiter.limit(login_limit("LOGIN_LIMIT_PER_ADDRESS"), deduct_when=signed_in)
@limiter.limit(login_limit("LOGIN_FAILURES_PER_ADDRESS"), scope="refused", deduct_when=refused_sign_in)
@limiter.limit(login_limit("LOGIN_FAILURES_PER_CODE"), key_func=login_code, deduct_when=refused_sign_in)
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(429, schema=ErrorSchema,
                  description="too many sign-ins from this address, or refused ones from it or with this code")
@blp.doc(security=[])
def login(args):
    """Sign in with a wx.login code (code2Session at WECHAT_API_BASE)."""
    user, token, expires_at = service.login(args["code"])
    return _token_body(user, token, expires_at)


@blp.route("/auth/dev-logins", methods=["GET"])
@blp.response(200, DevLoginListSchema)
@blp.alt_response(404, schema=ErrorSchema,
                  description="the development login is off (production, or WeChat credentials set)")
@blp.doc(security=[])
def dev_logins():
    """The demo people a developer may sign in as with `dev:<name>` (the login page's picker in
    WeChat DevTools); only while the development login is on."""
    service.require_dev_login()
    return {"items": demo.people()}


@blp.route("/auth/refresh", methods=["POST"])
@blp.response(200, TokenSchema)
@requires()
def refresh():
    """Trade a valid token for a fresh one; the old one stops working."""
    token, expires_at = service.refresh(g.auth_session)
    return _token_body(current_user(), token, expires_at)


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
@requires()
def logout():
    """End this sign-in; its token stops working at once."""
    service.logout(g.auth_session)


@blp.route("/auth/logout-everywhere", methods=["POST"])
@blp.response(204)
@requires()
def logout_everywhere():
    """End every sign-in of mine — phones and consoles — e.g. after confirming a console sign-in
    that was not mine, or losing a phone."""
    service.end_all_sessions(current_user())


# ---- the desk console's sign-in by scanning (app/auth/console_login.py) ----------------------

def _scan_view(login, user):
    return {"id": login.id, "status": login.status, "browser": login.browser, "address": login.address,
            "expires_at": login.expires_at, "may_confirm": console_login.may_use_console(user)}


@blp.route("/auth/console-logins", methods=["POST"])
@limiter.limit("20 per minute")
@blp.response(201, ConsoleLoginStartSchema)
@blp.doc(security=[])
def start_console_login():
    """A mini-program code for the console's sign-in page, and the key this browser polls with."""
    login, key, image = console_login.start(request.user_agent.string, request.remote_addr)
    return {"id": login.id, "browser_key": key, "expires_at": login.expires_at,
            "code_image": f"data:image/png;base64,{base64.b64encode(image).decode()}" if image else None,
            "poll_interval_ms": console_login.POLL_INTERVAL_MS}


@blp.route("/auth/console-logins/<login_id>", methods=["GET"])
@limiter.limit("120 per minute")
@blp.arguments(ConsoleKeySchema, location="headers")
@blp.response(200, ConsoleLoginStatusSchema)
@blp.doc(security=[])
def poll_console_login(args, login_id):
    """The browser polls: pending, scanned, refused, expired — or confirmed, with its session
    (once; 410 afterwards)."""
    result = console_login.status_for_browser(login_id, args["key"])
    if result["session"]:
        result["session"] = _token_body(*result["session"])
    return result


@blp.route("/auth/console-logins/<login_id>/scan", methods=["POST"])
@blp.response(200, ConsoleLoginScanSchema)
@requires()
def scan_console_login(login_id):
    """The phone scanned the console's code: which browser, from where, is asking."""
    user = current_user()
    return _scan_view(console_login.scan(user, login_id), user)


@blp.route("/auth/console-logins/<login_id>/confirm", methods=["POST"])
@blp.response(200, ConsoleLoginScanSchema)
@requires()
def confirm_console_login(login_id):
    """Let that browser in as me (people with a role only)."""
    user = current_user()
    return _scan_view(console_login.confirm(user, login_id), user)


@blp.route("/auth/console-logins/<login_id>/refuse", methods=["POST"])
@blp.response(200, ConsoleLoginScanSchema)
@requires()
def refuse_console_login(login_id):
    """Not me, or not now: the browser is told it was refused."""
    user = current_user()
    return _scan_view(console_login.refuse(user, login_id), user)


def _me(user):
    return {**profile(user), "helping": helpers.helping(user)}


@blp.route("/me", methods=["GET"])
@blp.response(200, MeSchema)
@requires()
def me():
    """The signed-in user with roles, household, and the households they help (子女代办)."""
    return _me(current_user())


@blp.route("/me", methods=["PATCH"])
@blp.arguments(ProfileUpdateSchema)
@blp.response(200, MeSchema)
@requires()
def update_me(args):
    """Change one's own name or phone."""
    return _me(service.update_profile(current_user(), **args))
