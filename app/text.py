"""What the service accepts in a request, checked before any view reads it.

Characters: text that residents send ends up in PostgreSQL (which stores no NUL), in .xlsx
sheets (whose cells refuse control characters) and back out as UTF-8 (which has no lone
surrogates, such as a JSON "\\udc00"). So one check before every request refuses those
characters anywhere in the path, the query string, a form or a JSON body — 422, naming the
field — rather than letting them fail deep inside with a 500, or sit in the database until an
export trips over them. Tab, newline and carriage return are text and stay allowed.

Nesting: Python's JSON parser recurses once per `[` or `{`, so a body of a few thousand
brackets exhausts the stack (a 500 for anyone, signed in or not). A JSON body nested deeper
than MAX_JSON_DEPTH is refused with a 400 first, by a scan that does not recurse; no request
of ours nests more than a few levels.
"""
import json
import re
from itertools import accumulate

from flask import request

from app.errors import ApiError
from app.validation import label

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
MESSAGE = "含有不允许的控制字符或无效字符"

MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 and, read as signed, -1


def json_depth(body):
    """How deep the JSON text in `body` (bytes) nests, without parsing it: strings dropped
    (their brackets are text), then the running count of brackets opened. Decoded as
    json.loads decodes bytes (UTF-8, -16 or -32), since Flask's parser reads them all; bytes
    that do not decode are no JSON, which the parsers refuse without recursing."""
    try:
        text = body.decode(json.detect_encoding(body), "surrogatepass")
    except UnicodeDecodeError:
        return 0
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)).encode()
    return max(accumulate(memoryview(brackets.translate(_BRACKET_STEP)).cast("b")), default=0)


def _too_deep(body):
    """Nesting never exceeds the brackets opened, and every `[` or `{` puts its byte in the body
    whatever the encoding: a ballot or a report (a handful) skips the scan on the hot path."""
    return body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and json_depth(body) > MAX_JSON_DEPTH


def has_forbidden(value):
    """True if `value` — a string, or a JSON structure of them, keys included — holds a
    character refused above. A loop over a stack, not recursion: no nesting exhausts it."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str) and FORBIDDEN.search(item):
            return True
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def check_request_text():
    """before_request: 400 `json_too_deep` for a JSON body nested too deep, before anything
    parses it; else 422 `validation_error` listing the fields that carry refused characters."""
    if request.is_json and _too_deep(request.get_data(cache=True)):
        raise ApiError(400, "json_too_deep", f"提交的内容层级太多（最多 {MAX_JSON_DEPTH} 层）")
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
