"""Logs carry no phone numbers, tokens, session keys or signed-URL signatures (PIPL; README:
Security). Every log record is cleaned when it is created — whoever logs it: our code,
the Tencent Cloud SDK, requests, rq, werkzeug — including the text of an exception it carries.

Every record also carries the request id of the request it was logged in (README: Production,
Metrics and logs): taken from the client's X-Request-ID when well formed, else made here,
returned as X-Request-ID on every response, errors included, and handed with each job the
request enqueues (app/jobs.py), whose lines then carry it too, with the job's own id.
`configure()` writes them as one JSON object a line (LOG_FORMAT=json) or as text.
"""
import contextlib
import contextvars
import json
import logging
import re
import sys
import uuid
from datetime import datetime, timezone

from flask import g, request

REDACTIONS = [
    # Mainland mobile numbers: 13812345678 → 138****5678
    (re.compile(r"(?<!\d)(?:(?:\+|00)?86[-\s]?)?(1[3-9]\d)\d{4}(\d{4})(?!\d)"), r"\1****\2"),
    (re.compile(r"(Bearer\s+)[\w.~+/=-]+", re.IGNORECASE), r"\1[redacted]"),
    # key=value and "key": "value" for secrets and one-time codes
    (re.compile(r"""\b((?:access_token|session_key|secret|token|sig|js_code|code|password)["']?\s*[=:]\s*["']?)"""
                r"""[^\s&"',}]+""", re.IGNORECASE), r"\1[redacted]"),
]
HEADER = "X-Request-ID"
# What a client or proxy may name its request by (nginx's $request_id, a UUID …); anything else,
# newlines and overlong values included, is replaced rather than written into the logs.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")
HANDLER_NAME = "yuanba"

_context = contextvars.ContextVar("yuanba_log_context", default={})


def redact(text):
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def install():
    """Clean every log record at creation, and stamp it with the request and job it belongs to
    (once per process)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacting", False):
        return

    def make_record(*args, **kwargs):
        record = factory(*args, **kwargs)
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        # The ids as one attribute: rq passes a `job_id` of its own in `extra`.
        record.log_context = {name: value for name, value in _context.get().items() if value}
        return record

    make_record.redacting = True
    logging.setLogRecordFactory(make_record)


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for journald and log shippers. Only these fields, each cleaned
    (the message and exception by `install`, the ids by their format), so nothing personal
    rides along in an attribute someone attached to a record."""

    def format(self, record):
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        entry.update(getattr(record, "log_context", {}))
        if record.exc_info and not record.exc_text:  # a record made before `install`
            record.exc_text = redact(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The development server's lines, with the ids in brackets when there are any."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s%(ids)s: %(message)s")

    def format(self, record):
        ids = " ".join(f"{name}={value}" for name, value in getattr(record, "log_context", {}).items())
        record.ids = f" [{ids}]" if ids else ""
        return super().format(record)


def configure(log_format):
    """The process's log handler on stderr, in `log_format` (LOG_FORMAT): it replaces the one an
    earlier app of the process installed. gunicorn's own handlers (its access log, a worker's
    errors) take the same format, so a worker writes nothing else."""
    formatter = JsonFormatter() if log_format == "json" else TextFormatter()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in ("gunicorn.error", "gunicorn.access"):
        for gunicorn_handler in logging.getLogger(name).handlers:
            gunicorn_handler.setFormatter(formatter)


# ---- the request id ------------------------------------------------------------------------

def _new_id():
    """A fresh id; one that happens to look like a phone number to `redact` is drawn again, so
    the id in the header is the one every line shows."""
    while True:
        value = uuid.uuid4().hex
        if redact(value) == value:
            return value


def _accepted(value):
    return value if WELL_FORMED_ID.fullmatch(value) and redact(value) == value else None


def current_request_id():
    return _context.get().get("request_id")


@contextlib.contextmanager
def bound(**fields):
    """Lines logged inside the block carry `fields` (request_id, job_id)."""
    token = _context.set({**_context.get(), **fields})
    try:
        yield
    finally:
        _context.reset(token)


def init_app(app):
    """The request id hooks; registered before any other, so every line of a request carries it."""

    @app.before_request
    def take_request_id():
        request_id = _accepted(request.headers.get(HEADER, "")) or _new_id()
        g.log_context = _context.set({"request_id": request_id})

    @app.after_request
    def return_request_id(response):
        response.headers[HEADER] = current_request_id() or _new_id()
        return response

    @app.teardown_request
    def forget_request_id(_exc):
        token = g.pop("log_context", None)
        if token is not None:
            _context.reset(token)
