"""What residents do to a matter: the household evaluates the outcome (群众评议) or withdraws
it; whoever sees it comments."""
from datetime import timedelta

from app.extensions import db
from app.matters import access
from app.matters.models import UNSATISFIED
from app.matters.service.reporting import check_text
from app.matters.service.state import household_user_ids, tell_handlers, transition
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind

REOPEN_DAYS = 7          # an unsatisfied evaluation within this reopens the matter


def evaluate(user, matter, satisfaction, comment=""):
    """群众评议: the household rates the outcome (or whoever recorded the matter for it, which
    the timeline then says: access.may_rate). Unsatisfied within 7 days of resolution reopens
    it for the same handler; otherwise it closes."""
    access.require(user, matter, "evaluate")
    reopen = satisfaction <= UNSATISFIED and matter.resolved_at is not None and \
        utcnow() - matter.resolved_at <= timedelta(days=REOPEN_DAYS)
    on_behalf = access.rates_on_behalf(user, matter)
    transition(matter, "reopen" if reopen else "accept", user, ("（代为评议）" if on_behalf else "") + comment,
               data={"satisfaction": satisfaction, "on_behalf": on_behalf})
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
