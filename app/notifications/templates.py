"""Subscribe-message templates (订阅消息模板) and the one formatter that fits values to them.

Operators pick a template from WeChat's public library for each kind and set its id in
WECHAT_TEMPLATE_<KIND>. Library templates name their fields by type and position
(``thing1``, ``time2`` …); DEFAULT_FIELDS maps those keys to our payload fields, and
WECHAT_TEMPLATE_<KIND>_FIELDS=thing1=title,time3=time overrides the map for a template whose
keys differ. A value is fitted by its key's type, so WeChat never rejects a message with
47003 because a matter's title is long (README: Notifications).
"""
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from zoneinfo import ZoneInfo

from config import ConfigError


class NotificationKind(StrEnum):
    MATTER_STATUS = "matter_status"
    MATTER_COMMENT = "matter_comment"  # a comment on one's matter: WeChat only if asked for (service.REMINDERS)
    MEETING_INVITATION = "meeting_invitation"
    MEETING_REMINDER = "meeting_reminder"
    POLL_OPENED = "poll_opened"
    POLL_CLOSING = "poll_closing"
    POLL_RESULT = "poll_result"
    NOTICE = "notice"  # 公示 and other announcements: inbox only


LABELS = {
    NotificationKind.MATTER_STATUS: "诉求进度提醒",
    NotificationKind.MATTER_COMMENT: "诉求留言",
    NotificationKind.MEETING_INVITATION: "会议邀请",
    NotificationKind.MEETING_REMINDER: "会议开始提醒",
    NotificationKind.POLL_OPENED: "投票开始通知",
    NotificationKind.POLL_CLOSING: "投票截止提醒",
    NotificationKind.POLL_RESULT: "投票结果公示",
    NotificationKind.NOTICE: "公告",
}

# Template key → payload field, for the library templates README recommends.
DEFAULT_FIELDS = {
    NotificationKind.MATTER_STATUS: {"thing1": "title", "phrase2": "status", "time3": "time",
                                     "thing4": "note"},
    NotificationKind.MEETING_INVITATION: {"thing1": "title", "time2": "time", "thing3": "place",
                                          "name4": "organizer"},
    NotificationKind.MEETING_REMINDER: {"thing1": "title", "time2": "time", "thing3": "place"},
    NotificationKind.POLL_OPENED: {"thing1": "title", "time2": "closes_at", "thing3": "note"},
    NotificationKind.POLL_CLOSING: {"thing1": "title", "time2": "closes_at", "thing3": "note"},
    NotificationKind.POLL_RESULT: {"thing1": "title", "phrase2": "outcome", "thing3": "note"},
}


@dataclass(frozen=True)
class Template:
    kind: NotificationKind
    id: str
    fields: dict  # key → payload field


def load_templates(raw):
    """Templates from the settings' WECHAT_TEMPLATES ({"matter_status": id, "matter_status_fields": …}).

    Raises ConfigError naming the variable when a kind or field mapping is wrong, so a typo
    fails at start instead of silently sending nothing.
    """
    templates = {}
    for name, value in raw.items():
        kind_name = name.removesuffix("_fields")
        try:
            kind = NotificationKind(kind_name)
        except ValueError:
            raise ConfigError(f"WECHAT_TEMPLATE_{name.upper()}: no such notification kind; "
                              f"kinds: {', '.join(k for k in DEFAULT_FIELDS)}") from None
        if kind not in DEFAULT_FIELDS:
            raise ConfigError(f"WECHAT_TEMPLATE_{name.upper()}: {kind} is sent to the inbox only")
        if name.endswith("_fields"):
            continue
        fields = _parse_fields(name, raw.get(f"{name}_fields")) or DEFAULT_FIELDS[kind]
        templates[kind] = Template(kind, value.strip(), fields)
    for name in raw:
        if name.endswith("_fields") and NotificationKind(name.removesuffix("_fields")) not in templates:
            raise ConfigError(f"WECHAT_TEMPLATE_{name.upper()} is set without "
                              f"WECHAT_TEMPLATE_{name.removesuffix('_fields').upper()}")
    return templates


def _parse_fields(name, text):
    if not text:
        return None
    fields = {}
    for pair in text.split(","):
        key, sep, field = (part.strip() for part in pair.partition("="))
        if not sep or not key or not field:
            raise ConfigError(f"WECHAT_TEMPLATE_{name.upper()}_FIELDS: write key=field pairs "
                              f"separated by commas, e.g. thing1=title,time2=time")
        if _key_type(key) not in FITTERS:
            raise ConfigError(f"WECHAT_TEMPLATE_{name.upper()}_FIELDS: {key} has no known type "
                              f"({', '.join(FITTERS)})")
        fields[key] = field
    return fields


def _key_type(key):
    return key.rstrip("0123456789")


# ---- fitting values to WeChat's limits -------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def clean_text(value):
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return " ".join(_CONTROL.sub(" ", text).split())


def cut_text(text, limit):
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _thing(value, _zone):  # ≤ 20 characters of any kind
    return cut_text(clean_text(value), 20) or "无"


def _phrase(value, _zone):  # ≤ 5 Chinese characters, nothing else
    return "".join(_HAN.findall(clean_text(value)))[:5] or "有更新"


def _name(value, _zone):  # ≤ 10 Chinese characters, or ≤ 20 letters when there is no Chinese
    text = re.sub(r"[0-9]", "", clean_text(value)).strip()
    if not text:
        return "居民"
    return text[:10] if _HAN.search(text) else text[:20]


def as_local(value, zone):
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(zone)
    return value if isinstance(value, date) else None


def _time(value, zone):  # 2026年11月21日 15:00
    moment = as_local(value, zone) or datetime.now(zone)
    if not isinstance(moment, datetime):
        return f"{moment.year}年{moment.month}月{moment.day}日"
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def _date(value, zone):  # 2026年11月21日
    moment = as_local(value, zone) or datetime.now(zone)
    return f"{moment.year}年{moment.month}月{moment.day}日"


def _only(pattern, limit, fallback):
    def fit(value, _zone):
        return "".join(re.findall(pattern, clean_text(value)))[:limit] or fallback
    return fit


def _number(value, _zone):  # ≤ 32 digits, may carry a decimal point
    text = re.sub(r"[^0-9.]", "", clean_text(value))
    whole, _, fraction = text.partition(".")
    fraction = fraction.replace(".", "")
    return (f"{whole or '0'}.{fraction}" if fraction else whole or "0")[:32]


def _amount(value, _zone):  # one currency sign, ≤ 10 digits, may end in 元
    try:
        amount = Decimal(re.sub(r"[^0-9.\-]", "", clean_text(value)) or "0")
    except InvalidOperation:
        amount = Decimal(0)
    return f"{min(amount, Decimal('9999999.99')):.2f}元"


FITTERS = {
    "thing": _thing,
    "phrase": _phrase,
    "name": _name,
    "time": _time,
    "date": _date,
    "number": _number,
    "amount": _amount,
    "letter": _only(r"[A-Za-z]", 32, "A"),
    "symbol": _only(r"[^\w\s]", 5, "-"),
    "character_string": _only(r"[0-9A-Za-z!-/:-@\[-`{-~]", 32, "-"),
    "phone_number": _only(r"[0-9+\-]", 17, "-"),
    "car_number": _only(r"[0-9A-Za-z\u4e00-\u9fff]", 8, "-"),
}


def fit_value(key, value, zone="Asia/Shanghai"):
    """`value` written as WeChat accepts it for a template field named `key` (type prefix)."""
    fitter = FITTERS.get(_key_type(key))
    if fitter is None:
        raise ValueError(f"unknown template field type: {key}")
    return fitter(value, ZoneInfo(zone) if isinstance(zone, str) else zone)


def message_data(template, payload, zone="Asia/Shanghai"):
    """The `data` of a subscribe message: each template key fitted from its payload field."""
    return {key: {"value": fit_value(key, payload.get(field), zone)}
            for key, field in template.fields.items()}
