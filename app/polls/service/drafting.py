"""Drafting: a poll's settings, scope and questions checked into a draft, and checked again whenever
the draft is edited; publishing it opens it now or schedules the opening."""
from sqlalchemy import select

from app import validation
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


DEFAULTS = {"scope_kind": ScopeKind.COMMUNITY, "scope_ids": (), "opens_at": None, "description": "",
            "quorum_percent": None, "secret": False, "allow_change": False, "show_tally": False,
            "objection_days": 7, "matter_id": None}


def _settings(community, fields):
    """A draft's columns from its settings (those of PollEditSchema), checked together."""
    electorate, rule, secret = fields["electorate"], fields["rule"], fields["secret"]
    if rule in rules.WEIGHTED_RULES and electorate != Electorate.OWNERS:
        raise invalid("rule", "按面积计算的业主表决规则只适用于业主表决")
    if secret and electorate == Electorate.OWNERS:
        raise invalid("secret", "业主表决按面积和人数计票，须实名投票")
    if secret and fields["show_tally"]:  # the tally moving as each household is marked voted tells its vote
        raise invalid("show_tally", "无记名投票不能在投票期间显示实时票数")
    opens_at = fields["opens_at"] or utcnow()
    if fields["closes_at"] <= max(opens_at, utcnow()):
        raise invalid("closes_at", "截止时间须晚于开始时间和当前时间")
    matter_id = fields["matter_id"]
    if matter_id is not None and db.session.scalar(
            select(Matter.id).where(Matter.id == matter_id, Matter.community_id == community.id)) is None:
        raise invalid("matter_id", "关联的诉求不存在")
    scope_kind, scope_ids = _scope(community, electorate, fields["scope_kind"], list(fields["scope_ids"]))
    return {**{name: fields[name] for name in (
        "title", "description", "electorate", "rule", "quorum_percent", "secret", "allow_change", "show_tally",
        "closes_at", "objection_days", "matter_id")},
        "opens_at": opens_at, "scope_kind": scope_kind, "scope_ids": scope_ids}


def create(actor, community_id, title, electorate, rule, questions, closes_at, **options):
    """A draft poll; nothing is sent until it is published. `options`: those of DEFAULTS."""
    community = db.session.get(Community, community_id)
    if community is None:
        raise invalid("community_id", "社区不存在")
    authorize(actor, Action.MANAGE_POLLS, community)
    fields = {**DEFAULTS, **options, "title": title, "electorate": electorate, "rule": rule, "questions": questions,
              "closes_at": closes_at}
    settings = _settings(community, fields)
    poll = Poll(community_id=community.id, created_by_id=actor.id, status=PollStatus.DRAFT,
                questions=_questions(fields["questions"]), **settings)
    db.session.add(poll)
    db.session.flush()
    event(poll, actor, "created")
    db.session.flush()
    return poll


def edit(actor, poll, **changes):
    """Change a draft: the settings sent replace the draft's, and the whole is checked as at creation."""
    access.check_edit(actor, poll)
    current = {name: getattr(poll, name) for name in DEFAULTS}
    current.update(title=poll.title, electorate=poll.electorate, rule=poll.rule, closes_at=poll.closes_at,
                   questions=[{"text": q.text, "kind": q.kind, "options": q.options, "max_choices": q.max_choices}
                              for q in poll.questions])
    fields = {**current, **changes}
    settings = _settings(access.community_of(poll), fields)
    questions = _questions(fields["questions"]) if "questions" in changes else None
    for name, value in settings.items():
        setattr(poll, name, value)
    if questions is not None:
        poll.questions.clear()
        db.session.flush()  # the old positions go before the new ones take them
        poll.questions.extend(questions)
    event(poll, actor, "edited", note="、".join(validation.label(name) for name in changes))
    db.session.flush()
    return poll


def check_publish(actor, poll):
    """Everything publishing would refuse, checked without changing anything."""
    access.check_edit(actor, poll)
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
