"""Polls: thin routes over app/polls/service/."""
from flask_smorest import Blueprint

from app.auth.permissions import current_user, get_or_404, requires
from app.community.models import Community
from app.extensions import PAPER_ENTRY_LIMIT, VOTE_LIMIT, limiter, per_signed_in_user
from app.hot_path import hot_path
from app.idempotency import idempotent
from app.matters.schemas import PeriodArgsSchema
from app.meetings.schemas import ReasonSchema
from app.pagination import PageArgsSchema
from app.polls import service
from app.polls.schemas import (
    BallotSchema,
    BoardArgsSchema,
    BoardPageSchema,
    CastResultSchema,
    CastSchema,
    ElectorArgsSchema,
    ElectorateSchema,
    ElectorPageSchema,
    EventPageSchema,
    NamedBallotArgsSchema,
    NamedBallotPageSchema,
    ObjectionAnswerSchema,
    ObjectionInSchema,
    ObjectionPageSchema,
    ObjectionSchema,
    PaperArgsSchema,
    PaperInSchema,
    PaperPageSchema,
    PaperSchema,
    PollEditSchema,
    PollInSchema,
    PollPageSchema,
    PollSchema,
    PollStatsSchema,
    ReceiptCheckSchema,
    RecountSchema,
    RuleBookSchema,
    TurnoutSchema,
)

blp = Blueprint("polls", __name__, url_prefix="/api/v1",
                description="Polls (表决): electorates, ballots, paper ballots, results, 公示 and objections")


def _poll(poll_id):
    return service.get_visible(current_user(), poll_id)


def _view(poll):
    return service.poll_view(poll, current_user())


def _paper_view(poll, paper):
    return service.paper_views(current_user(), poll, [paper])[0]


def _objection_view(poll, objection):
    return service.objection_views(current_user(), poll, [objection])[0]


@blp.route("/polls", methods=["POST"])
@idempotent
@blp.arguments(PollInSchema)
@blp.response(201, PollSchema)
@requires()
def create(args):
    """Draft a poll (staff, owners' committee): electorate, scope, rule, questions, times."""
    return _view(service.create(current_user(), **args))


@blp.route("/polls/rules", methods=["GET"])
@blp.response(200, RuleBookSchema)
@requires()
def rule_book():
    """The electorates and decision rules a poll may take: labels, what each rule asks in plain
    words and the thresholds the count checks (art. 278 for owners polls), for drafting."""
    return service.rule_book()


@blp.route("/polls/mine", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, PollPageSchema)
@requires()
def mine(page):
    """Polls I (or my household) may vote in: open ones, and those closed in the last 30 days."""
    return service.my_polls(current_user(), **page)


@blp.route("/communities/<int:community_id>/polls", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, PollPageSchema)
@requires()
def community_polls(page, community_id):
    """Every poll of the community, newest first (drafts only for those who run them)."""
    community = get_or_404(Community, community_id, "社区不存在")
    return service.community_polls(current_user(), community, **page)


@blp.route("/communities/<int:community_id>/poll-stats", methods=["GET"])
@blp.arguments(PeriodArgsSchema, location="query")
@blp.response(200, PollStatsSchema)
@requires()
def poll_stats(args, community_id):
    """Turnout over time: each poll closed in the period with its turnout (counts only)."""
    community = get_or_404(Community, community_id, "社区不存在")
    return service.turnout_over_time(current_user(), community, args["start"], args["end"])


@blp.route("/polls/<int:poll_id>", methods=["GET"])
@blp.response(200, PollSchema)
@requires()
def detail(poll_id):
    """A poll with its questions, turnout, my ballot and, once public, the result."""
    return _view(_poll(poll_id))


@blp.route("/polls/<int:poll_id>", methods=["PATCH"])
@blp.arguments(PollEditSchema(partial=True))
@blp.response(200, PollSchema)
@requires()
def edit(args, poll_id):
    """Edit a draft (409 once published): the fields sent replace the draft's, checked as on creation."""
    return _view(service.edit(current_user(), _poll(poll_id), **args))


@blp.route("/polls/<int:poll_id>/publish", methods=["POST"])
@blp.response(200, PollSchema)
@requires()
def publish(poll_id):
    """Open the poll now (freezing the electorate) or schedule it for `opens_at`."""
    return _view(service.publish(current_user(), _poll(poll_id)))


@blp.route("/polls/<int:poll_id>/cancel", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, PollSchema)
@requires()
def cancel(args, poll_id):
    """Cancel a poll that has not closed; the electorate is told why."""
    return _view(service.cancel(current_user(), _poll(poll_id), args["reason"]))


@blp.route("/polls/<int:poll_id>/ballots", methods=["POST"])
@limiter.limit(VOTE_LIMIT, key_func=per_signed_in_user)
@hot_path(service.fast_cast, CastSchema(), CastResultSchema())
@idempotent
@blp.arguments(CastSchema)
@blp.response(201, CastResultSchema)
@requires()
def cast(args, poll_id):
    """Vote (for my household, in a household or owners poll). Returns the receipt code. A second
    ballot is refused (409 already_voted) unless the poll allows changes until the close."""
    return service.cast(current_user(), _poll(poll_id), args["answers"])


@blp.route("/polls/<int:poll_id>/my-ballot", methods=["GET"])
@blp.response(200, BallotSchema)
@requires()
def my_ballot(poll_id):
    """My (household's) ballot and its receipt code."""
    return service.my_ballot(current_user(), _poll(poll_id))


@blp.route("/polls/<int:poll_id>/receipts/<receipt>", methods=["GET"])
@blp.response(200, ReceiptCheckSchema)
@requires()
def check_receipt(poll_id, receipt):
    """Check a receipt code: was that ballot received, is it counted (not what it says)."""
    return service.check_receipt(_poll(poll_id), receipt)


@blp.route("/polls/<int:poll_id>/board", methods=["GET"])
@blp.arguments(BoardArgsSchema, location="query")
@blp.response(200, BoardPageSchema)
@requires()
def board(args, poll_id):
    """公示的选票, once the poll is closed: every counted ballot with its tracker and weight, no
    voter — to recount the result and to find one's own ballot by its tracker. Owners polls: to
    those who run or supervise it (the areas would show whose flat is whose)."""
    return service.board(current_user(), _poll(poll_id), **args)


@blp.route("/polls/<int:poll_id>/paper-ballots", methods=["POST"])
@idempotent
@limiter.limit(PAPER_ENTRY_LIMIT, key_func=per_signed_in_user)
@blp.arguments(PaperInSchema)
@blp.response(201, PaperSchema)
@requires()
def enter_paper(args, poll_id):
    """Enter a household's paper ballot (纸质票) or proxy vote with a photo; it counts once a
    supervisor confirms it."""
    poll = _poll(poll_id)
    return _paper_view(poll, service.enter_paper(current_user(), poll, **args))


@blp.route("/polls/<int:poll_id>/paper-ballots", methods=["GET"])
@blp.arguments(PaperArgsSchema, location="query")
@blp.response(200, PaperPageSchema)
@requires()
def paper_ballots(args, poll_id):
    """Paper and proxy ballots: all for supervisors, one's own entries for building heads."""
    return service.paper_ballots(current_user(), _poll(poll_id), **args)


@blp.route("/polls/<int:poll_id>/paper-ballots/<int:paper_id>/confirm", methods=["POST"])
@blp.response(200, PaperSchema)
@requires()
def confirm_paper(poll_id, paper_id):
    """A supervisor confirms a paper ballot against its photo: it counts."""
    poll = _poll(poll_id)
    return _paper_view(poll, service.confirm_paper(current_user(), poll, service.get_paper(poll, paper_id)))


@blp.route("/polls/<int:poll_id>/paper-ballots/<int:paper_id>/reject", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, PaperSchema)
@requires()
def reject_paper(args, poll_id, paper_id):
    """A supervisor rejects an entry; the household may vote again."""
    poll = _poll(poll_id)
    paper = service.reject_paper(current_user(), poll, service.get_paper(poll, paper_id), args["reason"])
    return _paper_view(poll, paper)


@blp.route("/polls/<int:poll_id>/electors", methods=["GET"])
@blp.arguments(ElectorArgsSchema, location="query")
@blp.response(200, ElectorPageSchema)
@requires()
def electors(args, poll_id):
    """Who has voted and who has not (building heads: one building they cover)."""
    return service.electors(current_user(), _poll(poll_id), **args)


@blp.route("/polls/<int:poll_id>/electorate", methods=["GET"])
@blp.response(200, ElectorateSchema)
@requires()
def electorate(poll_id):
    """The electorate's headcount, households and floor area: a draft's as it would be frozen now
    (to check art. 278's thresholds before publishing), or as frozen once open."""
    return service.electorate(current_user(), _poll(poll_id))


@blp.route("/polls/<int:poll_id>/turnout", methods=["GET"])
@blp.response(200, TurnoutSchema)
@requires()
def turnout(poll_id):
    """Per building: electors, how many have voted, paper ballots waiting (counts only)."""
    return service.turnout(current_user(), _poll(poll_id))


@blp.route("/polls/<int:poll_id>/named-ballots", methods=["GET"])
@blp.arguments(NamedBallotArgsSchema, location="query")
@blp.response(200, NamedBallotPageSchema)
@requires()
def named_ballots(args, poll_id):
    """Real-name polls: who voted what, for the supervisors, after the close."""
    return service.named_ballots(current_user(), _poll(poll_id), **args)


@blp.route("/polls/<int:poll_id>/events", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, EventPageSchema)
@requires()
def events(page, poll_id):
    """The poll's audit trail."""
    return service.events(current_user(), _poll(poll_id), **page)


@blp.route("/polls/<int:poll_id>/close", methods=["POST"])
@blp.response(200, PollSchema)
@requires()
def close(poll_id):
    """Close after the deadline if the scheduled close has not run; count, freeze, publish."""
    return _view(service.close(current_user(), _poll(poll_id)))


@blp.route("/polls/<int:poll_id>/recount", methods=["POST"])
@blp.response(200, RecountSchema)
@requires()
def recount(poll_id):
    """监委会 recount from the stored ballots; `matches` says whether it equals the frozen result."""
    return service.recount(current_user(), _poll(poll_id))


@blp.route("/polls/<int:poll_id>/objections", methods=["POST"])
@idempotent
@blp.arguments(ObjectionInSchema)
@blp.response(201, ObjectionSchema)
@requires()
def lodge_objection(args, poll_id):
    """Object to the result during the 公示 period."""
    poll = _poll(poll_id)
    return _objection_view(poll, service.lodge_objection(current_user(), poll, args["text"]))


@blp.route("/polls/<int:poll_id>/objections", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ObjectionPageSchema)
@requires()
def objections(page, poll_id):
    """Objections and their answers."""
    return service.objections(current_user(), _poll(poll_id), **page)


@blp.route("/polls/<int:poll_id>/objections/<int:objection_id>/answer", methods=["POST"])
@blp.arguments(ObjectionAnswerSchema)
@blp.response(200, ObjectionSchema)
@requires()
def answer_objection(args, poll_id, objection_id):
    """A supervisor answers an objection; the objector is told."""
    poll = _poll(poll_id)
    objection = service.answer_objection(current_user(), poll, service.get_objection(poll, objection_id),
                                         args["answer"])
    return _objection_view(poll, objection)
