"""The one way a matter changes: `transition` consults TRANSITIONS (models.py), writes the
timeline line and the audit entry in the same transaction and notifies the household; a change
the table does not allow is a 409. `tell_handlers` tells whoever must act next."""
from sqlalchemy import select

from app.audit import service as audit
from app.community import acting
from app.community.models import HouseholdMember
from app.errors import ApiError
from app.extensions import db
from app.matters.access import awaits_verdict, handler_user_ids, status_allows
from app.matters.models import STATUS_LABELS, TRANSITIONS, MatterEvent, MatterStatus
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind

ACTION_LABELS = {
    "classify": "分类", "reclassify": "重新分类", "assign": "交办", "progress": "更新进展",
    "resolve": "办结", "accept": "评议", "reopen": "重新办理", "withdraw": "撤回", "merge": "合并",
    "comment": "留言", "overdue": "逾期提醒", "escalate": "上报街道", "hold_back": "退回",
}

# What those who run the community do to a matter goes into the audit log as well as the
# matter's timeline; residents' own acts (accept, reopen, withdraw, comment) do not.
AUDITED_ACTIONS = frozenset({"classify", "reclassify", "assign", "progress", "resolve", "merge", "escalate"})


def allow(matter, action):
    """409 unless TRANSITIONS lets `action` start from the matter's status; returns the target."""
    if awaits_verdict(matter, action) and matter.status in TRANSITIONS[action][0]:
        raise ApiError(409, "text_being_checked", f"诉求内容审核中，审核通过后才能{ACTION_LABELS[action]}",
                       details={"status": matter.status, "action": action})
    if not status_allows(matter, action):
        raise ApiError(409, "invalid_transition",
                       f"诉求{STATUS_LABELS[MatterStatus(matter.status)]}，不能{ACTION_LABELS[action]}",
                       details={"status": matter.status, "action": action})
    return TRANSITIONS[action][1]


def transition(matter, action, actor, note="", matter_class=None, data=None, tell_household=True):
    """Apply `action`: status per TRANSITIONS, a timeline line, the household told. Versioned
    rows make a concurrent change fail at flush (StaleDataError → 409 changed_meanwhile)."""
    to = allow(matter, action)
    status_from = matter.status
    if to is not None:
        matter.status = to
    matter.updated_at = utcnow()
    event = MatterEvent(matter_id=matter.id, action=action, actor_id=actor.id if actor else None,
                        status_from=status_from, status_to=matter.status, matter_class=matter_class,
                        note=note or "", data=data or {})
    db.session.add(event)
    if actor is not None and action in AUDITED_ACTIONS:
        audit.record(actor, f"matter.{action}", "matter", matter.id, community_id=matter.community_id,
                     household_id=matter.household_id, note=note or "", status_from=status_from,
                     status_to=matter.status, matter_class=matter_class, data=data or {})
    if tell_household:
        _notify_household(matter, note)
    return event


def household_user_ids(matter):
    """The submitter (unless a family helper whose link has ended) and everyone living in the
    household the matter concerns, with its family helpers who receive its notices."""
    recipients = {matter.submitter_id} if matter.recorded_as != acting.HELPER else set()
    if matter.household_id is not None:
        recipients |= set(db.session.scalars(
            select(HouseholdMember.user_id).filter_by(household_id=matter.household_id)
            .union(acting.notice_helpers(matter.household_id))))
    return sorted(recipients)


def _notify_household(matter, note):
    notify(household_user_ids(matter), NotificationKind.MATTER_STATUS, {
        "title": matter.title, "status": STATUS_LABELS[MatterStatus(matter.status)],
        "body": f"您反映的“{matter.title}”{STATUS_LABELS[MatterStatus(matter.status)]}" + (f"：{note}" if note else ""),
        "note": note or STATUS_LABELS[MatterStatus(matter.status)], "matter_id": matter.id,
    }, page=f"pages/matter/matter?id={matter.id}")


def tell_handlers(matter, actor, status, headline, note=""):
    """Tell those who act as the matter's handler (access.handler_user_ids) that it is theirs
    to act on — assigned, reopened, escalated — in their inbox and by subscribe message; not the
    one who did it. `status` is the template's short phrase (≤ 5 characters)."""
    due = f"，{matter.due_date:%Y-%m-%d}前办结" if matter.due_date else ""
    recipients = sorted(handler_user_ids(matter) - {actor.id if actor else None})
    notify(recipients, NotificationKind.MATTER_STATUS, {
        "title": matter.title, "status": status,
        "body": f"诉求 #{matter.id}“{matter.title}”{headline}{due}" + (f"：{note}" if note else ""),
        "note": note or headline, "matter_id": matter.id,
    }, page=f"pages/matter/matter?id={matter.id}")
