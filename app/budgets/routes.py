"""Participatory budgets: thin routes over app/budgets/service/."""
from flask_smorest import Blueprint

from app.auth.permissions import current_user, get_or_404, requires
from app.budgets import service
from app.budgets.models import AgendaRule
from app.budgets.schemas import (
    AgendaRuleEditSchema,
    AgendaRuleInSchema,
    AgendaRuleListSchema,
    AgendaRuleSchema,
    BallotInSchema,
    BoardSchema,
    ElectorArgsSchema,
    ElectorPageSchema,
    EvaluationInSchema,
    ProjectInSchema,
    ProjectSchema,
    ReviewSchema,
    RoundInSchema,
    RoundListSchema,
    RoundPageSchema,
    RoundSchema,
    SignOffSchema,
    UpdateInSchema,
)
from app.community.models import Community
from app.extensions import VOTE_LIMIT, limiter, per_signed_in_user
from app.idempotency import idempotent
from app.meetings.schemas import ReasonSchema
from app.pagination import PageArgsSchema

blp = Blueprint("budgets", __name__, url_prefix="/api/v1",
                description="Participatory budgets (参与式预算): rounds, proposals, review (五议三不议), the vote, "
                            "funded projects")


def _community(community_id):
    return get_or_404(Community, community_id, "社区不存在")


def _round(round_id):
    return service.get_visible(current_user(), round_id)


def _round_view(rnd):
    return service.round_view(rnd, current_user())


def _project_view(rnd, project):
    return service.project_view(rnd, project, current_user())


# ---- 五议三不议 ------------------------------------------------------------------------------------

@blp.route("/communities/<int:community_id>/agenda-rules", methods=["GET"])
@blp.response(200, AgendaRuleListSchema)
@requires()
def agenda_rules(community_id):
    """The community's 五议三不议: what may not be put to a vote, retired rules included."""
    return service.agenda_rules(current_user(), _community(community_id))


@blp.route("/communities/<int:community_id>/agenda-rules", methods=["POST"])
@idempotent
@blp.arguments(AgendaRuleInSchema)
@blp.response(201, AgendaRuleSchema)
@requires()
def create_agenda_rule(args, community_id):
    """Add a rule (staff)."""
    return service.rule_view(service.create_rule(current_user(), _community(community_id), **args))


@blp.route("/agenda-rules/<int:rule_id>", methods=["PATCH"])
@blp.arguments(AgendaRuleEditSchema)
@blp.response(200, AgendaRuleSchema)
@requires()
def update_agenda_rule(args, rule_id):
    """Reword a rule, or retire it (`active` false): refusals that named it keep it."""
    rule = get_or_404(AgendaRule, rule_id, "议事规则不存在")
    return service.rule_view(service.update_rule(current_user(), rule, **args))


# ---- rounds ---------------------------------------------------------------------------------------

@blp.route("/communities/<int:community_id>/budget-rounds", methods=["POST"])
@idempotent
@blp.arguments(RoundInSchema)
@blp.response(201, RoundSchema)
@requires()
def create_round(args, community_id):
    """Start a round over the community or one estate (staff): its fund, budget and rule. It
    takes proposals at once."""
    return _round_view(service.create(current_user(), _community(community_id), **args))


@blp.route("/communities/<int:community_id>/budget-rounds", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, RoundPageSchema)
@requires()
def community_rounds(page, community_id):
    """The community's rounds I may see, newest first."""
    return service.community_rounds(current_user(), _community(community_id), **page)


@blp.route("/budget-rounds/mine", methods=["GET"])
@blp.response(200, RoundListSchema)
@requires()
def my_rounds():
    """Rounds whose scope holds my household, not cancelled, newest first."""
    return service.my_rounds(current_user())


@blp.route("/budget-rounds/<int:round_id>", methods=["GET"])
@blp.response(200, RoundSchema)
@requires()
def detail(round_id):
    """A round: its projects, turnout, my household's ballot, the result once closed, and what I may do."""
    return _round_view(_round(round_id))


@blp.route("/budget-rounds/<int:round_id>/review", methods=["POST"])
@blp.response(200, RoundSchema)
@requires()
def start_review(round_id):
    """Stop taking proposals: the council reviews them (征集 → 审议)."""
    return _round_view(service.start_review(current_user(), _round(round_id)))


@blp.route("/budget-rounds/<int:round_id>/open-voting", methods=["POST"])
@blp.response(200, RoundSchema)
@requires()
def open_voting(round_id):
    """Open the vote: every proposal reviewed, at least one accepted, the fund holding the budget
    (409 insufficient_funds otherwise). The electorate is frozen and told."""
    return _round_view(service.open_voting(current_user(), _round(round_id)))


@blp.route("/budget-rounds/<int:round_id>/close", methods=["POST"])
@blp.response(200, RoundSchema)
@requires()
def close(round_id):
    """Count: the round's rule picks the winners, each project's explanation is frozen with the
    result; the households and the proposers are told."""
    return _round_view(service.close(current_user(), _round(round_id)))


@blp.route("/budget-rounds/<int:round_id>/cancel", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, RoundSchema)
@requires()
def cancel(args, round_id):
    """Cancel a round that has not been counted."""
    return _round_view(service.cancel(current_user(), _round(round_id), args["reason"]))


@blp.route("/budget-rounds/<int:round_id>/board", methods=["GET"])
@blp.response(200, BoardSchema)
@requires()
def board(round_id):
    """公示的选票, once closed: every ballot, shuffled, without household or time — to recount the
    result (its ballots_digest is over these)."""
    return service.board(_round(round_id))


@blp.route("/budget-rounds/<int:round_id>/electors", methods=["GET"])
@blp.arguments(ElectorArgsSchema, location="query")
@blp.response(200, ElectorPageSchema)
@requires()
def electors(args, round_id):
    """The round's elector households I look after (my building, grid or community), whether
    each has voted and whether its ballot was entered for it: who still needs one entered."""
    return service.electors(current_user(), _round(round_id), **args)


@blp.route("/budget-rounds/<int:round_id>/ballot", methods=["POST"])
@idempotent
@limiter.limit(VOTE_LIMIT, key_func=per_signed_in_user)
@blp.arguments(BallotInSchema)
@blp.response(200, RoundSchema)
@requires()
def cast(args, round_id):
    """My household's ballot (its voter), or one entered for an elector household by whoever
    looks after it; a new ballot replaces the household's earlier one while voting is open.
    Over the budget: 422 naming both amounts."""
    rnd = _round(round_id)
    return _round_view(service.cast(current_user(), rnd, **args))


# ---- projects -------------------------------------------------------------------------------------

@blp.route("/budget-rounds/<int:round_id>/projects", methods=["POST"])
@idempotent
@blp.arguments(ProjectInSchema)
@blp.response(201, ProjectSchema)
@requires()
def propose(args, round_id):
    """Propose a project while the round takes proposals, perhaps from a matter raised first."""
    rnd = _round(round_id)
    return _project_view(rnd, service.propose(current_user(), rnd, **args))


@blp.route("/budget-projects/<int:project_id>", methods=["GET"])
@blp.response(200, ProjectSchema)
@requires()
def project(project_id):
    """A project: its review, result, progress with photos, sign-off and evaluation."""
    return _project_view(*service.get_project(current_user(), project_id))


@blp.route("/budget-projects/<int:project_id>/withdraw", methods=["POST"])
@blp.response(200, ProjectSchema)
@requires()
def withdraw(project_id):
    """Its proposer withdraws it, until it is reviewed."""
    rnd, found = service.get_project(current_user(), project_id)
    return _project_view(rnd, service.withdraw(current_user(), found))


@blp.route("/budget-projects/<int:project_id>/review", methods=["POST"])
@blp.arguments(ReviewSchema)
@blp.response(200, ProjectSchema)
@requires()
def review(args, project_id):
    """The council accepts it with a cost, or refuses it with a reason, naming the 五议三不议 rule
    it breaks where one applies; a decision may be revisited until voting opens."""
    rnd, found = service.get_project(current_user(), project_id)
    return _project_view(rnd, service.review(current_user(), rnd, found, **args))


@blp.route("/budget-projects/<int:project_id>/updates", methods=["POST"])
@idempotent
@blp.arguments(UpdateInSchema)
@blp.response(201, ProjectSchema)
@requires()
def post_update(args, project_id):
    """Progress on a funded project, with photos; `completes` asks the supervisors to sign it off."""
    rnd, found = service.get_project(current_user(), project_id)
    return _project_view(rnd, service.post_update(current_user(), rnd, found, **args))


@blp.route("/budget-projects/<int:project_id>/sign-off", methods=["POST"])
@blp.arguments(SignOffSchema)
@blp.response(200, ProjectSchema)
@requires()
def sign_off(args, project_id):
    """验收 by the supervisors: accepted, households are asked to evaluate; not, back to work (整改)."""
    rnd, found = service.get_project(current_user(), project_id)
    return _project_view(rnd, service.sign_off(current_user(), rnd, found, **args))


@blp.route("/budget-projects/<int:project_id>/evaluations", methods=["POST"])
@idempotent
@blp.arguments(EvaluationInSchema)
@blp.response(200, ProjectSchema)
@requires()
def evaluate(args, project_id):
    """群众评议 of a signed-off project: once per household of the round."""
    rnd, found = service.get_project(current_user(), project_id)
    return _project_view(rnd, service.evaluate(current_user(), rnd, found, **args))
