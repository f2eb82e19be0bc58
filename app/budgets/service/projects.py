"""Funded projects, carried out in the open: progress with photos (the last one saying it is done),
the supervisors' sign-off (验收) or their call for rework (整改), and the households' evaluation
(群众评议) once signed off. Spending against a project is recorded in its fund (app/funds)."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.permissions import household_id_of
from app.budgets.models import ProjectEvaluation, ProjectPhoto, ProjectStatus, ProjectUpdate
from app.budgets.service import access
from app.budgets.service.common import electorate_people, event, project_page, supervisors
from app.community import acting
from app.errors import ApiError, invalid
from app.extensions import db
from app.matters.models import MatterPhoto
from app.matters.photos import PER_SUBMISSION, unused
from app.matters.service.reporting import check_text
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind

PHOTO_UNUSABLE = "照片不存在或已使用，请重新上传"


def _unused_photos(user, photo_ids):
    """The uploader's own photos, attached to no matter and used by no paper ballot, consent,
    fund entry or other update: 422 naming any other."""
    ids = list(dict.fromkeys(photo_ids))
    if len(ids) > PER_SUBMISSION:
        raise invalid("photo_ids", f"每次最多 {PER_SUBMISSION} 张照片")
    usable = set(db.session.scalars(select(MatterPhoto.id).where(MatterPhoto.id.in_(ids), *unused(user))))
    if usable != set(ids):
        raise invalid("photo_ids", PHOTO_UNUSABLE, unusable=sorted(set(ids) - usable))
    return ids


def post_update(user, rnd, project, text, percent=None, completes=False, photo_ids=()):
    """进展: what was done, how far along, photos; `completes` reports it done and asks the
    supervisors to sign it off."""
    access.check_carry_out(user, rnd, project)
    ids = _unused_photos(user, photo_ids)
    update = ProjectUpdate(project_id=project.id, text=text, percent=percent, completes=completes,
                           posted_by_id=user.id)
    db.session.add(update)
    db.session.flush()
    try:
        with db.session.begin_nested():  # the same photo sent with two updates at once: one takes it
            db.session.add_all(ProjectPhoto(photo_id=photo_id, update_id=update.id) for photo_id in ids)
    except IntegrityError:
        raise invalid("photo_ids", PHOTO_UNUSABLE) from None
    if completes:
        project.status, project.completed_at = ProjectStatus.COMPLETED, utcnow()
        notify(supervisors(rnd), NotificationKind.NOTICE, {
            "title": "项目完工待验收", "body": f"参与式预算项目“{project.title}”已完工，请验收",
            "project_id": project.id}, page=project_page(project))
    event(rnd, user, "updated", target_type="budget_project", target_id=project.id, update_id=update.id,
          percent=percent, completes=completes, photos=len(ids))
    db.session.flush()
    return project


def sign_off(user, rnd, project, accepted, note=None):
    """验收 by a supervisor: accepted, the households are asked to evaluate it; not accepted, it goes
    back to being carried out (整改) with the note, and whoever reported it done is told."""
    access.check_sign_off(user, rnd, project)
    if not accepted and not note:
        raise invalid("note", "不予验收时请说明需要整改的地方")
    project.sign_off_note = note or None
    if accepted:
        project.status, project.signed_off_by_id, project.signed_off_at = ProjectStatus.SIGNED_OFF, user.id, utcnow()
        notify(electorate_people(rnd), NotificationKind.NOTICE, {
            "title": "请评议已完成的项目", "body": f"参与式预算项目“{project.title}”已通过验收，欢迎评议",
            "project_id": project.id}, page=project_page(project))
    else:
        reported_by = db.session.scalar(select(ProjectUpdate.posted_by_id).where(
            ProjectUpdate.project_id == project.id, ProjectUpdate.completes.is_(True))
            .order_by(ProjectUpdate.id.desc()).limit(1))
        project.status, project.completed_at = ProjectStatus.FUNDED, None
        notify([reported_by], NotificationKind.NOTICE, {
            "title": "验收未通过，请整改", "body": f"“{project.title}”验收未通过：{note}",
            "project_id": project.id}, page=project_page(project))
    event(rnd, user, "signed_off", target_type="budget_project", target_id=project.id, accepted=accepted,
          note=note or "")
    db.session.flush()
    return project


def evaluate(user, rnd, project, rating, comment="", on_behalf_of_household_id=None):
    """群众评议: once per household of the round's electorate; naming `on_behalf_of_household_id`,
    whoever may act for that household (Act.EVALUATE) rates for it, which the audit log records."""
    agency = None
    if on_behalf_of_household_id is not None:
        household, agency = acting.on_behalf(user, on_behalf_of_household_id, acting.Act.EVALUATE)
        household_id = household.id
    else:
        household_id = household_id_of(user)
    access.check_evaluate(project, access.elector(rnd, household_id))
    if comment:
        check_text(user, comment)
    evaluation = ProjectEvaluation(project_id=project.id, household_id=household_id, rating=rating,
                                   comment=comment, user_id=user.id, acting=agency.details() if agency else None)
    try:
        with db.session.begin_nested():  # once per household, whoever of it rates first
            db.session.add(evaluation)
    except IntegrityError:
        raise ApiError(409, "already_evaluated", "本户已经评议过这个项目") from None
    if agency:
        event(rnd, user, "evaluated_for", target_type="budget_project", target_id=project.id,
              household_id=household_id, rating=rating, acting=agency.details())
    db.session.flush()
    return project
