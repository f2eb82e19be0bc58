"""WeChat's content check (msgSecCheck) of a report's typed text, after the report is saved.

A resident reporting a broken drain should not wait on WeChat, and nobody but the household and
the community's staff reads a matter before WeChat has (access.view_level, Matter.held_back). So a
report is saved at once with its text `checking`, and a job asks WeChat after the commit:

- pass (or "review", which WeChat leaves to us, as the synchronous check did) → `passed`: the
  matter goes to the triage queue and its neighbours like any other;
- risky → `risky`: held back for good. It is withdrawn ("hold_back" in TRANSITIONS: the
  resident reports again in other words, so it is over, but not "closed", which means the
  household evaluated it), the timeline says why, and the household is told what to do in its
  inbox (and by subscribe message, as any news of its matter: a consent spent);
- no verdict → `unchecked`, logged: fail open, as the check always has, so a WeChat outage
  never keeps a report from the community. That is WeChat down, slow past WECHAT_TIMEOUT or
  busy, and WeChat refusing the call (a submitter who has not opened the mini-program for two
  hours, or another errcode): a verdict that will not come is not waited for.

A job lost with Redis's data (or never handed over: Redis down at the commit) leaves its
matter `checking`; the workers' housekeeping (`sweep_checking`, registered in
app/matters/lifecycle.py) enqueues the check again for every matter waiting longer than half
the housekeeping interval that no queued job holds. Job and sweep may race: whichever settles
the matter first wins, the other finds it settled (or fails on its version and, retried, finds
it so).

Without Redis (jobs inline) the check runs right after the commit, in the request's thread: the
201 still says `checking`, and the next read has the verdict.
"""
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app import wechat
from app.extensions import db
from app.jobs import queue, task
from app.matters.access import status_allows
from app.matters.models import TEXT_CHECK_NOTES, Matter, TextCheck
from app.matters.service.state import household_user_ids, transition
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind

log = logging.getLogger(__name__)

SWEEP_LIMIT = 500  # matters re-enqueued per sweep; the next sweep takes the rest


def initial_state(has_text):
    """A new report's TextCheck: nothing to check without typed text (a voice note alone), and
    nobody to ask without WeChat (development: unchecked, as before)."""
    if not has_text:
        return TextCheck.PASSED
    return TextCheck.CHECKING if current_app.config["WECHAT_APPID"] else TextCheck.UNCHECKED


def _text_of(matter):
    """What WeChat reads: what others would read."""
    return f"{matter.title}\n{matter.description}\n{matter.place_text}"


@task
def check_report(matter_id):
    """Ask WeChat about the matter's text and settle it (module docstring); the verdict, or None
    when another run settled it first."""
    matter = db.session.get(Matter, matter_id)
    if matter is None or matter.text_check != TextCheck.CHECKING:
        return None
    openid, text = matter.submitter.openid, _text_of(matter)
    db.session.rollback()  # deliberate: nothing staged yet; no transaction held while WeChat answers
    try:
        verdict = TextCheck.RISKY if wechat.text_suggestion(openid, text) == "risky" else TextCheck.PASSED
    except (wechat.WeChatUnavailable, wechat.WeChatRefused) as exc:
        log.warning("msgSecCheck gave no verdict on matter %s, shown unchecked: %s", matter_id,
                    getattr(exc, "errcode", exc.__class__.__name__))
        verdict = TextCheck.UNCHECKED
    matter = db.session.get(Matter, matter_id)
    if matter is None or matter.text_check != TextCheck.CHECKING:
        return None
    matter.text_check = verdict
    if verdict == TextCheck.RISKY and status_allows(matter, "hold_back"):  # not withdrawn meanwhile
        _hold_back(matter)
    db.session.flush()
    return verdict


def _hold_back(matter):
    """Withdrawn with a timeline line, and the household told why and what to do. The subscribe
    message names the matter by its number, not its title: the risky words stay out of WeChat's
    messages (the inbox's body, ours alone, quotes the title)."""
    note = TEXT_CHECK_NOTES[TextCheck.RISKY]
    transition(matter, "hold_back", None, note, data={"text_check": TextCheck.RISKY.value}, tell_household=False)
    matter.closed_at = utcnow()
    notify(household_user_ids(matter), NotificationKind.MATTER_STATUS, {
        "title": f"诉求 #{matter.id} 未通过内容审核", "status": "未通过审核", "note": "内容不宜公开，请修改后重新反映",
        "body": f"您反映的“{matter.title}”没有通过内容审核，已退回，邻居和议事会看不到它。{note}。",
        "matter_id": matter.id,
    }, page=f"pages/matter/matter?id={matter.id}")


@task
def sweep_checking():
    """Enqueue the check again for matters still `checking` whose job is gone (module docstring);
    how many."""
    waited = timedelta(seconds=current_app.config["WORKER_HOUSEKEEPING_SECONDS"] / 2)
    waiting = list(db.session.scalars(select(Matter.id).where(
        Matter.text_check == TextCheck.CHECKING, Matter.created_at < utcnow() - waited,
    ).order_by(Matter.id).limit(SWEEP_LIMIT)))
    db.session.rollback()  # deliberate: only read; inline, the checks below run now on connections of their own
    on_the_way = {matter_id for (matter_id,) in queue.waiting_calls(check_report)} if waiting else set()
    ids = [matter_id for matter_id in waiting if matter_id not in on_the_way]
    if ids:
        log.warning("text-check sweep: checking %d matter(s) again", len(ids))
        queue.enqueue([(check_report, (matter_id,)) for matter_id in ids])
    return len(ids)
