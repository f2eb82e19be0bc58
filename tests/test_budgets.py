"""Participatory budgets: a round from proposals to an explained result; the 五议三不议 refusal; the
vote (one changeable ballot per household, within the budget, entered for an elder by whoever
looks after the household, never by a neighbour); the board anyone recounts from; transitions
and their refusals, which leave nothing half-written; funded projects carried out, signed off
and evaluated. The rules themselves are tests/test_budget_rules.py."""
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.auth.service import find_or_create_user
from app.budgets.models import BudgetBallot, BudgetElector, BudgetProject, BudgetRound, ProjectUpdate
from app.budgets.rules import allocate
from app.budgets.service import ballots_digest
from app.community import service as community
from app.community.models import Building, Community, Courtyard, Household, Role
from app.extensions import db
from app.funds import service as funds
from app.notifications.models import Notification
from tests.conftest import login
from tests.factories import jpeg_with_gps

API = "/api/v1"
BUDGET = 1000000  # 10,000.00 元


@pytest.fixture
def people(app, places):
    """places, plus a head for h2 (far), a second member of h1 who is not its voter (daughter), a
    neighbour's household h3 in building 1, an elder's household h4 there without a phone, the
    supervisor and the owners' committee; a fund of the community holding 20,000 元."""
    with app.app_context():
        def person(name, role=None, scope=None):
            user = find_or_create_user(f"dev-{name}")
            if role:
                community.grant_role(None, user, role, scope)
            return user

        b1 = db.session.get(Building, places["b1"])
        h3 = community.create_household(b1, unit="1单元", room="102", floor_area=70)
        h4 = community.create_household(b1, unit="1单元", room="201", floor_area=60, head_name="王婆婆",
                                        elderly_alone=True)
        far, daughter, neighbour = person("far"), person("daughter"), person("neighbour")
        community.add_member(db.session.get(Household, places["h2"]), far, is_head=True)
        community.add_member(db.session.get(Household, places["h1"]), daughter)
        community.add_member(h3, neighbour, is_head=True)
        ids = {**places, "h3": h3.id, "h4": h4.id, "far": far.id, "daughter": daughter.id, "neighbour": neighbour.id,
               "supervisor": person("supervisor", Role.SUPERVISOR, places["community"]).id,
               "committee": person("committee", Role.OWNERS_COMMITTEE, places["community"]).id}
        staff = db.session.get(User, places["staff"])
        fund = funds.create_fund(staff, db.session.get(Community, places["community"]), "社区微基金")
        funds.record(staff, fund, "grant", 2 * BUDGET, date.today(), counterparty="街道办")
        ids["fund"] = fund.id
        db.session.commit()
    return ids


def post(client, name, path, body=None, **headers):
    return client.post(f"{API}{path}", json=body if body is not None else {}, headers={**login(client, name), **headers})


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def new_round(client, people, rule="greedy", budget=BUDGET, **fields):
    return ok(post(client, "staff", f"/communities/{people['community']}/budget-rounds", {
        "title": "2026年院坝微更新", "fund_id": people["fund"], "budget_fen": budget, "rule": rule, **fields}), 201)


def propose(client, name, rnd, title, **fields):
    return ok(post(client, name, f"/budget-rounds/{rnd['id']}/projects", {"title": title, **fields}), 201)


def accept(client, project, cost_fen, name="council"):
    return ok(post(client, name, f"/budget-projects/{project['id']}/review",
                   {"decision": "accept", "reason": "可行", "cost_fen": cost_fen}))


def ballot(client, name, rnd, *project_ids, key=None, **fields):
    headers = {"Idempotency-Key": key} if key else {}
    return post(client, name, f"/budget-rounds/{rnd['id']}/ballot", {"project_ids": list(project_ids), **fields},
                **headers)


def voting_round(client, people, costs, rule="greedy", budget=BUDGET):
    """A round in voting with one accepted project per cost, proposed by the resident."""
    rnd = new_round(client, people, rule=rule, budget=budget)
    projects = [propose(client, "resident", rnd, f"项目{i}") for i, _cost in enumerate(costs, start=1)]
    ok(post(client, "staff", f"/budget-rounds/{rnd['id']}/review"))
    for project, cost in zip(projects, costs):
        accept(client, project, cost)
    return ok(post(client, "staff", f"/budget-rounds/{rnd['id']}/open-voting")), [p["id"] for p in projects]


def view(client, name, rnd):
    return ok(client.get(f"{API}/budget-rounds/{rnd['id']}", headers=login(client, name)))


def audit_actions(app, prefix="budget"):
    with app.app_context():
        return [(a, h) for a, h in db.session.execute(select(AuditEntry.action, AuditEntry.household_id)
                                                      .where(AuditEntry.action.startswith(prefix))
                                                      .order_by(AuditEntry.id))]


def inbox(app, user_id):
    with app.app_context():
        return [(n.kind, n.title, n.body) for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))]


# ---- a round from proposals to an explained result --------------------------------------------------------

def test_a_round_runs_from_proposals_to_an_explained_result(app, client, people):
    client.patch(f"{API}/me", json={"name": "张秀英"}, headers=login(client, "resident"))
    matter = ok(post(client, "resident", "/matters", {"title": "院坝没有遮阳棚", "category": "other"}), 201)
    rnd = new_round(client, people)
    assert (rnd["status"], rnd["scope_label"], rnd["fund"]["balance_fen"], rnd["can"]["propose"]) == (
        "proposing", "全社区", 2 * BUDGET, True)
    canopy = propose(client, "resident", rnd, "院坝遮阳棚", matter_id=matter["id"], estimate_fen=500000)
    stage = propose(client, "far", rnd, "坝坝舞台")
    benches = propose(client, "council", rnd, "休息长椅")
    assert canopy["matter_id"] == matter["id"] and canopy["proposer"] == {"name": "张秀英"}
    ok(post(client, "staff", f"/budget-rounds/{rnd['id']}/review"))
    accept(client, stage, 600000)
    accept(client, canopy, 500000)
    accept(client, benches, 150000)
    opened = ok(post(client, "staff", f"/budget-rounds/{rnd['id']}/open-voting"))
    assert (opened["status"], opened["electors"], opened["voted"]) == ("voting", 4, 0)  # h1, h2, h3, h4
    assert ("poll_opened", "2026年院坝微更新") in [n[:2] for n in inbox(app, people["resident"])]

    ok(ballot(client, "resident", rnd, stage["id"], benches["id"]))
    ok(ballot(client, "far", rnd, stage["id"]))
    ok(ballot(client, "neighbour", rnd, stage["id"]))
    ok(ballot(client, "bhead", rnd, canopy["id"], on_behalf_of_household_id=people["h4"]))
    closed = ok(post(client, "staff", f"/budget-rounds/{rnd['id']}/close"))
    result = closed["result"]
    assert (closed["status"], closed["voted"], result["funded_ids"]) == ("closed", 4, [stage["id"], benches["id"]])
    explained = {p["id"]: p["funded_explanation"] for p in closed["projects"]}
    # the canopy and the benches tie on one approval each: the canopy, proposed first, is looked at first
    assert explained[canopy["id"]] == "获 1 户赞同，排第 2；此时剩余预算 4,000.00 元，不足以支付 5,000.00 元"
    assert explained[benches["id"]] == "获 1 户赞同，排第 3；计入后累计 7,500.00 元，未超预算"
    assert [(p["status"], p["approvals"]) for p in closed["projects"]] == [
        ("unfunded", 1), ("funded", 3), ("funded", 1)]
    assert ("poll_result", "2026年院坝微更新") in [n[:2] for n in inbox(app, people["neighbour"])]
    told = [n for n in inbox(app, people["resident"]) if n[1] == "您的提案未获资助"]
    assert told == [("notice", "您的提案未获资助", f"“院坝遮阳棚”未获资助：{explained[canopy['id']]}")]
    detail = ok(client.get(f"{API}/budget-projects/{canopy['id']}", headers=login(client, "far")))
    assert (detail["explanation"], detail["approvals"], detail["status_label"]) == (
        explained[canopy["id"]], 1, "未获资助")
    assert audit_actions(app) == [("budget_round.created", None), ("budget_round.reviewing", None)] + \
        [("budget_project.reviewed", None)] * 3 + [("budget_round.voting_opened", None),
                                                   ("budget_round.ballot_entered_for", people["h4"]),
                                                   ("budget_round.closed", None)]


def test_an_equal_shares_round_explains_each_households_share_and_payment(client, people):
    rnd, (ours, theirs) = voting_round(client, people, [300000, 300000], rule="equal_shares", budget=400000)
    for name in ("resident", "far", "neighbour"):
        ok(ballot(client, name, rnd, ours))
    closed = ok(post(client, "staff", f"/budget-rounds/{rnd['id']}/close"))
    assert closed["result"]["share_fen"] == 133333 and closed["result"]["funded_ids"] == [ours]
    said = {p["id"]: p["funded_explanation"] for p in closed["projects"]}
    assert said[ours] == ("获 3 户赞同；每户份额 1,333.33 元（预算 4,000.00 元 ÷ 3 户投票）。"
                          "第 1 步入选，3 户各付 1,000.00 元，合计 3,000.00 元")
    assert said[theirs] == "无人赞同，不予资助"
    assert closed["result"]["left_fen"] == 100000  # no completion: what Equal Shares leaves stays in the fund


# ---- proposals and 五议三不议 -----------------------------------------------------------------------------

def test_a_refusal_names_the_rule_it_breaks_and_a_retired_rule_cannot_be_named(app, client, people):
    rules_url = f"/communities/{people['community']}/agenda-rules"
    assert post(client, "council", rules_url, {"title": "违反法律法规的不议"}).status_code == 403
    rule = ok(post(client, "staff", rules_url, {"title": "违反法律法规的不议", "text": "违法事项不上会"}), 201)
    assert post(client, "staff", rules_url, {"title": "违反法律法规的不议"}).status_code == 409
    rnd = new_round(client, people)
    shed = propose(client, "resident", rnd, "楼顶加建棚屋")
    fence = propose(client, "far", rnd, "占用消防通道建花坛")
    refused = ok(post(client, "council", f"/budget-projects/{shed['id']}/review", {
        "decision": "refuse", "reason": "属违法搭建", "agenda_rule_id": rule["id"]}))
    assert (refused["status"], refused["status_label"], refused["agenda_rule"]) == (
        "refused", "未通过审议", {"id": rule["id"], "title": "违反法律法规的不议"})
    assert refused["review_reason"] == "按“违反法律法规的不议”不议：属违法搭建"
    assert ("notice", "提案审议结果", "您的提案“楼顶加建棚屋”未通过审议：按“违反法律法规的不议”不议：属违法搭建") in \
        inbox(app, people["resident"])

    retired = client.patch(f"{API}/agenda-rules/{rule['id']}", json={"active": False}, headers=login(client, "staff"))
    assert ok(retired)["active"] is False
    listed = ok(client.get(f"{API}{rules_url}", headers=login(client, "far")))["items"]
    assert [(r["title"], r["active"]) for r in listed] == [("违反法律法规的不议", False)]
    named = post(client, "council", f"/budget-projects/{fence['id']}/review", {
        "decision": "refuse", "reason": "占用消防通道", "agenda_rule_id": rule["id"]})
    assert named.status_code == 422
    assert named.get_json()["error"]["details"]["fields"] == {"agenda_rule_id": ["该议事规则不存在或已停用，不能据此不议"]}
    with app.app_context():  # the refusal changed nothing
        assert db.session.get(BudgetProject, fence["id"]).status == "proposed"
    # the old refusal keeps its reason; a decision may be revisited until voting opens
    assert ok(client.get(f"{API}/budget-projects/{shed['id']}", headers=login(client, "resident")))["agenda_rule"][
        "title"] == "违反法律法规的不议"
    again = accept(client, shed, 200000)
    assert (again["status"], again["agenda_rule"], again["cost_fen"]) == ("accepted", None, 200000)


def test_proposals_come_from_the_scope_and_ones_own_matters_and_are_withdrawn_by_their_proposer(client, people):
    rnd = new_round(client, people)
    far_matter = ok(post(client, "far", "/matters", {"title": "路灯坏了", "category": "street_lamp"}), 201)
    url = f"/budget-rounds/{rnd['id']}/projects"
    assert post(client, "nobody", url, {"title": "路灯"}).status_code == 404  # no place in the community
    refused = post(client, "resident", url, {"title": "路灯", "matter_id": far_matter["id"]})
    assert refused.status_code == 422 and refused.get_json()["error"]["message"] == "只能用本户反映的诉求提出提案"
    assert post(client, "council", url, {"title": "路灯", "matter_id": far_matter["id"]}).status_code == 201
    mine = propose(client, "resident", rnd, "楼道扶手")
    assert mine["can"]["withdraw"] is True
    assert post(client, "daughter", f"/budget-projects/{mine['id']}/withdraw").status_code == 403
    withdrawn = ok(post(client, "resident", f"/budget-projects/{mine['id']}/withdraw"))
    assert withdrawn["status"] == "withdrawn"
    assert mine["id"] not in [p["id"] for p in view(client, "far", rnd)["projects"]]
    assert post(client, "council", f"/budget-projects/{mine['id']}/review",
                {"decision": "accept", "reason": "可行", "cost_fen": 100}).status_code == 409


def test_an_estates_round_is_seen_and_voted_on_by_that_estate_only(app, client, people):
    with app.app_context():
        cy1 = db.session.get(Building, people["b1"]).courtyard_id
        staff = db.session.get(User, people["staff"])
        estate_fund = funds.create_fund(staff, db.session.get(Community, people["community"]), "海滨新村自筹金",
                                        courtyard=db.session.get(Courtyard, cy1))
        db.session.commit()
        estate_fund_id = estate_fund.id
    url = f"/communities/{people['community']}/budget-rounds"
    body = {"title": "海滨新村微更新", "budget_fen": BUDGET, "rule": "greedy"}
    wider = post(client, "staff", url, {**body, "fund_id": estate_fund_id})
    assert wider.status_code == 422 and wider.get_json()["error"]["details"]["fields"] == {
        "fund_id": ["这个基金只属于一个院落，不能支付范围更大的预算"]}
    rnd = ok(post(client, "staff", url, {**body, "fund_id": people["fund"], "courtyard_id": cy1}), 201)
    assert rnd["scope_label"] == "海滨新村"
    assert client.get(f"{API}/budget-rounds/{rnd['id']}", headers=login(client, "far")).status_code == 404
    assert [r["id"] for r in ok(client.get(f"{API}/budget-rounds/mine", headers=login(client, "resident")))["items"]] \
        == [rnd["id"]]
    assert ok(client.get(f"{API}/budget-rounds/mine", headers=login(client, "far")))["items"] == []
    listed = ok(client.get(f"{API}{url}", headers=login(client, "far")))
    assert listed == {"items": [], "next_cursor": None}
    assert [(r["id"], r["fund_id"]) for r in ok(client.get(f"{API}{url}", headers=login(client, "bhead")))[
        "items"]] == [(rnd["id"], people["fund"])]  # the desk finds a fund's rounds from the list


# ---- the vote -----------------------------------------------------------------------------------------

def test_a_ballot_over_the_budget_is_refused_with_the_amounts_and_stores_nothing(app, client, people):
    rnd, (big, small, other) = voting_round(client, people, [800000, 300000, 100000])
    refused = ballot(client, "resident", rnd, big, small)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert (error["code"], error["message"]) == ("over_budget", "所选项目合计 11,000.00 元，超过预算 10,000.00 元")
    assert (error["details"]["total_fen"], error["details"]["budget_fen"]) == (1100000, BUDGET)
    assert ballot(client, "resident", rnd, small, small).status_code == 422  # a project once
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BudgetBallot)) == 0
        assert db.session.scalar(select(func.count(BudgetElector.voted_at))) == 0
    assert view(client, "resident", rnd)["my_ballot"] is None


def test_one_ballot_per_household_changeable_while_voting(app, client, people):
    rnd, (a, b, c) = voting_round(client, people, [300000, 300000, 300000])
    first = ok(ballot(client, "resident", rnd, a, b, key="budget-1"))
    assert first["my_ballot"]["project_ids"] == [a, b] and first["my_ballot"]["acting_label"] is None
    replay = ballot(client, "resident", rnd, a, b, key="budget-1")
    assert replay.headers["Idempotent-Replayed"] == "true"
    changed = ok(ballot(client, "resident", rnd, c))
    assert (changed["my_ballot"]["project_ids"], changed["voted"]) == ([c], 1)
    assert view(client, "daughter", rnd)["my_ballot"]["project_ids"] == [c]  # the household's ballot
    with app.app_context():
        assert db.session.scalars(select(BudgetBallot.project_ids)).all() == [[c]]
    assert audit_actions(app, "budget_round.ballot") == []  # a household's own ballot is not an official's act


def test_an_elders_ballot_is_entered_by_whoever_looks_after_the_household_never_by_a_neighbour(app, client, people):
    rnd, (a, b) = voting_round(client, people, [300000, 300000])
    for_elder = {"on_behalf_of_household_id": people["h4"]}
    by_neighbour = ballot(client, "neighbour", rnd, a, **for_elder)
    assert by_neighbour.status_code == 403 and by_neighbour.get_json()["error"]["code"] == "not_acting_for_household"
    entered = ok(ballot(client, "bhead", rnd, a, b, **for_elder))
    assert entered["my_ballot"] is None  # the building head's own household has none
    assert audit_actions(app, "budget_round.ballot") == [("budget_round.ballot_entered_for", people["h4"])]
    with app.app_context():
        row = db.session.get(BudgetBallot, (rnd["id"], people["h4"]))
        assert (row.project_ids, row.acting["as"]) == ([a, b], "building_head")
    changed = ok(ballot(client, "gridworker", rnd, b, **for_elder))
    assert changed["voted"] == 1
    own = ballot(client, "resident", rnd, a, on_behalf_of_household_id=people["h1"])
    assert own.status_code == 403 and own.get_json()["error"]["code"] == "own_household"
    not_voter = ballot(client, "daughter", rnd, a)
    assert not_voter.status_code == 403 and not_voter.get_json()["error"]["message"] == "本户由户主或户主指定的成员投票"
    assert view(client, "daughter", rnd)["can"]["vote"] is False and view(client, "resident", rnd)["can"]["vote"]


def test_an_entered_ballot_never_replaces_the_households_own(app, client, people):
    """The household's own choice stands: whoever looks after it may correct a ballot they
    entered, not one the household cast; the household may replace an entered one."""
    rnd, (a, b) = voting_round(client, people, [300000, 300000])
    ok(ballot(client, "resident", rnd, a))
    over = ballot(client, "gridworker", rnd, b, on_behalf_of_household_id=people["h1"])
    assert over.status_code == 409 and over.get_json()["error"]["message"] == "这户已经自己投过票，不能代为修改"
    for_elder = {"on_behalf_of_household_id": people["h4"]}
    ok(ballot(client, "bhead", rnd, a, **for_elder))
    ok(ballot(client, "gridworker", rnd, b, **for_elder))
    with app.app_context():
        rows = {row.household_id: (row.project_ids, row.acting is None) for row in db.session.scalars(
            select(BudgetBallot))}
    assert rows == {people["h1"]: ([a], True), people["h4"]: ([b], False)}


def test_whoever_looks_after_households_sees_which_still_need_a_ballot_entered(app, client, people):
    """替住户录入 starts from who has not voted: a building head sees the electors of the
    building, whether each voted, and whether its ballot was entered for it; staff sees the
    community's, page by page; a resident looks after nobody."""
    rnd, (a,) = voting_round(client, people, [300000])
    ok(ballot(client, "resident", rnd, a))
    ok(ballot(client, "bhead", rnd, a, on_behalf_of_household_id=people["h4"]))

    def electors(name, **query):
        return ok(client.get(f"{API}/budget-rounds/{rnd['id']}/electors", query_string=query,
                             headers=login(client, name)))

    building = {item["household_id"]: (item["voted"], item["entered_for"]) for item in electors("bhead")["items"]}
    assert building == {people["h1"]: (True, False), people["h3"]: (False, False), people["h4"]: (True, True)}
    assert [item["household_id"] for item in electors("bhead", voted="false")["items"]] == [people["h3"]]
    elder = next(item for item in electors("bhead")["items"] if item["household_id"] == people["h4"])
    with app.app_context():
        where = db.session.get(Building, people["b1"])
        place = (db.session.get(Courtyard, where.courtyard_id).name, where.name)
    assert (elder["courtyard_name"], elder["building_name"]) == place
    assert (elder["head_name"], elder["elderly_alone"], elder["unit"], elder["room"]) == ("王婆婆", True, "1单元", "201")
    assert elder["voted_at"] is not None
    community = [item["household_id"] for item in electors("staff", limit=100)["items"]]
    assert set(community) > set(building) and people["h2"] in community
    first = electors("staff", limit=2)
    rest = electors("staff", cursor=first["next_cursor"], limit=100)
    assert len(first["items"]) == 2 and rest["next_cursor"] is None
    assert [item["household_id"] for item in first["items"] + rest["items"]] == community
    refused = client.get(f"{API}/budget-rounds/{rnd['id']}/electors", headers=login(client, "neighbour"))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_looking_after"


def test_only_the_frozen_electorate_votes(app, client, people):
    rnd, (a,) = voting_round(client, people, [300000])
    with app.app_context():  # a family moves in once voting is open
        newcomer = community.create_household(db.session.get(Building, people["b1"]), room="909", floor_area=90)
        community.add_member(newcomer, find_or_create_user("dev-newcomer"), is_head=True)
        db.session.commit()
        newcomer_id = newcomer.id
    for name in ("newcomer", "staff"):
        refused = ballot(client, name, rnd, a)
        assert refused.status_code == 403, name
        assert refused.get_json()["error"]["message"] == "您家不在本轮参与式预算的投票范围内"
    for_newcomer = ballot(client, "bhead", rnd, a, on_behalf_of_household_id=newcomer_id)
    assert for_newcomer.status_code == 403
    assert for_newcomer.get_json()["error"]["message"] == "这户不在本轮参与式预算的投票范围内"
    assert view(client, "newcomer", rnd)["can"]["vote"] is False


def test_the_board_has_no_households_is_shuffled_and_recounting_it_reproduces_the_result(app, client, people):
    rnd, ids = voting_round(client, people, [400000, 300000, 300000, 200000], rule="equal_shares")
    assert client.get(f"{API}/budget-rounds/{rnd['id']}/board", headers=login(client, "far")).status_code == 409
    cast = {"resident": ids[:2], "far": ids[1:3], "neighbour": [ids[0], ids[3]], "bhead": [ids[2]]}
    for name, chosen in cast.items():
        extra = {"on_behalf_of_household_id": people["h4"]} if name == "bhead" else {}
        ok(ballot(client, name, rnd, *chosen, **extra))
    closed = ok(post(client, "staff", f"/budget-rounds/{rnd['id']}/close"))
    boards = [ok(client.get(f"{API}/budget-rounds/{rnd['id']}/board", headers=login(client, "far")))
              for _ in range(20)]
    assert all(set(board) == {"ballots"} for board in boards)  # no household, no time
    assert all(sorted(board["ballots"]) == sorted(cast.values()) for board in boards)
    assert len({str(board["ballots"]) for board in boards}) > 1  # a fresh order each time
    result = closed["result"]
    with app.app_context():
        costs = dict(db.session.execute(select(BudgetProject.id, BudgetProject.cost_fen)
                                        .where(BudgetProject.id.in_(ids))).all())
        frozen = db.session.get(BudgetRound, rnd["id"])
        assert frozen.result_digest == closed["result_digest"]
    recount = allocate("equal_shares", BUDGET, costs, boards[-1]["ballots"])
    assert {**recount, "electors": 4, "ballots_digest": ballots_digest(boards[0]["ballots"])} == result


# ---- transitions and their refusals ---------------------------------------------------------------------

def test_each_phase_moves_on_once_and_refuses_what_does_not_belong_to_it(app, client, people):
    rnd = new_round(client, people)
    url = f"/budget-rounds/{rnd['id']}"
    assert post(client, "staff", f"{url}/open-voting").status_code == 409  # still taking proposals
    assert post(client, "council", f"{url}/review").status_code == 403
    project = propose(client, "resident", rnd, "晾衣架")
    reviewing = ok(post(client, "staff", f"{url}/review"))
    assert (reviewing["status"], reviewing["can"]["propose"]) == ("reviewing", False)
    assert post(client, "staff", f"{url}/review").status_code == 409
    assert post(client, "far", f"{url}/projects", {"title": "太晚了"}).status_code == 409
    unreviewed = post(client, "staff", f"{url}/open-voting")
    assert unreviewed.status_code == 409 and unreviewed.get_json()["error"]["message"] == "还有 1 个提案未审议，请先审议"
    ok(post(client, "council", f"/budget-projects/{project['id']}/review", {"decision": "refuse", "reason": "不可行"}))
    none_accepted = post(client, "staff", f"{url}/open-voting")
    assert none_accepted.get_json()["error"]["code"] == "no_accepted_projects"
    accept(client, project, 200000)
    assert ballot(client, "resident", rnd, project["id"]).status_code == 409  # not voting yet
    assert post(client, "staff", f"{url}/close").status_code == 409
    ok(post(client, "staff", f"{url}/open-voting"))
    assert post(client, "council", f"/budget-projects/{project['id']}/review",
                {"decision": "refuse", "reason": "改主意"}).status_code == 409  # on the ballot now
    ok(ballot(client, "resident", rnd, project["id"]))
    ok(post(client, "staff", f"{url}/close"))
    for step in ("close", "review", "open-voting"):
        assert post(client, "staff", f"{url}/{step}").status_code == 409, step
    cancel = post(client, "staff", f"{url}/cancel", {"reason": "重新安排"})
    assert cancel.status_code == 409 and cancel.get_json()["error"]["message"] == "已公示结果或已取消的轮次不能取消"


def test_opening_the_vote_needs_the_money_and_a_refusal_writes_nothing(app, client, people):
    rnd = new_round(client, people, budget=3 * BUDGET)  # the fund holds 20,000.00 元
    project = propose(client, "resident", rnd, "电动车充电棚")
    ok(post(client, "staff", f"/budget-rounds/{rnd['id']}/review"))
    accept(client, project, BUDGET)
    refused = post(client, "staff", f"/budget-rounds/{rnd['id']}/open-voting")
    assert refused.status_code == 409
    assert refused.get_json()["error"] == {"code": "insufficient_funds",
                                           "message": "基金余额不足：余额 20,000.00 元，本轮预算 30,000.00 元",
                                           "details": {"balance_fen": 2 * BUDGET, "budget_fen": 3 * BUDGET}}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(BudgetElector)) == 0
        assert db.session.get(BudgetRound, rnd["id"]).status == "reviewing"
    assert "budget_round.voting_opened" not in [a for a, _h in audit_actions(app)]


def test_cancelling_a_round_in_voting_tells_the_households_and_stops_the_vote(app, client, people):
    rnd, (a,) = voting_round(client, people, [300000])
    assert post(client, "committee", f"/budget-rounds/{rnd['id']}/cancel", {"reason": "x"}).status_code == 403
    cancelled = ok(post(client, "staff", f"/budget-rounds/{rnd['id']}/cancel", {"reason": "基金另有急用"}))
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "基金另有急用")
    assert ("notice", "参与式预算取消：2026年院坝微更新", "基金另有急用") in inbox(app, people["far"])
    assert ballot(client, "resident", rnd, a).status_code == 409
    assert ok(client.get(f"{API}/budget-rounds/mine", headers=login(client, "resident")))["items"] == []


# ---- funded projects ------------------------------------------------------------------------------------

def upload(client, name):
    response = client.post(f"{API}/photos", data={"file": (io.BytesIO(jpeg_with_gps()), "p.jpg")},
                           headers=login(client, name), content_type="multipart/form-data")
    return ok(response, 201)["id"]


def funded_project(client, people):
    rnd, (project_id,) = voting_round(client, people, [300000])
    ok(ballot(client, "resident", rnd, project_id))
    ok(post(client, "staff", f"/budget-rounds/{rnd['id']}/close"))
    return rnd, project_id


def test_a_funded_project_is_carried_out_signed_off_and_evaluated(app, client, people):
    rnd, project_id = funded_project(client, people)
    url = f"/budget-projects/{project_id}"
    assert post(client, "resident", f"{url}/updates", {"text": "开工"}).status_code == 403
    photo = upload(client, "committee")
    done = ok(post(client, "committee", f"{url}/updates", {"text": "棚架已装好", "percent": 100, "completes": True,
                                                            "photo_ids": [photo]}), 201)
    assert (done["status"], done["updates"][0]["photos"][0]["id"], done["updates"][0]["posted_by"]["id"]) == (
        "completed", photo, people["committee"])
    assert ("notice", "项目完工待验收") in [n[:2] for n in inbox(app, people["supervisor"])]
    assert post(client, "committee", f"{url}/sign-off", {"accepted": True}).status_code == 403
    no_note = post(client, "supervisor", f"{url}/sign-off", {"accepted": False})
    assert no_note.status_code == 422
    rework = ok(post(client, "supervisor", f"{url}/sign-off", {"accepted": False, "note": "棚顶漏雨"}))
    assert (rework["status"], rework["sign_off_note"], rework["completed_at"]) == ("funded", "棚顶漏雨", None)
    assert ("notice", "验收未通过，请整改", "“项目1”验收未通过：棚顶漏雨") in inbox(app, people["committee"])
    assert post(client, "resident", f"{url}/evaluations", {"rating": 5}).status_code == 409  # not signed off
    ok(post(client, "committee", f"{url}/updates", {"text": "已修补", "completes": True}), 201)
    signed = ok(post(client, "supervisor", f"{url}/sign-off", {"accepted": True}))
    assert (signed["status"], signed["can"]["evaluate"]) == ("signed_off", False)  # supervisors have no household here
    assert ("notice", "请评议已完成的项目") in [n[:2] for n in inbox(app, people["far"])]

    rated = ok(post(client, "resident", f"{url}/evaluations", {"rating": 4, "comment": "很实用"}))
    assert (rated["evaluation"], rated["my_evaluation"], rated["can"]["evaluate"]) == (
        {"count": 1, "average": 4.0}, {"rating": 4, "comment": "很实用", "acting_label": None}, False)
    again = post(client, "daughter", f"{url}/evaluations", {"rating": 1})
    assert again.status_code == 409 and again.get_json()["error"]["message"] == "本户已经评议过这个项目"
    ok(post(client, "bhead", f"{url}/evaluations", {"rating": 5, "on_behalf_of_household_id": people["h4"]}))
    assert post(client, "neighbour", f"{url}/evaluations",
                {"rating": 1, "on_behalf_of_household_id": people["h4"]}).status_code == 403
    final = ok(client.get(f"{API}{url}", headers=login(client, "far")))
    assert final["evaluation"] == {"count": 2, "average": 4.5} and final["can"]["evaluate"] is True
    with app.app_context():  # the elder's son joins her household later and reads who rated for it
        community.add_member(db.session.get(Household, people["h4"]), find_or_create_user("dev-elderson"))
        db.session.scalar(select(User).where(User.openid == "dev-bhead")).name = "张大爷"
        db.session.commit()
    elders = ok(client.get(f"{API}{url}", headers=login(client, "elderson")))["my_evaluation"]
    assert elders == {"rating": 5, "comment": "", "acting_label": "由张大爷（楼栋长）代办"}
    actions = [a for a, _h in audit_actions(app, "budget_project")]
    assert actions[-5:] == ["budget_project.updated", "budget_project.signed_off", "budget_project.updated",
                            "budget_project.signed_off", "budget_project.evaluated_for"]


def test_a_refused_update_leaves_the_project_as_it_was(app, client, people):
    rnd, project_id = funded_project(client, people)
    photo = upload(client, "committee")
    ok(post(client, "committee", f"/budget-projects/{project_id}/updates", {"text": "开工", "photo_ids": [photo]}), 201)
    reused = post(client, "committee", f"/budget-projects/{project_id}/updates",
                  {"text": "完工", "completes": True, "photo_ids": [photo]})
    assert reused.status_code == 422 and reused.get_json()["error"]["details"]["unusable"] == [photo]
    someone_elses = post(client, "staff", f"/budget-projects/{project_id}/updates",
                         {"text": "完工", "completes": True, "photo_ids": [upload(client, "committee")]})
    assert someone_elses.status_code == 422
    with app.app_context():
        assert db.session.get(BudgetProject, project_id).status == "funded"
        assert db.session.scalar(select(func.count()).select_from(ProjectUpdate)) == 1
    assert [n for n in inbox(app, people["supervisor"]) if n[1] == "项目完工待验收"] == []
