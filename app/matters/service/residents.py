"""What residents do to a matter: the household evaluates the outcome (群众评议) or withdraws
it; whoever sees it comments."""
from datetime import timedelta

from app.audit import service as audit
from app.community import acting
from app.errors import invalid
from app.extensions import db
from app.matters import access
from app.matters.models import UNSATISFIED
from app.matters.service.reporting import check_text
from app.matters.service.state import household_user_ids, tell_handlers, transition
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind

REOPEN_DAYS = 7          # an unsatisfied evaluation within this reopens the matter


def evaluate(user, matter, satisfaction, comment="", on_behalf_of_household_id=None):
    """群众评议: the household rates the outcome — or whoever recorded the matter for it
    (access.may_rate), or whoever acts for the household and names it (`on_behalf_of_household_id`:
    app/community/acting.py); the timeline and the audit log then say who, as what. Unsatisfied
    within 7 days of resolution reopens it for the same handler; otherwise it closes."""
    agency = None
    if on_behalf_of_household_id is not None:
        if on_behalf_of_household_id != matter.household_id:
            raise invalid("on_behalf_of_household_id", "这件诉求不是该住户反映的")
        agency = acting.require(user, matter.household, acting.Act.EVALUATE)  # the 403 says why not
        access.require(user, matter, "evaluate_for")
    else:
        access.require(user, matter, "evaluate")
    reopen = satisfaction <= UNSATISFIED and matter.resolved_at is not None and \
        utcnow() - matter.resolved_at <= timedelta(days=REOPEN_DAYS)
    on_behalf = agency is not None or access.rates_on_behalf(user, matter)
    if agency is None and on_behalf:  # the one who recorded it, as what they recorded it
        agency = acting.Agency(user.id, matter.household_id, matter.recorded_as or "recorder")
    transition(matter, "reopen" if reopen else "accept", user, ("（代为评议）" if on_behalf else "") + comment,
               data={"satisfaction": satisfaction, "on_behalf": on_behalf,
                     **({"acting": agency.details()} if agency else {})})
    if agency:
        audit.record(user, "matter.evaluated_for", "matter", matter.id, community_id=matter.community_id,
                     household_id=matter.household_id, satisfaction=satisfaction, acting=agency.details())
    matter.satisfaction, matter.evaluation_comment = satisfaction, comment
    if reopen:
        matter.resolved_at = None  # open again: days-to-resolution counts until the next resolve
    else:
        matter.closed_at = utcnow()
    db.session.flush()
    if reopen:
        tell_handlers(matter, user, "重新办理", "居民不满意，重新交由您办理", comment)
    return matter


def withdraw(user, matter, reason=""):
    access.require(user, matter, "withdraw")
    transition(matter, "withdraw", user, reason)
    matter.closed_at = utcnow()
    db.session.flush()
    return matter


def comment(user, matter, text):
    """A comment reaches the household's inbox; as a WeChat message only if it switched comments
    on, and without the commenter's words: a neighbour must not spend its consents or speak
    through its WeChat (README: Notifications)."""
    check_text(user, text)
    transition(matter, "comment", user, text, tell_household=False)
    if not access.is_household(user, matter):
        notify(household_user_ids(matter), NotificationKind.MATTER_COMMENT, {
            "title": matter.title, "status": "新留言", "note": "有人留言，请在小程序里查看",
            "body": f"“{matter.title}”有新留言：{text}", "matter_id": matter.id,
        }, page=f"pages/matter/matter?id={matter.id}")
    db.session.flush()
    return matter
