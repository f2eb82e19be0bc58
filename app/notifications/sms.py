"""SMS (短信): the outbox's second channel, for households that WeChat does not reach.

A notice that matters (SMS_NOTICES) goes to a household by SMS when the household consented
(SmsConsent: a number, sealed), the kind has a provider template approved in advance
(SMS_TEMPLATES), and no member of the household gets it on WeChat — nobody subscribed, or the
household has no one on WeChat but the number. One SmsMessage per household and notice, on the
notification of its first member; delivery (tasks.py) claims it, applies the household's daily
limit and sends it at most once (README: Notifications, SMS).
"""
import json
import re
from dataclasses import dataclass
from datetime import datetime, time

from cryptography.exceptions import InvalidTag
from flask import current_app
from sqlalchemy import case, delete, func, insert, literal, select

from app import sealing
from app.audit import service as audit
from app.community import acting
from app.community.models import HouseholdMember
from app.community.service import mask_phone
from app.errors import ApiError
from app.extensions import db
from app.models_base import utcnow
from app.notifications.models import Notification, SmsConsent, SmsMessage, SmsStatus, WeChatStatus
from app.notifications.templates import NotificationKind, clean_text, cut_text, as_local
from config import ConfigError

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")  # mainland mobile numbers: the only ones SMS reaches
EVIDENCE = ("written", "in_person", "phone_call")  # how a resident's consent reached whoever entered it
EVIDENCE_LABELS = {"self": "本人在小程序中同意", "written": "书面同意", "in_person": "当面口头同意",
                   "phone_call": "电话中同意"}
RESOLVED = "已办结"  # app.matters.models.STATUS_LABELS[RESOLVED], as the payload carries it
_URL = re.compile(r"(https?://|www\.)\S*", re.IGNORECASE)  # providers refuse links in parameters


def _always(_payload):
    return True


# Which notices are worth an SMS (each costs money and a resident's patience): a meeting called
# or moved, a poll opening and closing, one's own matter resolved. Everything else stays in the
# inbox and on WeChat.
SMS_NOTICES = {
    NotificationKind.MEETING_INVITATION: _always,
    NotificationKind.POLL_OPENED: _always,
    NotificationKind.POLL_CLOSING: _always,
    NotificationKind.MATTER_STATUS: lambda payload: payload.get("status") == RESOLVED,
}
# The template parameters ({1}, {2} …) of each kind, in order; SMS_TEMPLATES may name others.
DEFAULT_PARAMS = {
    NotificationKind.MEETING_INVITATION: ("title", "time", "place"),
    NotificationKind.POLL_OPENED: ("title", "closes_at"),
    NotificationKind.POLL_CLOSING: ("title", "closes_at"),
    NotificationKind.MATTER_STATUS: ("title", "status"),
}
TIME_FIELDS = {"time", "closes_at"}


@dataclass(frozen=True)
class SmsTemplate:
    kind: NotificationKind
    id: str
    sign_name: str
    params: tuple  # payload fields, in the template's parameter order


def load_templates(raw, sign_name):
    """SMS_TEMPLATES ({kind: template id, or {"id", "sign_name", "params"}}) as SmsTemplates;
    ConfigError naming the mistake, so a typo stops the app at start."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise ConfigError("SMS_TEMPLATES must be a JSON object, e.g. "
                              '{"meeting_invitation": "1234567"}') from None
    if not isinstance(raw, dict):
        raise ConfigError("SMS_TEMPLATES must be a JSON object of notification kind → template")
    templates = {}
    for name, value in raw.items():
        try:
            kind = NotificationKind(name)
        except ValueError:
            kind = None
        if kind not in SMS_NOTICES:
            raise ConfigError(f"SMS_TEMPLATES: {name!r} is not sent by SMS; kinds: {', '.join(SMS_NOTICES)}")
        spec = value if isinstance(value, dict) else {"id": value}
        params = spec.get("params", DEFAULT_PARAMS[kind])
        if not isinstance(spec.get("id"), (str, int)) or not str(spec["id"]).strip():
            raise ConfigError(f"SMS_TEMPLATES: {name} needs a template id")
        if not isinstance(params, (list, tuple)) or not all(isinstance(p, str) and p for p in params):
            raise ConfigError(f"SMS_TEMPLATES: {name}'s params must be a list of payload fields")
        sign = spec.get("sign_name") or sign_name
        if not sign:
            raise ConfigError(f"SMS_TEMPLATES: {name} has no sign name; set SMS_SIGN_NAME")
        templates[kind] = SmsTemplate(kind, str(spec["id"]).strip(), sign, tuple(params))
    return templates


def templates():
    """The configured SMS templates by kind, loaded and checked in create_app; none while
    SMS_PROVIDER is unset."""
    return current_app.extensions["sms_templates"]


def params(template, payload, zone):
    """The template's parameters from the payload, each within the provider's length limit
    (SMS_PARAM_MAX_LENGTH characters), without line breaks or links."""
    limit = current_app.config["SMS_PARAM_MAX_LENGTH"]
    values = []
    for field in template.params:
        value = payload.get(field)
        moment = as_local(value, zone) if field in TIME_FIELDS else None
        if isinstance(moment, datetime):
            text = f"{moment.month}月{moment.day}日{moment:%H:%M}"
        else:
            text = clean_text(_URL.sub("", clean_text(value)))
        values.append(cut_text(text, limit) or "-")
    return values


# ---- the outbox rows ---------------------------------------------------------------------------

def queue_texts(kind, payload, created_at, first_id, last_id):
    """SMS copies of the notifications notify() just wrote (ids first_id … last_id, stamped
    `created_at`): one per consenting household none of whose members gets it on WeChat, on
    the notification of its first member. One INSERT … SELECT; returns the notification ids
    whose copy is to be sent."""
    if not current_app.config["SMS_PROVIDER"] or kind not in SMS_NOTICES or not SMS_NOTICES[kind](payload):
        return []
    # A notice that deserves an SMS but has no approved template is recorded as dropped.
    template = templates().get(kind)
    status, note = (SmsStatus.PENDING, None) if template else (SmsStatus.DROPPED, "no_template")
    household = HouseholdMember.household_id
    per_household = (
        select(func.min(Notification.id), household, literal(created_at, SmsMessage.created_at.type),
               literal(status.value), literal(note, SmsMessage.note.type))
        .select_from(Notification)
        .join(HouseholdMember, HouseholdMember.user_id == Notification.user_id)
        .join(SmsConsent, SmsConsent.household_id == household)
        .where(Notification.id.between(first_id, last_id), Notification.created_at == created_at,
               Notification.kind == kind.value)
        .group_by(household)
        .having(func.sum(case((Notification.wechat_status == WeChatStatus.PENDING, 1), else_=0)) == 0))
    queued = db.session.scalars(
        insert(SmsMessage).from_select(["notification_id", "household_id", "created_at", "status", "note"],
                                       per_household)
        .returning(SmsMessage.notification_id)).all()
    return list(queued) if template else []


def daily_start(zone):
    """Local midnight (TIME_ZONE) as an aware datetime: the daily limit's day."""
    now = utcnow().astimezone(zone)
    return datetime.combine(now.date(), time(0), tzinfo=zone)


# ---- consent --------------------------------------------------------------------------------

def _key():
    return sealing.derive("sms-consent-phone")


def _aad(household_id):
    return f"sms_consents:{household_id}".encode()


def phone_of(consent):
    """The consent's number in clear (None if SECRET_KEY changed since it was sealed)."""
    try:
        return sealing.unseal(_key(), consent.phone_sealed, _aad(consent.household_id)).decode()
    except (InvalidTag, ValueError):
        return None


def normalize_mobile(phone):
    phone = re.sub(r"[\s()-]", "", str(phone or ""))
    phone = re.sub(r"^(\+86|0086|86)(?=1\d{10}$)", "", phone)
    return phone if MOBILE.match(phone) else None


def _check_manage(actor, household):
    """A household's members manage its SMS consent; so do those who look after it (its building
    head, grid worker, staff: acting.py), with the resident's consent recorded. Returns whether
    the actor lives there."""
    if acting.lives_in(actor, household.id):
        return True
    acting.require(actor, household, acting.Act.SMS_CONSENT)
    return False


def consent_of(actor, household):
    """Whether the household receives notices by SMS, and at which number (masked), for those
    who manage its consent."""
    _check_manage(actor, household)
    return _consent_view(household)


def _consent_view(household):
    consent = db.session.get(SmsConsent, household.id)
    if consent is None:
        return {"household_id": household.id, "consented": False, "phone": None, "evidence": None,
                "evidence_label": None, "consented_at": None}
    return {"household_id": household.id, "consented": True, "phone": mask_phone(phone_of(consent)) or "****",
            "evidence": consent.evidence, "evidence_label": EVIDENCE_LABELS[consent.evidence],
            "consented_at": consent.consented_at}


def set_consent(actor, household, phone, evidence=None):
    """Record (or replace) the household's consent to SMS notices at `phone`. A member gives it
    themselves; anyone else enters it on a resident's behalf and says how the consent was
    given (`evidence`), which the audit log keeps — the number it never sees."""
    own = _check_manage(actor, household)
    mobile = normalize_mobile(phone)
    if mobile is None:
        raise ApiError(422, "validation_error", "请填写正确的手机号码（11位，短信只能发到手机）",
                       details={"phone": ["手机号码格式不正确"]})
    if not own and evidence not in EVIDENCE:
        raise ApiError(422, "consent_evidence_required", "代为登记时须说明居民如何同意接收短信",
                       details={"evidence": ["请选择：书面同意、当面口头同意或电话中同意"]})
    consent = db.session.get(SmsConsent, household.id) or SmsConsent(household_id=household.id)
    consent.phone_sealed = sealing.seal(_key(), mobile.encode(), _aad(household.id), block=32)
    consent.resident_id = actor.id if own else None
    consent.recorded_by_id = actor.id
    consent.evidence = "self" if own else evidence
    consent.consented_at = utcnow()
    db.session.add(consent)
    db.session.flush()
    audit.record(actor, "household.sms_consent_set", "household", household.id, community_id=household.community_id,
                 household_id=household.id, evidence=consent.evidence, on_behalf=not own)
    return _consent_view(household)


def remove_consent(actor, household):
    """Withdraw the consent and delete the number; SMS copies not yet sent are dropped when
    their turn comes (tasks.py). Withdrawing what was never given is no error (and is logged:
    who made sure no SMS goes to the household)."""
    _check_manage(actor, household)
    removed = db.session.execute(delete(SmsConsent).where(SmsConsent.household_id == household.id)).rowcount
    audit.record(actor, "household.sms_consent_remove", "household", household.id,
                 community_id=household.community_id, household_id=household.id, had_consent=bool(removed))
    db.session.flush()
    return _consent_view(household)
