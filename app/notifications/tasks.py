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

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update
from wechatpy.exceptions import WeChatClientException

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
    """Part of the batch could not reach WeChat; rq runs the job again after a backoff."""


@task
def deliver(notification_ids):
    """Send the subscribe messages and SMS copies of a batch of notifications."""
    last = is_last_attempt()
    for position, notification_id in enumerate(notification_ids):
        if UNAVAILABLE in (_deliver_one(notification_id, last), _text_one(notification_id, last)):
            rest = notification_ids[position + 1:]
            if last:
                _fail_unclaimed(rest)
            raise DeliveryDeferred(f"WeChat or SMS unavailable; {len(rest) + 1} of {len(notification_ids)} "
                                   f"notifications {'failed' if last else 'wait for the retry'}")


def _deliver_one(notification_id, last):
    claimed = db.session.execute(update(Notification).where(
        Notification.id == notification_id,
        Notification.wechat_status.in_([WeChatStatus.PENDING, WeChatStatus.FAILED]),
    ).values(wechat_status=WeChatStatus.SENDING, claimed_at=utcnow(),
             wechat_attempts=Notification.wechat_attempts + 1)).rowcount
    if not claimed:
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
    except WeChatClientException as exc:
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


def _settle(notification, status, note, **values):
    notification.wechat_status = status
    notification.wechat_note = note
    for name, value in values.items():
        setattr(notification, name, value)
    db.session.commit()  # deliberate: each message settled as WeChat answers, not at the batch's end
    return status


def _refund(notification):
    if notification.consent_spent:
        service.refund_consent(notification.user_id, notification.template_id)
        notification.consent_spent = False


def _defer(notification, note, last):
    """WeChat could not take it now: wait for the job's retry, or on the last one give the
    consent back and leave it failed (`flask jobs requeue` may try again)."""
    if last:
        _refund(notification)
        _settle(notification, WeChatStatus.FAILED, note)
    else:
        _settle(notification, WeChatStatus.PENDING, note)
    return UNAVAILABLE


def _fail_unclaimed(notification_ids):
    if notification_ids:
        db.session.execute(update(Notification).where(
            Notification.id.in_(notification_ids), Notification.wechat_status == WeChatStatus.PENDING,
        ).values(wechat_status=WeChatStatus.FAILED, wechat_note="wechat_unavailable"))
        db.session.execute(update(SmsMessage).where(
            SmsMessage.notification_id.in_(notification_ids), SmsMessage.status == SmsStatus.PENDING,
        ).values(status=SmsStatus.FAILED, note="not_tried"))
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
    claimed = db.session.execute(update(SmsMessage).where(
        SmsMessage.id == message.id, SmsMessage.status.in_([SmsStatus.PENDING, SmsStatus.FAILED]),
    ).values(status=SmsStatus.SENDING, claimed_at=utcnow(), attempts=SmsMessage.attempts + 1)).rowcount
    if not claimed:
        db.session.commit()  # deliberate: releases the consent row's lock
        return None
    db.session.refresh(message)
    notification = db.session.get(Notification, notification_id)
    template = sms.templates().get(notification.kind)
    phone = sms.phone_of(consent) if consent is not None else None
    if template is None:
        return _settle_text(message, SmsStatus.DROPPED, "no_template")
    if phone is None:  # withdrawn since (or sealed under another SECRET_KEY)
        return _settle_text(message, SmsStatus.DROPPED, "no_consent")
    zone = ZoneInfo(current_app.config["TIME_ZONE"])
    sent_today = db.session.scalar(select(func.count()).select_from(SmsMessage).where(
        SmsMessage.household_id == message.household_id, SmsMessage.id != message.id,
        SmsMessage.status.in_([SmsStatus.SENDING, SmsStatus.SENT]), SmsMessage.claimed_at >= sms.daily_start(zone)))
    if sent_today >= current_app.config["SMS_DAILY_LIMIT"]:
        return _settle_text(message, SmsStatus.DROPPED, "daily_limit")
    db.session.commit()  # deliberate: claimed before the provider hears of it

    payload = {"time": notification.created_at, **notification.payload}
    try:
        sent = sms_provider.send(phone, template.id, template.sign_name, sms.params(template, payload, zone),
                                 context=f"sms-{message.id}")
    except sms_provider.SmsNoAnswer:  # it may have been sent: at most once, so never again
        log.warning("SMS provider did not answer the send of SMS %s; not sending it again", message.id)
        return _settle_text(message, SmsStatus.SENT, service.NO_ANSWER)
    except sms_provider.SmsUnavailable as exc:
        log.warning("SMS provider unavailable for SMS %s: %s", message.id, exc.code)
        _settle_text(message, SmsStatus.FAILED if last else SmsStatus.PENDING, exc.code[:200])
        return UNAVAILABLE
    except sms_provider.SmsRefused as exc:
        log.error("SMS provider refused SMS %s: %s", message.id, exc.code)
        return _settle_text(message, SmsStatus.REJECTED, exc.code[:200])
    return _settle_text(message, SmsStatus.SENT, None, sent_at=utcnow(), provider_ref=(sent.serial_no or "")[:64])


def _settle_text(message, status, note, **values):
    message.status = status
    message.note = note
    for name, value in values.items():
        setattr(message, name, value)
    db.session.commit()  # deliberate: each SMS settled as the provider answers
    return status


@task
def sweep():
    """Re-enqueue the notifications no job will deliver; settle dead workers' claims (see the
    module docstring)."""
    now = utcnow()
    # Claims whose worker died mid-send: WeChat may have the message; the consent stays spent.
    db.session.execute(update(Notification).where(
        Notification.wechat_status == WeChatStatus.SENDING, Notification.claimed_at < now - SENDING_LEASE,
    ).values(wechat_status=WeChatStatus.SENT, wechat_note=service.NO_ANSWER))
    db.session.execute(update(SmsMessage).where(
        SmsMessage.status == SmsStatus.SENDING, SmsMessage.claimed_at < now - SENDING_LEASE,
    ).values(status=SmsStatus.SENT, note=service.NO_ANSWER))
    waited = timedelta(seconds=current_app.config["WORKER_HOUSEKEEPING_SECONDS"] / 2)
    waiting = db.session.scalars(select(Notification.id).where(
        Notification.wechat_status == WeChatStatus.PENDING,
        func.coalesce(Notification.claimed_at, Notification.created_at) < now - waited,
    ).order_by(Notification.id).limit(SWEEP_LIMIT)).all()
    waiting = sorted(set(waiting) | set(db.session.scalars(select(SmsMessage.notification_id).where(
        SmsMessage.status == SmsStatus.PENDING,
        func.coalesce(SmsMessage.claimed_at, SmsMessage.created_at) < now - waited,
    ).order_by(SmsMessage.id).limit(SWEEP_LIMIT))))
    db.session.commit()  # deliberate: dead claims settled before this job can fail on Redis
    on_the_way = {i for (batch,) in queue.waiting_calls(deliver) for i in batch} if waiting else set()
    ids = [i for i in waiting if i not in on_the_way]
    if ids:
        log.warning("outbox sweep: requeueing %d notification(s)", len(ids))
        queue.enqueue([(deliver, (ids[start:start + SWEEP_BATCH],)) for start in range(0, len(ids), SWEEP_BATCH)],
                      queue=BULK)
    return len(ids)
