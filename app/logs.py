"""Logs carry no phone numbers, tokens, session keys or signed-URL signatures (PIPL; README:
Security). Every log record is cleaned when it is created — whoever logs it: our code,
wechatpy, requests, rq, werkzeug — including the text of an exception it carries."""
import logging
import re

REDACTIONS = [
    # Mainland mobile numbers: 13812345678 → 138****5678
    (re.compile(r"(?<!\d)(?:(?:\+|00)?86[-\s]?)?(1[3-9]\d)\d{4}(\d{4})(?!\d)"), r"\1****\2"),
    (re.compile(r"(Bearer\s+)[\w.~+/=-]+", re.IGNORECASE), r"\1[redacted]"),
    # key=value and "key": "value" for secrets and one-time codes
    (re.compile(r"""\b((?:access_token|session_key|secret|token|sig|js_code|code|password)["']?\s*[=:]\s*["']?)"""
                r"""[^\s&"',}]+""", re.IGNORECASE), r"\1[redacted]"),
]


def redact(text):
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def install():
    """Clean every log record at creation (once per process)."""
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
        return record

    make_record.redacting = True
    logging.setLogRecordFactory(make_record)
