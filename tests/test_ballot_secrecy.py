"""Secret ballots against an insider (tests/insider.py): after a realistic vote — 36 households,
30 voting at once from their phones (some retrying, some changing their vote) and 6 by paper
ballots that a building head enters and a supervisor confirms — no attack on the database or
the logs, during the vote or after the close, ties a ballot to its household better than
chance. On PostgreSQL (CI's second pass) the attacks include xmin and ctid."""
import hashlib
import io
import json
import logging
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from cryptography.exceptions import InvalidTag
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.auth.models import User
from app.auth.service import find_or_create_user
from app.community import service as community
from app.community.models import Household, Role
from app.extensions import db
from app.idempotency import IdempotencyRecord
from app.matters.models import MatterPhoto
from app.polls.models import Ballot
from app.sealing import derive, unseal
from tests.conftest import login
from tests.insider import Insider, read_everything
from tests.factories import jpeg_with_gps, pass_deadline, poll_body

API = "/api/v1"
HOUSEHOLDS = 36
PAPER = range(30, 36)      # entered on paper by the building head
CHANGERS = range(6, 12)    # vote, then change their vote
RETRIERS = range(0, 6)     # the phone sends the same ballot twice (same Idempotency-Key)
# Nine possible ballots, four households each: a blind guess is right for 1 in 9. An attack
# that does better than this share is a link, not luck (a random pairing exceeds it with a
# probability below one in a million).
AT_MOST_RIGHT = 0.35


@pytest.fixture
def estate(app):
    """One building of 36 households, each with its head signed up; a building head and two
    supervisors."""
    with app.app_context():
        estate = community.create_community("双龙社区", "渝北区", "双龙湖街道")
        building = community.add_building(community.add_courtyard(community.add_grid(estate, "一网格"), "锦苑"), "3幢")
        ids = {"community": estate.id, "building": building.id, "households": []}
        for n in range(HOUSEHOLDS):
            household = community.create_household(building, unit="1单元", room=f"{n + 101}", floor_area=70)
            community.add_member(household, find_or_create_user(f"dev-h{n}"), is_head=True)
            ids["households"].append(household.id)
        for name, role, scope in (("staff", Role.STAFF, estate.id), ("bhead", Role.BUILDING_HEAD, building.id),
                                  ("supervisor", Role.SUPERVISOR, estate.id)):
            community.grant_role(None, find_or_create_user(f"dev-{name}"), role, scope)
        db.session.commit()
    return ids


def ballot(poll, n, changed=False):
    """What household n votes: two questions of three options each."""
    first, second = poll["questions"]
    return {str(first["id"]): [(n + changed) % 3], str(second["id"]): [(n // 3) % 3]}


def answers(choices):
    return [{"question_id": int(question_id), "choices": picks} for question_id, picks in choices.items()]


@pytest.fixture
def secret_vote(app, estate, free_port, caplog):
    """The vote, over a real threaded server. Returns (poll, {household id: final choices})."""
    client = app.test_client()
    body = poll_body(estate, secret=True, allow_change=True, scope_kind="buildings", scope_ids=[estate["building"]],
                     questions=[{"text": "是否同意更换电梯", "kind": "yes_no"},
                                {"text": "电梯款式", "kind": "single", "options": ["甲", "乙", "丙"]}])
    created = client.post(f"{API}/polls", json=body, headers=login(client, "staff")).get_json()
    poll = client.post(f"{API}/polls/{created['id']}/publish", headers=login(client, "staff")).get_json()
    assert poll["status"] == "open", poll
    heads = [login(client, f"h{n}") for n in range(HOUSEHOLDS)]
    server = make_server("127.0.0.1", free_port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{free_port}{API}"
    base = f"{root}/polls/{poll['id']}"
    truth = {}

    def cast(n, changed=False):
        choices = ballot(poll, n, changed)
        headers = {**heads[n], "Idempotency-Key": f"ballot-{n}-{int(changed)}-{poll['id']}"}
        for _attempt in range(2 if n in RETRIERS else 1):
            response = requests.post(f"{base}/ballots", json={"answers": answers(choices)}, headers=headers, timeout=60)
            assert response.status_code == 201, response.text
        truth[estate["households"][n]] = choices
        return response.json()["receipt"]

    caplog.set_level(logging.INFO)
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            receipts = list(pool.map(cast, range(30)))
            list(pool.map(lambda n: cast(n, changed=True), CHANGERS))
        for n in (1, 7, 13):  # a few voters check their receipt
            assert requests.get(f"{base}/receipts/{receipts[n]}", headers=heads[n], timeout=60).status_code == 200
        bhead, supervisor = login(client, "bhead"), login(client, "supervisor")
        for n in PAPER:
            photo = requests.post(f"{root}/photos", headers=bhead, timeout=60,
                                  files={"file": ("paper.jpg", io.BytesIO(jpeg_with_gps()), "image/jpeg")}).json()
            choices = ballot(poll, n)
            entered = requests.post(f"{base}/paper-ballots", headers=bhead, timeout=60, json={
                "household_id": estate["households"][n], "photo_id": photo["id"], "answers": answers(choices)})
            assert entered.status_code == 201, entered.text
            confirmed = requests.post(f"{base}/paper-ballots/{entered.json()['id']}/confirm", headers=supervisor,
                                      timeout=60)
            assert confirmed.status_code == 200, confirmed.text
            truth[estate["households"][n]] = choices
    finally:
        server.shutdown()
    return poll, truth


def insider(app, poll, caplog, with_keys=False):
    with app.app_context(), db.engine.connect() as connection:
        tables = read_everything(connection)
        return Insider(tables, poll["id"], logs=caplog.text, opener=opener(app, poll) if with_keys else None)


def opener(app, poll):
    """The server's keys in the insider's hands: open anything sealed for this poll's ballots."""
    with app.app_context():
        key = derive(f"ballot-seal:{poll['id']}")

    def open_sealed(row, value):
        if not isinstance(value, str) or not isinstance(row.get("id"), str):
            return None
        try:
            return unseal(key, value, row["id"].encode()).decode()
        except (ValueError, InvalidTag):
            return None
    return open_sealed


def right(guesses, truth):
    return sum(guesses.get(household) == choices for household, choices in truth.items())


def assert_no_better_than_chance(spy, truth):
    broken = [f"{name}: {tied} of {len(truth)} ballots tied to their household"
              for name, guesses in spy.attacks().items() if (tied := right(guesses, truth)) > AT_MOST_RIGHT * len(truth)]
    assert not broken, "\n".join(broken)
    assert spy.codes_in_logs() == set()  # a code kept beside the choices, next to the client's address


def test_an_insider_cannot_tie_secret_ballots_to_households_during_the_vote(app, secret_vote, caplog):
    poll, truth = secret_vote
    assert len(truth) == HOUSEHOLDS
    spy = insider(app, poll, caplog)
    assert_no_better_than_chance(spy, truth)
    # README's threat model: the operator who also holds SECRET_KEY ties the ballots to their
    # households while the poll is open (the server opens them to show, change and count them) …
    keyed = insider(app, poll, caplog, with_keys=True)
    assert max(right(guesses, truth) for guesses in keyed.attacks().values()) > AT_MOST_RIGHT * len(truth)


def test_an_insider_cannot_tie_secret_ballots_to_households_after_the_close(app, secret_vote, caplog):
    poll, truth = secret_vote
    client = app.test_client()
    pass_deadline(app, poll)
    closed = client.post(f"{API}/polls/{poll['id']}/close", headers=login(client, "staff")).get_json()
    result = closed["result"]
    assert result["ballots"] == HOUSEHOLDS
    for position, question in enumerate(closed["questions"]):
        counted = [option["people"] for option in result["questions"][position]["options"]]
        sent = [sum(choices[str(question["id"])] == [option] for choices in truth.values()) for option in range(3)]
        assert counted == sent
    recount = client.post(f"{API}/polls/{poll['id']}/recount", headers=login(client, "supervisor")).get_json()
    assert recount["matches"] is True
    spy = insider(app, poll, caplog)
    assert_no_better_than_chance(spy, truth)
    # … but once the poll is closed, even with the key, the live database ties nothing
    assert_no_better_than_chance(insider(app, poll, caplog, with_keys=True), truth)


# ---- what voters, households and supervisors see ------------------------------------------------------

def open_secret_poll(client, estate, **fields):
    body = poll_body(estate, secret=True, allow_change=True, scope_kind="buildings", scope_ids=[estate["building"]],
                     **fields)
    created = client.post(f"{API}/polls", json=body, headers=login(client, "staff"))
    assert created.status_code == 201, created.get_json()
    return client.post(f"{API}/polls/{created.get_json()['id']}/publish", headers=login(client, "staff")).get_json()


def cast(client, name, poll, *picks, key=None):
    body = {"answers": [{"question_id": q["id"], "choices": list(p)} for q, p in zip(poll["questions"], picks)]}
    headers = {**login(client, name), **({"Idempotency-Key": key} if key else {})}
    return client.post(f"{API}/polls/{poll['id']}/ballots", json=body, headers=headers)


def close_poll(app, client, poll):
    pass_deadline(app, poll)
    closed = client.post(f"{API}/polls/{poll['id']}/close", headers=login(client, "staff"))
    assert closed.status_code == 200, closed.get_json()
    return closed.get_json()


def read_board(client, poll, name, limit=100):
    items, cursor = [], None
    while True:
        page = client.get(f"{API}/polls/{poll['id']}/board", query_string={"limit": limit, **(
            {"cursor": cursor} if cursor else {})}, headers=login(client, name)).get_json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items, page["ballots_digest"]


def test_a_receipt_proves_the_vote_and_the_tracker_finds_the_ballot_on_the_board(app, client, estate):
    poll = open_secret_poll(client, estate)
    votes = {n: cast(client, f"h{n}", poll, [n % 3]).get_json() for n in range(7)}
    mine = votes[0]
    assert mine["choices"] == {str(poll["questions"][0]["id"]): [0]} and mine["tracker"] != mine["receipt"]
    check = client.get(f"{API}/polls/{poll['id']}/receipts/{mine['receipt']}", headers=login(client, "h5")).get_json()
    assert check == {"receipt": mine["receipt"], "via": "phone", "status": "counted", "counted": True,
                     "in_result": False}  # shown to a neighbour, it proves the vote, not the choice
    early = client.get(f"{API}/polls/{poll['id']}/board", headers=login(client, "h0"))
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "poll_not_closed"

    closed = close_poll(app, client, poll)
    board, digest = read_board(client, poll, "h3", limit=2)  # any elector, page by page
    assert len(board) == 7 and [e["tracker"] for e in board] == sorted(e["tracker"] for e in board)
    assert {e["tracker"]: e["choices"] for e in board} == {v["tracker"]: v["choices"] for v in votes.values()}
    assert not {v["receipt"] for v in votes.values()} & {e["tracker"] for e in board}
    # anyone recounts from the board: the figures and the digest of the frozen result
    counted = [sum(e["choices"][str(poll["questions"][0]["id"])] == [option] for e in board) for option in range(3)]
    assert counted == [o["people"] for o in closed["result"]["questions"][0]["options"]] == [3, 2, 2]
    lines = sorted(f"{e['tracker']}:{json.dumps(e['choices'], sort_keys=True)}" for e in board)
    assert hashlib.sha256("\n".join(lines).encode()).hexdigest() == digest == closed["result"]["ballots_digest"]
    # the server has let go of what it held for the voter; the phone keeps receipt and tracker
    after = client.get(f"{API}/polls/{poll['id']}/my-ballot", headers=login(client, "h0")).get_json()
    assert after == {"receipt": mine["receipt"], "tracker": None, "choices": None, "via": "phone", "status": "counted"}
    check = client.get(f"{API}/polls/{poll['id']}/receipts/{mine['receipt']}", headers=login(client, "h5")).get_json()
    assert check["in_result"] is True and "choices" not in check


def test_in_a_secret_poll_only_the_member_who_cast_the_ballot_sees_its_choice(app, client, estate):
    with app.app_context():
        household = db.session.get(Household, estate["households"][0])
        community.add_member(household, find_or_create_user("dev-daughter"))
        db.session.commit()
    poll = open_secret_poll(client, estate)
    assert cast(client, "h0", poll, [1]).status_code == 201
    daughter = client.get(f"{API}/polls/{poll['id']}", headers=login(client, "daughter")).get_json()
    assert daughter["household_voted"] is True
    assert daughter["my_ballot"]["choices"] is None and daughter["my_ballot"]["tracker"] is None
    head = client.get(f"{API}/polls/{poll['id']}/my-ballot", headers=login(client, "h0")).get_json()
    assert head["choices"] == {str(poll["questions"][0]["id"]): [1]} and head["tracker"]
    # the head hands the household's vote to the daughter, who changes it: now only she sees it
    with app.app_context():
        daughter_id = db.session.scalar(select(User.id).filter_by(openid="dev-daughter"))
    client.put(f"{API}/households/{estate['households'][0]}/voter", json={"user_id": daughter_id},
               headers=login(client, "h0"))
    changed = cast(client, "daughter", poll, [2]).get_json()
    assert changed["changed"] is True and changed["receipt"] == head["receipt"] and changed["tracker"] == head["tracker"]
    assert client.get(f"{API}/polls/{poll['id']}/my-ballot", headers=login(client, "h0")).get_json()["choices"] is None
    assert client.get(f"{API}/polls/{poll['id']}", headers=login(client, "daughter")).get_json()["my_ballot"][
        "choices"] == {str(poll["questions"][0]["id"]): [2]}


def test_a_secret_ballot_replays_from_a_record_that_only_the_retry_opens(app, client, estate):
    poll = open_secret_poll(client, estate)
    first = cast(client, "h0", poll, [1], key="tap-once")
    replay = cast(client, "h0", poll, [1], key="tap-once")
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.get_json() == first.get_json()
    assert cast(client, "h0", poll, [2], key="tap-once").status_code == 422  # same key, other ballot
    with app.app_context():
        record = db.session.scalar(select(IdempotencyRecord))
        ballot = db.session.scalar(select(Ballot))
    stored = " ".join(str(value) for value in (record.key, record.request_hash, record.response_body))
    assert "tap-once" not in stored
    assert first.get_json()["receipt"] not in stored and first.get_json()["tracker"] not in stored
    assert ballot.choices is None and ballot.tracker is None and first.get_json()["tracker"] not in ballot.sealed


def test_sealed_ballots_are_the_same_length_whatever_they_say(app, client, estate):
    poll = open_secret_poll(client, estate, questions=[
        {"text": "增设哪些设施", "kind": "multiple", "options": ["座椅", "路灯", "快递柜", "充电桩"], "max_choices": 4}])
    for n, picks in enumerate(([], [0], [0, 1, 2, 3])):
        assert cast(client, f"h{n}", poll, picks).status_code == 201
    with app.app_context():
        assert len({len(sealed) for sealed in db.session.scalars(select(Ballot.sealed))}) == 1


def test_a_secret_poll_shows_no_running_tally(client, estate):
    refused = client.post(f"{API}/polls", headers=login(client, "staff"), json=poll_body(
        estate, secret=True, show_tally=True, scope_kind="buildings", scope_ids=[estate["building"]]))
    assert refused.status_code == 422 and "show_tally" in refused.get_json()["error"]["details"]["fields"]


def test_a_secret_polls_paper_ballot_photo_is_destroyed_once_a_supervisor_decides(app, client, estate, tmp_path):
    poll = open_secret_poll(client, estate)
    bhead, supervisor = login(client, "bhead"), login(client, "supervisor")
    papers = []
    for n in (34, 35):
        photo = client.post(f"{API}/photos", data={"file": (io.BytesIO(jpeg_with_gps()), "paper.jpg")},
                            content_type="multipart/form-data", headers=bhead).get_json()
        entered = client.post(f"{API}/polls/{poll['id']}/paper-ballots", headers=bhead, json={
            "household_id": estate["households"][n], "photo_id": photo["id"],
            "answers": [{"question_id": poll["questions"][0]["id"], "choices": [1]}]})
        assert entered.status_code == 201, entered.get_json()
        papers.append(entered.get_json()["id"])
    files = sorted(path.name for path in (tmp_path / "media").rglob("*.*"))
    assert len(files) == 4  # two photos and their thumbnails
    pending = client.get(f"{API}/polls/{poll['id']}/paper-ballots?status=pending", headers=supervisor).get_json()
    assert [p["choices"] for p in pending["items"]] == [{str(poll["questions"][0]["id"]): [1]}] * 2
    assert all(p["photo"] for p in pending["items"])  # the supervisor compares the photo with the entry
    confirmed = client.post(f"{API}/polls/{poll['id']}/paper-ballots/{papers[0]}/confirm", headers=supervisor)
    rejected = client.post(f"{API}/polls/{poll['id']}/paper-ballots/{papers[1]}/reject", headers=supervisor,
                           json={"reason": "照片上的勾选看不清"})
    assert confirmed.get_json()["photo"] is None and confirmed.get_json()["choices"] is None
    assert rejected.get_json()["photo"] is None
    assert list((tmp_path / "media").rglob("*.*")) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MatterPhoto)) == 0
    listed = client.get(f"{API}/polls/{poll['id']}/paper-ballots", headers=supervisor).get_json()["items"]
    assert [(p["status"], p["photo"], p["choices"]) for p in listed] == [("confirmed", None, None),
                                                                        ("rejected", None, None)]


def test_receipts_and_trackers_are_unguessable_codes_of_the_readable_alphabet():
    """Each character of a code is one of 32 equally likely (50 bits in all): no character is
    favoured at any position, so a code can be neither guessed nor told from another's."""
    from app.polls.secrecy import CODE_ALPHABET, CODE_LENGTH, new_code

    codes = [new_code() for _ in range(20_000)]
    assert len(set(codes)) == len(codes)
    expected = len(codes) / len(CODE_ALPHABET)  # 625 per character and position
    for position in range(CODE_LENGTH):
        seen = Counter(code[position] for code in codes)
        assert set(seen) == set(CODE_ALPHABET)
        # ±6 standard deviations (about 24.6): a fair draw falls outside once in 10^8 runs
        assert all(abs(count - expected) < 150 for count in seen.values()), (position, seen)
