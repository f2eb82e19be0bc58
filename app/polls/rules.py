"""Decision rules (表决规则): whether a question passed, and which thresholds were met, with the
figures. The one place a count becomes a decision; pure functions, no database.

Every comparison is exact: headcounts are integers and floor areas are compared in hundredths
of a square metre (the precision they are stored in), so "2/3" is `3 × part ≥ 2 × whole`, never
a rounded float. Chinese law reads "以上" as inclusive (≥) and "过半数" as strictly more than half.

Rules:
- `majority`: approval by more than half of the votes cast (abstentions are cast votes).
- `two_thirds`: approval by at least two thirds of the votes cast.
- `owners_ordinary` (Civil Code art. 278): participation by owners holding ≥ 2/3 of the total
  floor area AND ≥ 2/3 of the owners; approval by > 1/2 of the participants' area AND > 1/2 of
  the participating owners.
- `owners_special` (art. 278 (6)–(8): repair funds, rebuilding, changing the use of common
  parts): the same participation; approval by ≥ 3/4 of the participants' area AND headcount.
Any rule may add a quorum: at least `quorum_percent` % of the electorate took part.
"""
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class Rule(StrEnum):
    MAJORITY = "majority"
    TWO_THIRDS = "two_thirds"
    OWNERS_ORDINARY = "owners_ordinary"
    OWNERS_SPECIAL = "owners_special"


WEIGHTED_RULES = frozenset({Rule.OWNERS_ORDINARY, Rule.OWNERS_SPECIAL})
RULE_LABELS = {
    Rule.MAJORITY: "过半数通过",
    Rule.TWO_THIRDS: "三分之二以上通过",
    Rule.OWNERS_ORDINARY: "业主共同决定（一般事项）",
    Rule.OWNERS_SPECIAL: "业主共同决定（重大事项）",
}

# What each rule asks, in plain words, for those drafting a poll; `requirements` lists the very
# thresholds `decide` checks.
RULE_SUMMARIES = {
    Rule.MAJORITY: "赞成票超过投票数的一半即通过（弃权也算投了票）。",
    Rule.TWO_THIRDS: "赞成票达到投票数的三分之二以上即通过（弃权也算投了票）。",
    Rule.OWNERS_ORDINARY: "《民法典》第二百七十八条：参与表决的业主，专有部分面积和人数都要占三分之二以上；"
                          "同意的面积和人数都要超过参与表决的一半。用于制定管理规约、选聘物业、使用维修资金等一般事项。",
    Rule.OWNERS_SPECIAL: "《民法典》第二百七十八条：参与表决的业主，专有部分面积和人数都要占三分之二以上；"
                         "同意的面积和人数都要达到参与表决的四分之三以上。用于筹集维修资金、改建重建建筑物、"
                         "改变共有部分用途或利用共有部分经营。",
}


@dataclass(frozen=True)
class Count:
    """A number of voters and the floor area they hold (m², two decimals)."""

    people: int = 0
    area: Decimal = Decimal("0")

    def __add__(self, other):
        return Count(self.people + other.people, self.area + other.area)

    @property
    def area_hundredths(self):
        return int((Decimal(self.area) * 100).to_integral_value())


# (operator, fraction, label): "at least" is ≥, "more than" is >.
AT_LEAST, MORE_THAN = "≥", ">"


def _threshold(name, label, value, whole, operator, fraction, unit):
    """One threshold with its figures; `value` and `whole` are integers (people or 0.01 m²)."""
    if whole == 0:
        met = False
    elif operator == AT_LEAST:
        met = value * fraction.denominator >= whole * fraction.numerator
    else:
        met = value * fraction.denominator > whole * fraction.numerator
    show = (lambda n: f"{Decimal(n) / 100:.2f}") if unit == "m²" else str
    return {"name": name, "label": label, "value": show(value), "of": show(whole), "unit": unit,
            "required": f"{operator} {fraction.numerator}/{fraction.denominator}", "met": met}


def _people(name, label, part, whole, operator, fraction):
    return _threshold(name, label, part.people, whole.people, operator, fraction, "户/人")


def _area(name, label, part, whole, operator, fraction):
    return _threshold(name, label, part.area_hundredths, whole.area_hundredths, operator, fraction, "m²")


def decide(rule, electorate, participants, support, quorum_percent=None):
    """Did `support` carry the question? Returns `{"passed": bool, "thresholds": [...]}`, each
    threshold with its value, its whole, what was required and whether it was met."""
    rule = Rule(rule)
    thresholds = []
    if quorum_percent:
        thresholds.append(_people("quorum", "参与率", participants, electorate, AT_LEAST,
                                  Fraction(quorum_percent, 100)))
    if rule is Rule.MAJORITY:
        thresholds.append(_people("approval", "赞成票占投票数", support, participants, MORE_THAN, Fraction(1, 2)))
    elif rule is Rule.TWO_THIRDS:
        thresholds.append(_people("approval", "赞成票占投票数", support, participants, AT_LEAST, Fraction(2, 3)))
    else:
        two_thirds = Fraction(2, 3)
        thresholds += [
            _area("participation_area", "参与表决的专有部分面积占总面积", participants, electorate, AT_LEAST, two_thirds),
            _people("participation_people", "参与表决的业主人数占总人数", participants, electorate, AT_LEAST, two_thirds),
        ]
        operator, fraction = (MORE_THAN, Fraction(1, 2)) if rule is Rule.OWNERS_ORDINARY else (AT_LEAST, Fraction(3, 4))
        thresholds += [
            _area("approval_area", "同意的专有部分面积占参与表决面积", support, participants, operator, fraction),
            _people("approval_people", "同意的业主人数占参与表决人数", support, participants, operator, fraction),
        ]
    return {"passed": all(t["met"] for t in thresholds), "thresholds": thresholds}


def requirements(rule):
    """The thresholds `decide` checks under `rule`, as [{"label", "required"}]; a poll's quorum
    (`quorum_percent`) comes on top."""
    return [{"label": t["label"], "required": t["required"]} for t in decide(rule, Count(), Count(), Count())["thresholds"]]


def outcome(kind, options, rule, electorate, participants, supports, max_choices=1, quorum_percent=None):
    """The result of one question from its counts.

    `supports` holds a Count per option. A yes/no question passes when 赞成 (option 0) carries
    it. For a choice question every option is decided on its own support; the chosen options
    are the ones that carried, most votes first (headcount, then area), at most `max_choices`
    of them; a tie across the cut-off chooses none of the tied and says so.
    """
    decisions = [decide(rule, electorate, participants, support, quorum_percent) for support in supports]
    rows = [{"label": label, "people": support.people, "area": f"{Decimal(support.area):.2f}",
             "passed": decision["passed"], "thresholds": decision["thresholds"]}
            for label, support, decision in zip(options, supports, decisions)]
    if kind == "yes_no":
        return {"options": rows, "passed": decisions[0]["passed"], "thresholds": decisions[0]["thresholds"],
                "chosen": [0] if decisions[0]["passed"] else [], "tie": False}
    key = lambda i: (supports[i].people, supports[i].area_hundredths)  # noqa: E731
    carried = sorted((i for i, d in enumerate(decisions) if d["passed"]), key=key, reverse=True)
    chosen, tie = carried[:max_choices], False
    if len(carried) > max_choices and key(carried[max_choices]) == key(carried[max_choices - 1]):
        tie = True
        chosen = [i for i in chosen if key(i) != key(carried[max_choices])]
    return {"options": rows, "passed": bool(chosen), "thresholds": [], "chosen": chosen, "tie": tie}
