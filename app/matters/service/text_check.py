"""WeChat's content check (msgSecCheck) of a report's typed text, after the report is saved.

A resident reporting a broken drain should not wait on WeChat, and nobody but the household and
the community's staff reads a matter before WeChat has (access.view_level, Matter.held_back). So a
report is saved at once with its text `checking`, and after the commit a worker asks WeChat,
the reports of a storm a batch at a time (`queue.gather_after_commit`, app/jobs.py):

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

A report lost with Redis's data (or never handed over: Redis down at the commit; or in a batch
whose worker was killed) stays `checking`; the workers' housekeeping (`sweep_checking`,
registered in app/matters/lifecycle.py) hands the check over again for every matter waiting
longer than half the housekeeping interval that is not waiting in Redis already. A batch and the
sweep may race: whichever settles the matter first wins (each settles only what is still
`checking`), the other finds it settled.

Without Redis (jobs inline) the check runs right after the commit, in the request's thread: the
201 still says `checking`, and the next read has the verdict.
"""
import functools
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update

from app import wechat
from app.auth.models import User
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


def _verdict(matter_id, openid, text):
    try:
        return TextCheck.RISKY if wechat.text_suggestion(openid, text) == "risky" else TextCheck.PASSED
    except (wechat.WeChatUnavailable, wechat.WeChatRefused) as exc:
        log.warning("msgSecCheck gave no verdict on matter %s, shown unchecked: %s", matter_id,
                    getattr(exc, "errcode", exc.__class__.__name__))
        return TextCheck.UNCHECKED


@task
def check_reports(matter_ids):
    """Ask WeChat about each matter's text and settle those still `checking` (module docstring),
    a batch gathered by app/jobs.py. Passed and unchecked are settled by one UPDATE each, under
    the same condition and version bump as an edit through the ORM; a risky one is held back
    through the ORM, as any withdrawal."""
    read, settle = _batch_statements()
    waiting = db.session.connection().execute(read, {"ids": list(matter_ids)}).all()
    db.session.rollback()  # deliberate: nothing staged yet; no transaction held while WeChat answers
    # What WeChat reads: what others would read.
    verdicts = {row.id: _verdict(row.id, row.openid, f"{row.title}\n{row.description}\n{row.place_text}")
                for row in waiting}
    for verdict in (TextCheck.PASSED, TextCheck.UNCHECKED):
        ids = [matter_id for matter_id, given in verdicts.items() if given == verdict]
        if ids:
            db.session.connection().execute(settle, {"ids": ids, "verdict": verdict})
    for matter_id in (matter_id for matter_id, given in verdicts.items() if given == TextCheck.RISKY):
        matter = db.session.get(Matter, matter_id)
        if matter is not None and matter.text_check == TextCheck.CHECKING:
            matter.text_check = TextCheck.RISKY
            if status_allows(matter, "hold_back"):  # not withdrawn meanwhile
                _hold_back(matter)
    db.session.flush()


@functools.cache
def _batch_statements():
    """A batch's read of the matters still `checking` (with their submitters' openids) and its
    UPDATE settling them with a verdict, for the parameters `ids` and `verdict`: built once, as
    building them cost a worker more CPU than PostgreSQL spent running them."""
    ids = bindparam("ids", expanding=True)
    return (select(Matter.id, Matter.title, Matter.description, Matter.place_text, User.openid)
            .join(User, User.id == Matter.submitter_id)
            .where(Matter.id.in_(ids), Matter.text_check == TextCheck.CHECKING).order_by(Matter.id),
            update(Matter).where(Matter.id.in_(ids), Matter.text_check == TextCheck.CHECKING)
            .values(text_check=bindparam("verdict"), version=Matter.version + 1))


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
    """Hand the check over again for matters still `checking` that nothing waits to check (module
    docstring); how many."""
    waited = timedelta(seconds=current_app.config["WORKER_HOUSEKEEPING_SECONDS"] / 2)
    waiting = list(db.session.scalars(select(Matter.id).where(
        Matter.text_check == TextCheck.CHECKING, Matter.created_at < utcnow() - waited,
    ).order_by(Matter.id).limit(SWEEP_LIMIT)))
    db.session.rollback()  # deliberate: only read; inline, the checks below run now on a connection of their own
    ids = sorted(set(waiting) - queue.gathered(check_reports)) if waiting else []
    if ids:
        log.warning("text-check sweep: checking %d matter(s) again", len(ids))
        queue.gather(check_reports, ids)
    return len(ids)
