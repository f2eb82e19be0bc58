"""The decision rules at their exact boundaries: one hundredth of a square metre or one owner
either side of 2/3, 1/2 and 3/4, and each double measure with one side met and the other not."""
from decimal import Decimal

import pytest

from app.polls.rules import Count, Rule, decide, outcome


def count(people, area="0"):
    return Count(people, Decimal(area))


def met(decision):
    return {t["name"]: t["met"] for t in decision["thresholds"]}


# 30 owners holding 3000.00 m²: two thirds is 20 owners and 2000.00 m².
ELECTORATE = count(30, "3000.00")


@pytest.mark.parametrize("participants, participation", [
    (count(20, "2000.00"), {"participation_area": True, "participation_people": True}),
    (count(20, "1999.99"), {"participation_area": False, "participation_people": True}),
    (count(19, "2500.00"), {"participation_area": True, "participation_people": False}),
    (count(19, "1999.99"), {"participation_area": False, "participation_people": False}),
])
def test_participation_needs_two_thirds_of_area_and_of_owners(participants, participation):
    support = participants  # everyone who took part approved: only participation can fail
    decision = decide(Rule.OWNERS_ORDINARY, ELECTORATE, participants, support)
    assert {k: v for k, v in met(decision).items() if k.startswith("participation")} == participation
    assert decision["passed"] is all(participation.values())


PARTICIPANTS = count(20, "2000.00")


@pytest.mark.parametrize("support, area_met, people_met", [
    (count(11, "1000.01"), True, True),     # more than half of both
    (count(11, "1000.00"), False, True),    # exactly half the area is not more than half
    (count(10, "1500.00"), True, False),    # exactly half the owners is not more than half
    (count(10, "1000.00"), False, False),
])
def test_ordinary_approval_needs_more_than_half_of_area_and_of_owners(support, area_met, people_met):
    decision = decide(Rule.OWNERS_ORDINARY, ELECTORATE, PARTICIPANTS, support)
    assert met(decision)["approval_area"] is area_met
    assert met(decision)["approval_people"] is people_met
    assert decision["passed"] is (area_met and people_met)


@pytest.mark.parametrize("support, area_met, people_met", [
    (count(15, "1500.00"), True, True),     # exactly three quarters of both
    (count(15, "1499.99"), False, True),
    (count(14, "1800.00"), True, False),
    (count(14, "1499.99"), False, False),
])
def test_special_approval_needs_three_quarters_of_area_and_of_owners(support, area_met, people_met):
    decision = decide(Rule.OWNERS_SPECIAL, ELECTORATE, PARTICIPANTS, support)
    assert met(decision)["approval_area"] is area_met
    assert met(decision)["approval_people"] is people_met
    assert decision["passed"] is (area_met and people_met)


def test_thresholds_carry_their_figures():
    decision = decide(Rule.OWNERS_SPECIAL, ELECTORATE, PARTICIPANTS, count(15, "1499.99"))
    area = next(t for t in decision["thresholds"] if t["name"] == "approval_area")
    assert area == {"name": "approval_area", "label": "同意的专有部分面积占参与表决面积", "value": "1499.99",
                    "of": "2000.00", "unit": "m²", "required": "≥ 3/4", "met": False}


@pytest.mark.parametrize("rule, yes, cast, passed", [
    (Rule.MAJORITY, 6, 10, True),
    (Rule.MAJORITY, 5, 10, False),      # a tie is not a majority
    (Rule.TWO_THIRDS, 2, 3, True),      # exactly two thirds
    (Rule.TWO_THIRDS, 66, 100, False),
    (Rule.TWO_THIRDS, 67, 100, True),
    (Rule.MAJORITY, 0, 0, False),       # nobody voted
])
def test_headcount_rules_over_votes_cast(rule, yes, cast, passed):
    assert decide(rule, count(200), count(cast), count(yes))["passed"] is passed


@pytest.mark.parametrize("turnout, passed", [(50, True), (49, False)])
def test_quorum_on_turnout(turnout, passed):
    decision = decide(Rule.MAJORITY, count(100), count(turnout), count(turnout), quorum_percent=50)
    assert met(decision)["quorum"] is passed and decision["passed"] is passed


def test_yes_no_passes_on_yes_and_abstentions_count_as_cast():
    # 5 yes, 3 no, 2 abstain: 5 of 10 cast is not more than half.
    result = outcome("yes_no", ["赞成", "反对", "弃权"], Rule.MAJORITY, count(20), count(10),
                     [count(5), count(3), count(2)])
    assert result["passed"] is False and result["chosen"] == []
    assert [o["people"] for o in result["options"]] == [5, 3, 2]


def test_single_choice_picks_the_option_that_carried():
    result = outcome("single", ["东门", "西门", "南门"], Rule.MAJORITY, count(20), count(10),
                     [count(6), count(3), count(1)])
    assert result["chosen"] == [0] and result["passed"] is True
    assert [o["passed"] for o in result["options"]] == [True, False, False]


def test_multiple_choice_takes_at_most_k_and_refuses_to_break_a_tie_at_the_cut():
    supports = [count(8), count(7), count(7), count(2)]
    result = outcome("multiple", list("ABCD"), Rule.MAJORITY, count(10), count(10), supports, max_choices=2)
    assert result["chosen"] == [0] and result["tie"] is True
    result = outcome("multiple", list("ABCD"), Rule.MAJORITY, count(10), count(10), supports, max_choices=3)
    assert result["chosen"] == [0, 1, 2] and result["tie"] is False
