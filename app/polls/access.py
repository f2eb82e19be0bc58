"""Who may do what to one poll: the checks the services enforce and the `can_*` flags the poll's
view shows, from the same functions, so a button is shown exactly when pressing it works.

The roles' policy is app/auth/permissions.py (`can`, `authorize`); this adds what concerns one
poll and one user: the poll's status and deadlines, its frozen electorate, who casts a
household's vote. A check raises the refusal (403 or 409); `allows(check, …)` asks it for a flag.
"""
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from app.auth.permissions import Action, allows, authorize, can, can_somewhere_in, household_id_of
from app.community import acting
from app.community.models import Community, HouseholdMember
from app.errors import ApiError
from app.extensions import db
from app.polls.models import BallotStatus, BallotVia, Electorate, PaperStatus, PollElector, PollStatus

NOT_HOUSEHOLD_VOTER = "本户由户主或户主指定的成员投票"
HOUSEHOLD_ELECTORATES = (Electorate.HOUSEHOLDS, Electorate.OWNERS)


def community_of(poll):
    return db.session.get(Community, poll.community_id)


# ---- who runs the polls ---------------------------------------------------------------------------

def oversees(user, community):
    """Does `user` run or supervise the polls of `community`?"""
    return can(user, Action.MANAGE_POLLS, community) or can(user, Action.SUPERVISE_POLLS, community)


def may_view(user, poll):
    """Drafts: those who run or supervise the polls. Otherwise the community, the electorate, and
    the family helpers of its households (told of it; they never vote: acting.py)."""
    community = community_of(poll)
    if poll.status == PollStatus.DRAFT:
        return oversees(user, community)
    if can(user, Action.VIEW_COMMUNITY, community) or elector_of(user, poll) is not None:
        return True
    helped = acting.helped(user)
    return bool(helped) and db.session.scalar(select(PollElector.id).where(
        PollElector.poll_id == poll.id, PollElector.household_id.in_(helped)).limit(1)) is not None


def check_manage(user, poll):
    """Edit a draft, publish, cancel: those who run the community's polls."""
    authorize(user, Action.MANAGE_POLLS, community_of(poll))


def check_edit(user, poll):
    """Edit or publish a draft."""
    check_manage(user, poll)
    check_status(poll, PollStatus.DRAFT)


def check_cancel(user, poll):
    """Cancel a poll that has not closed."""
    check_manage(user, poll)
    check_status(poll, PollStatus.DRAFT, PollStatus.SCHEDULED, PollStatus.OPEN)


def check_supervise(user, poll):
    """监委会: confirm paper ballots, recount, answer objections, see who voted what."""
    authorize(user, Action.SUPERVISE_POLLS, community_of(poll))


def check_oversee(user, poll):
    """The audit trail, who has voted, closing by hand: those who run it and those who supervise it."""
    if not oversees(user, community_of(poll)):
        check_supervise(user, poll)


def check_status(poll, *statuses):
    if poll.status not in statuses:
        raise ApiError(409, "invalid_transition", "表决当前状态不能进行此操作", details={"status": poll.status})


def check_close(user, poll, now):
    """Closing by hand, once the deadline has passed (if the scheduled close could not run)."""
    check_oversee(user, poll)
    check_status(poll, PollStatus.OPEN)
    if now < poll.closes_at:
        raise ApiError(409, "poll_still_open", "投票尚未截止，不能提前结束")


# ---- who votes ------------------------------------------------------------------------------------

def mine(user_id, household_id):
    """Elector rows that are the user's: their own (a poll of people), or their household's (a
    household or owners poll; a row names one or the other, never both). Values or columns: the
    views, `elector_of` and the ballot's hot path (app/polls/service/voting.py) share it."""
    own = PollElector.user_id == user_id
    return own if household_id is None else or_(own, PollElector.household_id == household_id)


def elector_of(user, poll):
    """The user's elector row (their household's, in a household or owners poll), or None."""
    return db.session.scalar(select(PollElector).where(PollElector.poll_id == poll.id,
                                                       mine(user.id, household_id_of(user))))


def casts_vote(user_id, household_id):
    """SQL: does the user cast the household's vote? The designated member does, else the head."""
    designated = aliased(HouseholdMember)
    return exists().where(
        HouseholdMember.household_id == household_id, HouseholdMember.user_id == user_id,
        or_(HouseholdMember.is_voter, and_(HouseholdMember.is_head, ~exists().where(
            designated.household_id == household_id, designated.is_voter))))


def casts_household_vote(user, household_id):
    return bool(db.session.scalar(select(casts_vote(user.id, household_id))))


def check_in_electorate(elector):
    if elector is None:
        raise ApiError(403, "not_in_electorate", "您不在本次表决的投票范围内")


def check_voter(user, elector, household_voter=None):
    """Does `user` cast `elector`'s vote: their own, or their household's as its voter?
    `household_voter`: whether they cast their household's vote, if already known."""
    check_in_electorate(elector)
    if elector.household_id is None:
        return
    if household_voter is None:
        household_voter = casts_household_vote(user, elector.household_id)
    if not household_voter:
        raise ApiError(403, "not_household_voter", NOT_HOUSEHOLD_VOTER)


def voting_open(status, closes_at, now):
    """Ballots, phone or paper, are taken while the poll is open and before its close. On values
    (a loaded poll) or on Poll's columns (SQL, the ballot's hot path): one rule for both."""
    return (status == PollStatus.OPEN) & (closes_at > now)


def check_voting_open(status, closes_at, now):
    """Ballots, phone or paper, and their review: while the poll is open."""
    if not voting_open(status, closes_at, now):
        if status != PollStatus.OPEN:
            raise ApiError(409, "poll_not_open", "表决未开始或已结束", details={"status": status})
        raise ApiError(409, "poll_closed", "投票已截止")


def check_replace(poll, ballot, via):
    """A second ballot from one voter replaces the first only where the poll allows changes, both
    by phone: a paper ballot stands (pending, a supervisor decides)."""
    if not (poll.allow_change and via == BallotVia.PHONE and ballot.via == BallotVia.PHONE):
        raise ApiError(409, "already_voted", "本户（本人）已经投过票" if ballot.status == BallotStatus.COUNTED
                       else "本户的纸质票正在等待监委会确认", details={"status": ballot.status})


def cannot_vote_reason(user, poll, elector, ballot, household_voter, now):
    """Why `user` may not vote now, as the poll's view says it (None: they may), from `cast`'s
    checks on what the view loaded: their elector row and ballot."""
    if not allows(check_in_electorate, elector):
        return "不在本次表决的投票范围内"
    if not allows(check_voter, user, elector, household_voter):
        return NOT_HOUSEHOLD_VOTER
    if not allows(check_voting_open, poll.status, poll.closes_at, now):
        return "投票未开始或已结束"
    if ballot is not None and not allows(check_replace, poll, ballot, BallotVia.PHONE):
        return "纸质票等待监委会确认" if ballot.status == BallotStatus.PENDING else "已经投票"
    return None


# ---- paper and proxy ballots ------------------------------------------------------------------------

def check_paper_poll(poll):
    if poll.electorate not in HOUSEHOLD_ELECTORATES:
        raise ApiError(409, "not_household_poll", "纸质票和委托投票只用于按户表决")


def check_paper_entry(user, household):
    """A household's paper ballot or proxy vote: by those who act for it (app/community/acting.py:
    its building head, grid worker, staff — never a family helper, who may only be the named proxy);
    returns as what (the audit trail keeps it)."""
    return acting.require(user, household, acting.Act.PAPER_BALLOT)


def enters_paper_in(user, poll):
    """May `user` enter paper ballots for some household of the poll's community?"""
    return can_somewhere_in(user, Action.ENTER_PAPER_BALLOTS, community_of(poll))


def check_paper_list(user, poll):
    """The paper ballots: supervisors, and those who enter them somewhere in the community."""
    if not enters_paper_in(user, poll):
        check_supervise(user, poll)


def check_review(user, paper):
    """A pending entry, decided by a supervisor other than the one who entered it."""
    if paper.status != PaperStatus.PENDING:
        raise ApiError(409, "already_reviewed", "这张纸质票已经处理过", details={"status": paper.status})
    if paper.entered_by_id == user.id:
        raise ApiError(403, "own_entry", "不能确认自己录入的纸质票")


# ---- after the close --------------------------------------------------------------------------------

def check_objection_period(poll, now):
    """Objections: during the 公示 period (from the electorate: `check_in_electorate`)."""
    check_status(poll, PollStatus.CLOSED)
    if now > poll.objections_until:
        raise ApiError(409, "objection_period_over", "公示期已过，不能再提出异议")


def check_board(user, poll):
    """The board, once the poll is closed. An owners poll's entries carry each flat's area, which
    neighbours could match to flats: those go to whoever runs or supervises the poll."""
    if poll.electorate == Electorate.OWNERS and not oversees(user, community_of(poll)):
        raise ApiError(403, "forbidden", "业主表决的选票带有面积，只向组织者和监委会公示")
    if poll.status != PollStatus.CLOSED:
        raise ApiError(409, "poll_not_closed", "投票截止后公示全部选票")


def check_named_ballots(user, poll):
    """Who voted what: real-name polls, for the supervisors, once the count is public."""
    check_supervise(user, poll)
    if poll.secret:
        raise ApiError(409, "secret_poll", "本次为无记名投票，不记录谁投了什么")
    if poll.status != PollStatus.CLOSED and not poll.show_tally:
        raise ApiError(409, "tally_hidden", "投票截止后才能查看")


def check_electors(user, poll, building=None):
    """Who has voted: those who run or supervise the poll, all of it; building heads and grid
    workers, one `building` they cover."""
    if building is None:
        check_oversee(user, poll)
    elif not oversees(user, community_of(poll)):
        authorize(user, Action.ENTER_PAPER_BALLOTS, building)


# ---- the view ---------------------------------------------------------------------------------------

def flags(user, poll, elector, ballot, household_voter, now):
    """The poll view's `can_*` and `cannot_vote_reason` for `user`, from the checks above on what
    the view loaded: their elector row and ballot, whether they cast their household's vote."""
    reason = cannot_vote_reason(user, poll, elector, ballot, household_voter, now)
    return {
        "can_vote": reason is None, "cannot_vote_reason": reason,
        "can_manage": allows(check_manage, user, poll),
        "can_edit": allows(check_edit, user, poll),
        "can_cancel": allows(check_cancel, user, poll),
        "can_supervise": allows(check_supervise, user, poll),
        "can_close": allows(check_close, user, poll, now),
        "can_object": allows(check_objection_period, poll, now) and allows(check_in_electorate, elector),
        "can_enter_paper": enters_paper_in(user, poll) and allows(check_voting_open, poll.status, poll.closes_at, now)
        and allows(check_paper_poll, poll),
    }
