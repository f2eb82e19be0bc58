"""A round's life: created over a fund, proposals taken, then reviewed (征集 → 审议), voting opened
with the electorate frozen, closed with the winners chosen by the round's rule and frozen with
their explanations (结果公示), or cancelled. The board publishes every ballot, shuffled and
without its household, for anyone to recount."""
import hashlib
import json
import secrets

from sqlalchemy import func, insert, select

from app.auth.permissions import Action, authorize
from app.budgets import rules
from app.budgets.models import BudgetBallot, BudgetElector, BudgetProject, BudgetRound, ProjectStatus, RoundStatus
from app.budgets.service import access
from app.budgets.service.common import electorate_people, event, project_page, round_page
from app.community.models import Courtyard, Household
from app.errors import ApiError, invalid
from app.extensions import db
from app.funds.models import Fund
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind

INSERT_BATCH = 1000


def create(user, community, title, fund_id, budget_fen, rule, description="", courtyard_id=None,
           proposals_until=None, voting_until=None):
    """A round over the community, or one estate of it (`courtyard_id`), paid from a fund of the
    community that covers the round's households: the community's own, or that estate's."""
    courtyard = None
    if courtyard_id is not None:
        courtyard = db.session.get(Courtyard, courtyard_id)
        if courtyard is None or courtyard.community_id != community.id:
            raise invalid("courtyard_id", "院落不存在")
    authorize(user, Action.MANAGE_BUDGETS, courtyard or community)
    fund = db.session.get(Fund, fund_id)
    if fund is None or fund.community_id != community.id:
        raise invalid("fund_id", "基金不存在")
    if fund.courtyard_id is not None and fund.courtyard_id != courtyard_id:
        raise invalid("fund_id", "这个基金只属于一个院落，不能支付范围更大的预算")
    if proposals_until and voting_until and voting_until <= proposals_until:
        raise invalid("voting_until", "投票截止时间须晚于征集截止时间")
    rnd = BudgetRound(community_id=community.id, courtyard_id=courtyard_id,
                      grid_id=courtyard.grid_id if courtyard else None, fund_id=fund.id, title=title,
                      description=description, budget_fen=budget_fen, rule=rule, status=RoundStatus.PROPOSING,
                      proposals_until=proposals_until, voting_until=voting_until, created_by_id=user.id)
    db.session.add(rnd)
    db.session.flush()
    event(rnd, user, "created", fund_id=fund.id, budget_fen=budget_fen, rule=rule)
    return rnd


def start_review(user, rnd):
    """Stop taking proposals: the council reviews what came in."""
    access.check_manage(user, rnd)
    access.check_status(rnd, RoundStatus.PROPOSING, message="只有征集中的轮次可以转入审议")
    rnd.status = RoundStatus.REVIEWING
    event(rnd, user, "reviewing")
    db.session.flush()
    return rnd


def open_voting(user, rnd):
    """Open the vote: every proposal decided, at least one on the ballot, the fund holding the
    budget; the households of the scope are frozen as the electorate and told."""
    access.check_manage(user, rnd)
    access.check_status(rnd, RoundStatus.REVIEWING, message="审议结束后才能开始投票")
    counts = dict(db.session.execute(select(BudgetProject.status, func.count()).where(
        BudgetProject.round_id == rnd.id).group_by(BudgetProject.status)).all())
    if counts.get(ProjectStatus.PROPOSED):
        raise ApiError(409, "proposals_unreviewed", f"还有 {counts[ProjectStatus.PROPOSED]} 个提案未审议，请先审议",
                       details={"unreviewed": counts[ProjectStatus.PROPOSED]})
    if not counts.get(ProjectStatus.ACCEPTED):
        raise ApiError(409, "no_accepted_projects", "至少要有一个通过审议的项目才能开始投票")
    balance = db.session.scalar(select(Fund.balance_fen).where(Fund.id == rnd.fund_id))
    if balance < rnd.budget_fen:
        raise ApiError(409, "insufficient_funds",
                       f"基金余额不足：余额 {rules.yuan(balance)} 元，本轮预算 {rules.yuan(rnd.budget_fen)} 元",
                       details={"balance_fen": balance, "budget_fen": rnd.budget_fen})
    in_scope = Household.courtyard_id == rnd.courtyard_id if rnd.courtyard_id else \
        Household.community_id == rnd.community_id
    households = db.session.scalars(select(Household.id).where(in_scope).order_by(Household.id)).all()
    if not households:
        raise ApiError(409, "empty_electorate", "本轮范围内没有住户，不能开始投票")
    for start in range(0, len(households), INSERT_BATCH):
        db.session.execute(insert(BudgetElector), [{"round_id": rnd.id, "household_id": household_id}
                                                   for household_id in households[start:start + INSERT_BATCH]])
    rnd.status, rnd.voting_opened_at = RoundStatus.VOTING, utcnow()
    event(rnd, user, "voting_opened", electors=len(households))
    notify(electorate_people(rnd), NotificationKind.POLL_OPENED, {
        "title": rnd.title, "closes_at": rnd.voting_until, "note": "请选择您家支持的项目",
        "body": f"参与式预算“{rnd.title}”开始投票：预算 {rules.yuan(rnd.budget_fen)} 元，请选择您家支持的项目",
        "round_id": rnd.id}, page=round_page(rnd))
    db.session.flush()
    return rnd


def ballots_digest(ballots):
    """sha256 over the ballots, whatever their order: each a JSON list of sorted project ids,
    the lines sorted and joined by newlines. Anyone can compute it from the board."""
    lines = sorted(json.dumps(sorted(ballot)) for ballot in ballots)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _digest(result):
    return hashlib.sha256(json.dumps(result, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def close(user, rnd):
    """Count: the rule picks the winners among the projects on the ballot; each project is
    funded or not, with its approvals; the result and its explanations are frozen with a digest;
    the households and every proposer are told."""
    access.check_close(user, rnd)
    # Waits for the ballots holding the share lock, so the count sees every committed ballot.
    db.session.execute(select(BudgetRound.id).where(BudgetRound.id == rnd.id).with_for_update())
    db.session.refresh(rnd)
    access.check_close(user, rnd)
    projects = db.session.scalars(select(BudgetProject).where(
        BudgetProject.round_id == rnd.id, BudgetProject.status == ProjectStatus.ACCEPTED)).all()
    ballots = db.session.scalars(select(BudgetBallot.project_ids).where(BudgetBallot.round_id == rnd.id)).all()
    electors = db.session.scalar(select(func.count()).select_from(BudgetElector).where(
        BudgetElector.round_id == rnd.id))
    result = {**rules.allocate(rnd.rule, rnd.budget_fen, {p.id: p.cost_fen for p in projects}, ballots),
              "electors": electors, "ballots_digest": ballots_digest(ballots)}
    outcome = {line["id"]: line for line in result["projects"]}
    for project in projects:
        line = outcome[project.id]
        project.status = ProjectStatus.FUNDED if line["funded"] else ProjectStatus.UNFUNDED
        project.approvals = line["approvals"]
    rnd.result, rnd.result_digest = result, _digest(result)
    rnd.status, rnd.closed_at = RoundStatus.CLOSED, utcnow()
    event(rnd, user, "closed", note=f"结果摘要 {rnd.result_digest}", funded=result["funded_ids"])
    funded = len(result["funded_ids"])
    notify(electorate_people(rnd), NotificationKind.POLL_RESULT, {
        "title": rnd.title, "outcome": "结果公示", "note": f"{funded} 个项目获得资助",
        "body": f"参与式预算“{rnd.title}”结果公示：{funded} 个项目获得资助，合计 {rules.yuan(result['spent_fen'])} 元",
        "round_id": rnd.id}, page=round_page(rnd))
    for project in projects:
        won = "获得资助" if project.status == ProjectStatus.FUNDED else "未获资助"
        notify([project.proposed_by_id], NotificationKind.NOTICE, {
            "title": f"您的提案{won}", "body": f"“{project.title}”{won}：{outcome[project.id]['explanation']}",
            "project_id": project.id}, page=project_page(project))
    db.session.flush()
    return rnd


def cancel(user, rnd, reason):
    """Cancel a round that has not been counted; once voting is open the households are told why."""
    access.check_cancel(user, rnd)
    was_voting = rnd.status == RoundStatus.VOTING
    rnd.status, rnd.cancel_reason = RoundStatus.CANCELLED, reason
    event(rnd, user, "cancelled", note=reason)
    if was_voting:
        notify(electorate_people(rnd), NotificationKind.NOTICE, {
            "title": f"参与式预算取消：{rnd.title}", "body": reason, "round_id": rnd.id}, page=round_page(rnd))
    db.session.flush()
    return rnd


def board(rnd):
    """公示的选票: every ballot of a closed round, each its sorted project ids, in a fresh random
    order and without household or time — what anyone recounts the result from."""
    access.check_status(rnd, RoundStatus.CLOSED, message="投票截止后才公示全部选票")
    ballots = [sorted(ids) for ids in db.session.scalars(select(BudgetBallot.project_ids).where(
        BudgetBallot.round_id == rnd.id))]
    secrets.SystemRandom().shuffle(ballots)
    return {"ballots": ballots}
