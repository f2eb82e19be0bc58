"""Closing: the count (through app/polls/rules.py), frozen and published as 公示 with the board
of every counted ballot; the scheduled close, the close by hand, and the 监委会's recount.

Secrecy (app/polls/secrecy.py, README: Polls → Secrecy): a secret ballot is sealed until the
close, which publishes every counted ballot on the board in random order and erases the rest.
"""
import hashlib
import json
import secrets
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, insert, select, update

from app.extensions import db
from app.jobs import queue, task
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind
from app.polls import access, rules, secrecy
from app.polls.models import Ballot, BallotStatus, BoardEntry, Poll, PollElector, PollStatus
from app.polls.service.common import elector_users, event, job_id, page_path, payload


def compute_result(poll):
    """The count, from the electorate and the counted ballots, through app/polls/rules.py."""
    return compute_results([poll])[poll.id]


def compute_results(polls):
    """{poll id: its count} in a fixed number of queries however many polls: a closed poll's
    from its board (a recount), an open one's from its counted ballots (a running tally)."""
    if not polls:
        return {}
    ids = [poll.id for poll in polls]
    areas, entries = _electorate_areas(ids), {poll_id: [] for poll_id in ids}
    closed = [poll.id for poll in polls if poll.status == PollStatus.CLOSED]
    for poll_id, tracker, choices, people, area in db.session.execute(select(
            BoardEntry.poll_id, BoardEntry.tracker, BoardEntry.choices, BoardEntry.people, BoardEntry.area)
            .where(BoardEntry.poll_id.in_(closed))):
        entries[poll_id].append((tracker, choices, rules.Count(people, Decimal(area))))
    by_id = {poll.id: poll for poll in polls}
    for ballot in db.session.scalars(select(Ballot).where(
            Ballot.poll_id.in_(set(ids) - set(closed)), Ballot.status == BallotStatus.COUNTED)):
        held = secrecy.contents(by_id[ballot.poll_id], ballot)
        entries[ballot.poll_id].append((held.tracker or "", held.choices, _weight(areas[ballot.poll_id], ballot)))
    pending = dict(db.session.execute(select(Ballot.poll_id, func.count()).where(
        Ballot.poll_id.in_(ids), Ballot.status == BallotStatus.PENDING).group_by(Ballot.poll_id)).all())
    return {poll.id: _result(poll, areas[poll.id], entries[poll.id], pending.get(poll.id, 0)) for poll in polls}


def _electorate_areas(poll_ids):
    """{poll id: {voter key: area}}: an owner of several flats is one voter with their area."""
    areas = {poll_id: {} for poll_id in poll_ids}
    for poll_id, voter_key, area in db.session.execute(select(
            PollElector.poll_id, PollElector.voter_key, PollElector.area).where(PollElector.poll_id.in_(poll_ids))):
        areas[poll_id][voter_key] = areas[poll_id].get(voter_key, Decimal("0")) + Decimal(area)
    return areas


def _weight(areas, ballot):
    """What a ballot counts for: one voter, and their area (real-name polls know the voter)."""
    return rules.Count(1, areas.get(ballot.voter_key, Decimal("0")))


def _result(poll, areas, entries, pending):
    """The count from [(tracker, choices, weight)]."""
    electorate = rules.Count(len(areas), sum(areas.values(), Decimal("0")))
    participants = sum((weight for _tracker, _choices, weight in entries), rules.Count())
    questions = []
    for question in poll.questions:
        supports = [rules.Count()] * len(question.options)
        for _tracker, choices, weight in entries:
            for option in choices.get(str(question.id), []):
                supports[option] = supports[option] + weight
        questions.append({"question_id": question.id, "text": question.text, "kind": question.kind,
                          **rules.outcome(question.kind, question.options, poll.rule, electorate, participants,
                                          supports, question.max_choices, poll.quorum_percent)})
    lines = sorted(f"{tracker}:{json.dumps(choices, sort_keys=True)}" for tracker, choices, _weight in entries)
    return {
        "rule": poll.rule, "rule_label": rules.RULE_LABELS[rules.Rule(poll.rule)],
        "quorum_percent": poll.quorum_percent,
        "electorate": {"people": electorate.people, "area": f"{electorate.area:.2f}"},
        "participants": {"people": participants.people, "area": f"{participants.area:.2f}"},
        "questions": questions, "ballots": len(entries), "pending_paper": pending,
        "ballots_digest": hashlib.sha256("\n".join(lines).encode()).hexdigest(),
    }


def _digest(result):
    return hashlib.sha256(json.dumps(result, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@task
def close_due(poll_id):
    """The scheduled close: count, freeze, publish."""
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.status != PollStatus.OPEN or utcnow() < poll.closes_at:
        return False
    _close(poll, None)
    return True


def close(actor, poll):
    """Close by hand once the deadline has passed (if the scheduled job could not run)."""
    access.check_close(actor, poll, utcnow())
    _close(poll, actor)
    return poll


def _close(poll, actor):
    # Waits for every vote holding the share lock, so the count sees all committed ballots.
    db.session.execute(select(Poll.id).where(Poll.id == poll.id).with_for_update())
    db.session.refresh(poll)
    if poll.status != PollStatus.OPEN:
        return
    areas = _electorate_areas([poll.id])[poll.id]
    pending = db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.poll_id == poll.id, Ballot.status == BallotStatus.PENDING))
    result = _result(poll, areas, _publish_board(poll, areas), pending)
    now = utcnow()
    poll.result, poll.result_digest = result, _digest(result)
    poll.status, poll.closed_at = PollStatus.CLOSED, now
    poll.objections_until = now + timedelta(days=poll.objection_days)
    event(poll, actor, "closed", note=f"计票摘要 {poll.result_digest}")
    passed = all(question["passed"] for question in result["questions"])
    notify(elector_users(poll), NotificationKind.POLL_RESULT,
           payload(poll, f"公示期至{poll.objections_until:%m月%d日}，有异议可提出", outcome="通过" if passed else "未通过"),
           page=page_path(poll))
    db.session.flush()
    queue.cancel_after_commit(job_id(poll, "reminder"))


def _publish_board(poll, areas):
    """Copy the counted ballots to the board, shuffled, in the close's one transaction, and
    erase a secret poll's ballots: afterwards no row ties an entry to whoever cast it — not
    its order, its transaction or a code — and the count is taken from the board."""
    entries = []
    for ballot in db.session.scalars(select(Ballot).where(Ballot.poll_id == poll.id,
                                                          Ballot.status == BallotStatus.COUNTED)):
        held = secrecy.contents(poll, ballot)
        entries.append((held.tracker or secrecy.new_code(), held.choices, _weight(areas, ballot)))
    secrets.SystemRandom().shuffle(entries)
    if entries:
        db.session.execute(insert(BoardEntry), [
            {"poll_id": poll.id, "tracker": tracker, "choices": choices, "people": weight.people, "area": weight.area}
            for tracker, choices, weight in entries])
    if poll.secret:
        db.session.execute(update(Ballot).where(Ballot.poll_id == poll.id).values(choices=None, tracker=None,
                                                                               sealed=None))
    return entries


def recount(actor, poll):
    """监委会 recount: the count again from the board, compared with the frozen one."""
    access.check_supervise(actor, poll)
    access.check_status(poll, PollStatus.CLOSED)
    fresh = compute_result(poll)
    digest = _digest(fresh)
    matches = digest == poll.result_digest
    event(poll, actor, "recounted", note="结果一致" if matches else f"结果不一致：{digest}")
    db.session.flush()
    if not matches:
        current_app.logger.error("recount of poll %s differs from the frozen result", poll.id)
    return {"matches": matches, "frozen_digest": poll.result_digest, "recount_digest": digest, "result": fresh}
