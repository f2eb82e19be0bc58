"""代办 (issue 20): building heads, grid workers and staff do every resident act for a household
they look after — report with photos, evaluate, answer a meeting, be signed in, a paper ballot —
each marked as done for it (who, as what) where the household sees it and in the audit log, and
refused with a clear 403 outside their building or grid (app/community/acting.py)."""
import io
from datetime import timedelta

import pytest

from app.auth.service import find_or_create_user
from app.community import service as community
from app.community.models import Role
from app.extensions import db
from app.models_base import utcnow
from tests.conftest import login
from tests.factories import jpeg_with_gps, poll_body

API = "/api/v1"


@pytest.fixture
def world(app, client, places):
    """places, with a grid worker of the other grid, and names for those who act (a label says who)."""
    with app.app_context():
        community.grant_role(None, find_or_create_user("dev-gridworker2"), Role.GRID_WORKER, places["grid2"])
        db.session.commit()
    for name, shown in (("bhead", "王楼长"), ("gridworker", "李网格"), ("staff", "赵干部")):
        assert client.patch(f"{API}/me", json={"name": shown}, headers=login(client, name)).status_code == 200
    return places


def post(client, name, path, body=None):
    return client.post(f"{API}{path}", json=body if body is not None else {}, headers=login(client, name))


def get(client, name, path, **query):
    return client.get(f"{API}{path}", query_string=query, headers=login(client, name))


def photo(client, name):
    response = client.post(f"{API}/photos", data={"file": (io.BytesIO(jpeg_with_gps()), "p.jpg")},
                           content_type="multipart/form-data", headers=login(client, name))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def audit(client, world, action):
    entries = get(client, "staff", f"/communities/{world['community']}/audit-entries", action=action).get_json()
    return entries["items"]


def unsigned(matter):
    """The matter with its photo links' signatures dropped: each signature carries the second it was made."""
    return {**matter, "photos": [{**picture, **{link: picture[link].partition("?sig=")[0]
                                               for link in ("url", "thumbnail_url")}}
                                 for picture in matter["photos"]]}


def ok(response):
    assert response.status_code < 300, response.get_json()
    return True


def refused(response, code="not_acting_for_household"):
    body = response.get_json()
    assert response.status_code == 403 and body["error"]["code"] == code, body
    return body["error"]["message"]


def test_a_building_head_reports_for_a_household_of_their_building_with_photos(client, world):
    picture = photo(client, "bhead")
    recorded = post(client, "bhead", "/matters", {"title": "楼道扶手松动", "category": "facility_repair",
                                                   "on_behalf_of_household_id": world["h1"], "photo_ids": [picture]})
    assert recorded.status_code == 201, recorded.get_json()
    matter = recorded.get_json()
    assert matter["on_behalf"] is True and [p["id"] for p in matter["photos"]] == [picture]
    # the answer, built from the rows as written, is what reading the matter gives
    assert unsigned(get(client, "bhead", f"/matters/{matter['id']}").get_json()) == unsigned(matter)

    # the household sees it as its own, with who recorded it for them
    seen = get(client, "resident", f"/matters/{matter['id']}").get_json()
    assert seen["timeline"][0]["on_behalf_label"] == "由王楼长（楼栋长）代办"
    assert seen["timeline"][0]["data"]["acting"]["as"] == "building_head"
    assert [p["id"] for p in seen["photos"]] == [picture]
    assert matter["id"] in [m["id"] for m in get(client, "resident", "/matters/mine").get_json()["items"]]
    # the supervisors see it in the audit log: who, for which household, as what
    [entry] = audit(client, world, "matter.recorded_for")
    assert (entry["actor_id"], entry["household_id"], entry["details"]["acting"]["as"]) == \
        (world["bhead"], world["h1"], "building_head")

    another = {"title": "楼道扶手松动", "category": "facility_repair", "on_behalf_of_household_id": world["h2"]}
    assert "不在您负责的楼栋或网格内" in refused(post(client, "bhead", "/matters", another))
    refused(post(client, "gridworker", "/matters", another))
    refused(post(client, "other-staff", "/matters", {**another, "on_behalf_of_household_id": world["h1"]}))
    assert post(client, "staff", "/matters", another).status_code == 201  # staff, anywhere in their community
    assert post(client, "gridworker2", "/matters", another).status_code == 201
    refused(post(client, "resident", "/matters", {**another, "on_behalf_of_household_id": world["h1"]}),
            "own_household")
    missing = post(client, "bhead", "/matters", {**another, "on_behalf_of_household_id": 999999})
    assert missing.status_code == 422 and "代办的住户" in missing.get_json()["error"]["message"]


def resolved_matter(client, world):
    mid = post(client, "resident", "/matters", {"title": "单元门口路灯坏了", "category": "street_lamp"}).get_json()["id"]
    assert ok(post(client, "council", f"/matters/{mid}/classify", {"matter_class": "minor", "reason": "公共照明"}))
    assert ok(post(client, "staff", f"/matters/{mid}/assign", {"handler_type": "committee"}))
    assert ok(post(client, "staff", f"/matters/{mid}/resolve", {"note": "已更换灯泡"}))
    return mid


def test_a_grid_worker_evaluates_for_the_household_naming_it(client, world):
    mid = resolved_matter(client, world)
    view = get(client, "gridworker", f"/matters/{mid}").get_json()
    assert (view["can"]["evaluate"], view["can"]["evaluate_for"]) == (False, True)
    assert post(client, "gridworker", f"/matters/{mid}/evaluate", {"satisfaction": 5}).status_code == 403
    wrong = post(client, "gridworker", f"/matters/{mid}/evaluate",
                 {"satisfaction": 5, "on_behalf_of_household_id": world["h2"]})
    assert wrong.status_code == 422
    refused(post(client, "gridworker2", f"/matters/{mid}/evaluate",
                 {"satisfaction": 5, "on_behalf_of_household_id": world["h1"]}))
    assert get(client, "resident", f"/matters/{mid}").get_json()["can"]["evaluate_for"] is False

    rated = post(client, "gridworker", f"/matters/{mid}/evaluate",
                 {"satisfaction": 4, "comment": "张婆婆说亮了", "on_behalf_of_household_id": world["h1"]})
    assert rated.status_code == 200, rated.get_json()
    line = get(client, "resident", f"/matters/{mid}").get_json()["timeline"][-1]
    assert line["note"] == "（代为评议）张婆婆说亮了" and line["on_behalf_label"] == "由李网格（网格员）代办"
    assert line["data"]["on_behalf"] is True and line["data"]["satisfaction"] == 4
    [entry] = audit(client, world, "matter.evaluated_for")
    assert (entry["actor_id"], entry["household_id"], entry["details"]["acting"]["as"]) == \
        (world["grid_worker"], world["h1"], "grid_worker")


def community_meeting(client, world, **fields):
    body = {"community_id": world["community"], "kind": "courtyard", "title": "院坝会：加装路灯", "place": "院坝",
            "starts_at": (utcnow() + timedelta(days=2)).isoformat(), "scope_kind": "community",
            "scope_ids": [world["community"]], **fields}
    mid = post(client, "staff", "/meetings", body).get_json()["id"]
    assert post(client, "staff", f"/meetings/{mid}/publish").status_code == 200
    return mid


def test_a_building_head_answers_and_signs_in_a_household_and_the_household_sees_who(client, world):
    mid = community_meeting(client, world)
    view = get(client, "bhead", f"/meetings/{mid}").get_json()
    assert view["can"]["reply_for"] is True and view["can"]["check_in_by_hand"] is True
    assert [i["household_id"] for i in get(client, "bhead", f"/meetings/{mid}/invitations").get_json()["items"]] \
        == [world["h1"]]  # only the households of their building
    assert get(client, "resident", f"/meetings/{mid}/invitations").status_code == 403

    answered = post(client, "bhead", f"/meetings/{mid}/reply",
                    {"reply": "attend", "people": 1, "on_behalf_of_household_id": world["h1"]})
    assert answered.status_code == 200, answered.get_json()
    assert answered.get_json()["my_reply"] is None  # the building head's own household is not h1
    mine = get(client, "resident", f"/meetings/{mid}").get_json()
    assert (mine["my_reply"], mine["my_reply_on_behalf"]) == ("attend", "由王楼长（楼栋长）代办")
    refused(post(client, "bhead", f"/meetings/{mid}/reply", {"reply": "attend", "on_behalf_of_household_id": world["h2"]}))
    refused(post(client, "gridworker", f"/meetings/{mid}/reply",
                 {"reply": "decline", "on_behalf_of_household_id": world["h2"]}))
    refused(post(client, "resident", f"/meetings/{mid}/reply",
                 {"reply": "decline", "on_behalf_of_household_id": world["h1"]}), "own_household")
    assert post(client, "staff", f"/meetings/{mid}/reply",
                {"reply": "decline", "on_behalf_of_household_id": world["h2"]}).status_code == 200
    [entry, _staff] = audit(client, world, "meeting.reply_for")
    assert (entry["actor_id"], entry["household_id"], entry["details"]["acting"]["as"], entry["details"]["reply"]) == \
        (world["bhead"], world["h1"], "building_head", "attend")

    # signed in by hand although it has replied; by whoever looks after it, not the organiser only
    signed = post(client, "bhead", f"/meetings/{mid}/manual-checkins", {"household_id": world["h1"]})
    assert signed.status_code == 200, signed.get_json()
    mine = get(client, "resident", f"/meetings/{mid}").get_json()
    assert mine["present"] is True and mine["present_on_behalf"] == "由王楼长（楼栋长）代办"
    [listed] = get(client, "bhead", f"/meetings/{mid}/invitations").get_json()["items"]
    assert (listed["reply_on_behalf"], listed["checkin_on_behalf"]) == ("由王楼长（楼栋长）代办",) * 2
    refused(post(client, "bhead", f"/meetings/{mid}/manual-checkins", {"household_id": world["h2"]}))
    assert ok(post(client, "gridworker2", f"/meetings/{mid}/manual-checkins", {"household_id": world["h2"]}))
    [by_bhead, by_grid] = audit(client, world, "meeting.check_in_by_hand")
    assert (by_bhead["details"]["acting"]["as"], by_grid["details"]["acting"]["as"]) == ("building_head", "grid_worker")
    assert get(client, "council", f"/meetings/{mid}/invitations").status_code == 403


def test_a_grid_worker_enters_a_paper_ballot_in_their_grid_only(client, world):
    poll = post(client, "staff", "/polls", poll_body(world)).get_json()
    assert post(client, "staff", f"/polls/{poll['id']}/publish").status_code == 200
    poll = get(client, "staff", f"/polls/{poll['id']}").get_json()
    answers = [{"question_id": poll["questions"][0]["id"], "choices": [0]}]
    assert get(client, "gridworker", f"/polls/{poll['id']}").get_json()["can_enter_paper"] is True

    def enter(name, household):
        return post(client, name, f"/polls/{poll['id']}/paper-ballots",
                    {"household_id": world[household], "answers": answers, "photo_id": photo(client, name)})

    refused(enter("gridworker", "h2"))
    entered = enter("gridworker", "h1")
    assert entered.status_code == 201, entered.get_json()
    [entry] = audit(client, world, "poll.paper_entered")
    assert (entry["actor_id"], entry["household_id"], entry["details"]["acting"]["as"]) == \
        (world["grid_worker"], world["h1"], "grid_worker")
    assert "choices" not in entry["details"] and "answers" not in entry["details"]  # the secret stays secret
