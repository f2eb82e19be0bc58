"""WeChat's message push (消息推送) into the app: URL verification and events.

Configured in the mini-program admin console with this URL, WECHAT_PUSH_TOKEN, plaintext mode
and JSON format. Every call is signed (sha1 over the sorted token, timestamp and nonce, compared
in constant time) and must be recent, so a captured callback cannot be replayed later. Events
handled: `wxa_media_check` (the verdict of an image check) → app.matters.photos.
"""
import hashlib
import hmac
import time

import marshmallow as ma
from flask import Response, current_app
from flask_smorest import Blueprint

from app.errors import ApiError
from app.matters import photos

blp = Blueprint("wechat_push", __name__, url_prefix="/api/v1/wechat",
                description="Callbacks from WeChat's servers (message push)")

MAX_CLOCK_SKEW = 300  # seconds


class PushArgsSchema(ma.Schema):
    signature = ma.fields.String(required=True)
    timestamp = ma.fields.Integer(required=True)
    nonce = ma.fields.String(required=True)
    echostr = ma.fields.String(load_default=None, metadata={"description": "URL verification only"})


class PushEventSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    MsgType = ma.fields.String(load_default=None)
    Event = ma.fields.String(load_default=None)
    trace_id = ma.fields.String(load_default=None)
    result = ma.fields.Dict(load_default=dict, metadata={"description": "{suggest, label} of a media check"})


def signature_holds(token, signature, timestamp, nonce):
    """WeChat's signature: the sha1 hex digest of the token, timestamp and nonce, sorted and joined."""
    expected = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())  # bytes: str must be ASCII


def _verify(args):
    token = current_app.config["WECHAT_PUSH_TOKEN"]
    if not token:
        raise ApiError(404, "not_found", "未配置消息推送")
    if not signature_holds(token, args["signature"], str(args["timestamp"]), args["nonce"]):
        raise ApiError(403, "forbidden", "签名无效")
    if abs(time.time() - args["timestamp"]) > MAX_CLOCK_SKEW:
        raise ApiError(403, "forbidden", "请求已过期")


def _text(body):
    return Response(body, mimetype="text/plain")


@blp.route("/push", methods=["GET"])
@blp.arguments(PushArgsSchema, location="query")
@blp.response(200, content_type="text/plain", description="the echostr, when the signature holds")
@blp.doc(security=[])
def verify_url(args):
    """WeChat checks the push URL: answer its echostr if the signature holds."""
    _verify(args)
    return _text(args["echostr"] or "")


@blp.route("/push", methods=["POST"])
@blp.arguments(PushArgsSchema, location="query")
@blp.arguments(PushEventSchema)
@blp.response(200, content_type="text/plain", description="success")
@blp.doc(security=[])
def receive(args, event):
    """An event from WeChat; image check verdicts hide risky photos. Others are acknowledged."""
    _verify(args)
    if event.get("Event") == "wxa_media_check" and event.get("trace_id"):
        photos.apply_media_verdict(event["trace_id"], (event.get("result") or {}).get("suggest"))
    return _text("success")
