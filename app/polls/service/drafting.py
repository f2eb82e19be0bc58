"""Drafting: a poll's settings, scope and questions checked into a draft; publishing it opens it
now or schedules the opening."""
from sqlalchemy import select

from app.auth.permissions import Action, authorize
from app.community.models import Building, Community, Courtyard
from app.errors import ApiError, invalid
from app.extensions import db
from app.jobs import queue
from app.matters.models import Matter
from app.models_base import utcnow
from app.polls import access, rules
from app.polls.models import YES_NO_OPTIONS, Electorate, Poll, PollQuestion, PollStatus, QuestionKind, ScopeKind
from app.polls.service.common import event, job_id
from app.polls.service.opening import EMPTY_ELECTORATE, elector_rows, open_poll, open_scheduled


def _scope(community, electorate, scope_kind, scope_ids):
    """The scope's place ids, checked to lie in the community."""
    if electorate == Electorate.COUNCIL or scope_kind == ScopeKind.COMMUNITY:
        if scope_ids and scope_ids != [community.id]:
            raise invalid("scope_ids", "表决范围须在本社区内")
        return ScopeKind.COMMUNITY, [community.id]
    scope_ids = list(dict.fromkeys(scope_ids))
    if not scope_ids or (scope_kind == ScopeKind.COURTYARD and len(scope_ids) != 1):
        raise invalid("scope_ids", "请选择表决范围")
    model = Building if scope_kind == ScopeKind.BUILDINGS else Courtyard
    found = db.session.scalars(select(model.id).where(model.id.in_(scope_ids), model.community_id == community.id))
    if set(found) != set(scope_ids):
        raise invalid("scope_ids", "表决范围须在本社区内")
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
                raise invalid("questions", f"第 {position} 题：选择题至少需要两个不同的选项")
            max_choices = question.get("max_choices") or 1 if kind == QuestionKind.MULTIPLE else 1
            if max_choices > len(options):
                raise invalid("questions", f"第 {position} 题：最多可选项数不能超过选项数")
        rows.append(PollQuestion(position=position, text=question["text"], kind=kind, options=options,
                                 max_choices=max_choices))
    return rows


def create(actor, community_id, title, electorate, rule, questions, closes_at, scope_kind=ScopeKind.COMMUNITY,
           scope_ids=(), opens_at=None, description="", quorum_percent=None, secret=False, allow_change=False,
           show_tally=False, objection_days=7, matter_id=None):
    """A draft poll; nothing is sent until it is published."""
    community = db.session.get(Community, community_id)
    if community is None:
        raise invalid("community_id", "社区不存在")
    authorize(actor, Action.MANAGE_POLLS, community)
    if rule in rules.WEIGHTED_RULES and electorate != Electorate.OWNERS:
        raise invalid("rule", "按面积计算的业主表决规则只适用于业主表决")
    if secret and electorate == Electorate.OWNERS:
        raise invalid("secret", "业主表决按面积和人数计票，须实名投票")
    if secret and show_tally:  # the tally moving as each household is marked voted tells its vote
        raise invalid("show_tally", "无记名投票不能在投票期间显示实时票数")
    opens_at = opens_at or utcnow()
    if closes_at <= max(opens_at, utcnow()):
        raise invalid("closes_at", "截止时间须晚于开始时间和当前时间")
    if matter_id is not None and db.session.scalar(
            select(Matter.id).where(Matter.id == matter_id, Matter.community_id == community.id)) is None:
        raise invalid("matter_id", "关联的诉求不存在")
    scope_kind, scope_ids = _scope(community, electorate, scope_kind, list(scope_ids))
    poll = Poll(community_id=community.id, created_by_id=actor.id, title=title, description=description,
                electorate=electorate, scope_kind=scope_kind, scope_ids=scope_ids, rule=rule,
                quorum_percent=quorum_percent, secret=secret, allow_change=allow_change, show_tally=show_tally,
                opens_at=opens_at, closes_at=closes_at, objection_days=objection_days, matter_id=matter_id,
                status=PollStatus.DRAFT, questions=_questions(questions))
    db.session.add(poll)
    db.session.flush()
    event(poll, actor, "created")
    db.session.flush()
    return poll


def check_publish(actor, poll):
    """Everything publishing would refuse, checked without changing anything."""
    access.check_manage(actor, poll)
    access.check_status(poll, PollStatus.DRAFT)
    if poll.closes_at <= utcnow():
        raise ApiError(409, "poll_closed", "截止时间已过，请重新设定")
    if poll.opens_at <= utcnow() and not elector_rows(poll):
        raise ApiError(422, "empty_electorate", EMPTY_ELECTORATE)


def publish(actor, poll):
    """Open now (freezing the electorate), or at `opens_at` by a scheduled job."""
    check_publish(actor, poll)
    if poll.opens_at > utcnow():
        poll.status = PollStatus.SCHEDULED
        event(poll, actor, "scheduled")
        db.session.flush()
        queue.schedule_after_commit(job_id(poll, "open"), poll.opens_at, open_scheduled, poll.id)
        return poll
    open_poll(poll, actor)
    return poll
