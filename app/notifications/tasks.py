"""The delivery job: notifications → WeChat subscribe messages and SMS copies, and the outbox
sweep.

At most one message per notification, however often a job runs (retries, a job requeued by
hand, a sweep racing a job): a notification is claimed by a conditional UPDATE (pending/failed
→ sending) committed before WeChat is called, so a second run finds nothing to claim. The
consent is spent in the same commit and given back when WeChat certainly did not use it. The
inbox copy is never touched.

WeChat has no idempotency key, so a send is tried again only when WeChat certainly did not take
it: we could not connect, or it answered busy, over quota or an HTTP error. A send that reached
WeChat and got no answer (a timeout after the request went out, a dropped connection) may have
been delivered: it is settled `sent` with the note `no_answer` and never sent again, and the
inbox's delivery label says WeChat did not confirm it. So is a claim whose worker died
mid-send. A resident may thus miss the WeChat copy of such a message (never the inbox copy),
but never gets two.

The sweep (every WORKER_HOUSEKEEPING_SECONDS, on the workers) re-enqueues the pending rows no
job in Redis holds — rows written while Redis was down, rows whose job or retry was lost with
Redis's data — once they have waited half that interval (a fresh row's job is enqueued at its
commit), and settles the claims of dead workers as above once their lease has run out.

An SMS copy (SmsMessage, sms.py) goes through the same job and the same steps: claimed before
the provider hears of it, retried only when the provider certainly did not take it, settled
`sent` with `no_answer` when it may have, `rejected` when refused for good, `dropped` (never
queued again) when the household's daily limit is reached or its consent was withdrawn.
"""
import logging
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update

from app import wechat
from app.auth.models import User
from app.extensions import db
from app.jobs import BULK, is_last_attempt, queue, task
from app.models_base import utcnow
from app.notifications import service, sms, sms_provider
from app.notifications.models import Notification, SmsConsent, SmsMessage, SmsStatus, WeChatStatus
from app.notifications.templates import message_data

log = logging.getLogger(__name__)

# Worth trying again later: daily quota reached. (-1, timeouts and HTTP errors arrive as
# WeChatUnavailable; refused tokens are refreshed inside wechat.call.)
RETRYABLE = {45009}
USER_REFUSED, BAD_OPENID = 43101, 40003
REFUSAL_NOTES = {USER_REFUSED: "user refused", BAD_OPENID: "bad openid",
                 47003: "bad template value"}

UNAVAILABLE = "unavailable"
SENDING_LEASE = timedelta(minutes=15)  # far longer than one send (WeChat timeout: seconds)
SWEEP_BATCH = 100
SWEEP_LIMIT = 20000


class DeliveryDeferred(Exception):
    """Part of the batch could not reach WeChat or the SMS provider; rq runs the job again after a
    backoff."""


@dataclass(frozen=True)
class Channel:
    """A copy of a notification that leaves the outbox — the WeChat copy on the Notification row,
    the SMS copy in its SmsMessage — and the columns the shared steps (claim, settle, fail the
    untried, sweep) work on."""

    model: type
    states: type  # its status enum: PENDING, SENDING, SENT and FAILED at least
    notification_id: object  # the column naming the notification
    status: object
    note: object
    attempts: object
    untried_note: str  # the note of a copy its batch never reached when the retries ran out


WECHAT = Channel(Notification, WeChatStatus, Notification.id, Notification.wechat_status, Notification.wechat_note,
                 Notification.wechat_attempts, "wechat_unavailable")
SMS = Channel(SmsMessage, SmsStatus, SmsMessage.notification_id, SmsMessage.status, SmsMessage.note,
              SmsMessage.attempts, "not_tried")
CHANNELS = (WECHAT, SMS)
_CHANNEL_OF = {channel.model: channel for channel in CHANNELS}


@task
def deliver(notification_ids):
    """Send the subscribe messages and SMS copies of a batch of notifications."""
    last = is_last_attempt()
    # Few notifications have an SMS copy: one query for the batch, not one per notification.
    with_text = set(db.session.scalars(select(SmsMessage.notification_id).where(
        SmsMessage.notification_id.in_(notification_ids),
        SmsMessage.status.in_([SmsStatus.PENDING, SmsStatus.FAILED]))))
    for position, notification_id in enumerate(notification_ids):
        outcomes = (_deliver_one(notification_id, last),
                    _text_one(notification_id, last) if notification_id in with_text else None)
        if UNAVAILABLE in outcomes:
            rest = notification_ids[position + 1:]
            if last:
                _fail_unclaimed(rest)
            raise DeliveryDeferred(f"WeChat or SMS unavailable; {len(rest) + 1} of {len(notification_ids)} "
                                   f"notifications {'failed' if last else 'wait for the retry'}")


def _deliver_one(notification_id, last):
    if not _claim(WECHAT, notification_id):
        db.session.commit()  # deliberate, as each step below: one message's state at a time
        return None
    notification = db.session.get(Notification, notification_id, populate_existing=True)
    template = service.template_for(notification)
    openid = db.session.scalar(db.select(User.openid).where(User.id == notification.user_id))
    if template is None:
        return _settle(notification, WeChatStatus.NONE, "no_template")
    if not openid:
        return _settle(notification, WeChatStatus.REJECTED, "no_openid")
    if not notification.consent_spent:
        if not service.spend_consent(notification.user_id, template.id):
            return _settle(notification, WeChatStatus.NONE, "no_consent")
        notification.consent_spent = True
    db.session.commit()  # deliberate: claimed (and consent spent) before WeChat hears of it

    payload = {"time": notification.created_at, **notification.payload}
    data = message_data(template, payload, current_app.config["TIME_ZONE"])
    try:
        wechat.send_subscribe_message(openid, template.id, data, notification.page)
    except wechat.WeChatNoAnswer:  # it may have been delivered: at most once, so never again
        log.warning("WeChat did not answer the send of notification %s; not sending it again", notification.id)
        return _settle(notification, WeChatStatus.SENT, service.NO_ANSWER)
    except wechat.WeChatUnavailable:
        return _defer(notification, "wechat_unavailable", last)
    except wechat.WeChatRefused as exc:
        if exc.errcode in RETRYABLE:
            return _defer(notification, f"{exc.errcode} quota reached", last)
        if exc.errcode == USER_REFUSED:
            service.clear_consents(notification.user_id, template.id)
        elif exc.errcode != BAD_OPENID:
            _refund(notification)
        if exc.errcode not in (USER_REFUSED, BAD_OPENID):
            log.error("WeChat refused notification %s: errcode=%s %s",
                      notification.id, exc.errcode, exc.errmsg)
        note = f"{exc.errcode} {REFUSAL_NOTES.get(exc.errcode, 'refused')}"
        return _settle(notification, WeChatStatus.REJECTED, note)
    return _settle(notification, WeChatStatus.SENT, None, sent_at=utcnow())


def _claim(channel, notification_id):
    """The notification's copy on `channel`, pending or failed → sending, for the caller to commit
    before the message leaves: a second run finds nothing to claim. Whether it was claimed."""
    states = channel.states
    return db.session.execute(update(channel.model).where(
        channel.notification_id == notification_id, channel.status.in_([states.PENDING, states.FAILED]),
    ).values({channel.status: states.SENDING, channel.model.claimed_at: utcnow(),
              channel.attempts: channel.attempts + 1})).rowcount


def _settle(row, status, note, **values):
    """Record how a copy (a Notification's WeChat copy, or an SmsMessage) stands."""
    channel = _CHANNEL_OF[type(row)]
    setattr(row, channel.status.key, status)
    setattr(row, channel.note.key, note)
    for name, value in values.items():
        setattr(row, name, value)
    db.session.commit()  # deliberate: each message settled as its channel answers, not at the batch's end
    return status


def _refund(notification):
    if notification.consent_spent:
        service.refund_consent(notification.user_id, notification.template_id)
        notification.consent_spent = False


def _defer(row, note, last):
    """The channel could not take it now: wait for the job's retry, or on the last one leave it
    failed (`flask jobs requeue` may try again), a WeChat copy with its consent given back."""
    if last and isinstance(row, Notification):
        _refund(row)
    states = _CHANNEL_OF[type(row)].states
    _settle(row, states.FAILED if last else states.PENDING, note)
    return UNAVAILABLE


def _fail_unclaimed(notification_ids):
    if notification_ids:
        for channel in CHANNELS:
            db.session.execute(update(channel.model).where(
                channel.notification_id.in_(notification_ids), channel.status == channel.states.PENDING,
            ).values({channel.status: channel.states.FAILED, channel.note: channel.untried_note}))
        db.session.commit()  # deliberate: before the job raises for its retry


# ---- the SMS copy ----------------------------------------------------------------------------

def _text_one(notification_id, last):
    """Send the notification's SMS copy, if it has one still to send: claimed (pending/failed →
    sending) in a commit before the provider hears of it, as the WeChat copy is; the household's
    daily limit is counted under a lock on its consent row, so two workers cannot both send the
    last one allowed."""
    message = db.session.scalar(select(SmsMessage).where(
        SmsMessage.notification_id == notification_id, SmsMessage.status.in_([SmsStatus.PENDING, SmsStatus.FAILED])))
    if message is None:
        return None
    consent = db.session.scalar(select(SmsConsent).where(SmsConsent.household_id == message.household_id)
                                .with_for_update())
    if not _claim(SMS, notification_id):
        db.session.commit()  # deliberate: releases the consent row's lock
        return None
    db.session.refresh(message)
    notification = db.session.get(Notification, notification_id)
    template = sms.templates().get(notification.kind)
    phone = sms.phone_of(consent) if consent is not None else None
    if template is None:
        return _settle(message, SmsStatus.DROPPED, "no_template")
    if phone is None:  # withdrawn since (or sealed under another SECRET_KEY)
        return _settle(message, SmsStatus.DROPPED, "no_consent")
    zone = ZoneInfo(current_app.config["TIME_ZONE"])
    sent_today = db.session.scalar(select(func.count()).select_from(SmsMessage).where(
        SmsMessage.household_id == message.household_id, SmsMessage.id != message.id,
        SmsMessage.status.in_([SmsStatus.SENDING, SmsStatus.SENT]), SmsMessage.claimed_at >= sms.daily_start(zone)))
    if sent_today >= current_app.config["SMS_DAILY_LIMIT"]:
        return _settle(message, SmsStatus.DROPPED, "daily_limit")
    db.session.commit()  # deliberate: claimed before the provider hears of it

    payload = {"time": notification.created_at, **notification.payload}
    try:
        sent = sms_provider.send(phone, template.id, template.sign_name, sms.params(template, payload, zone),
                                 context=f"sms-{message.id}")
    except sms_provider.SmsNoAnswer:  # it may have been sent: at most once, so never again
        log.warning("SMS provider did not answer the send of SMS %s; not sending it again", message.id)
        return _settle(message, SmsStatus.SENT, service.NO_ANSWER)
    except sms_provider.SmsUnavailable as exc:
        log.warning("SMS provider unavailable for SMS %s: %s", message.id, exc.code)
        return _defer(message, exc.code[:200], last)
    except sms_provider.SmsRefused as exc:
        log.error("SMS provider refused SMS %s: %s", message.id, exc.code)
        return _settle(message, SmsStatus.REJECTED, exc.code[:200])
    return _settle(message, SmsStatus.SENT, None, sent_at=utcnow(), provider_ref=(sent.serial_no or "")[:64])


@task
def sweep():
    """Re-enqueue the notifications no job will deliver; settle dead workers' claims (see the
    module docstring)."""
    now = utcnow()
    waited = timedelta(seconds=current_app.config["WORKER_HOUSEKEEPING_SECONDS"] / 2)
    waiting = set()
    for channel in CHANNELS:
        model, states = channel.model, channel.states
        # Claims whose worker died mid-send: WeChat or the provider may have the message (a
        # WeChat consent stays spent).
        db.session.execute(update(model).where(
            channel.status == states.SENDING, model.claimed_at < now - SENDING_LEASE,
        ).values({channel.status: states.SENT, channel.note: service.NO_ANSWER}))
        waiting.update(db.session.scalars(select(channel.notification_id).where(
            channel.status == states.PENDING, func.coalesce(model.claimed_at, model.created_at) < now - waited,
        ).order_by(model.id).limit(SWEEP_LIMIT)))
    waiting = sorted(waiting)
    db.session.commit()  # deliberate: dead claims settled before this job can fail on Redis
    on_the_way = {i for (batch,) in queue.waiting_calls(deliver) for i in batch} if waiting else set()
    ids = [i for i in waiting if i not in on_the_way]
    if ids:
        log.warning("outbox sweep: requeueing %d notification(s)", len(ids))
        queue.enqueue([(deliver, (ids[start:start + SWEEP_BATCH],)) for start in range(0, len(ids), SWEEP_BATCH)],
                      queue=BULK)
    return len(ids)
