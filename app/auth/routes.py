from flask import g
from flask_smorest import Blueprint

from app import demo
from app.auth import service
from app.auth.permissions import current_user, requires
from app.auth.schemas import DevLoginListSchema, LoginSchema, ProfileUpdateSchema, TokenSchema, UserSchema
from app.community.service import profile
from app.errors import ErrorSchema
from app.extensions import limiter

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Sign-in and the signed-in user")


def _token_body(user, token, expires_at):
    return {"token": token, "expires_at": expires_at, "user": profile(user)}


@blp.route("/auth/login", methods=["POST"])
@limiter.limit("30 per minute")
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
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


@blp.route("/me", methods=["GET"])
@blp.response(200, UserSchema)
@requires()
def me():
    """The signed-in user with roles and household."""
    return profile(current_user())


@blp.route("/me", methods=["PATCH"])
@blp.arguments(ProfileUpdateSchema)
@blp.response(200, UserSchema)
@requires()
def update_me(args):
    """Change one's own name or phone."""
    user = service.update_profile(current_user(), **args)
    return profile(user)
