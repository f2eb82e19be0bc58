"""Voting: a ballot per voter, changed only where the poll allows; one's own ballot, receipts,
and the board of every counted ballot once the poll is closed.

A ballot's primary key is derived from its voter, so two ballots from one voter cannot both be
stored, whatever the timing; votes hold a share lock on the poll row (`lock_open`) and closing
takes it exclusively, so no ballot commits after the count is taken.
"""
import functools

from sqlalchemy import bindparam, func, select, update

from app.auth.models import AuthSession, User
from app.auth.service import live_session
from app.community.models import HouseholdMember
from app.errors import ApiError, invalid
from app.extensions import db
from app.idempotency import RECORD, IdempotencyRecord
from app.models_base import UTCDateTime, insert_once, prefixed, utcnow
from app.polls import access, secrecy
from app.polls.models import (Ballot, BallotStatus, BallotVia, BoardEntry, Poll, PollElector, PollQuestion, PollStatus,
                              QuestionKind)
from app.polls.service.common import lock_open


def choices_of(questions, answers):
    """{question id (str): sorted option indexes}; every question answered exactly once."""
    by_id = {question.id: question for question in questions}
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
    inserted = db.session.execute(*_new_ballot(poll, key, elector.voter_key, choices, receipt, tracker, via, status,
                                               caster_id)).first()
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


BALLOT = ("id", "poll_id", "receipt", "via", "status", "voter_key", "choices", "tracker", "sealed")


def _new_ballot(poll, key, voter_key, choices, receipt, tracker, via, status, caster_id):
    """INSERT the voter's first ballot, nothing if one is there, RETURNING its id when inserted:
    (the statement, its parameters)."""
    return insert_once(Ballot, db.engine.dialect.name, "ballot_", BALLOT), prefixed("ballot_", {
        "id": key, "poll_id": poll.id, "receipt": receipt, "via": via, "status": status,
        "voter_key": None if poll.secret else voter_key, **secrecy.stored(poll, key, choices, tracker, caster_id)})


@functools.cache
def _voted():
    """Every elector row of the voter (an owner of three flats is one voter) marked as voted."""
    return update(PollElector).where(
        PollElector.poll_id == bindparam("voted_poll_id"), PollElector.voter_key == bindparam("voted_voter_key"),
        PollElector.voted_at.is_(None)).values(voted_at=bindparam("voted_at", type_=UTCDateTime))


def mark_voted(poll, voter_key):
    db.session.execute(_voted(), {"voted_poll_id": poll.id, "voted_voter_key": voter_key, "voted_at": utcnow()})


def cast(user, poll, answers):
    """The user's ballot (their household's, in a household or owner poll). A second one is
    refused, or replaces the first where the poll allows changes until the close."""
    lock_open(poll)
    elector = access.elector_of(user, poll)
    access.check_voter(user, elector)
    view, changed = put_ballot(poll, elector, choices_of(poll.questions, answers), BallotVia.PHONE,
                               BallotStatus.COUNTED, caster_id=user.id)
    mark_voted(poll, elector.voter_key)
    db.session.flush()
    return {**view, "changed": changed}


_questions = {}  # (poll id, opened at) → its questions: fixed from the moment a poll opens
QUESTIONS_KEPT = 500


def _open_poll_questions(poll):
    """An open poll's questions, read once per process: they cannot change once it opened."""
    key = (poll.id, poll.opened_at)
    questions = _questions.get(key)
    if questions is None:
        questions = db.session.scalars(select(PollQuestion).where(PollQuestion.poll_id == poll.id)).all()
        for question in questions:
            db.session.expunge(question)
        if len(_questions) >= QUESTIONS_KEPT:
            _questions.clear()
        _questions[key] = questions
    return questions


@functools.cache
def _fast_statements(dialect):
    """fast_cast's statements, built once per dialect with bound parameters: the check, and the
    writes — on PostgreSQL one statement of CTEs, with and without the idempotency record."""
    now = bindparam("now", type_=UTCDateTime)
    valid, unexpired = live_session(bindparam("session_id"), bindparam("generation"), now)
    household = select(HouseholdMember.household_id).where(HouseholdMember.user_id == User.id).scalar_subquery()
    check = (select(User.id.label("user_id"), Poll.id, Poll.secret, Poll.key_check, Poll.opened_at,
                    PollElector.voter_key).select_from(AuthSession)
             .join(User, User.id == AuthSession.user_id)
             .join(Poll, Poll.id == bindparam("poll_id"))
             .join(PollElector, (PollElector.poll_id == Poll.id) & access.mine(User.id, household))
             .where(valid, unexpired, access.voting_open(Poll.status, Poll.closes_at, now),
                    PollElector.household_id.is_(None) | access.casts_vote(User.id, PollElector.household_id))
             .with_for_update(read=True, of=Poll))
    ballot = insert_once(Ballot, dialect, "ballot_", BALLOT)
    record = insert_once(IdempotencyRecord, dialect, "record_", RECORD)
    written = {}
    if dialect == "postgresql":
        for keyed in (False, True):
            inserts = [ballot.cte("ballot")] + ([record.cte("record")] if keyed else [])
            written[keyed] = select(*(select(func.count()).select_from(cte).scalar_subquery() for cte in inserts)) \
                .add_cte(_voted().cte("voted"))
    return check, written


def fast_cast(claims, args, respond, poll_id):
    """`cast`'s common case — a signed-in voter's first ballot — in two statements between BEGIN
    and COMMIT, for the vote that closes with 30,000 households at once (bench/README.md).

    The first checks the session, holds the poll open in share mode and finds the user's elector
    row under the household-voter rule, with the very constructs the regular path uses
    (`live_session`, `access.voting_open`, `access.mine`, `access.casts_vote`); the second
    writes the idempotency record, the ballot and the voted mark (app/hot_path.py: `respond`).

    Returns the response, or None when it is not the common case — no session in force, a poll
    not open or not the user's to vote in, a refused answer, a ballot or a key already there:
    the caller rolls back and takes the regular path (`cast`), whose checks say why."""
    dialect = db.engine.dialect.name
    check, written = _fast_statements(dialect)
    connection = db.session.connection()  # Core statements: no ORM layer to pass through
    poll = connection.execute(check, {"session_id": str(claims.get("s")), "generation": claims.get("g"),
                                      "now": utcnow(), "poll_id": poll_id}).first()
    if poll is None:
        return None
    try:
        choices = choices_of(_open_poll_questions(poll), args["answers"])
        key = secrecy.ballot_key(poll, poll.voter_key)
    except ApiError:
        return None
    receipt, tracker = secrecy.new_code(), secrecy.new_code()
    response, record = respond(poll.user_id, {"receipt": receipt, "tracker": tracker, "choices": choices,
                                              "via": BallotVia.PHONE, "status": BallotStatus.COUNTED, "changed": False})
    ballot, params = _new_ballot(poll, key, poll.voter_key, choices, receipt, tracker, BallotVia.PHONE,
                                 BallotStatus.COUNTED, poll.user_id)
    params.update(voted_poll_id=poll.id, voted_voter_key=poll.voter_key, voted_at=utcnow())
    inserts = [ballot]
    if record is not None:
        inserts.insert(0, record[0])
        params.update(record[1])
    if dialect == "postgresql":  # one round trip: the writes as CTEs of one statement
        done = all(connection.execute(written[record is not None], params).one())
    else:
        done = all(connection.execute(statement, params).first() for statement in inserts)
        if done:
            connection.execute(_voted(), params)
    return response if done else None


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
