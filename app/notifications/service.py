"""Notifying people: the one way any capability tells a resident something.

`notify()` writes the inbox rows in the caller's transaction (and the SMS copies for households
WeChat does not reach, sms.py) and hands delivery to a job after commit, so a notification
exists iff the change it reports was saved, and a slow WeChat never slows the request.
Delivery (tasks.py) sends at most one subscribe message per notification, and only while the
user has a consent left for the template. Which notifications may spend a consent at all is
REMINDERS' and the user's choice (README: Notifications).
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import and_, case, exists, func, insert, literal, null, select, update
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.errors import ApiError
from app.extensions import db
from app.jobs import BULK, DEFAULT, queue
from app.models_base import upsert, utcnow
from app.notifications import sms
from app.notifications.models import Notification, NotificationPreference, SubscriptionConsent, WeChatStatus
from app.notifications.templates import LABELS, NotificationKind

DELIVERY_BATCH = 100  # notifications per delivery job
CONSENT_RESULTS = ("accept", "reject", "ban", "filter")
REMINDED_RECENTLY = timedelta(days=1)


@dataclass(frozen=True)
class Reminder:
    """Whether notifications of a kind may come as WeChat messages. Each message spends one of the
    recipient's consents, which only they give (one per tap) and which run out, so only what they
    must act on may spend them, and never at another resident's will. `template`: whose template,
    and so whose consents, the message uses. `default`: until the user switches the kind on or
    off. `once_a_day`: at most one message per page (one matter) in REMINDED_RECENTLY."""

    template: NotificationKind
    default: bool = True
    once_a_day: bool = False
    hint: str = ""


# What may spend a resident's consents; a kind not listed (notice: 公示, announcements) is
# inbox-only. A neighbour's comment costs nothing unless the household switched comments on.
REMINDERS = {
    NotificationKind.MATTER_STATUS: Reminder(NotificationKind.MATTER_STATUS),
    NotificationKind.MATTER_COMMENT: Reminder(NotificationKind.MATTER_STATUS, default=False, once_a_day=True,
                                              hint="每件诉求每天最多提醒一次，用的是诉求进度提醒的次数"),
    NotificationKind.MEETING_INVITATION: Reminder(NotificationKind.MEETING_INVITATION),
    NotificationKind.MEETING_REMINDER: Reminder(NotificationKind.MEETING_REMINDER),
    NotificationKind.POLL_OPENED: Reminder(NotificationKind.POLL_OPENED),
    NotificationKind.POLL_CLOSING: Reminder(NotificationKind.POLL_CLOSING),
    NotificationKind.POLL_RESULT: Reminder(NotificationKind.POLL_RESULT),
}


def templates():
    """The configured templates by kind (create_app loads them; none without WeChat)."""
    return current_app.extensions["notification_templates"]


def notify(user_ids, kind, payload, page=None):
    """Tell each of `user_ids` about something, in the caller's transaction.

    `payload` carries `title` (required), `body`, and the fields the kind's template shows
    (see templates.DEFAULT_FIELDS); datetimes are stored as ISO strings. `page` is the
    mini-program page the message opens. `user_ids` is a list of ids or a SELECT of them (one
    column). Either way the database writes the rows in one INSERT … SELECT, consent looked up
    in the same statement, so a whole community's rows never travel from Python. Delivery is
    enqueued in batches after commit: notifying a community costs one statement and a few
    enqueues, not a WeChat call per household. Returns the number of notifications.
    """
    kind = NotificationKind(kind)
    payload = _jsonable(payload)
    title = str(payload.get("title") or "").strip()
    if not title:
        raise ValueError("a notification needs payload['title']")
    reminder = REMINDERS.get(kind)
    template = templates().get(reminder.template) if reminder else None
    now = utcnow()
    if isinstance(user_ids, (list, tuple, set)):
        user_ids = select(User.id).where(User.id.in_(list(user_ids)))
    rows = _insert(user_ids, kind, title, payload, page, template, reminder, now)
    count, ids = len(rows), [row.id for row in rows]
    to_deliver = {row.id for row in rows if row.wechat_status == WeChatStatus.PENDING}
    if rows:
        to_deliver.update(sms.queue_texts(kind, payload, now, min(ids), max(ids)))
    to_deliver = sorted(to_deliver)
    from app.notifications.tasks import deliver

    target = BULK if count > DELIVERY_BATCH else DEFAULT
    for start in range(0, len(to_deliver), DELIVERY_BATCH):
        queue.enqueue_after_commit(deliver, to_deliver[start:start + DELIVERY_BATCH], queue=target)
    return count


def _insert(user_ids, kind, title, payload, page, template, reminder, now):
    """The rows for every distinct user the SELECT yields: (id, wechat_status) of each."""
    table = Notification.__table__
    chosen = user_ids.subquery()
    recipients = select(chosen.c[0].label("user_id")).distinct().subquery()
    user_id = recipients.c.user_id
    if template is None:
        status, note = literal(WeChatStatus.NONE), literal("no_template")
    else:
        note = case(*_why_not_by_wechat(user_id, kind, page, template, reminder, now), else_=null())
        status = case((note.is_(None), WeChatStatus.PENDING), else_=WeChatStatus.NONE)
    columns = {
        "user_id": user_id, "kind": literal(kind.value), "title": literal(title[:100]),
        "body": literal(str(payload.get("body") or "")), "page": literal(page, table.c.page.type),
        "payload": literal(payload, table.c.payload.type), "created_at": literal(now, table.c.created_at.type),
        "template_id": literal(template.id if template else None, table.c.template_id.type),
        "wechat_status": status, "wechat_note": note, "wechat_attempts": literal(0),
        "consent_spent": literal(False),
    }
    return db.session.execute(insert(table).from_select(
        list(columns), select(*(value.label(name) for name, value in columns.items())).order_by(user_id))
        .returning(table.c.id, table.c.wechat_status)).all()


def _why_not_by_wechat(user_id, kind, page, template, reminder, now):
    """(condition, wechat_note) pairs, first match wins, for a recipient whose notification must
    stay inbox-only: their switch, a reminder about the same page already on its way today, no
    consent left."""
    chose_otherwise = exists().where(NotificationPreference.user_id == user_id, NotificationPreference.kind == kind.value,
                           NotificationPreference.wechat == (not reminder.default))
    reasons = [(chose_otherwise if reminder.default else ~chose_otherwise, "switched_off")]
    if reminder.once_a_day and page is not None:
        earlier = aliased(Notification)
        reasons.append((exists().where(
            earlier.user_id == user_id, earlier.kind == kind.value, earlier.page == page,
            earlier.created_at > now - REMINDED_RECENTLY,
            earlier.wechat_status.in_([WeChatStatus.PENDING, WeChatStatus.SENDING, WeChatStatus.SENT])),
            "reminded_today"))
    reasons.append((~exists().where(SubscriptionConsent.user_id == user_id,
                                    SubscriptionConsent.template_id == template.id,
                                    SubscriptionConsent.remaining > 0), "no_consent"))
    return reasons


def _jsonable(value):
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# ---- the inbox ----------------------------------------------------------------------------

def inbox(user, cursor=None, limit=20, unread=False):
    """One page of the user's notifications, newest first (keyset on id)."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread:
        query = query.where(Notification.read_at.is_(None))
    if cursor is not None:
        query = query.where(Notification.id < cursor)
    rows = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    return {"items": rows[:limit], "next_cursor": rows[limit - 1].id if len(rows) > limit else None}


# What a resident reads under a message about its WeChat copy (wechat_status, wechat_note).
SENT_LABEL, ON_ITS_WAY_LABEL, RETRY_LABEL = "已发送微信提醒", "微信提醒发送中", "微信提醒稍后再发"
INBOX_ONLY_LABEL, NOT_SENT = "只在消息里，不发微信提醒", "未发送微信提醒："
INBOX_ONLY_BECAUSE = {"switched_off": "只在消息里：未开启这类微信提醒",
                      "reminded_today": "只在消息里：今天已提醒过这件诉求"}
# Why WeChat refused it: the note of a refusal starts with WeChat's errcode (tasks.py).
REFUSAL_REASONS = {"no_openid": "未绑定微信", "43101": "未订阅", "40003": "未绑定微信"}
# Sent to WeChat, which never answered: it may have arrived, and is not sent again (tasks.py).
NO_ANSWER, NO_ANSWER_LABEL = "no_answer", "微信提醒可能已发送（微信未确认）"


def wechat_label(status, note):
    """The delivery of a notification in a resident's words (no codes)."""
    if status == WeChatStatus.SENT:
        return NO_ANSWER_LABEL if note == NO_ANSWER else SENT_LABEL
    if status == WeChatStatus.SENDING or (status == WeChatStatus.PENDING and note is None):
        return ON_ITS_WAY_LABEL
    if status == WeChatStatus.PENDING:  # WeChat could not take it; a retry will
        return RETRY_LABEL
    if status == WeChatStatus.FAILED:
        return NOT_SENT + "发送失败"
    if status == WeChatStatus.REJECTED:
        return NOT_SENT + REFUSAL_REASONS.get((note or "").split(" ")[0], "发送失败")
    if note in INBOX_ONLY_BECAUSE:
        return INBOX_ONLY_BECAUSE[note]
    return INBOX_ONLY_LABEL if note == "no_template" else NOT_SENT + "未订阅"


# Furthest first: which of several notifications tells best whether a household heard on WeChat.
FURTHEST_FIRST = (WeChatStatus.SENT, WeChatStatus.SENDING, WeChatStatus.PENDING, WeChatStatus.FAILED,
                  WeChatStatus.REJECTED, WeChatStatus.NONE)
NOT_NOTIFIED_LABEL = "没有收到这条消息"


def delivery_labels(recipients, kind, page):
    """For each group of users, the `wechat_label` of its notification of `kind` opening `page`
    that got furthest (NOT_NOTIFIED_LABEL if none was written); groups without users are left
    out. `recipients` is a SELECT of (group, user id). One statement."""
    chosen = recipients.subquery()
    group, user_id = chosen.c
    rows = db.session.execute(
        select(group, Notification.wechat_status, Notification.wechat_note).select_from(chosen).outerjoin(
            Notification, and_(Notification.user_id == user_id, Notification.kind == NotificationKind(kind).value,
                               Notification.page == page))).all()
    labels, ranks = {}, {}
    for key, status, note in rows:
        rank = FURTHEST_FIRST.index(status) if status else len(FURTHEST_FIRST)
        if key not in ranks or rank < ranks[key]:
            ranks[key] = rank
            labels[key] = wechat_label(status, note) if status else NOT_NOTIFIED_LABEL
    return labels


def unread_count(user):
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def mark_read(user, notification_id):
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise ApiError(404, "not_found", "消息不存在")
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user, up_to_id=None):
    """Mark read what the user has seen: every unread one, or those with id ≤ `up_to_id`
    (a notification that arrived after the list was loaded stays unread)."""
    statement = update(Notification).where(Notification.user_id == user.id,
                                           Notification.read_at.is_(None))
    if up_to_id is not None:
        statement = statement.where(Notification.id <= up_to_id)
    marked = db.session.execute(statement.values(read_at=utcnow())).rowcount
    db.session.flush()
    return {"marked": marked, "unread": unread_count(user)}


# ---- consents -----------------------------------------------------------------------------

def consents(user):
    """Each configured template with the consents the user has left for it."""
    configured = templates()
    remaining = dict(db.session.execute(
        select(SubscriptionConsent.template_id, SubscriptionConsent.remaining).where(
            SubscriptionConsent.user_id == user.id,
            SubscriptionConsent.template_id.in_([t.id for t in configured.values()]),
        )).all())
    return [{"kind": kind.value, "label": LABELS[kind], "template_id": template.id,
             "remaining": remaining.get(template.id, 0)} for kind, template in configured.items()]


def record_consents(user, results):
    """Count what wx.requestSubscribeMessage returned: each `accept` allows one more message;
    `ban` (the user switched messages off) leaves none; reject and filter change nothing.
    Template ids the server does not use are ignored (an old mini-program build may ask)."""
    known = {template.id for template in templates().values()}
    for template_id, result in results.items():
        if template_id not in known:
            continue
        if result == "accept":
            _add_consent(user.id, template_id)
        elif result == "ban":
            db.session.execute(update(SubscriptionConsent).where(
                SubscriptionConsent.user_id == user.id, SubscriptionConsent.template_id == template_id,
            ).values(remaining=0, updated_at=utcnow()))
    db.session.flush()
    return consents(user)


def _add_consent(user_id, template_id, count=1):
    """remaining += count, creating the row if need be, in one statement (no lost update)."""
    statement = upsert(SubscriptionConsent, db.engine).values(
        user_id=user_id, template_id=template_id, remaining=count, updated_at=utcnow())
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["user_id", "template_id"],
        set_={"remaining": SubscriptionConsent.remaining + count, "updated_at": utcnow()},
    ))


def spend_consent(user_id, template_id):
    """Take one consent; False when none is left."""
    return db.session.execute(update(SubscriptionConsent).where(
        SubscriptionConsent.user_id == user_id, SubscriptionConsent.template_id == template_id,
        SubscriptionConsent.remaining > 0,
    ).values(remaining=SubscriptionConsent.remaining - 1, updated_at=utcnow())).rowcount == 1


def refund_consent(user_id, template_id):
    """Give back a consent WeChat did not use (the message was never accepted)."""
    _add_consent(user_id, template_id)


def clear_consents(user_id, template_id):
    """WeChat says the user has no consent (43101): stop counting on ours."""
    db.session.execute(update(SubscriptionConsent).where(
        SubscriptionConsent.user_id == user_id, SubscriptionConsent.template_id == template_id,
    ).values(remaining=0, updated_at=utcnow()))


def template_for(notification):
    """The Template a pending notification is sent with (None if it was unconfigured since)."""
    for template in templates().values():
        if template.id == notification.template_id:
            return template
    return None



# ---- preferences: which kinds may come by WeChat --------------------------------------------

def preferences(user):
    """The kinds the user may have as WeChat messages (their template is configured), each with
    whether they do: their own choice, else the kind's default."""
    configured = templates()
    chosen = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.wechat)
                                     .where(NotificationPreference.user_id == user.id)).all())
    return [{"kind": kind.value, "label": LABELS[kind], "wechat": chosen.get(kind.value, reminder.default),
             "hint": reminder.hint}
            for kind, reminder in REMINDERS.items() if reminder.template in configured]


def set_preference(user, kind, wechat):
    """Switch WeChat messages of `kind` on or off for the user (a kind in REMINDERS)."""
    statement = upsert(NotificationPreference, db.engine).values(
        user_id=user.id, kind=NotificationKind(kind).value, wechat=wechat, updated_at=utcnow())
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["user_id", "kind"], set_={"wechat": wechat, "updated_at": utcnow()}))
    db.session.flush()
    return preferences(user)
