"""Polls: frozen electorates, who may cast a household's vote, ballots, changes, secrecy,
receipts, paper and proxy ballots, owners' headcount, the scheduled close and its 公示,
objections, recounts, and one household hammering the vote button."""
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, inspect, select, update
from werkzeug.serving import make_server

from app.auth.models import User
from app.auth.service import find_or_create_user
from app.community import service as community
from app.community.models import Building, Household, Role
from app.extensions import db
from app.jobs import queue
from app.meetings.models import Meeting
from app.models_base import utcnow
from app.notifications.models import Notification
from app.polls import service
from app.polls.models import Ballot, BoardEntry, PaperBallot, Poll, PollElector
from tests.conftest import counting_statements, login, make_due, work
from tests.factories import jpeg_with_gps, pass_deadline, poll_body

API = "/api/v1"


@pytest.fixture
def voters(app, places):
    """places, plus supervisors, an owners' committee member, a second member of h1 and a head
    for h2."""
    with app.app_context():
        def person(name, role=None, scope=None):
            user = find_or_create_user(f"dev-{name}")
            if role:
                community.grant_role(None, user, role, scope)
            return user.id

        ids = {**places,
               "supervisor": person("supervisor", Role.SUPERVISOR, places["community"]),
               "supervisor2": person("supervisor2", Role.SUPERVISOR, places["community"]),
               "committee": person("committee", Role.OWNERS_COMMITTEE, places["community"]),
               "daughter": person("daughter"), "far": person("far")}
        community.add_member(db.session.get(Household, places["h1"]), db.session.get(User, ids["daughter"]))
        community.add_member(db.session.get(Household, places["h2"]), db.session.get(User, ids["far"]),
                             is_head=True)
        db.session.commit()
        return ids


def open_poll(client, people, name="staff", **fields):
    created = client.post(f"{API}/polls", json=poll_body(people, **fields), headers=login(client, name))
    assert created.status_code == 201, created.get_json()
    published = client.post(f"{API}/polls/{created.get_json()['id']}/publish", headers=login(client, name))
    assert published.status_code == 200, published.get_json()
    return published.get_json()


def vote(client, name, poll, *choices, key=None):
    answers = [{"question_id": q["id"], "choices": list(c)} for q, c in zip(poll["questions"], choices)]
    headers = {**login(client, name), **({"Idempotency-Key": key} if key else {})}
    return client.post(f"{API}/polls/{poll['id']}/ballots", json={"answers": answers}, headers=headers)


def get(client, name, poll):
    return client.get(f"{API}/polls/{poll['id']}", headers=login(client, name)).get_json()


def close(app, client, poll, name="staff"):
    pass_deadline(app, poll)
    response = client.post(f"{API}/polls/{poll['id']}/close", headers=login(client, name))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# ---- electorates ------------------------------------------------------------------------------------

def test_electorate_is_frozen_when_the_poll_opens(app, client, voters):
    poll = open_poll(client, voters)
    assert poll["status"] == "open" and poll["voters"] == 2  # h1 and h2; the other community's flat is out
    with app.app_context():  # a family moves in mid-poll
        newcomer = community.create_household(db.session.get(Building, voters["b1"]), room="909", floor_area=90)
        community.add_member(newcomer, find_or_create_user("dev-newcomer"), is_head=True)
        db.session.commit()
    assert vote(client, "newcomer", poll, [0]).get_json()["error"]["code"] == "not_in_electorate"
    assert get(client, "staff", poll)["voters"] == 2
    assert vote(client, "resident", poll, [0]).status_code == 201
    assert get(client, "staff", poll)["voted"] == 1


def test_only_the_head_or_the_member_the_head_designates_casts_the_household_vote(client, voters):
    poll = open_poll(client, voters)
    seen = get(client, "daughter", poll)
    assert seen["can_vote"] is False and seen["cannot_vote_reason"] == "本户由户主或户主指定的成员投票"
    refused = vote(client, "daughter", poll, [0])
    assert refused.status_code == 403 and refused.get_json()["error"]["message"] == "本户由户主或户主指定的成员投票"
    assert client.put(f"{API}/households/{voters['h1']}/voter", json={"user_id": voters["daughter"]},
                      headers=login(client, "daughter")).status_code == 403  # only the head designates
    designated = client.put(f"{API}/households/{voters['h1']}/voter", json={"user_id": voters["daughter"]},
                            headers=login(client, "resident"))
    assert designated.status_code == 200
    assert [m["is_voter"] for m in designated.get_json()["members"]] == [False, True]
    assert vote(client, "resident", poll, [0]).status_code == 403
    assert vote(client, "daughter", poll, [1]).status_code == 201
    head = get(client, "resident", poll)  # the head sees that the household has voted, not how
    assert head["household_voted"] is True
    assert head["my_ballot"]["choices"] is None and head["my_ballot"]["tracker"] is None


def test_council_and_resident_electorates_count_people(client, voters):
    council = open_poll(client, voters, electorate="council")
    assert council["voters"] == 1 and vote(client, "council", council, [0]).status_code == 201
    assert vote(client, "resident", council, [0]).status_code == 403
    residents = open_poll(client, voters, electorate="residents", title="一人一票：广场舞时间")
    assert residents["voters"] == 3  # resident and daughter in h1, far in h2; staff without a home are not
    assert vote(client, "daughter", residents, [0]).status_code == 201
    assert vote(client, "resident", residents, [1]).status_code == 201  # one person, one vote


def test_poll_settings_that_cannot_work_are_refused(client, voters):
    for fields, field in [
        ({"rule": "owners_ordinary"}, "rule"),                                  # area rules need owners
        ({"electorate": "owners", "rule": "owners_ordinary", "secret": True}, "secret"),
        ({"closes_at": (utcnow() - timedelta(hours=1)).isoformat()}, "closes_at"),
        ({"questions": [{"text": "选哪种门", "kind": "single", "options": ["东门"]}]}, "questions"),
        ({"questions": [{"text": "选哪些", "kind": "multiple", "options": ["甲", "乙"], "max_choices": 3}]}, "questions"),
        ({"scope_kind": "buildings", "scope_ids": [voters["other_building"]]}, "scope_ids"),
    ]:
        response = client.post(f"{API}/polls", json=poll_body(voters, **fields), headers=login(client, "staff"))
        error = response.get_json()["error"]
        assert response.status_code == 422 and error["details"]["fields"] == {field: [error["message"]]}, fields
    assert client.post(f"{API}/polls", json=poll_body(voters), headers=login(client, "bhead")).status_code == 403
    assert client.post(f"{API}/polls", json=poll_body(voters), headers=login(client, "committee")).status_code == 201



def test_a_draft_is_edited_by_those_who_run_polls_and_says_so_in_its_trail(client, voters):
    draft = client.post(f"{API}/polls", json=poll_body(voters), headers=login(client, "committee")).get_json()
    edited = client.patch(f"{API}/polls/{draft['id']}", headers=login(client, "staff"), json={
        "title": "是否加装小区大门", "scope_kind": "buildings", "scope_ids": [voters["b1"]],
        "questions": [{"text": "门装在哪里", "kind": "single", "options": ["东门", "西门"]},
                      {"text": "是否同意加装", "kind": "yes_no"}]})
    assert edited.status_code == 200, edited.get_json()
    poll = edited.get_json()
    assert (poll["title"], poll["scope_kind"], poll["scope_ids"], poll["rule"]) == (
        "是否加装小区大门", "buildings", [voters["b1"]], "majority")  # what was not sent stays
    assert [(q["position"], q["text"], q["options"]) for q in poll["questions"]] == [
        (1, "门装在哪里", ["东门", "西门"]), (2, "是否同意加装", ["赞成", "反对", "弃权"])]
    assert client.patch(f"{API}/polls/{draft['id']}", json={"quorum_percent": 50},
                        headers=login(client, "staff")).get_json()["questions"] == poll["questions"]
    events = client.get(f"{API}/polls/{draft['id']}/events", headers=login(client, "staff")).get_json()["items"]
    assert [(e["action_label"], e["note"]) for e in events if e["action"] == "edited"] == [
        ("修改草稿", "标题、范围类型、范围、问题"), ("修改草稿", "参与率门槛")]


def test_editing_is_refused_to_residents_once_open_and_for_settings_that_cannot_work(client, voters):
    draft = client.post(f"{API}/polls", json=poll_body(voters), headers=login(client, "staff")).get_json()
    url = f"{API}/polls/{draft['id']}"
    assert client.patch(url, json={"title": "我来改"}, headers=login(client, "resident")).status_code == 404
    assert client.patch(url, json={"title": "我来改"}, headers=login(client, "supervisor")).status_code == 403
    bad = client.patch(url, json={"rule": "owners_special"}, headers=login(client, "staff"))
    assert bad.status_code == 422 and bad.get_json()["error"]["details"]["fields"] == {
        "rule": ["按面积计算的业主表决规则只适用于业主表决"]}
    short = client.patch(url, json={"title": "门"}, headers=login(client, "staff")).get_json()["error"]
    assert short["message"] == "标题：须为 2 到 60 个字" and short["details"]["fields"] == {"title": [short["message"]]}
    assert client.patch(url, json={"community_id": voters["community"]},
                        headers=login(client, "staff")).status_code == 422  # a draft stays in its community
    assert get(client, "staff", draft)["title"] == "是否加装小区围墙"
    assert (draft["can_edit"], draft["can_cancel"]) == (True, True)
    opened = client.post(f"{url}/publish", headers=login(client, "staff")).get_json()
    assert (opened["can_edit"], opened["can_cancel"]) == (False, True)  # the buttons follow
    assert (get(client, "resident", draft)["can_edit"], get(client, "resident", draft)["can_cancel"]) == (False, False)
    refused = client.patch(url, json={"title": "改一下"}, headers=login(client, "staff"))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "invalid_transition"


def test_the_rule_book_lists_what_each_rule_requires_as_the_count_checks_it(client, voters):
    book = client.get(f"{API}/polls/rules", headers=login(client, "resident")).get_json()
    assert [e["value"] for e in book["electorates"]] == ["households", "council", "residents", "owners"]
    rules = {r["value"]: r for r in book["rules"]}
    assert rules["majority"]["requires"] == [{"label": "赞成票占投票数", "required": "> 1/2"}]
    special = rules["owners_special"]
    assert special["owners_only"] is True and special["label"] == "业主共同决定（重大事项）"
    assert [r["required"] for r in special["requires"]] == ["≥ 2/3", "≥ 2/3", "≥ 3/4", "≥ 3/4"]


# ---- ballots --------------------------------------------------------------------------------------------

def test_one_ballot_per_household_with_a_receipt_and_an_idempotent_retry(app, client, voters):
    poll = open_poll(client, voters)
    first = vote(client, "resident", poll, [0], key="vote-1")
    assert first.status_code == 201
    receipt = first.get_json()["receipt"]
    replay = vote(client, "resident", poll, [0], key="vote-1")
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.get_json()["receipt"] == receipt
    second = vote(client, "resident", poll, [1])
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "already_voted"
    mine = client.get(f"{API}/polls/{poll['id']}/my-ballot", headers=login(client, "resident")).get_json()
    assert mine["receipt"] == receipt and mine["choices"] == {str(poll["questions"][0]["id"]): [0]}
    check = client.get(f"{API}/polls/{poll['id']}/receipts/{receipt.lower()}", headers=login(client, "far"))
    # a receipt proves that the ballot counts, not what it says
    assert check.get_json() == {"receipt": receipt, "via": "phone", "status": "counted", "counted": True,
                                "in_result": False}
    assert client.get(f"{API}/polls/{poll['id']}/receipts/NOSUCHCODE", headers=login(client, "far")).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


@pytest.mark.parametrize("choices, code", [
    ([[0, 1]], "validation_error"),   # yes/no takes exactly one
    ([[3]], "validation_error"),      # no such option
    ([[]], "validation_error"),       # yes/no cannot be left empty (弃权 is an option)
])
def test_bad_ballots_are_refused_and_store_nothing(app, client, voters, choices, code):
    poll = open_poll(client, voters)
    response = vote(client, "resident", poll, *choices)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == code
    unanswered = client.post(f"{API}/polls/{poll['id']}/ballots", json={"answers": [{"question_id": 999, "choices": [0]}]},
                             headers=login(client, "resident"))
    assert unanswered.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0
        assert db.session.scalar(select(func.count()).select_from(PollElector).where(PollElector.voted_at.is_not(None))) == 0


def test_a_ballot_may_change_until_the_close_and_the_last_one_counts(app, client, voters):
    questions = [{"text": "是否加装围墙", "kind": "yes_no"},
                 {"text": "大门选哪种样式", "kind": "single", "options": ["铁艺", "石材", "木质"]},
                 {"text": "围墙内增设哪些设施", "kind": "multiple", "options": ["座椅", "路灯", "快递柜"], "max_choices": 2}]
    poll = open_poll(client, voters, allow_change=True, questions=questions)
    first = vote(client, "resident", poll, [0], [1], [0, 1]).get_json()
    changed = vote(client, "resident", poll, [1], [2], [])
    assert changed.status_code == 201 and changed.get_json()["changed"] is True
    assert changed.get_json()["receipt"] == first["receipt"]
    assert vote(client, "far", poll, [1], [2], [2, 1]).status_code == 201
    too_many = vote(client, "far", poll, [1], [2], [0, 1, 2])
    assert too_many.status_code == 422
    assert too_many.get_json()["error"]["details"]["fields"] == {"answers": ["第 3 题：最多选择 2 项"]}
    result = close(app, client, poll)["result"]
    assert result["ballots"] == 2
    yes_no, gate, extras = result["questions"]
    assert [o["people"] for o in yes_no["options"]] == [0, 2, 0] and yes_no["passed"] is False
    assert [o["people"] for o in gate["options"]] == [0, 0, 2] and gate["chosen"] == [2]
    assert [o["people"] for o in extras["options"]] == [0, 1, 1]  # the first ballot's choices are gone
    after = vote(client, "resident", poll, [0], [0], [])
    assert after.status_code == 409 and after.get_json()["error"]["code"] == "poll_not_open"


def test_tally_is_hidden_until_the_close_unless_the_poll_shows_it(app, client, voters):
    hidden = open_poll(client, voters)
    vote(client, "resident", hidden, [0])
    assert get(client, "staff", hidden)["result"] is None
    assert get(client, "resident", hidden)["result"] is None
    shown = open_poll(client, voters, show_tally=True)
    vote(client, "resident", shown, [0])
    assert get(client, "far", shown)["result"]["questions"][0]["options"][0]["people"] == 1


def test_secret_ballots_cannot_be_joined_to_their_voters(app, client, voters):
    poll = open_poll(client, voters, secret=True)
    vote(client, "resident", poll, [0])
    vote(client, "far", poll, [1])
    with app.app_context():
        table = inspect(db.engine).get_columns("poll_ballots")
        foreign = inspect(db.engine).get_foreign_keys("poll_ballots")
        # Nothing on a ballot points at a voter or tells when it was cast …
        assert [fk["referred_table"] for fk in foreign] == ["polls"]
        assert not [c["name"] for c in table if "time" in str(c["type"]).lower() or c["name"].endswith("_at")]
        ballots = db.session.scalars(select(Ballot).where(Ballot.poll_id == poll["id"])).all()
        assert [b.voter_key for b in ballots] == [None, None]
        electors = db.session.scalars(select(PollElector).where(PollElector.poll_id == poll["id"])).all()
        # … and no ballot's key equals anything stored with a voter.
        stored = {str(v) for e in electors for v in (e.id, e.voter_key, e.household_id, e.user_id)}
        assert not {b.id for b in ballots} & stored
        assert all(e.voted_at is not None for e in electors)  # who voted is known
    close(app, client, poll)
    refused = client.get(f"{API}/polls/{poll['id']}/named-ballots", headers=login(client, "supervisor"))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "secret_poll"


def test_real_name_polls_show_supervisors_who_voted_what_after_the_close(app, client, voters):
    poll = open_poll(client, voters)
    vote(client, "resident", poll, [0])
    vote(client, "far", poll, [2])
    early = client.get(f"{API}/polls/{poll['id']}/named-ballots", headers=login(client, "supervisor"))
    assert early.status_code == 409
    close(app, client, poll)
    assert client.get(f"{API}/polls/{poll['id']}/named-ballots", headers=login(client, "staff")).status_code == 403
    named = client.get(f"{API}/polls/{poll['id']}/named-ballots", headers=login(client, "supervisor")).get_json()
    by_voter = {tuple(item["voters"]): list(item["choices"].values())[0] for item in named["items"]}
    assert by_voter == {("1幢1单元101（张秀英）",): [0], ("2幢201（李建国）",): [2]}


# ---- owners -----------------------------------------------------------------------------------------

def test_owners_poll_counts_one_owner_of_several_flats_once_and_the_developer_once(app, client, voters):
    with app.app_context():
        b1 = db.session.get(Building, voters["b1"])
        flats = [community.create_household(b1, room=room, floor_area=area, owner_ref=owner, developer_held=dev)
                 for room, area, owner, dev in [("201", 50, "王某", False), ("202", 50, "王某", False),
                                                ("301", 100, None, True), ("302", 100, None, True)]]
        community.add_member(flats[0], find_or_create_user("dev-wang"), is_head=True)
        community.add_member(flats[1], find_or_create_user("dev-wang-tenant"), is_head=True)
        db.session.commit()
    poll = open_poll(client, voters, name="committee", electorate="owners", rule="owners_ordinary")
    assert poll["voters"] == 4  # h1, h2, 王某, the developer
    assert vote(client, "wang", poll, [0]).status_code == 201
    second_flat = vote(client, "wang-tenant", poll, [1])
    assert second_flat.get_json()["error"]["code"] == "already_voted"  # the same owner
    assert vote(client, "resident", poll, [0]).status_code == 201
    assert vote(client, "far", poll, [1]).status_code == 201
    result = close(app, client, poll, name="supervisor")["result"]
    assert result["electorate"] == {"people": 4, "area": "440.00"}
    assert result["participants"] == {"people": 3, "area": "240.00"}  # 80 + 60 + 王某's 100
    thresholds = {t["name"]: (t["value"], t["of"], t["met"]) for t in result["questions"][0]["thresholds"]}
    assert thresholds == {
        "participation_area": ("240.00", "440.00", False),   # 240 < 2/3 × 440
        "participation_people": ("3", "4", True),
        "approval_area": ("180.00", "240.00", True),
        "approval_people": ("2", "3", True),
    }
    assert result["questions"][0]["passed"] is False
    # the board recounts by area for the supervisors; residents would see whose flat is whose
    board = client.get(f"{API}/polls/{poll['id']}/board", headers=login(client, "supervisor")).get_json()["items"]
    assert sorted((e["people"], e["area"], e["choices"][str(poll["questions"][0]["id"])]) for e in board) == [
        (1, "100.00", [0]), (1, "60.00", [1]), (1, "80.00", [0])]
    hidden = client.get(f"{API}/polls/{poll['id']}/board", headers=login(client, "resident"))
    assert hidden.status_code == 403 and "面积" in hidden.get_json()["error"]["message"]


def test_the_electorate_is_weighed_before_publishing_and_turnout_counted_by_building(app, client, voters):
    """A committee checks art. 278's thresholds against the electorate before it publishes, and
    watches turnout by building while the vote runs: counts only."""
    with app.app_context():
        b1 = db.session.get(Building, voters["b1"])
        for room, owner in (("201", "王某"), ("202", "王某")):
            community.create_household(b1, room=room, floor_area=50, owner_ref=owner)
        db.session.commit()
    draft = client.post(f"{API}/polls", json=poll_body(voters, electorate="owners", rule="owners_ordinary"),
                        headers=login(client, "committee")).get_json()
    url = f"{API}/polls/{draft['id']}"
    preview = client.get(f"{url}/electorate", headers=login(client, "committee")).get_json()
    assert preview == {"frozen": False, "voters": 3, "households": 4, "area": 240.0}  # 王某 counts once
    assert client.get(f"{url}/electorate", headers=login(client, "resident")).status_code == 404  # a draft is hidden
    client.post(f"{url}/publish", headers=login(client, "committee"))
    assert client.get(f"{url}/electorate", headers=login(client, "supervisor")).get_json()["frozen"] is True
    poll = get(client, "resident", draft)
    assert vote(client, "resident", poll, [0]).status_code == 201
    assert enter(client, "bhead", poll, voters["h2"]).status_code == 403  # not the building they head
    turnout = client.get(f"{url}/turnout", headers=login(client, "committee")).get_json()["items"]
    assert [(t["building_id"], t["electors"], t["voted"], t["paper_pending"]) for t in turnout] == [
        (voters["b1"], 3, 1, 0), (voters["b2"], 1, 0, 0)]
    assert turnout[0]["building_name"] == "海滨新村1幢"
    assert "choices" not in str(turnout)
    assert client.get(f"{url}/turnout", headers=login(client, "bhead")).status_code == 403


# ---- paper and proxy ballots --------------------------------------------------------------------------

def photo_id(client, name):
    response = client.post(f"{API}/photos", data={"file": (io.BytesIO(jpeg_with_gps()), "paper.jpg")},
                           content_type="multipart/form-data", headers=login(client, name))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def enter(client, name, poll, household_id, choice=0, **fields):
    body = {"household_id": household_id, "photo_id": photo_id(client, name),
            "answers": [{"question_id": poll["questions"][0]["id"], "choices": [choice]}], **fields}
    return client.post(f"{API}/polls/{poll['id']}/paper-ballots", json=body, headers=login(client, name))


def test_paper_ballot_counts_once_a_supervisor_confirms_it(app, client, voters):
    poll = open_poll(client, voters)
    assert get(client, "bhead", poll)["can_enter_paper"] is True
    assert get(client, "resident", poll)["can_enter_paper"] is False
    assert enter(client, "bhead", poll, voters["h2"]).status_code == 403  # not the building they head
    entered = enter(client, "bhead", poll, voters["h1"], choice=1)
    assert entered.status_code == 201
    paper = entered.get_json()
    assert paper["status"] == "pending" and paper["household"] == "1幢1单元101（张秀英）"
    assert paper["choices"] is None  # what was entered is for the supervisors
    phone = vote(client, "resident", poll, [0])
    assert phone.status_code == 409 and "纸质票" in phone.get_json()["error"]["message"]
    assert get(client, "resident", poll)["cannot_vote_reason"] == "纸质票等待监委会确认"
    assert get(client, "staff", poll)["voted"] == 0
    building = client.get(f"{API}/polls/{poll['id']}/electors?building_id={voters['b1']}&voted=false",
                          headers=login(client, "bhead")).get_json()["items"]
    assert [(e["household_id"], e["paper_pending"]) for e in building] == [(voters["h1"], True)]
    assert client.get(f"{API}/polls/{poll['id']}/electors?building_id={voters['b2']}",
                      headers=login(client, "bhead")).status_code == 403
    pending = client.get(f"{API}/polls/{poll['id']}/paper-ballots?status=pending",
                         headers=login(client, "supervisor")).get_json()["items"]
    assert [p["choices"] for p in pending] == [{str(poll["questions"][0]["id"]): [1]}]
    assert pending[0]["photo"]["url"].startswith("http://localhost/api/v1/photos/")
    assert client.post(f"{API}/polls/{poll['id']}/paper-ballots/{paper['id']}/confirm",
                       headers=login(client, "staff")).status_code == 403
    confirmed = client.post(f"{API}/polls/{poll['id']}/paper-ballots/{paper['id']}/confirm",
                            headers=login(client, "supervisor"))
    assert confirmed.get_json()["status"] == "confirmed" and confirmed.get_json()["reviewed_at"] is not None
    again = client.post(f"{API}/polls/{poll['id']}/paper-ballots/{paper['id']}/confirm", headers=login(client, "supervisor2"))
    assert again.status_code == 409
    assert get(client, "staff", poll)["voted"] == 1
    result = close(app, client, poll)["result"]
    assert [o["people"] for o in result["questions"][0]["options"]] == [0, 1, 0]
    actions = [(e["action_label"], e["household_id"]) for e in client.get(
        f"{API}/polls/{poll['id']}/events", headers=login(client, "supervisor")).get_json()["items"]]
    assert actions == [("创建", None), ("开始投票", None), ("录入纸质票", voters["h1"]),
                       ("确认纸质票", voters["h1"]), ("截止计票", None)]


def test_rejected_paper_ballot_leaves_the_household_free_to_vote(app, client, voters):
    poll = open_poll(client, voters)
    paper = enter(client, "bhead", poll, voters["h1"]).get_json()
    rejected = client.post(f"{API}/polls/{poll['id']}/paper-ballots/{paper['id']}/reject",
                           json={"reason": "照片上的签名与户主不符"}, headers=login(client, "supervisor"))
    assert rejected.get_json()["status"] == "rejected"
    assert vote(client, "resident", poll, [2]).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_supervisor_does_not_confirm_a_ballot_they_entered(app, client, voters):
    with app.app_context():
        community.grant_role(None, db.session.get(User, voters["supervisor"]), Role.BUILDING_HEAD,
                             voters["b1"])
        db.session.commit()
    poll = open_poll(client, voters)
    paper = enter(client, "supervisor", poll, voters["h1"]).get_json()
    own = client.post(f"{API}/polls/{poll['id']}/paper-ballots/{paper['id']}/confirm", headers=login(client, "supervisor"))
    assert own.status_code == 403 and own.get_json()["error"]["code"] == "own_entry"


def test_proxy_vote_needs_a_recorded_authorization(app, client, voters):
    poll = open_poll(client, voters)
    missing = enter(client, "bhead", poll, voters["h1"], via="proxy", proxy_name="张小明")
    assert missing.status_code == 422
    proxy = enter(client, "bhead", poll, voters["h1"], via="proxy", proxy_name="张小明",
                  authorization_text="户主张秀英委托其子张小明代为表决，2026年11月20日签字")
    assert proxy.status_code == 201 and proxy.get_json()["via"] == "proxy"
    events = client.get(f"{API}/polls/{poll['id']}/events", headers=login(client, "staff")).get_json()["items"]
    assert events[-1]["action"] == "proxy_entered" and "张小明" in events[-1]["note"]
    with app.app_context():
        assert db.session.scalar(select(PaperBallot.authorization_text)).startswith("户主张秀英委托")


# ---- close, 公示, objections, recount ------------------------------------------------------------------

@pytest.fixture
def rq_app(make_app, connection):  # noqa: F811 (connection is the fixture imported above)
    return make_app(JOBS_INLINE=False, REDIS_CLIENT=connection)


def test_the_scheduled_job_closes_counts_and_publishes(rq_app, places):
    client = rq_app.test_client()
    with rq_app.app_context():
        community.add_member(db.session.get(Household, places["h2"]), find_or_create_user("dev-far"), is_head=True)
        db.session.commit()
    poll = open_poll(client, places)
    with rq_app.app_context():
        assert queue.is_scheduled(f"poll-{poll['id']}-close")
        assert queue.is_scheduled(f"poll-{poll['id']}-reminder")
    vote(client, "resident", poll, [0])
    make_due(rq_app)  # the reminder, a day before the close
    work(rq_app)
    with rq_app.app_context():
        kinds = db.session.execute(select(Notification.user_id, Notification.kind)).all()
        far = find_or_create_user("dev-far").id
        assert (far, "poll_closing") in kinds  # has not voted
        assert (places["resident"], "poll_closing") not in kinds  # has
        db.session.execute(update(Poll).where(Poll.id == poll["id"]).values(opens_at=utcnow() - timedelta(days=3),
                                                                            closes_at=utcnow()))
        db.session.commit()
        queue.schedule(f"poll-{poll['id']}-close", utcnow(), service.close_due, poll["id"])
    work(rq_app)
    closed = get(client, "resident", poll)
    assert closed["status"] == "closed" and closed["result"]["questions"][0]["passed"] is True
    assert closed["objections_until"] is not None and closed["result_digest"]
    with rq_app.app_context():
        results = db.session.scalars(select(Notification.user_id).where(Notification.kind == "poll_result")).all()
        assert sorted(results) == sorted([places["resident"], far])
    receipt = client.get(f"{API}/polls/{poll['id']}/my-ballot", headers=login(client, "resident")).get_json()["receipt"]
    assert client.get(f"{API}/polls/{poll['id']}/receipts/{receipt}",
                      headers=login(client, "resident")).get_json()["in_result"] is True


def test_nobody_closes_a_poll_before_its_deadline(app, client, voters):
    poll = open_poll(client, voters)
    assert get(client, "staff", poll)["can_close"] is False
    early = client.post(f"{API}/polls/{poll['id']}/close", headers=login(client, "staff"))
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "poll_still_open"
    pass_deadline(app, poll)
    assert get(client, "staff", poll)["can_close"] is True and get(client, "resident", poll)["can_close"] is False
    assert client.post(f"{API}/polls/{poll['id']}/close", headers=login(client, "resident")).status_code == 403


def test_objection_during_the_publication_period_is_answered_by_a_supervisor(app, client, voters):
    poll = open_poll(client, voters, objection_days=7)
    vote(client, "resident", poll, [0])
    assert client.post(f"{API}/polls/{poll['id']}/objections", json={"text": "我家没收到通知"},
                       headers=login(client, "far")).status_code == 409  # not closed yet
    close(app, client, poll)
    assert get(client, "far", poll)["can_object"] is True and get(client, "staff", poll)["can_object"] is False
    lodged = client.post(f"{API}/polls/{poll['id']}/objections", json={"text": "我家没收到通知，投票时间太短"},
                         headers=login(client, "far"))
    assert lodged.status_code == 201 and lodged.get_json()["household"] is None  # who objected: overseers only
    assert client.post(f"{API}/polls/{poll['id']}/objections", json={"text": "外人也想反对"},
                       headers=login(client, "nobody")).status_code in (403, 404)
    objection_id = lodged.get_json()["id"]
    assert client.post(f"{API}/polls/{poll['id']}/objections/{objection_id}/answer", json={"answer": "已核实"},
                       headers=login(client, "resident")).status_code == 403
    answered = client.post(f"{API}/polls/{poll['id']}/objections/{objection_id}/answer",
                           json={"answer": "经核实，通知已于开票当日送达，投票期三天符合规定"},
                           headers=login(client, "supervisor"))
    assert answered.status_code == 200
    listed = client.get(f"{API}/polls/{poll['id']}/objections", headers=login(client, "supervisor")).get_json()
    assert listed["items"][0]["answer"].startswith("经核实") and listed["items"][0]["household"] == "2幢201（李建国）"
    with app.app_context():
        told = db.session.scalars(select(Notification.title).where(
            Notification.user_id == voters["far"], Notification.kind == "notice")).all()
        assert any(title.startswith("异议答复") for title in told)
        db.session.execute(update(Poll).where(Poll.id == poll["id"]).values(objections_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    late = client.post(f"{API}/polls/{poll['id']}/objections", json={"text": "还有意见"}, headers=login(client, "far"))
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "objection_period_over"


def test_recount_gives_the_same_figures_and_notices_tampering(app, client, voters):
    poll = open_poll(client, voters)
    vote(client, "resident", poll, [0])
    vote(client, "far", poll, [1])
    close(app, client, poll)
    assert client.post(f"{API}/polls/{poll['id']}/recount", headers=login(client, "staff")).status_code == 403
    recount = client.post(f"{API}/polls/{poll['id']}/recount", headers=login(client, "supervisor")).get_json()
    assert recount["matches"] is True and recount["recount_digest"] == recount["frozen_digest"]
    with app.app_context():  # someone edits a published ballot in the database after the close
        entry = db.session.scalars(select(BoardEntry).where(BoardEntry.poll_id == poll["id"])).first()
        entry.choices = {k: [2] for k in entry.choices}
        db.session.commit()
    tampered = client.post(f"{API}/polls/{poll['id']}/recount", headers=login(client, "supervisor")).get_json()
    assert tampered["matches"] is False
    events = client.get(f"{API}/polls/{poll['id']}/events", headers=login(client, "supervisor")).get_json()["items"]
    assert [e["note"][:5] for e in events if e["action"] == "recounted"] == ["结果一致", "结果不一致"]


def test_opening_tells_the_electorate_and_cancelling_stops_the_jobs(app, client, voters):
    poll = open_poll(client, voters)
    with app.app_context():
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "poll_opened")))
        assert told == {voters["resident"], voters["daughter"], voters["far"]}
        assert queue.is_scheduled(f"poll-{poll['id']}-close")
    cancelled = client.post(f"{API}/polls/{poll['id']}/cancel", json={"reason": "方案需要修改"}, headers=login(client, "staff"))
    assert cancelled.get_json()["status"] == "cancelled"
    with app.app_context():
        assert not queue.is_scheduled(f"poll-{poll['id']}-close")
    assert vote(client, "resident", poll, [0]).get_json()["error"]["code"] == "poll_not_open"


def test_a_poll_opening_later_freezes_its_electorate_then(app, client, voters):
    created = client.post(f"{API}/polls", json=poll_body(voters, opens_at=(utcnow() + timedelta(days=1)).isoformat()),
                          headers=login(client, "staff")).get_json()
    scheduled = client.post(f"{API}/polls/{created['id']}/publish", headers=login(client, "staff")).get_json()
    assert scheduled["status"] == "scheduled" and scheduled["voters"] == 0
    with app.app_context():
        assert queue.is_scheduled(f"poll-{created['id']}-open")
        assert service.open_scheduled(created["id"]) is True  # the job, when it runs
    assert get(client, "staff", created)["status"] == "open" and get(client, "staff", created)["voters"] == 2


# ---- lists ---------------------------------------------------------------------------------------------

def test_my_polls_and_the_community_list(client, voters):
    open_poll(client, voters)
    draft = client.post(f"{API}/polls", json=poll_body(voters, title="草稿表决"), headers=login(client, "staff")).get_json()
    mine = client.get(f"{API}/polls/mine", headers=login(client, "resident")).get_json()["items"]
    assert [p["title"] for p in mine] == ["是否加装小区围墙"] and mine[0]["can_vote"] is True
    assert client.get(f"{API}/polls/{draft['id']}", headers=login(client, "resident")).status_code == 404
    listed = client.get(f"{API}/communities/{voters['community']}/polls", headers=login(client, "staff")).get_json()
    assert [p["status"] for p in listed["items"]] == ["draft", "open"]
    assert client.get(f"{API}/polls/mine", headers=login(client, "other-staff")).get_json()["items"] == []


def test_my_polls_cost_the_same_statements_for_many_polls(app, client, voters):
    headers = login(client, "resident")
    open_poll(client, voters)
    with counting_statements(app) as few:
        client.get(f"{API}/polls/mine", headers=headers)
    for n in range(5):
        open_poll(client, voters, title=f"第{n}个表决")
    with counting_statements(app) as many:
        assert len(client.get(f"{API}/polls/mine", headers=headers).get_json()["items"]) == 6
    assert len(many) == len(few)


# ---- one household, many taps --------------------------------------------------------------------------

@pytest.mark.parametrize("secret", [False, True])
def test_two_hundred_concurrent_attempts_from_one_household_store_one_ballot(app, voters, free_port, secret):
    """A real threaded server; 200 requests at once from one household's phone — half of them
    retries of one request (same Idempotency-Key), half fresh taps."""
    client = app.test_client()
    poll = open_poll(client, voters, secret=secret)
    headers = login(client, "resident")
    server = make_server("127.0.0.1", free_port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{free_port}{API}/polls/{poll['id']}/ballots"
    body = {"answers": [{"question_id": poll["questions"][0]["id"], "choices": [0]}]}
    start = threading.Barrier(200)

    def attempt(n):
        start.wait()
        key = {"Idempotency-Key": "the-tap"} if n % 2 else {"Idempotency-Key": f"tap-{n}"}
        response = requests.post(url, json=body, headers={**headers, **key}, timeout=120)
        return response.status_code, response.json(), response.headers.get("Idempotent-Replayed")

    try:
        with ThreadPoolExecutor(max_workers=200) as pool:
            results = list(pool.map(attempt, range(200)))
    finally:
        server.shutdown()
    created = [r for r in results if r[0] == 201 and not r[2]]
    replays = [r for r in results if r[0] == 201 and r[2]]
    refusals = [r for r in results if r[0] == 409]
    assert len(created) == 1
    assert len(created) + len(replays) + len(refusals) == 200
    assert {r[1]["error"]["code"] for r in refusals} <= {"already_voted", "request_in_progress"}
    assert {r[1]["receipt"] for r in replays} <= {created[0][1]["receipt"]}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.poll_id == poll["id"])) == 1
    assert get(client, "staff", poll)["voted"] == 1


# ---- links from matters and meetings ---------------------------------------------------------------------

def test_a_meeting_decision_opens_the_poll_on_its_agenda_and_the_matter_lists_it(app, client, voters):
    matter = client.post(f"{API}/matters", json={"title": "小区没有围墙，外来车辆乱停", "category": "other"},
                         headers=login(client, "resident")).get_json()
    draft = client.post(f"{API}/polls", json=poll_body(voters, matter_id=matter["id"]),
                        headers=login(client, "staff")).get_json()
    meeting_body = {"community_id": voters["community"], "kind": "courtyard", "stage": "decision",
                    "title": "围墙议事决策会", "place": "海滨新村院坝", "starts_at": (utcnow() + timedelta(days=1)).isoformat(),
                    "scope_kind": "community", "scope_ids": [voters["community"]]}
    foreign = client.post(f"{API}/meetings", json={**meeting_body, "agenda": [{"text": "围墙", "poll_ids": [draft["id"] + 99]}]},
                          headers=login(client, "staff"))
    assert foreign.status_code == 422
    meeting = client.post(f"{API}/meetings", json={**meeting_body, "agenda": [{"text": "围墙", "poll_ids": [draft["id"]]}]},
                          headers=login(client, "staff")).get_json()
    assert meeting["agenda"][0]["poll_ids"] == [draft["id"]]
    client.post(f"{API}/meetings/{meeting['id']}/publish", headers=login(client, "staff"))
    with app.app_context():
        db.session.get(Meeting, meeting["id"]).starts_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    recorded = client.post(f"{API}/meetings/{meeting['id']}/minutes", headers=login(client, "staff"), json={
        "minutes": "议定围墙方案交全体住户一户一票表决。",
        "decisions": [{"text": "围墙方案交住户表决", "poll_id": draft["id"]}]})
    assert recorded.status_code == 200, recorded.get_json()
    assert recorded.get_json()["decisions"][0]["poll_id"] == draft["id"]
    assert get(client, "resident", draft)["status"] == "open"
    linked = client.get(f"{API}/matters/{matter['id']}", headers=login(client, "resident")).get_json()["polls"]
    assert linked == [{"id": draft["id"], "title": "是否加装小区围墙", "status": "open"}]
