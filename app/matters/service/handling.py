"""Handling a matter: the handler's progress and resolution, the due date's watch and overdue
warning, referral up to the sub-district, and the moves a meeting's decision makes."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from app.community.models import Role, RoleAssignment
from app.errors import invalid
from app.extensions import db
from app.jobs import queue, task
from app.matters import access, photos
from app.matters.models import HANDLING, Matter
from app.matters.service.state import ACTION_LABELS, allow, tell_handlers, transition
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind

MOVES_FROM_ELSEWHERE = ("progress", "assign")  # what a meeting's decision may do to a matter


def check_move(actor, matter, action):
    """Refuse as `action` would (permission, then state) without doing it, so a caller moving
    several matters checks them all before the first one commits."""
    if action not in MOVES_FROM_ELSEWHERE:
        raise invalid("matter_action", "会议决定对诉求的处理只能是："
                      + "、".join(ACTION_LABELS[move] for move in MOVES_FROM_ELSEWHERE))
    access.require(actor, matter, action)
    allow(matter, action)


def post_progress(actor, matter, note, photo_ids=()):
    access.require(actor, matter, "progress")
    event = transition(matter, "progress", actor, note)
    db.session.flush()
    photos.attach(actor, photo_ids, matter, event)
    db.session.flush()
    return matter


def resolve(actor, matter, note, photo_ids=()):
    access.require(actor, matter, "resolve")
    event = transition(matter, "resolve", actor, note)
    db.session.flush()
    photos.attach(actor, photo_ids, matter, event)
    matter.resolved_at = utcnow()
    db.session.flush()
    watch_due_date(matter)
    return matter


def escalate(actor, matter, note):
    """Refer an overdue or stuck matter up to the sub-district (上报街道); recorded, not a new handler."""
    access.require(actor, matter, "escalate")
    transition(matter, "escalate", actor, note)
    matter.escalated_at = utcnow()
    db.session.flush()
    tell_handlers(matter, actor, "已上报", "已上报街道督办", note)
    return matter


def local_today():
    return datetime.now(ZoneInfo(current_app.config["TIME_ZONE"])).date()


def _overdue_job(matter):
    return f"matter-{matter.id}-overdue"


def watch_due_date(matter):
    """Schedule the overdue warning for the end of the due date, or cancel it."""
    if matter.due_date is not None and matter.status in HANDLING:
        zone = ZoneInfo(current_app.config["TIME_ZONE"])
        end_of_due_date = datetime.combine(matter.due_date + timedelta(days=1), time(), zone)
        queue.schedule_after_commit(_overdue_job(matter), end_of_due_date, warn_overdue, matter.id)
    else:
        queue.cancel_after_commit(_overdue_job(matter))


@task
def warn_overdue(matter_id):
    """The due date passed with the matter still open: tell its handler and the community's
    staff, and say so in the timeline."""
    matter = db.session.get(Matter, matter_id)
    if matter is None or matter.status not in HANDLING \
            or matter.due_date is None or matter.due_date >= local_today():
        return False
    transition(matter, "overdue", None, f"已超过办理期限（{matter.due_date:%Y-%m-%d}）", tell_household=False)
    staff = db.session.scalars(select(RoleAssignment.user_id).where(
        RoleAssignment.role == Role.STAFF, RoleAssignment.scope_id == matter.community_id))
    notify(sorted(access.handler_user_ids(matter) | set(staff)), NotificationKind.NOTICE, {
        "title": f"诉求逾期：{matter.title}",
        "body": f"诉求 #{matter.id} 已超过办理期限（{matter.due_date:%Y-%m-%d}），请尽快办理或说明情况。",
        "matter_id": matter.id,
    }, page=f"pages/matter/matter?id={matter.id}")
    db.session.flush()
    return True
