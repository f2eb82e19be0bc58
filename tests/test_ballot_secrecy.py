"""Secret ballots against an insider (tests/insider.py): after a realistic vote — 36 households,
30 voting at once from their phones (some retrying, some changing their vote) and 6 by paper
ballots that a building head enters and a supervisor confirms — no attack on the database or
the logs, during the vote or after the close, ties a ballot to its household better than
chance. On PostgreSQL (CI's second pass) the attacks include xmin and ctid."""
import io
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from werkzeug.serving import make_server

from app.auth.service import find_or_create_user
from app.community import service as community
from app.community.models import Role
from app.extensions import db
from tests.conftest import login
from tests.insider import Insider, read_everything
from tests.test_matters import jpeg_with_gps
from tests.test_polls import pass_deadline, poll_body

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


def insider(app, poll, caplog):
    with app.app_context(), db.engine.connect() as connection:
        return Insider(read_everything(connection), poll["id"], logs=caplog.text)


def assert_no_better_than_chance(spy, truth):
    broken = [f"{name}: {right} of {len(truth)} ballots tied to their household"
              for name, guesses in spy.attacks().items()
              if (right := sum(guesses.get(h) == choices for h, choices in truth.items())) > AT_MOST_RIGHT * len(truth)]
    assert not broken, "\n".join(broken)
    assert spy.codes_in_logs() == set()  # a code kept beside the choices, next to the client's address


def test_an_insider_cannot_tie_secret_ballots_to_households_during_the_vote(app, secret_vote, caplog):
    poll, truth = secret_vote
    assert len(truth) == HOUSEHOLDS
    spy = insider(app, poll, caplog)
    assert_no_better_than_chance(spy, truth)


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
