"""The budget rules (app/budgets/rules.py) against published worked examples, and the
explanations residents read. Amounts are fen: the examples' units are scaled by 100."""
import random

import pytest

from app.budgets.rules import allocate, yuan

# equalshares.net, "Explanation of the Method of Equal Shares", Example 1: budget 1100, 11
# voters, five projects; each ballot below is one voter's column of the page's table.
BIKE, GYM, PARK, PLAYGROUND, LIBRARY = 1, 2, 3, 4, 5
COSTS = {BIKE: 70000, GYM: 40000, PARK: 25000, PLAYGROUND: 20000, LIBRARY: 10000}
EXAMPLE_1 = [[BIKE, GYM], [BIKE, GYM, PARK], [BIKE, GYM], [BIKE, GYM, PARK], [BIKE, GYM, PARK], [BIKE, GYM],
             [PARK, PLAYGROUND, LIBRARY], [PLAYGROUND], [PLAYGROUND, LIBRARY], [PARK, PLAYGROUND, LIBRARY], [BIKE]]
# Example 2 ("more complicated"): the right-most voter votes for the gym instead of the bike path.
EXAMPLE_2 = EXAMPLE_1[:-1] + [[GYM]]


def explanation(result, project_id):
    return next(p["explanation"] for p in result["projects"] if p["id"] == project_id)


def test_equal_shares_on_equalshares_net_example_1():
    """equalshares.net Example 1: "the Method of Equal Shares will select the bike path, then the
    new playground, and then the library for kids"; each voter's share is 100; the bike path's 7
    supporters pay 100 each, the playground's 4 pay 50, the library's 3 pay 33.33."""
    result = allocate("equal_shares", 110000, COSTS, EXAMPLE_1)
    assert result["funded_ids"] == [BIKE, PLAYGROUND, LIBRARY]
    assert (result["share_fen"], result["spent_fen"], result["left_fen"]) == (10000, 100000, 10000)
    assert explanation(result, BIKE) == ("获 7 户赞同；每户份额 100.00 元（预算 1,100.00 元 ÷ 11 户投票）。"
                                         "第 1 步入选，7 户各付 100.00 元（份额用尽），合计 700.00 元")
    assert "第 2 步入选，4 户各付 50.00 元，合计 200.00 元" in explanation(result, PLAYGROUND)
    assert "第 3 步入选，3 户各付 33.33 元，合计 100.00 元" in explanation(result, LIBRARY)
    # "none of the people who voted for the outdoor gym have any budget left"
    assert explanation(result, GYM).endswith("这 6 户已为其他入选项目支付 600.00 元，剩余合计 0.00 元，"
                                             "不足以支付 400.00 元，不予资助")


def test_greedy_on_equalshares_net_example_1():
    """The same page: the usual method "would select the bike path (with 7 votes), and then the
    outdoor gym (with 6 votes), and then stop because the budget is exhausted"."""
    result = allocate("greedy", 110000, COSTS, EXAMPLE_1)
    assert result["funded_ids"] == [BIKE, GYM] and result["left_fen"] == 0
    assert explanation(result, GYM) == "获 6 户赞同，排第 2；计入后累计 1,100.00 元，未超预算"
    assert explanation(result, PARK) == "获 5 户赞同，排第 3；此时剩余预算 0.00 元，不足以支付 250.00 元"


def test_equal_shares_on_equalshares_net_example_2():
    """equalshares.net Example 2: the gym first (7 voters pay 400/7 = 57.14 each), then the park
    (three supporters with 42.86 left pay all of it, the other two 60.71 each), then the
    playground; the bike path's 6 voters never had 700 between them, and the library is left
    unaffordable."""
    result = allocate("equal_shares", 110000, COSTS, EXAMPLE_2)
    assert result["funded_ids"] == [GYM, PARK, PLAYGROUND]
    assert "第 1 步入选，7 户各付 57.14 元，合计 400.00 元" in explanation(result, GYM)
    assert "第 2 步入选，3 户各付 42.86 元（份额用尽）、2 户各付 60.71 元，合计 250.00 元" in explanation(result, PARK)
    assert "第 3 步入选" in explanation(result, PLAYGROUND)
    assert "这 6 户的份额合计 600.00 元，不足以支付 700.00 元" in explanation(result, BIKE)
    assert not next(p for p in result["projects"] if p["id"] == LIBRARY)["funded"]


def test_equal_shares_on_pabutools_own_approval_example_2():
    """pabutools' tests/test_rule.py, "Approval example 2" with Cost_Sat: projects p0 (1), p1 (0.9),
    p2 (2), p3 (1.09), budget 4, ballots {p0}, {p1,p2,p3} twice, {p2}: Equal Shares selects p0, p2."""
    costs = {1: 100, 2: 90, 3: 200, 4: 109}
    result = allocate("equal_shares", 400, costs, [[1], [2, 3, 4], [2, 3, 4], [3]])
    assert result["funded_ids"] == [1, 3]


def test_equal_shares_on_lackner_skowron_running_example():
    """pabutools' tests/test_rule.py, the running example of Lackner & Skowron (2023): seven unit-cost
    projects, budget 4, twelve voters; Equal Shares selects only a (approved by 8), whose
    supporters then hold 5/24 each — too little, with anyone, for any other project."""
    a, b, c, d, e, f, g = range(1, 8)
    ballots = [[a, b]] * 3 + [[a, c]] * 3 + [[a, d]] * 2 + [[b, c, f], [e], [f], [g]]
    result = allocate("equal_shares", 40000, {p: 10000 for p in (a, b, c, d, e, f, g)}, ballots)
    assert result["funded_ids"] == [a]
    assert "8 户各付 12.50 元" in explanation(result, a)
    assert "剩余合计 95.83 元，不足以支付 100.00 元" in explanation(result, b)  # (3 × 5/24 + 1/3) × 100


def test_greedy_skips_an_expensive_popular_project_and_funds_a_cheaper_one():
    """Greedy by approvals: the stage (10 votes) first; the canopy (8 votes, 5,000) no longer fits
    in the 4,000 left and is skipped; the benches (6 votes, 1,500) after it still fit."""
    stage, canopy, benches = 1, 2, 3
    ballots = [[stage, canopy, benches]] * 6 + [[stage, canopy]] * 2 + [[stage]] * 2
    result = allocate("greedy", 1000000, {stage: 600000, canopy: 500000, benches: 150000}, ballots)
    assert result["funded_ids"] == [stage, benches] and result["left_fen"] == 250000
    assert explanation(result, canopy) == "获 8 户赞同，排第 2；此时剩余预算 4,000.00 元，不足以支付 5,000.00 元"
    assert explanation(result, benches) == "获 6 户赞同，排第 3；计入后累计 7,500.00 元，未超预算"


def test_a_60_percent_bloc_does_not_take_the_whole_budget_under_equal_shares():
    """Six of ten households want three 3,000-yuan projects, four want two others. Greedy gives the
    majority all it asks (9,000 of 10,000); Equal Shares gives each group about its share: the
    six households' 6,000 buy two of theirs, the four's 4,000 one of theirs."""
    ours, theirs = [1, 2, 3], [4, 5]
    ballots = [ours] * 6 + [theirs] * 4
    costs = {project: 300000 for project in ours + theirs}
    assert allocate("greedy", 1000000, costs, ballots)["funded_ids"] == [1, 2, 3]
    shared = allocate("equal_shares", 1000000, costs, ballots)
    assert shared["funded_ids"] == [1, 2, 4]
    assert "6 户各付 500.00 元" in explanation(shared, 1) and "4 户各付 750.00 元" in explanation(shared, 4)
    assert "这 6 户已为其他入选项目支付 6,000.00 元，剩余合计 0.00 元" in explanation(shared, 3)


@pytest.mark.parametrize("rule", ["greedy", "equal_shares"])
def test_the_result_never_depends_on_the_order_of_the_ballots_and_ties_go_to_the_earlier_project(rule):
    """A recount from the shuffled board must reproduce the frozen result, explanations included."""
    ballots = EXAMPLE_2 + [[PARK], [PLAYGROUND]]
    frozen = allocate(rule, 110000, COSTS, ballots)
    for seed in range(5):
        shuffled = ballots[:]
        random.Random(seed).shuffle(shuffled)
        assert allocate(rule, 110000, COSTS, shuffled) == frozen
    tied = allocate(rule, 100000, {7: 60000, 3: 60000}, [[7, 3], [3, 7]])
    assert tied["funded_ids"] == [3]


@pytest.mark.parametrize("rule", ["greedy", "equal_shares"])
def test_a_project_nobody_approved_is_not_funded_even_with_money_left(rule):
    result = allocate(rule, 100000, {1: 20000, 2: 20000}, [[1], [1]])
    assert result["funded_ids"] == [1] and result["left_fen"] == 80000
    assert explanation(result, 2) == "无人赞同，不予资助"
    nobody = allocate(rule, 100000, {1: 20000}, [])
    assert (nobody["ballots"], nobody["funded_ids"], explanation(nobody, 1)) == (0, [], "无人赞同，不予资助")


def test_yuan_rounds_fractions_of_a_fen_half_up():
    assert (yuan(320000), yuan(5), yuan(0), yuan(123456789)) == ("3,200.00", "0.05", "0.00", "1,234,567.89")
    from fractions import Fraction
    assert (yuan(Fraction(40000, 7)), yuan(Fraction(1, 2)), yuan(Fraction(1, 3))) == ("57.14", "0.01", "0.00")
