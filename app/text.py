"""Which characters the service accepts in text.

Text that residents send ends up in PostgreSQL (which stores no NUL), in .xlsx sheets (whose
cells refuse control characters) and back out as UTF-8 (which has no lone surrogates, such as
a JSON "\\udc00"). So one check before every request refuses those characters anywhere in the
path, the query string, a form or a JSON body — 422, naming the field — rather than letting
them fail deep inside with a 500, or sit in the database until an export trips over them.
Tab, newline and carriage return are text and stay allowed.
"""
import re

from flask import request

from app.errors import ApiError
from app.validation import label

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
MESSAGE = "含有不允许的控制字符或无效字符"


def has_forbidden(value):
    """True if `value` — a string, or a JSON structure of them, keys included — holds a
    character refused above."""
    if isinstance(value, str):
        return FORBIDDEN.search(value) is not None
    if isinstance(value, dict):
        return any(has_forbidden(key) or has_forbidden(item) for key, item in value.items())
    if isinstance(value, list):
        return any(has_forbidden(item) for item in value)
    return False


def check_request_text():
    """before_request: 422 `validation_error` listing the fields that carry such characters."""
    fields = {}

    def check(name, value):
        if has_forbidden(value):
            shown = FORBIDDEN.sub("\ufffd", str(name))
            fields[shown] = [f"{label(shown)}：{MESSAGE}"]

    for name, value in (request.view_args or {}).items():
        check(name, value)
    for name, values in request.args.lists():
        check(name, [name, values])
    if request.is_json:
        body = request.get_json(silent=True)  # unparsable JSON is webargs' 400 later
        for name, value in body.items() if isinstance(body, dict) else [("_schema", body)]:
            check(name, [name, value])
    elif request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name, values in request.form.lists():
            check(name, [name, values])
    if fields:
        raise ApiError(422, message=next(iter(fields.values()))[0], details={"fields": fields})
