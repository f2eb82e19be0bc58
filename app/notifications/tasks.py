"""The delivery job: notifications → WeChat subscribe messages.

At most one message per notification, however often a job runs (retries, a worker killed
mid-job, a job requeued by hand): a notification is claimed by a conditional UPDATE
(pending/failed → sending) committed before WeChat is called, so a second run finds nothing
to claim. The consent is spent in the same commit and given back when WeChat certainly did
not use it. The inbox copy is never touched.
"""
import logging

from flask import current_app
from sqlalchemy import update
from wechatpy.exceptions import WeChatClientException

from app import wechat
from app.auth.models import User
from app.extensions import db
from app.jobs import is_last_attempt, task
from app.models_base import utcnow
from app.notifications import service
from app.notifications.models import Notification, WeChatStatus
from app.notifications.templates import message_data

log = logging.getLogger(__name__)

# Worth trying again later: daily quota reached. (-1, timeouts and HTTP errors arrive as
# WeChatUnavailable; refused tokens are refreshed inside wechat.call.)
RETRYABLE = {45009}
USER_REFUSED, BAD_OPENID = 43101, 40003
REFUSAL_NOTES = {USER_REFUSED: "user refused", BAD_OPENID: "bad openid",
                 47003: "bad template value"}

UNAVAILABLE = "unavailable"


class DeliveryDeferred(Exception):
    """Part of the batch could not reach WeChat; rq runs the job again after a backoff."""


@task
def deliver(notification_ids):
    """Send the subscribe messages of a batch of notifications."""
    last = is_last_attempt()
    for position, notification_id in enumerate(notification_ids):
        if _deliver_one(notification_id, last) == UNAVAILABLE:
            rest = notification_ids[position + 1:]
            if last:
                _fail_unclaimed(rest)
            raise DeliveryDeferred(f"WeChat unavailable; {len(rest) + 1} of {len(notification_ids)} "
                                   f"notifications {'failed' if last else 'wait for the retry'}")


def _deliver_one(notification_id, last):
    claimed = db.session.execute(update(Notification).where(
        Notification.id == notification_id,
        Notification.wechat_status.in_([WeChatStatus.PENDING, WeChatStatus.FAILED]),
    ).values(wechat_status=WeChatStatus.SENDING,
             wechat_attempts=Notification.wechat_attempts + 1)).rowcount
    if not claimed:
        db.session.commit()
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
    db.session.commit()  # claimed (and consent spent) before WeChat hears of it

    payload = {"time": notification.created_at, **notification.payload}
    data = message_data(template, payload, current_app.config["TIME_ZONE"])
    try:
        wechat.send_subscribe_message(openid, template.id, data, notification.page)
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
    db.session.commit()
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
        db.session.commit()
