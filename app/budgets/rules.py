"""The rule a round states picks its winners, computed by pabutools (COMSOC's library for
participatory budgeting, requirements-pabutools.txt), never by hand; here are the inputs it is
given and the explanation, in Chinese, of why each project won or lost.

- greedy (按票数依次资助): `greedy_utilitarian_welfare` with `Cost_Sat`. A project's
  satisfaction per yuan is then its number of approvals, so projects are taken in order of
  approvals, and one that no longer fits in what is left is skipped (a cheaper one after it may
  still fit).
- equal_shares (等额分配法, the Method of Equal Shares of Peters, Pierczyński and Skowron;
  equalshares.net): `method_of_equal_shares` with `Cost_Sat`. The budget is shared equally among
  the households that voted; a project is bought by its supporters out of their shares, its cost
  split as equally as their remaining money allows, the one that costs its supporters least per
  vote first; a project its supporters can no longer pay for is not funded.

Both rules are used as stated, with nothing added: no completion (equalshares.net's raising of
the shares until the budget is spent, or greedy filling in after Equal Shares), so Equal Shares
may leave part of the budget unspent — it stays in the fund. A project no household approved
is not funded by either rule (pabutools' greedy would otherwise buy it with what is left).

Ties go to the project with the smaller id (the one proposed first), for both rules: the result
never depends on the order ballots are read in, so a recount from the shuffled board (the
ballots without households) reproduces it exactly. Money is whole fen; pabutools computes
Equal Shares' shares and payments in exact fractions, and the explanations round them to fen.
"""
from fractions import Fraction

from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
from pabutools.rules.greedywelfare import greedy_utilitarian_welfare
from pabutools.rules.mes import method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from app.budgets.models import BudgetRule

RULE_LABELS = {BudgetRule.GREEDY: "按票数依次资助", BudgetRule.EQUAL_SHARES: "等额分配法"}
TIE_BREAKING = "赞同户数相同（等额分配法中每票负担相同）时，先提出的项目（编号小）在前"
NO_SUPPORT = "无人赞同，不予资助"

by_project_id = TieBreakingRule(lambda _instance, _profile, project: int(project.name))


def whole_fen(amount_fen):
    """An exact amount of fen (an int or a fraction, never negative) to the nearest fen, half up."""
    return int(Fraction(amount_fen) + Fraction(1, 2))


def yuan(amount_fen):
    """Fen as yuan to two places, for people to read: 3,200.00."""
    fen = whole_fen(amount_fen)
    return f"{fen // 100:,}.{fen % 100:02d}"


def allocate(rule, budget_fen, projects, ballots):
    """The winners of a round and why. `projects`: {project id: cost in fen} of the projects on
    the ballot; `ballots`: each household's approved project ids. Returns a JSON-ready dict:
    the rule, budget, number of ballots, the funded ids, what they cost and what is left, and per
    project (ordered by id) its approvals, whether it is funded and the explanation."""
    rule = BudgetRule(rule)
    ballots = [sorted(set(ballot)) for ballot in ballots]
    approvals = {project_id: 0 for project_id in projects}
    for ballot in ballots:
        for project_id in ballot:
            approvals[project_id] += 1
    supported = {project_id: Project(str(project_id), cost) for project_id, cost in projects.items()
                 if approvals[project_id]}
    instance = Instance(supported.values(), budget_limit=budget_fen)
    profile = ApprovalProfile([ApprovalBallot([supported[i] for i in ballot]) for ballot in ballots],
                              instance=instance)
    explain = _greedy if rule == BudgetRule.GREEDY else _equal_shares
    funded, explanations, extra = explain(instance, profile, budget_fen, approvals, projects, len(ballots))
    spent = sum(projects[project_id] for project_id in funded)
    return {
        "rule": rule.value, "rule_label": RULE_LABELS[rule], "budget_fen": budget_fen, "ballots": len(ballots),
        **extra, "tie_breaking": TIE_BREAKING, "funded_ids": sorted(funded), "spent_fen": spent,
        "left_fen": budget_fen - spent,
        "projects": [{"id": project_id, "cost_fen": projects[project_id], "approvals": approvals[project_id],
                      "funded": project_id in funded, "explanation": explanations.get(project_id, NO_SUPPORT)}
                     for project_id in sorted(projects)],
    }


def _greedy(instance, profile, budget_fen, approvals, costs, _voters):
    """pabutools' greedy; its details say which projects it took and what was left after each.
    The order it went through them (approvals, then id) gives each project's place."""
    outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=by_project_id,
                                         analytics=True)
    ordered = sorted(outcome.details.projects, key=lambda d: (-approvals[int(d.project.name)], int(d.project.name)))
    left, explanations = budget_fen, {}
    for rank, detail in enumerate(ordered, start=1):
        project_id = int(detail.project.name)
        said = f"获 {approvals[project_id]} 户赞同，排第 {rank}"
        if detail.discarded:
            explanations[project_id] = f"{said}；此时剩余预算 {yuan(left)} 元，不足以支付 {yuan(costs[project_id])} 元"
        else:
            left = detail.remaining_budget
            explanations[project_id] = f"{said}；计入后累计 {yuan(budget_fen - left)} 元，未超预算"
    return {int(project.name) for project in outcome}, explanations, {"share_fen": None}


def _equal_shares(instance, profile, budget_fen, approvals, costs, voters):
    """pabutools' Equal Shares with its analytics: each step's budgets before and after the
    project it chose give what each supporter paid; the budgets at the end, what the supporters
    of a project left out still had."""
    if not voters:
        return set(), {}, {"share_fen": None}
    share = Fraction(budget_fen, voters)
    extra = {"share_fen": whole_fen(share)}
    outcome = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=by_project_id,
                                     analytics=True)
    steps = outcome.details.iterations
    supporters = {int(p.name): [i for i, ballot in enumerate(profile) if p in ballot] for p in instance}
    explanations = {}
    head = f"每户份额 {yuan(share)} 元（预算 {yuan(budget_fen)} 元 ÷ {voters} 户投票）"
    for number, step in enumerate((s for s in steps if s.selected_project is not None), start=1):
        project_id = int(step.selected_project.name)
        paid = [(Fraction(step.voters_budget[i]) - Fraction(step.voters_budget_after_selection[i]),
                 step.voters_budget_after_selection[i] == 0) for i in supporters[project_id]]
        explanations[project_id] = (f"获 {approvals[project_id]} 户赞同；{head}。第 {number} 步入选，"
                                    f"{_payments(paid)}，合计 {yuan(costs[project_id])} 元")
    final = steps[-1].voters_budget
    for project_id, voter_indexes in supporters.items():
        if project_id in explanations:
            continue
        count, cost = approvals[project_id], costs[project_id]
        remaining = sum((Fraction(final[i]) for i in voter_indexes), Fraction(0))
        if count * share < cost:
            why = f"这 {count} 户的份额合计 {yuan(count * share)} 元，不足以支付 {yuan(cost)} 元"
        else:
            why = (f"这 {count} 户已为其他入选项目支付 {yuan(count * share - remaining)} 元，"
                   f"剩余合计 {yuan(remaining)} 元，不足以支付 {yuan(cost)} 元")
        explanations[project_id] = f"获 {count} 户赞同；{head}。{why}，不予资助"
    return {int(project.name) for project in outcome}, explanations, extra


def _payments(paid):
    """What the supporters paid, grouped: 7 户各付 100.00 元；3 户各付 42.86 元（份额用尽）."""
    groups = {}
    for amount, spent_out in paid:
        key = (whole_fen(amount), spent_out)
        groups[key] = groups.get(key, 0) + 1
    return "、".join(f"{count} 户各付 {yuan(fen)} 元" + ("（份额用尽）" if spent_out else "")
                    for (fen, spent_out), count in sorted(groups.items()))
