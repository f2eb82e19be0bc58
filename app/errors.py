"""The one error type and the one JSON error envelope.

Every failure leaves the service as
``{"error": {"code": "snake_case", "message": "...", "details": {...}}}`` with a fitting status:
never an HTML page, never a stack trace. Messages are Chinese because residents read them.
"""
import logging

import marshmallow as ma
from flask import jsonify
from sqlalchemy.exc import OperationalError, TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.validation import field_errors

log = logging.getLogger(__name__)

# Default code and resident-facing message per HTTP status.
STATUS_TEXT = {
    400: ("bad_request", "请求格式有误"),
    401: ("unauthorized", "请先登录"),
    403: ("forbidden", "没有权限进行此操作"),
    404: ("not_found", "内容不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "操作与当前状态冲突，请刷新后重试"),
    410: ("gone", "内容已失效"),
    413: ("payload_too_large", "上传的内容太大"),
    415: ("unsupported_media_type", "不支持的内容格式"),
    422: ("validation_error", "提交的内容有误，请检查后重试"),
    429: ("rate_limited", "操作太频繁，请稍后再试"),
    500: ("internal_error", "服务器开小差了，请稍后再试"),
    502: ("upstream_error", "外部服务出错，请稍后再试"),
    503: ("service_unavailable", "服务暂时不可用，请稍后再试"),
}


class ApiError(Exception):
    """Raise anywhere (services included) to answer with the error envelope."""

    def __init__(self, status, code=None, message=None, details=None, headers=None):
        default_code, default_message = STATUS_TEXT.get(status, ("error", "出错了"))
        self.status = status
        self.code = code or default_code
        self.message = message or default_message
        self.details = details or {}
        self.headers = headers or {}
        super().__init__(f"{self.status} {self.code}: {self.message}")


def invalid(field, message, code="validation_error", **details):
    """A 422 about one input field. `message` is Chinese and names the field in words
    ("楼栋不存在"); it is both the envelope's message and the field's entry in details.fields."""
    return ApiError(422, code, message, details={"fields": {field: [message]}, **details})


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "snake_case error code"})
    message = ma.fields.String(required=True, metadata={"description": "human-readable (Chinese)"})
    details = ma.fields.Dict(metadata={"description": "field errors or context"})


class ErrorSchema(ma.Schema):
    """The error envelope, for the OpenAPI document."""

    error = ma.fields.Nested(ErrorBodySchema, required=True)


def error_response(error):
    body = {"error": {"code": error.code, "message": error.message, "details": error.details}}
    response = jsonify(body)
    response.status_code = error.status
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def from_http_exception(exc):
    """Translate werkzeug/webargs/Flask-Limiter exceptions into an ApiError."""
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if status == 400 and "messages" in data:  # webargs could not parse the body
        return ApiError(400, "invalid_json", "提交的内容格式有误，无法读取", headers=headers)
    if status == 422 and "messages" in data:
        fields, summary = field_errors(_flatten_locations(data["messages"]), data.get("schema"))
        return ApiError(422, message=summary, details={"fields": fields}, headers=headers)
    if status == 429:
        from app.extensions import retry_after  # app.extensions imports this module
        headers["Retry-After"] = retry_after()
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    return ApiError(status, headers=headers)


def _flatten_locations(messages):
    """webargs nests errors by location ('json', 'query'); residents only need the fields."""
    flat = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            flat.update(location_errors)
        else:  # the body as a whole (a list where an object belongs)
            flat.setdefault("_schema", []).extend(location_errors)
    return flat


def register_error_handlers(app):
    from app.extensions import db

    @app.errorhandler(ApiError)
    def handle_api_error(error):
        return error_response(error)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc):
        return error_response(from_http_exception(exc))

    @app.errorhandler(OperationalError)
    def handle_database_down(exc):
        log.error("database unavailable: %s", exc.orig.__class__.__name__)
        db.session.rollback()
        return error_response(ApiError(503, "database_unavailable", "数据库暂时不可用，请稍后再试"))

    @app.errorhandler(PoolTimeout)
    def handle_pool_exhausted(_exc):
        """Every pooled connection stayed busy for DB_POOL_TIMEOUT: the process is overloaded."""
        log.error("database pool exhausted: no connection within DB_POOL_TIMEOUT")
        db.session.rollback()
        return error_response(ApiError(503, "database_busy", "服务繁忙，请稍后再试", headers={"Retry-After": "5"}))

    @app.errorhandler(StaleDataError)
    def handle_changed_meanwhile(_exc):
        """A versioned row (a matter) was changed by someone else since it was read."""
        db.session.rollback()
        return error_response(ApiError(409, "changed_meanwhile", "内容刚被其他人修改，请刷新后再试"))

    @app.errorhandler(Exception)
    def handle_unexpected(exc):
        log.exception("unhandled error")
        db.session.rollback()
        return error_response(ApiError(500))
