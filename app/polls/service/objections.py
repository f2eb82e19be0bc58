"""Objections: during the 公示 period anyone in the electorate may object to the result; the
supervisors are told, and answer. Objections and answers are public to whoever sees the poll."""
from sqlalchemy import select

from app.community.models import Role, RoleAssignment
from app.errors import ApiError
from app.extensions import db
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind
from app.pagination import paginate
from app.polls import access
from app.polls.models import Objection
from app.polls.service.common import event, household_labels, page_path


def lodge_objection(user, poll, text):
    """An objection from the electorate, in the 公示 period; the supervisors are told."""
    access.check_objection_period(poll, utcnow())
    elector = access.elector_of(user, poll)
    access.check_in_electorate(elector)
    objection = Objection(poll_id=poll.id, user_id=user.id, household_id=elector.household_id, text=text)
    db.session.add(objection)
    event(poll, user, "objection_lodged", elector.household_id, note=text[:200])
    supervisors = db.session.scalars(select(RoleAssignment.user_id).where(
        RoleAssignment.role == Role.SUPERVISOR, RoleAssignment.scope_id == poll.community_id)).all()
    notify(sorted(set(supervisors)), NotificationKind.NOTICE,
           {"title": f"表决异议：{poll.title}", "body": text[:500], "poll_id": poll.id}, page=page_path(poll))
    db.session.flush()
    return objection


def answer_objection(actor, poll, objection, answer):
    access.check_supervise(actor, poll)
    if objection.answer is not None:
        raise ApiError(409, "already_answered", "该异议已经答复")
    objection.answer, objection.answered_by_id, objection.answered_at = answer, actor.id, utcnow()
    event(poll, actor, "objection_answered", objection.household_id, note=answer[:200])
    notify([objection.user_id], NotificationKind.NOTICE,
           {"title": f"异议答复：{poll.title}", "body": answer[:500], "poll_id": poll.id}, page=page_path(poll))
    db.session.flush()
    return objection


def get_objection(poll, objection_id):
    objection = db.session.get(Objection, objection_id)
    if objection is None or objection.poll_id != poll.id:
        raise ApiError(404, "not_found", "异议不存在")
    return objection


def objections(viewer, poll, cursor=None, limit=20):
    page = paginate(db.session, select(Objection).where(Objection.poll_id == poll.id), Objection.id,
                    {"cursor": cursor, "limit": limit})
    return {**page, "items": objection_views(viewer, poll, page["items"])}


def objection_views(viewer, poll, objections):
    """Objections and answers are public to whoever sees the poll (公示); who objected only to
    those who run or supervise it."""
    oversees = access.oversees(viewer, access.community_of(poll))
    households = household_labels({o.household_id for o in objections}) if oversees else {}
    return [{"id": o.id, "text": o.text, "created_at": o.created_at, "answer": o.answer,
             "answered_at": o.answered_at, "mine": o.user_id == viewer.id,
             "household": households.get(o.household_id)} for o in objections]
