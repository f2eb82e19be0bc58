"""Voting: a ballot per voter, changed only where the poll allows; one's own ballot, receipts,
and the board of every counted ballot once the poll is closed.

A ballot's primary key is derived from its voter, so two ballots from one voter cannot both be
stored, whatever the timing; votes hold a share lock on the poll row (`lock_open`) and closing
takes it exclusively, so no ballot commits after the count is taken.
"""
from sqlalchemy import select, update

from app.errors import ApiError, invalid
from app.extensions import db
from app.models_base import upsert, utcnow
from app.polls import access, secrecy
from app.polls.models import Ballot, BallotStatus, BallotVia, BoardEntry, PollElector, PollStatus, QuestionKind
from app.polls.service.common import lock_open


def choices_of(poll, answers):
    """{question id (str): sorted option indexes}; every question answered exactly once."""
    by_id = {question.id: question for question in poll.questions}
    given = [answer["question_id"] for answer in answers]
    if sorted(given) != sorted(by_id):
        raise invalid("answers", "请回答全部问题（每题一次）")
    choices = {}
    for answer in answers:
        question = by_id[answer["question_id"]]
        picked = sorted(set(answer["choices"]))
        if len(picked) != len(answer["choices"]) or any(not 0 <= i < len(question.options) for i in picked):
            raise invalid("answers", f"第 {question.position} 题：选项无效")
        if question.kind == QuestionKind.YES_NO and len(picked) != 1:
            raise invalid("answers", f"第 {question.position} 题：请选择赞成、反对或弃权")
        if len(picked) > question.max_choices:
            raise invalid("answers", f"第 {question.position} 题：最多选择 {question.max_choices} 项")
        choices[str(question.id)] = picked  # an empty choice question is an abstention
    return choices


def put_ballot(poll, elector, choices, via, status, caster_id=None):
    """Store the voter's ballot, or change it where the poll allows (same receipt and
    tracker). Returns (the ballot as its caster sees it, changed). The primary key makes the
    database refuse a second ballot from one voter."""
    key = secrecy.ballot_key(poll, elector.voter_key)
    receipt, tracker = secrecy.new_code(), secrecy.new_code()
    # The first ballot, the usual case, in one statement; a conflict (a ballot exists, or a
    # concurrent one committed first) inserts nothing and falls through to the existing one.
    inserted = db.session.execute(upsert(Ballot, db.engine).values(
        id=key, poll_id=poll.id, receipt=receipt, via=via, status=status,
        voter_key=None if poll.secret else elector.voter_key,
        **secrecy.stored(poll, key, choices, tracker, caster_id)).on_conflict_do_nothing().returning(Ballot.id)).first()
    if inserted:
        return {"receipt": receipt, "tracker": tracker, "choices": choices, "via": via, "status": status}, False
    existing = db.session.get(Ballot, key, with_for_update=True, populate_existing=True)
    if existing is None:
        raise ApiError(409, "changed_meanwhile", "提交冲突，请重试")
    access.check_replace(poll, existing, via)
    tracker = secrecy.contents(poll, existing).tracker or tracker
    for name, value in secrecy.stored(poll, key, choices, tracker, caster_id).items():
        setattr(existing, name, value)
    return {"receipt": existing.receipt, "tracker": tracker, "choices": choices, "via": existing.via,
            "status": existing.status}, True


def mark_voted(poll, voter_key):
    db.session.execute(update(PollElector).where(PollElector.poll_id == poll.id, PollElector.voter_key == voter_key,
                                                 PollElector.voted_at.is_(None)).values(voted_at=utcnow()))


def cast(user, poll, answers):
    """The user's ballot (their household's, in a household or owner poll). A second one is
    refused, or replaces the first where the poll allows changes until the close."""
    lock_open(poll)
    elector = access.elector_of(user, poll)
    access.check_voter(user, elector)
    view, changed = put_ballot(poll, elector, choices_of(poll, answers), BallotVia.PHONE, BallotStatus.COUNTED,
                               caster_id=user.id)
    mark_voted(poll, elector.voter_key)
    db.session.flush()
    return {**view, "changed": changed}


def ballot_view(poll, ballot, viewer_id, is_voter):
    """A household's ballot as one of its members sees it. The choices and the tracker go to
    whom they belong: in a secret poll the member who cast it, while they are kept (until the
    close); in a real-name poll the household's voter. Everyone else sees that it was cast."""
    held = secrecy.contents(poll, ballot)
    mine = held is not None and (held.caster_id == viewer_id if poll.secret else is_voter)
    return {"receipt": ballot.receipt, "via": ballot.via, "status": ballot.status,
            "choices": held.choices if mine else None, "tracker": held.tracker if mine else None}


def my_ballot(user, poll):
    elector = access.elector_of(user, poll)
    ballot = db.session.get(Ballot, secrecy.ballot_key(poll, elector.voter_key)) \
        if elector and poll.key_check == secrecy.key_check() else None
    if ballot is None:
        raise ApiError(404, "not_found", "您还没有投票")
    return ballot_view(poll, ballot, user.id, access.allows(access.check_voter, user, elector))


def check_receipt(poll, receipt):
    """Anyone holding a receipt code sees whether that ballot was received and counted — not
    what it says, so a receipt shown to a neighbour proves the vote, not the choice."""
    ballot = db.session.scalar(select(Ballot).filter_by(poll_id=poll.id, receipt=receipt.strip().upper()))
    if ballot is None:
        raise ApiError(404, "not_found", "没有找到这张选票，请核对回执码")
    return {"receipt": ballot.receipt, "via": ballot.via, "status": ballot.status,
            "counted": ballot.status == BallotStatus.COUNTED,
            "in_result": poll.status == PollStatus.CLOSED and ballot.status == BallotStatus.COUNTED}


def board(viewer, poll, cursor=None, limit=100):
    """公示的选票: every counted ballot of a closed poll, by tracker, with the weights the count
    gave it — to recount the result (its `ballots_digest` is over these) and to find one's own."""
    access.check_board(viewer, poll)
    query = select(BoardEntry).where(BoardEntry.poll_id == poll.id)
    if cursor is not None:
        query = query.where(BoardEntry.tracker > cursor)
    rows = db.session.scalars(query.order_by(BoardEntry.tracker).limit(limit + 1)).all()
    return {"items": [{"tracker": e.tracker, "choices": e.choices, "people": e.people, "area": f"{e.area:.2f}"}
                      for e in rows[:limit]],
            "next_cursor": rows[limit - 1].tracker if len(rows) > limit else None,
            "ballots_digest": poll.result["ballots_digest"]}
