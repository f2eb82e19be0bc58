"""Polls: drafting, opening (the electorate is frozen), voting, paper and proxy ballots, closing
(the result is computed by app/polls/rules.py, frozen and published as 公示), objections and
recounts.

Correctness rests on the database: a ballot's primary key is derived from its voter, so two
ballots from one voter cannot both be stored, whatever the timing; votes hold a share lock on
the poll row and closing takes it exclusively, so no ballot commits after the count is taken.
Secrecy (app/polls/secrecy.py, README: Polls → Secrecy): a secret ballot is sealed until the
close, which publishes every counted ballot on the board in random order and erases the rest.
"""
import hashlib
import json
import secrets
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import case, distinct, func, insert, select, update
from sqlalchemy.orm import selectinload

from app.audit import service as audit
from app.auth.models import User
from app.auth.permissions import Action, authorize, can, can_somewhere_in, household_id_of
from app.community.models import Building, Community, Courtyard, Household, HouseholdMember, Role, RoleAssignment
from app.community.service import people_named
from app.errors import ApiError
from app.extensions import db
from app.jobs import queue, task
from app.matters.models import Matter, MatterPhoto
from app.matters.photos import discard, photo_view
from app.models_base import upsert, utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind
from app.pagination import paginate
from app.polls import rules, secrecy
from app.polls.models import (
    YES_NO_OPTIONS,
    Ballot,
    BallotStatus,
    BallotVia,
    BoardEntry,
    Electorate,
    Objection,
    PaperBallot,
    PaperStatus,
    Poll,
    PollElector,
    PollQuestion,
    PollStatus,
    QuestionKind,
    ScopeKind,
)

REMINDER_BEFORE = timedelta(hours=24)
INSERT_BATCH = 1000
RECENTLY_CLOSED = timedelta(days=30)  # closed polls stay in "my polls" this long (their 公示)
STATUS_LABELS = {"draft": "草稿", "scheduled": "待开始", "open": "投票中", "closed": "已公示", "cancelled": "已取消"}
EVENT_LABELS = {"created": "创建", "scheduled": "定时开始", "opened": "开始投票", "paper_entered": "录入纸质票",
                "proxy_entered": "录入委托投票", "paper_confirmed": "确认纸质票", "proxy_confirmed": "确认委托投票",
                "paper_rejected": "退回纸质票", "proxy_rejected": "退回委托投票", "closed": "截止计票",
                "recounted": "复核计票", "objection_lodged": "提出异议", "objection_answered": "答复异议",
                "cancelled": "取消"}
ELECTORATE_LABELS = {"households": "一户一票", "council": "议事会成员", "residents": "一人一票",
                     "owners": "业主表决（按面积和人数）"}


def _invalid(field, message, detail):
    return ApiError(422, "validation_error", message, details={"fields": {field: [detail]}})


# ---- drafting -------------------------------------------------------------------------------------

def _scope(community, electorate, scope_kind, scope_ids):
    """The scope's place ids, checked to lie in the community."""
    if electorate == Electorate.COUNCIL or scope_kind == ScopeKind.COMMUNITY:
        if scope_ids and scope_ids != [community.id]:
            raise _invalid("scope_ids", "表决范围须在本社区内", "the community's own id, or empty")
        return ScopeKind.COMMUNITY, [community.id]
    scope_ids = list(dict.fromkeys(scope_ids))
    if not scope_ids or (scope_kind == ScopeKind.COURTYARD and len(scope_ids) != 1):
        raise _invalid("scope_ids", "请选择表决范围", "required")
    model = Building if scope_kind == ScopeKind.BUILDINGS else Courtyard
    found = db.session.scalars(select(model.id).where(model.id.in_(scope_ids), model.community_id == community.id))
    if set(found) != set(scope_ids):
        raise _invalid("scope_ids", "表决范围须在本社区内", "unknown places")
    return scope_kind, scope_ids


def _questions(questions):
    rows = []
    for position, question in enumerate(questions, start=1):
        kind = question["kind"]
        if kind == QuestionKind.YES_NO:
            options, max_choices = YES_NO_OPTIONS, 1
        else:
            options = [option.strip() for option in question.get("options") or []]
            if len(options) < 2 or len(set(options)) != len(options) or "" in options:
                raise _invalid("questions", "选择题至少需要两个不同的选项", f"question {position}: options")
            max_choices = question.get("max_choices") or 1 if kind == QuestionKind.MULTIPLE else 1
            if max_choices > len(options):
                raise _invalid("questions", "最多可选项数不能超过选项数", f"question {position}: max_choices")
        rows.append(PollQuestion(position=position, text=question["text"], kind=kind, options=options,
                                 max_choices=max_choices))
    return rows


def create(actor, community_id, title, electorate, rule, questions, closes_at, scope_kind=ScopeKind.COMMUNITY,
           scope_ids=(), opens_at=None, description="", quorum_percent=None, secret=False, allow_change=False,
           show_tally=False, objection_days=7, matter_id=None):
    """A draft poll; nothing is sent until it is published."""
    community = db.session.get(Community, community_id)
    if community is None:
        raise _invalid("community_id", "社区不存在", "no such community")
    authorize(actor, Action.MANAGE_POLLS, community)
    if rule in rules.WEIGHTED_RULES and electorate != Electorate.OWNERS:
        raise _invalid("rule", "按面积计算的业主表决规则只适用于业主表决", "owners rules need the owners electorate")
    if secret and electorate == Electorate.OWNERS:
        raise _invalid("secret", "业主表决按面积和人数计票，须实名投票", "owners polls are real-name")
    if secret and show_tally:  # the tally moving as each household is marked voted tells its vote
        raise _invalid("show_tally", "无记名投票不能在投票期间显示实时票数", "secret polls show no running tally")
    opens_at = opens_at or utcnow()
    if closes_at <= max(opens_at, utcnow()):
        raise _invalid("closes_at", "截止时间须晚于开始时间和当前时间", "after opens_at and now")
    if matter_id is not None and db.session.scalar(
            select(Matter.id).where(Matter.id == matter_id, Matter.community_id == community.id)) is None:
        raise _invalid("matter_id", "关联的诉求不存在", "no such matter in this community")
    scope_kind, scope_ids = _scope(community, electorate, scope_kind, list(scope_ids))
    poll = Poll(community_id=community.id, created_by_id=actor.id, title=title, description=description,
                electorate=electorate, scope_kind=scope_kind, scope_ids=scope_ids, rule=rule,
                quorum_percent=quorum_percent, secret=secret, allow_change=allow_change, show_tally=show_tally,
                opens_at=opens_at, closes_at=closes_at, objection_days=objection_days, matter_id=matter_id,
                status=PollStatus.DRAFT, questions=_questions(questions))
    db.session.add(poll)
    db.session.flush()
    _event(poll, actor, "created")
    db.session.flush()
    return poll


def _event(poll, actor, action, household_id=None, note=""):
    """A line of the poll's audit trail, in the chained audit log (app/audit)."""
    audit.record(actor, f"poll.{action}", "poll", poll.id, community_id=poll.community_id,
                 household_id=household_id, note=note)


def _community(poll):
    return db.session.get(Community, poll.community_id)


def _require(poll, *statuses):
    if poll.status not in statuses:
        raise ApiError(409, "invalid_transition", "表决当前状态不能进行此操作", details={"status": poll.status})


def _oversees(user, community):
    """Does `user` run or supervise the polls of `community`?"""
    return can(user, Action.MANAGE_POLLS, community) or can(user, Action.SUPERVISE_POLLS, community)


def _authorize_overseer(actor, poll):
    """Those who run the poll, and those who supervise it."""
    community = _community(poll)
    if not _oversees(actor, community):
        authorize(actor, Action.SUPERVISE_POLLS, community)


# ---- opening: the frozen electorate ---------------------------------------------------------------

def _owner_key(household_id, owner_ref, developer_held):
    """Headcount under the judicial interpretation of art. 278: one flat, one owner; one owner of
    several flats, once; the developer's unsold or undelivered flats, once together."""
    if developer_held:
        return "developer"
    return f"owner:{owner_ref}" if owner_ref else f"h:{household_id}"


def _elector_rows(poll):
    """(household_id, user_id, voter_key, area) for everyone who may vote."""
    if poll.electorate == Electorate.COUNCIL:
        users = db.session.scalars(select(RoleAssignment.user_id).where(
            RoleAssignment.role == Role.COUNCIL_MEMBER, RoleAssignment.scope_id == poll.community_id))
        return [(None, u, f"u:{u}", 0) for u in sorted(set(users))]
    column = {ScopeKind.BUILDINGS: Household.building_id, ScopeKind.COURTYARD: Household.courtyard_id,
              ScopeKind.COMMUNITY: Household.community_id}[poll.scope_kind]
    in_scope = column.in_(poll.scope_ids)
    if poll.electorate == Electorate.RESIDENTS:
        users = db.session.scalars(select(HouseholdMember.user_id).join(Household).where(in_scope)
                                   .order_by(HouseholdMember.user_id))
        return [(None, u, f"u:{u}", 0) for u in users]
    rows = db.session.execute(select(Household.id, Household.floor_area, Household.owner_ref, Household.developer_held)
                              .where(in_scope).order_by(Household.id))
    if poll.electorate == Electorate.OWNERS:
        return [(h, None, _owner_key(h, ref, developer), area) for h, area, ref, developer in rows]
    return [(h, None, f"h:{h}", 0) for h, _area, _ref, _developer in rows]


def check_publish(actor, poll):
    """Everything publishing would refuse, checked without changing anything."""
    authorize(actor, Action.MANAGE_POLLS, _community(poll))
    _require(poll, PollStatus.DRAFT)
    if poll.closes_at <= utcnow():
        raise ApiError(409, "poll_closed", "截止时间已过，请重新设定")
    if poll.opens_at <= utcnow() and not _elector_rows(poll):
        raise ApiError(422, "empty_electorate", "表决范围内没有可投票的住户或成员")


def publish(actor, poll):
    """Open now (freezing the electorate), or at `opens_at` by a scheduled job."""
    check_publish(actor, poll)
    if poll.opens_at > utcnow():
        poll.status = PollStatus.SCHEDULED
        _event(poll, actor, "scheduled")
        db.session.flush()
        queue.schedule_after_commit(_job_id(poll, "open"), poll.opens_at, open_scheduled, poll.id)
        return poll
    _open(poll, actor)
    return poll


@task
def open_scheduled(poll_id):
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.status != PollStatus.SCHEDULED:
        return False
    if not _elector_rows(poll):
        poll.status, poll.cancel_reason = PollStatus.CANCELLED, "表决范围内没有可投票的住户或成员"
        _event(poll, None, "cancelled", note=poll.cancel_reason)
        db.session.flush()
        return False
    _open(poll, None)
    return True


def _open(poll, actor):
    rows = _elector_rows(poll)
    table = PollElector.__table__
    for start in range(0, len(rows), INSERT_BATCH):
        db.session.execute(insert(table), [
            {"poll_id": poll.id, "household_id": h, "user_id": u, "voter_key": k, "area": Decimal(a)}
            for h, u, k, a in rows[start:start + INSERT_BATCH]])
    poll.status, poll.opened_at, poll.key_check = PollStatus.OPEN, utcnow(), secrecy.key_check()
    _event(poll, actor, "opened", note=f"投票人 {len({row[2] for row in rows})}")
    notify(_elector_users(poll), NotificationKind.POLL_OPENED, _payload(poll, "请在截止前投票"), page=_page(poll))
    db.session.flush()
    queue.schedule_after_commit(_job_id(poll, "close"), poll.closes_at, close_due, poll.id)
    if poll.closes_at - REMINDER_BEFORE > utcnow():
        queue.schedule_after_commit(_job_id(poll, "reminder"), poll.closes_at - REMINDER_BEFORE, remind, poll.id)


def _job_id(poll, label):
    return f"poll-{poll.id}-{label}"


def _elector_users(poll, only=None):
    """Users to tell (a SELECT for `notify`): members of elector households and elector persons
    (`only`: a filter on PollElector)."""
    return people_named(PollElector, PollElector.poll_id == poll.id, only)


def _payload(poll, note, **extra):
    return {"title": poll.title, "closes_at": poll.closes_at, "note": note, "poll_id": poll.id,
            "body": f"{poll.title}：{note}", **extra}


def _page(poll):
    return f"pages/poll/poll?id={poll.id}"


@task
def remind(poll_id):
    """A day before the close: remind those who have not voted."""
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.status != PollStatus.OPEN or poll.closes_at <= utcnow():
        return 0
    users = _elector_users(poll, only=PollElector.voted_at.is_(None))
    told = notify(users, NotificationKind.POLL_CLOSING, _payload(poll, "您还没有投票，即将截止"), page=_page(poll))
    db.session.flush()
    return told


def cancel(actor, poll, reason):
    authorize(actor, Action.MANAGE_POLLS, _community(poll))
    _require(poll, PollStatus.DRAFT, PollStatus.SCHEDULED, PollStatus.OPEN)
    was_open = poll.status == PollStatus.OPEN
    poll.status, poll.cancel_reason = PollStatus.CANCELLED, reason
    _event(poll, actor, "cancelled", note=reason)
    if was_open:
        notify(_elector_users(poll), NotificationKind.NOTICE,
               {"title": f"表决取消：{poll.title}", "body": reason, "poll_id": poll.id}, page=_page(poll))
    db.session.flush()
    for label in ("open", "close", "reminder"):
        queue.cancel_after_commit(_job_id(poll, label))
    return poll


# ---- voting ------------------------------------------------------------------------------------------

def _lock_open(poll):
    """Hold the poll row in share mode for the rest of the transaction (closing takes it
    exclusively) and check that voting is open."""
    status, closes_at = db.session.execute(select(Poll.status, Poll.closes_at).where(Poll.id == poll.id)
                                           .with_for_update(read=True)).one()
    if status != PollStatus.OPEN:
        raise ApiError(409, "poll_not_open", "表决未开始或已结束", details={"status": status})
    if utcnow() >= closes_at:
        raise ApiError(409, "poll_closed", "投票已截止")


NOT_HOUSEHOLD_VOTER = "本户由户主或户主指定的成员投票"


def _casts_household_vote(user, household_id):
    """The designated member casts the household's vote, else the head."""
    members = db.session.scalars(select(HouseholdMember).filter_by(household_id=household_id)).all()
    voter = next((m for m in members if m.is_voter), None) or next((m for m in members if m.is_head), None)
    return voter is not None and voter.user_id == user.id


def _household_voter(user, household_id):
    if not _casts_household_vote(user, household_id):
        raise ApiError(403, "not_household_voter", NOT_HOUSEHOLD_VOTER)


def _elector_of(user, poll):
    """The user's elector row, or None."""
    household_id = household_id_of(user)
    if poll.electorate in (Electorate.HOUSEHOLDS, Electorate.OWNERS):
        if household_id is None:
            return None
        return db.session.scalar(select(PollElector).filter_by(poll_id=poll.id, household_id=household_id))
    return db.session.scalar(select(PollElector).filter_by(poll_id=poll.id, user_id=user.id))


def _voter_elector(user, poll):
    elector = _elector_of(user, poll)
    if elector is None:
        raise ApiError(403, "not_in_electorate", "您不在本次表决的投票范围内")
    if elector.household_id is not None:
        _household_voter(user, elector.household_id)
    return elector


def _choices(poll, answers):
    """{question id (str): sorted option indexes}; every question answered exactly once."""
    by_id = {question.id: question for question in poll.questions}
    given = [answer["question_id"] for answer in answers]
    if sorted(given) != sorted(by_id):
        raise _invalid("answers", "请回答全部问题（每题一次）", f"expected questions {sorted(by_id)}")
    choices = {}
    for answer in answers:
        question = by_id[answer["question_id"]]
        picked = sorted(set(answer["choices"]))
        if len(picked) != len(answer["choices"]) or any(not 0 <= i < len(question.options) for i in picked):
            raise _invalid("answers", "选项无效", f"question {question.id}: options 0..{len(question.options) - 1}")
        if question.kind == QuestionKind.YES_NO and len(picked) != 1:
            raise _invalid("answers", "请选择赞成、反对或弃权", f"question {question.id}: exactly one")
        if len(picked) > question.max_choices:
            raise _invalid("answers", f"最多选择 {question.max_choices} 项", f"question {question.id}: too many")
        choices[str(question.id)] = picked  # an empty choice question is an abstention
    return choices


def _put_ballot(poll, elector, choices, via, status, caster_id=None):
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
    if not (poll.allow_change and via == BallotVia.PHONE and existing.via == BallotVia.PHONE):
        raise ApiError(409, "already_voted", "本户（本人）已经投过票" if existing.status == BallotStatus.COUNTED
                       else "本户的纸质票正在等待监委会确认", details={"status": existing.status})
    tracker = secrecy.contents(poll, existing).tracker or tracker
    for name, value in secrecy.stored(poll, key, choices, tracker, caster_id).items():
        setattr(existing, name, value)
    return {"receipt": existing.receipt, "tracker": tracker, "choices": choices, "via": existing.via,
            "status": existing.status}, True


def _mark_voted(poll, voter_key):
    db.session.execute(update(PollElector).where(PollElector.poll_id == poll.id, PollElector.voter_key == voter_key,
                                                 PollElector.voted_at.is_(None)).values(voted_at=utcnow()))


def cast(user, poll, answers):
    """The user's ballot (their household's, in a household or owner poll). A second one is
    refused, or replaces the first where the poll allows changes until the close."""
    _lock_open(poll)
    elector = _voter_elector(user, poll)
    view, changed = _put_ballot(poll, elector, _choices(poll, answers), BallotVia.PHONE, BallotStatus.COUNTED,
                                caster_id=user.id)
    _mark_voted(poll, elector.voter_key)
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
    elector = _elector_of(user, poll)
    ballot = db.session.get(Ballot, secrecy.ballot_key(poll, elector.voter_key)) \
        if elector and poll.key_check == secrecy.key_check() else None
    if ballot is None:
        raise ApiError(404, "not_found", "您还没有投票")
    is_voter = elector.household_id is None or _casts_household_vote(user, elector.household_id)
    return ballot_view(poll, ballot, user.id, is_voter)


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
    gave it — to recount the result (its `ballots_digest` is over these) and to find one's own.
    An owners poll's entries carry each flat's area, which neighbours could match to flats:
    those go to whoever runs or supervises the poll."""
    if poll.electorate == Electorate.OWNERS and not _oversees(viewer, _community(poll)):
        raise ApiError(403, "forbidden", "业主表决的选票带有面积，只向组织者和监委会公示")
    if poll.status != PollStatus.CLOSED:
        raise ApiError(409, "poll_not_closed", "投票截止后公示全部选票")
    query = select(BoardEntry).where(BoardEntry.poll_id == poll.id)
    if cursor is not None:
        query = query.where(BoardEntry.tracker > cursor)
    rows = db.session.scalars(query.order_by(BoardEntry.tracker).limit(limit + 1)).all()
    return {"items": [{"tracker": e.tracker, "choices": e.choices, "people": e.people, "area": f"{e.area:.2f}"}
                      for e in rows[:limit]],
            "next_cursor": rows[limit - 1].tracker if len(rows) > limit else None,
            "ballots_digest": poll.result["ballots_digest"]}


# ---- paper and proxy ballots -----------------------------------------------------------------------------

def enter_paper(actor, poll, household_id, answers, photo_id, via=BallotVia.PAPER, proxy_name=None,
                authorization_text=None):
    """A building head (or grid worker, or staff) enters a household's paper ballot or proxy
    vote with a photo of the paper or authorization. It waits for a supervisor's confirmation."""
    household = db.session.get(Household, household_id)
    if household is None or household.community_id != poll.community_id:
        raise _invalid("household_id", "住户不存在", "no such household in this community")
    authorize(actor, Action.ENTER_PAPER_BALLOTS, household)
    _lock_open(poll)
    if poll.electorate not in (Electorate.HOUSEHOLDS, Electorate.OWNERS):
        raise ApiError(409, "not_household_poll", "纸质票和委托投票只用于按户表决")
    if via == BallotVia.PROXY and not (proxy_name and authorization_text):
        raise _invalid("authorization_text", "委托投票须登记受托人和委托书内容", "proxy_name and authorization_text")
    elector = db.session.scalar(select(PollElector).filter_by(poll_id=poll.id, household_id=household.id))
    if elector is None:
        raise ApiError(403, "not_in_electorate", "该住户不在本次表决的投票范围内")
    photo = db.session.scalar(select(MatterPhoto).where(
        MatterPhoto.id == photo_id, MatterPhoto.uploader_id == actor.id, MatterPhoto.matter_id.is_(None),
        MatterPhoto.id.not_in(select(PaperBallot.photo_id).where(PaperBallot.photo_id.is_not(None)))))
    if photo is None:
        raise _invalid("photo_id", "请上传纸质票或委托书的照片", "an unused photo you uploaded")
    _put_ballot(poll, elector, _choices(poll, answers), via, BallotStatus.PENDING)
    paper = PaperBallot(poll_id=poll.id, household_id=household.id, via=via, photo_id=photo.id,
                        proxy_name=proxy_name if via == BallotVia.PROXY else None,
                        authorization_text=authorization_text if via == BallotVia.PROXY else None,
                        entered_by_id=actor.id, status=PaperStatus.PENDING)
    db.session.add(paper)
    _event(poll, actor, f"{via}_entered", household.id,
           note=f"受托人：{proxy_name}；委托书：{authorization_text}" if via == BallotVia.PROXY else "")
    db.session.flush()
    return paper


def _pending_ballot(poll, paper):
    elector = db.session.scalar(select(PollElector).filter_by(poll_id=poll.id, household_id=paper.household_id))
    return db.session.get(Ballot, secrecy.ballot_key(poll, elector.voter_key), with_for_update=True), elector


def _review(actor, poll, paper):
    """Checks before a decision on an entry. In a secret poll the photo — the household's
    paper with its choices — is destroyed with the decision: it has served its purpose."""
    authorize(actor, Action.SUPERVISE_POLLS, _community(poll))
    _lock_open(poll)
    if paper.status != PaperStatus.PENDING:
        raise ApiError(409, "already_reviewed", "这张纸质票已经处理过", details={"status": paper.status})
    if paper.entered_by_id == actor.id:
        raise ApiError(403, "own_entry", "不能确认自己录入的纸质票")
    paper.reviewed_by_id, paper.reviewed_at = actor.id, utcnow()
    if poll.secret:
        photo = db.session.get(MatterPhoto, paper.photo_id)
        paper.photo_id = None
        db.session.flush()
        discard(photo)


def confirm_paper(actor, poll, paper):
    """A supervisor has compared the photo with what was entered: the ballot counts."""
    _review(actor, poll, paper)
    ballot, elector = _pending_ballot(poll, paper)
    ballot.status = BallotStatus.COUNTED
    paper.status = PaperStatus.CONFIRMED
    _mark_voted(poll, elector.voter_key)
    _event(poll, actor, f"{paper.via}_confirmed", paper.household_id)
    db.session.flush()
    return paper


def reject_paper(actor, poll, paper, reason):
    """The entry does not match the paper (or the authorization is missing): the ballot is
    removed, and the household may vote again."""
    _review(actor, poll, paper)
    ballot, _elector = _pending_ballot(poll, paper)
    db.session.delete(ballot)
    paper.status, paper.review_note = PaperStatus.REJECTED, reason
    _event(poll, actor, f"{paper.via}_rejected", paper.household_id, note=reason)
    db.session.flush()
    return paper


def paper_ballots(actor, poll, status=None, cursor=None, limit=20):
    """Supervisors see every entry; those who enter ballots see their own."""
    query = select(PaperBallot).where(PaperBallot.poll_id == poll.id)
    if not can(actor, Action.SUPERVISE_POLLS, _community(poll)):
        _authorize_paper_entry(actor, poll)
        query = query.where(PaperBallot.entered_by_id == actor.id)
    if status is not None:
        query = query.where(PaperBallot.status == status)
    page = paginate(db.session, query, PaperBallot.id, {"cursor": cursor, "limit": limit})
    return {**page, "items": paper_views(actor, poll, page["items"])}


def paper_views(viewer, poll, papers):
    """Paper ballots with their photos; supervisors also see what was entered while it waits
    for them (to compare with the photo)."""
    supervisor = can(viewer, Action.SUPERVISE_POLLS, _community(poll))
    households = _household_labels({paper.household_id for paper in papers})
    names = _user_names({paper.entered_by_id for paper in papers} | {paper.reviewed_by_id for paper in papers})
    photos = {photo.id: photo_view(photo) for photo in db.session.scalars(
        select(MatterPhoto).where(MatterPhoto.id.in_([paper.photo_id for paper in papers if paper.photo_id])))}
    entered = _entered_choices(poll, [paper for paper in papers if paper.status == PaperStatus.PENDING]) \
        if supervisor else {}
    items = []
    for paper in papers:
        items.append({
            "id": paper.id, "household_id": paper.household_id, "household": households.get(paper.household_id),
            "via": paper.via, "photo": photos.get(paper.photo_id), "proxy_name": paper.proxy_name,
            "authorization_text": paper.authorization_text, "entered_by": names.get(paper.entered_by_id),
            "entered_at": paper.entered_at, "status": paper.status, "reviewed_by": names.get(paper.reviewed_by_id),
            "reviewed_at": paper.reviewed_at, "review_note": paper.review_note,
            "choices": entered.get(paper.household_id)})
    return items


def _entered_choices(poll, papers):
    """{household id: the choices entered} for pending paper ballots, in two queries."""
    if not papers:
        return {}
    keys = {household_id: secrecy.ballot_key(poll, voter_key) for household_id, voter_key in db.session.execute(
        select(PollElector.household_id, PollElector.voter_key).where(
            PollElector.poll_id == poll.id, PollElector.household_id.in_([paper.household_id for paper in papers])))}
    ballots = {b.id: b for b in db.session.scalars(select(Ballot).where(Ballot.id.in_(keys.values())))}
    held = {key: secrecy.contents(poll, ballot) for key, ballot in ballots.items()}
    return {household_id: held[key].choices for household_id, key in keys.items() if held.get(key)}


def _authorize_paper_entry(actor, poll):
    """Anyone who may enter paper ballots somewhere in the poll's community."""
    if not can_somewhere_in(actor, Action.ENTER_PAPER_BALLOTS, _community(poll)):
        authorize(actor, Action.SUPERVISE_POLLS, _community(poll))


def get_paper(poll, paper_id):
    paper = db.session.get(PaperBallot, paper_id)
    if paper is None or paper.poll_id != poll.id:
        raise ApiError(404, "not_found", "纸质票不存在")
    return paper


def _household_labels(ids):
    rows = db.session.execute(select(Household.id, Building.name, Household.unit, Household.room, Household.head_name)
                              .join(Building, Building.id == Household.building_id).where(Household.id.in_(ids)))
    return {h: f"{b}{u}{r}" + (f"（{n}）" if n else "") for h, b, u, r, n in rows}


def _user_names(ids):
    ids = {i for i in ids if i is not None}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}


# ---- closing and the result -----------------------------------------------------------------------------

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


@task
def catch_up():
    """Open and close the polls whose scheduled job was lost (Redis restarted without its
    data): run by the workers' housekeeping every minute."""
    now = utcnow()
    due_to_open = db.session.scalars(select(Poll.id).where(Poll.status == PollStatus.SCHEDULED,
                                                           Poll.opens_at <= now)).all()
    due_to_close = db.session.scalars(select(Poll.id).where(Poll.status == PollStatus.OPEN,
                                                            Poll.closes_at <= now)).all()
    db.session.rollback()  # deliberate: ends this read; each poll opens or closes in a job of its own
    return [i for i in due_to_open if open_scheduled(i)], [i for i in due_to_close if close_due(i)]


def close(actor, poll):
    """Close by hand once the deadline has passed (if the scheduled job could not run)."""
    _authorize_overseer(actor, poll)
    _require(poll, PollStatus.OPEN)
    if utcnow() < poll.closes_at:
        raise ApiError(409, "poll_still_open", "投票尚未截止，不能提前结束")
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
    _event(poll, actor, "closed", note=f"计票摘要 {poll.result_digest}")
    passed = all(question["passed"] for question in result["questions"])
    notify(_elector_users(poll), NotificationKind.POLL_RESULT,
           _payload(poll, f"公示期至{poll.objections_until:%m月%d日}，有异议可提出", outcome="通过" if passed else "未通过"),
           page=_page(poll))
    db.session.flush()
    queue.cancel_after_commit(_job_id(poll, "reminder"))


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
    authorize(actor, Action.SUPERVISE_POLLS, _community(poll))
    _require(poll, PollStatus.CLOSED)
    fresh = compute_result(poll)
    digest = _digest(fresh)
    matches = digest == poll.result_digest
    _event(poll, actor, "recounted", note="结果一致" if matches else f"结果不一致：{digest}")
    db.session.flush()
    if not matches:
        current_app.logger.error("recount of poll %s differs from the frozen result", poll.id)
    return {"matches": matches, "frozen_digest": poll.result_digest, "recount_digest": digest, "result": fresh}


# ---- objections ----------------------------------------------------------------------------------------

def lodge_objection(user, poll, text):
    """During the 公示 period, anyone in the electorate may object; the supervisors are told."""
    _require(poll, PollStatus.CLOSED)
    if utcnow() > poll.objections_until:
        raise ApiError(409, "objection_period_over", "公示期已过，不能再提出异议")
    elector = _elector_of(user, poll)
    if elector is None:
        raise ApiError(403, "not_in_electorate", "您不在本次表决的投票范围内")
    objection = Objection(poll_id=poll.id, user_id=user.id, household_id=elector.household_id, text=text)
    db.session.add(objection)
    _event(poll, user, "objection_lodged", elector.household_id, note=text[:200])
    supervisors = db.session.scalars(select(RoleAssignment.user_id).where(
        RoleAssignment.role == Role.SUPERVISOR, RoleAssignment.scope_id == poll.community_id)).all()
    notify(sorted(set(supervisors)), NotificationKind.NOTICE,
           {"title": f"表决异议：{poll.title}", "body": text[:500], "poll_id": poll.id}, page=_page(poll))
    db.session.flush()
    return objection


def answer_objection(actor, poll, objection, answer):
    authorize(actor, Action.SUPERVISE_POLLS, _community(poll))
    if objection.answer is not None:
        raise ApiError(409, "already_answered", "该异议已经答复")
    objection.answer, objection.answered_by_id, objection.answered_at = answer, actor.id, utcnow()
    _event(poll, actor, "objection_answered", objection.household_id, note=answer[:200])
    notify([objection.user_id], NotificationKind.NOTICE,
           {"title": f"异议答复：{poll.title}", "body": answer[:500], "poll_id": poll.id}, page=_page(poll))
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
    community = _community(poll)
    households = _household_labels({o.household_id for o in objections}) if _oversees(viewer, community) else {}
    return [{"id": o.id, "text": o.text, "created_at": o.created_at, "answer": o.answer,
             "answered_at": o.answered_at, "mine": o.user_id == viewer.id,
             "household": households.get(o.household_id)} for o in objections]


# ---- what overseers see ------------------------------------------------------------------------------

def events(actor, poll, cursor=None, limit=50):
    """The audit trail, oldest first."""
    _authorize_overseer(actor, poll)
    page = audit.entries(target_type="poll", target_id=poll.id, cursor=cursor, limit=limit)
    names = _user_names({entry.actor_id for entry in page["items"]})
    households = _household_labels({entry.household_id for entry in page["items"] if entry.household_id})
    items = []
    for entry in page["items"]:
        action = entry.action.removeprefix("poll.")
        items.append({"id": entry.id, "action": action, "action_label": EVENT_LABELS.get(action, action),
                      "actor_id": entry.actor_id,
                      "actor": names.get(entry.actor_id, "系统" if entry.actor_id is None else None),
                      "household_id": entry.household_id, "household": households.get(entry.household_id),
                      "note": entry.details.get("note", ""), "created_at": entry.created_at})
    return {**page, "items": items}


def electors(actor, poll, building_id=None, voted=None, cursor=None, limit=50):
    """Who has voted and who has not, to chase and to help: overseers see all; building heads
    and grid workers one building they cover."""
    pending = select(PaperBallot.id).where(PaperBallot.poll_id == poll.id, PaperBallot.status == PaperStatus.PENDING,
                                           PaperBallot.household_id == PollElector.household_id).exists()
    query = select(PollElector, Household, Building.name, User.name, pending).where(PollElector.poll_id == poll.id) \
        .outerjoin(Household, Household.id == PollElector.household_id) \
        .outerjoin(Building, Building.id == Household.building_id) \
        .outerjoin(User, User.id == PollElector.user_id)
    if building_id is not None:
        building = db.session.get(Building, building_id)
        if building is None or building.community_id != poll.community_id:
            raise _invalid("building_id", "楼栋不存在", "no such building in this community")
        community = _community(poll)
        if not _oversees(actor, community):
            authorize(actor, Action.ENTER_PAPER_BALLOTS, building)
        query = query.where(Household.building_id == building_id)
    else:
        _authorize_overseer(actor, poll)
    if voted is not None:
        query = query.where(PollElector.voted_at.is_not(None) if voted else PollElector.voted_at.is_(None))
    if cursor is not None:
        query = query.where(PollElector.id > cursor)
    rows = db.session.execute(query.order_by(PollElector.id).limit(limit + 1)).all()
    items = [{"id": elector.id, "household_id": elector.household_id, "user_id": elector.user_id,
              "label": (f"{building}{household.unit}{household.room}" if household else name) or "",
              "head_name": household.head_name if household else None,
              "voted": elector.voted_at is not None, "voted_at": elector.voted_at, "paper_pending": paper_pending}
             for elector, household, building, name, paper_pending in rows[:limit]]
    return {"items": items, "next_cursor": rows[limit - 1][0].id if len(rows) > limit else None}


def named_ballots(actor, poll, cursor=None, limit=50):
    """Real-name polls: who voted what, for the supervisors, once the count is public."""
    authorize(actor, Action.SUPERVISE_POLLS, _community(poll))
    if poll.secret:
        raise ApiError(409, "secret_poll", "本次为无记名投票，不记录谁投了什么")
    if poll.status != PollStatus.CLOSED and not poll.show_tally:
        raise ApiError(409, "tally_hidden", "投票截止后才能查看")
    query = select(Ballot).where(Ballot.poll_id == poll.id, Ballot.voter_key.is_not(None))
    if cursor is not None:
        query = query.where(Ballot.voter_key > cursor)
    ballots = db.session.scalars(query.order_by(Ballot.voter_key).limit(limit + 1)).all()
    page = ballots[:limit]
    members = db.session.execute(select(PollElector.voter_key, PollElector.household_id, PollElector.user_id)
                                 .where(PollElector.poll_id == poll.id,
                                        PollElector.voter_key.in_([b.voter_key for b in page]))).all()
    households = _household_labels({h for _k, h, _u in members if h})
    names = _user_names({u for _k, _h, u in members if u})
    voters = {}
    for key, household_id, user_id in members:
        voters.setdefault(key, []).append(households.get(household_id) or names.get(user_id) or "")
    return {"items": [{"voters": voters.get(b.voter_key, []), **ballot_view(poll, b, actor.id, True)} for b in page],
            "next_cursor": page[-1].voter_key if len(ballots) > limit else None}


# ---- views ---------------------------------------------------------------------------------------------

def _turnout(poll_ids):
    """{poll id: (voters, voted)} counted by voter (an owner of three flats is one voter)."""
    rows = db.session.execute(select(
        PollElector.poll_id, func.count(distinct(PollElector.voter_key)),
        func.count(distinct(case((PollElector.voted_at.is_not(None), PollElector.voter_key)))))
        .where(PollElector.poll_id.in_(poll_ids)).group_by(PollElector.poll_id))
    return {poll_id: (total, voted) for poll_id, total, voted in rows}


def poll_views(polls, viewer):
    """Views for one viewer in a fixed number of queries, however many polls."""
    ids = [poll.id for poll in polls]
    turnout = _turnout(ids)
    household_id = household_id_of(viewer)
    mine = PollElector.user_id == viewer.id
    if household_id is not None:
        mine = mine | (PollElector.household_id == household_id)
    electors_of = {e.poll_id: e for e in db.session.scalars(
        select(PollElector).where(PollElector.poll_id.in_(ids), mine))}
    keys = {poll.id: secrecy.ballot_key(poll, electors_of[poll.id].voter_key) for poll in polls
            if poll.id in electors_of and poll.key_check == secrecy.key_check()}
    ballots = {b.poll_id: b for b in db.session.scalars(select(Ballot).where(Ballot.id.in_(keys.values())))}
    casts_household_vote = household_id is not None and _casts_household_vote(viewer, household_id)
    tallies = compute_results([poll for poll in polls if poll.status == PollStatus.OPEN and poll.show_tally])
    now = utcnow()
    communities = {}
    views = []
    for poll in polls:
        if poll.community_id not in communities:
            community = _community(poll)
            communities[poll.community_id] = {
                "manage": can(viewer, Action.MANAGE_POLLS, community),
                "supervise": can(viewer, Action.SUPERVISE_POLLS, community),
                "enter_paper": can_somewhere_in(viewer, Action.ENTER_PAPER_BALLOTS, community)}
        rights = communities[poll.community_id]
        elector = electors_of.get(poll.id)
        ballot = ballots.get(poll.id)
        is_voter = elector is not None and (elector.household_id is None or casts_household_vote)
        is_open = poll.status == PollStatus.OPEN and now < poll.closes_at
        changeable = ballot is None or (poll.allow_change and ballot.via == BallotVia.PHONE)
        why_not = (None if is_voter and is_open and changeable
                   else "不在本次表决的投票范围内" if elector is None
                   else NOT_HOUSEHOLD_VOTER if not is_voter
                   else "投票未开始或已结束" if not is_open
                   else "纸质票等待监委会确认" if ballot.status == BallotStatus.PENDING
                   else "已经投票")
        total, voted = turnout.get(poll.id, (0, 0))
        result = poll.result if poll.status == PollStatus.CLOSED else tallies.get(poll.id)
        views.append({
            **{name: getattr(poll, name) for name in (
                "id", "community_id", "title", "description", "electorate", "scope_kind", "scope_ids", "rule",
                "quorum_percent", "secret", "allow_change", "show_tally", "opens_at", "closes_at", "status",
                "matter_id", "closed_at", "objections_until", "result_digest", "cancel_reason")},
            "questions": [{"id": q.id, "position": q.position, "text": q.text, "kind": q.kind, "options": q.options,
                           "max_choices": q.max_choices} for q in poll.questions],
            "electorate_label": ELECTORATE_LABELS[poll.electorate],
            "rule_label": rules.RULE_LABELS[rules.Rule(poll.rule)], "status_label": STATUS_LABELS[poll.status],
            "voters": total, "voted": voted,
            "in_electorate": elector is not None,
            "household_voted": elector is not None and elector.voted_at is not None,
            "can_vote": why_not is None, "cannot_vote_reason": why_not,
            "my_ballot": ballot_view(poll, ballot, viewer.id, is_voter) if ballot is not None else None,
            "result": result,
            "can_manage": rights["manage"], "can_supervise": rights["supervise"],
            "can_close": (rights["manage"] or rights["supervise"]) and poll.status == PollStatus.OPEN
            and now >= poll.closes_at,
            "can_object": elector is not None and poll.status == PollStatus.CLOSED and now <= poll.objections_until,
            "can_enter_paper": rights["enter_paper"] and is_open
            and poll.electorate in (Electorate.HOUSEHOLDS, Electorate.OWNERS),
        })
    return views


def poll_view(poll, viewer):
    return poll_views([poll], viewer)[0]


def can_view(user, poll):
    community = _community(poll)
    if poll.status == PollStatus.DRAFT:
        return _oversees(user, community)
    return can(user, Action.VIEW_COMMUNITY, community) or _elector_of(user, poll) is not None


def get_visible(user, poll_id):
    poll = db.session.get(Poll, poll_id)
    if poll is None or not can_view(user, poll):
        raise ApiError(404, "not_found", "表决不存在")
    return poll


def _desc_page(query, cursor, limit):
    if cursor is not None:
        query = query.where(Poll.id < cursor)
    rows = db.session.scalars(query.options(selectinload(Poll.questions)).order_by(Poll.id.desc())
                              .limit(limit + 1)).all()
    return rows[:limit], rows[limit - 1].id if len(rows) > limit else None


def my_polls(user, cursor=None, limit=20):
    """Polls I (or my household) may vote in that are open, or closed in the last 30 days;
    newest first."""
    household_id = household_id_of(user)
    mine = PollElector.user_id == user.id
    if household_id is not None:
        mine = mine | (PollElector.household_id == household_id)
    query = select(Poll).where(Poll.id.in_(select(PollElector.poll_id).where(mine)), (
        (Poll.status == PollStatus.OPEN)
        | ((Poll.status == PollStatus.CLOSED) & (Poll.closed_at >= utcnow() - RECENTLY_CLOSED))))
    rows, next_cursor = _desc_page(query, cursor, limit)
    return {"items": poll_views(rows, user), "next_cursor": next_cursor}


def community_polls(viewer, community, cursor=None, limit=20):
    """Every poll of a community, newest first; drafts only for those who run or supervise."""
    authorize(viewer, Action.VIEW_COMMUNITY, community)
    query = select(Poll).where(Poll.community_id == community.id)
    if not _oversees(viewer, community):
        query = query.where(Poll.status != PollStatus.DRAFT)
    rows, next_cursor = _desc_page(query, cursor, limit)
    return {"items": poll_views(rows, viewer), "next_cursor": next_cursor}

