"""What people see of polls: a poll for one viewer (turnout, their ballot, the result or running
tally, and what they may do, from app/polls/access.py), their polls and a community's, and what
overseers see — the audit trail, who has voted, and who voted what in a real-name poll."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import selectinload

from app.audit import service as audit
from app.auth.models import User
from app.auth.permissions import Action, authorize, household_id_of
from app.auth.service import user_names
from app.community.models import Building, Courtyard, Household
from app.errors import ApiError, invalid
from app.extensions import db
from app.matters.report import period_bounds
from app.models_base import utcnow
from app.polls import access, rules, secrecy
from app.polls.models import Ballot, PaperBallot, PaperStatus, Poll, PollElector, PollStatus
from app.polls.service.closing import compute_results
from app.polls.service.common import household_labels
from app.polls.service.opening import elector_rows
from app.polls.service.voting import ballot_view

RECENTLY_CLOSED = timedelta(days=30)  # closed polls stay in "my polls" this long (their 公示)
STATUS_LABELS = {"draft": "草稿", "scheduled": "待开始", "open": "投票中", "closed": "已公示", "cancelled": "已取消"}
EVENT_LABELS = {"created": "创建", "edited": "修改草稿", "scheduled": "定时开始", "opened": "开始投票", "paper_entered": "录入纸质票",
                "proxy_entered": "录入委托投票", "paper_confirmed": "确认纸质票", "proxy_confirmed": "确认委托投票",
                "paper_rejected": "退回纸质票", "proxy_rejected": "退回委托投票", "closed": "截止计票",
                "recounted": "复核计票", "objection_lodged": "提出异议", "objection_answered": "答复异议",
                "cancelled": "取消"}
ELECTORATE_LABELS = {"households": "一户一票", "council": "议事会成员", "residents": "一人一票",
                     "owners": "业主表决（按面积和人数）"}


def rule_book():
    """The electorates and decision rules a poll may take, in the words the views and the count use."""
    return {"electorates": [{"value": value, "label": label} for value, label in ELECTORATE_LABELS.items()],
            "rules": [{"value": rule.value, "label": rules.RULE_LABELS[rule], "summary": rules.RULE_SUMMARIES[rule],
                       "requires": rules.requirements(rule), "owners_only": rule in rules.WEIGHTED_RULES}
                      for rule in rules.Rule]}


# ---- a poll for one viewer -------------------------------------------------------------------------

def _turnout(poll_ids):
    """{poll id: (voters, voted)} counted by voter (an owner of three flats is one voter)."""
    rows = db.session.execute(select(
        PollElector.poll_id, func.count(distinct(PollElector.voter_key)),
        func.count(distinct(case((PollElector.voted_at.is_not(None), PollElector.voter_key)))))
        .where(PollElector.poll_id.in_(poll_ids)).group_by(PollElector.poll_id))
    return {poll_id: (total, voted) for poll_id, total, voted in rows}


def _mine(user):
    return access.mine(user.id, household_id_of(user))


def poll_views(polls, viewer):
    """Views for one viewer in a fixed number of queries, however many polls."""
    ids = [poll.id for poll in polls]
    turnout = _turnout(ids)
    household_id = household_id_of(viewer)
    electors_of = {e.poll_id: e for e in db.session.scalars(
        select(PollElector).where(PollElector.poll_id.in_(ids), _mine(viewer)))}
    keys = {poll.id: secrecy.ballot_key(poll, electors_of[poll.id].voter_key) for poll in polls
            if poll.id in electors_of and poll.key_check == secrecy.key_check()}
    ballots = {b.poll_id: b for b in db.session.scalars(select(Ballot).where(Ballot.id.in_(keys.values())))}
    household_voter = household_id is not None and access.casts_household_vote(viewer, household_id)
    tallies = compute_results([poll for poll in polls if poll.status == PollStatus.OPEN and poll.show_tally])
    now = utcnow()
    views = []
    for poll in polls:
        elector = electors_of.get(poll.id)
        ballot = ballots.get(poll.id)
        is_voter = access.allows(access.check_voter, viewer, elector, household_voter)
        total, voted = turnout.get(poll.id, (0, 0))
        result = poll.result if poll.status == PollStatus.CLOSED else tallies.get(poll.id)
        views.append({
            **{name: getattr(poll, name) for name in (
                "id", "community_id", "title", "description", "electorate", "scope_kind", "scope_ids", "rule",
                "quorum_percent", "secret", "allow_change", "show_tally", "opens_at", "closes_at", "objection_days", "status",
                "matter_id", "closed_at", "objections_until", "result_digest", "cancel_reason")},
            "questions": [{"id": q.id, "position": q.position, "text": q.text, "kind": q.kind, "options": q.options,
                           "max_choices": q.max_choices} for q in poll.questions],
            "electorate_label": ELECTORATE_LABELS[poll.electorate],
            "rule_label": rules.RULE_LABELS[rules.Rule(poll.rule)], "status_label": STATUS_LABELS[poll.status],
            "voters": total, "voted": voted,
            "in_electorate": elector is not None,
            "household_voted": elector is not None and elector.voted_at is not None,
            "my_ballot": ballot_view(poll, ballot, viewer.id, is_voter) if ballot is not None else None,
            "result": result,
            **access.flags(viewer, poll, elector, ballot, household_voter, now),
        })
    return views


def poll_view(poll, viewer):
    return poll_views([poll], viewer)[0]


def get_visible(user, poll_id):
    poll = db.session.get(Poll, poll_id)
    if poll is None or not access.may_view(user, poll):
        raise ApiError(404, "not_found", "表决不存在")
    return poll


# ---- lists of polls --------------------------------------------------------------------------------

def _desc_page(query, cursor, limit):
    if cursor is not None:
        query = query.where(Poll.id < cursor)
    rows = db.session.scalars(query.options(selectinload(Poll.questions)).order_by(Poll.id.desc())
                              .limit(limit + 1)).all()
    return rows[:limit], rows[limit - 1].id if len(rows) > limit else None


def my_polls(user, cursor=None, limit=20):
    """Polls I (or my household) may vote in that are open, or closed in the last 30 days;
    newest first."""
    query = select(Poll).where(Poll.id.in_(select(PollElector.poll_id).where(_mine(user))), (
        (Poll.status == PollStatus.OPEN)
        | ((Poll.status == PollStatus.CLOSED) & (Poll.closed_at >= utcnow() - RECENTLY_CLOSED))))
    rows, next_cursor = _desc_page(query, cursor, limit)
    return {"items": poll_views(rows, user), "next_cursor": next_cursor}


def community_polls(viewer, community, cursor=None, limit=20):
    """Every poll of a community, newest first; drafts only for those who run or supervise."""
    authorize(viewer, Action.VIEW_COMMUNITY, community)
    query = select(Poll).where(Poll.community_id == community.id)
    if not access.oversees(viewer, community):
        query = query.where(Poll.status != PollStatus.DRAFT)
    rows, next_cursor = _desc_page(query, cursor, limit)
    return {"items": poll_views(rows, viewer), "next_cursor": next_cursor}


def turnout_over_time(viewer, community, start, end):
    """The polls closed in the period, in the order they closed, each with its turnout counted by
    voter: the figures each poll's view already shows whoever may see the community's polls."""
    authorize(viewer, Action.VIEW_COMMUNITY, community)
    since, until = period_bounds(start, end)
    polls = db.session.execute(select(Poll.id, Poll.title, Poll.electorate, Poll.closed_at).where(
        Poll.community_id == community.id, Poll.status == PollStatus.CLOSED, Poll.closed_at >= since,
        Poll.closed_at < until).order_by(Poll.closed_at, Poll.id)).all()
    turnout = _turnout([poll.id for poll in polls])
    items = []
    for poll in polls:
        voters, voted = turnout.get(poll.id, (0, 0))
        items.append({"id": poll.id, "title": poll.title, "closed_at": poll.closed_at,
                      "electorate_label": ELECTORATE_LABELS[poll.electorate], "voters": voters, "voted": voted,
                      "turnout_percent": round(100 * voted / voters, 1) if voters else None})
    return {"items": items}


# ---- what overseers see ------------------------------------------------------------------------------

def events(actor, poll, cursor=None, limit=50):
    """The audit trail, oldest first."""
    access.check_oversee(actor, poll)
    page = audit.entries(target_type="poll", target_id=poll.id, cursor=cursor, limit=limit)
    names = user_names({entry.actor_id for entry in page["items"]})
    households = household_labels({entry.household_id for entry in page["items"] if entry.household_id})
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
    building = None
    if building_id is not None:
        building = db.session.get(Building, building_id)
        if building is None or building.community_id != poll.community_id:
            raise invalid("building_id", "楼栋不存在")
        query = query.where(Household.building_id == building_id)
    access.check_electors(actor, poll, building)
    if voted is not None:
        query = query.where(PollElector.voted_at.is_not(None) if voted else PollElector.voted_at.is_(None))
    if cursor is not None:
        query = query.where(PollElector.id > cursor)
    rows = db.session.execute(query.order_by(PollElector.id).limit(limit + 1)).all()
    items = [{"id": elector.id, "household_id": elector.household_id, "user_id": elector.user_id,
              "label": (f"{building}{household.unit}{household.room}" if household else name) or "",
              "building": building, "head_name": household.head_name if household else None,
              "voted": elector.voted_at is not None, "voted_at": elector.voted_at, "paper_pending": paper_pending}
             for elector, household, building, name, paper_pending in rows[:limit]]
    return {"items": items, "next_cursor": rows[limit - 1][0].id if len(rows) > limit else None}


def electorate(actor, poll):
    """What the electorate weighs before the vote (a draft, computed now) or as frozen (since it
    opened): the headcount art. 278 counts (distinct voters: one owner of several flats once,
    the developer's unsold flats once together), households and total floor area."""
    access.check_oversee(actor, poll)
    if poll.status in (PollStatus.DRAFT, PollStatus.SCHEDULED):
        rows = elector_rows(poll)
    else:
        rows = db.session.execute(select(PollElector.household_id, PollElector.user_id, PollElector.voter_key,
                                         PollElector.area).where(PollElector.poll_id == poll.id)).all()
    return {"frozen": poll.status not in (PollStatus.DRAFT, PollStatus.SCHEDULED),
            "voters": len({key for _h, _u, key, _a in rows}),
            "households": len({h for h, _u, _k, _a in rows if h is not None}),
            "area": float(sum((Decimal(a) for _h, _u, _k, a in rows), Decimal(0)))}


def turnout(actor, poll):
    """Per building: electors, how many have voted, paper ballots waiting for the supervisors.
    Counts only: who voted what never shows here (nor anywhere in a secret poll)."""
    access.check_oversee(actor, poll)
    pending = select(PaperBallot.household_id).where(PaperBallot.poll_id == poll.id,
                                                     PaperBallot.status == PaperStatus.PENDING)
    rows = db.session.execute(
        select(Building.id, Courtyard.name, Building.name, func.count(PollElector.id),
               func.count(PollElector.voted_at), func.sum(case((PollElector.household_id.in_(pending), 1), else_=0)))
        .join(Household, Household.id == PollElector.household_id).join(Building, Building.id == Household.building_id)
        .join(Courtyard, Courtyard.id == Building.courtyard_id)
        .where(PollElector.poll_id == poll.id).group_by(Building.id, Courtyard.name, Building.name)
        .order_by(Building.id)).all()
    return {"items": [{"building_id": b, "building_name": f"{courtyard}{building}", "electors": electors,
                       "voted": voted, "paper_pending": paper or 0}
                      for b, courtyard, building, electors, voted, paper in rows]}


def named_ballots(actor, poll, cursor=None, limit=50):
    """Real-name polls: who voted what, for the supervisors, once the count is public."""
    access.check_named_ballots(actor, poll)
    query = select(Ballot).where(Ballot.poll_id == poll.id, Ballot.voter_key.is_not(None))
    if cursor is not None:
        query = query.where(Ballot.voter_key > cursor)
    ballots = db.session.scalars(query.order_by(Ballot.voter_key).limit(limit + 1)).all()
    page = ballots[:limit]
    members = db.session.execute(select(PollElector.voter_key, PollElector.household_id, PollElector.user_id)
                                 .where(PollElector.poll_id == poll.id,
                                        PollElector.voter_key.in_([b.voter_key for b in page]))).all()
    households = household_labels({h for _k, h, _u in members if h})
    names = user_names({u for _k, _h, u in members if u})
    voters = {}
    for key, household_id, user_id in members:
        voters.setdefault(key, []).append(households.get(household_id) or names.get(user_id) or "")
    return {"items": [{"voters": voters.get(b.voter_key, []), **ballot_view(poll, b, actor.id, True)} for b in page],
            "next_cursor": page[-1].voter_key if len(ballots) > limit else None}
