"""What an outside attack run found (issue 18): a JSON body nested deep enough to exhaust the
parser's stack, coordinates answered in another type than the OpenAPI document says, a matter
handed to someone who cannot handle it, and an erased resident shown as their household's head."""
from datetime import timedelta

import pytest
import schemathesis

from app.auth.service import find_or_create_user
from app.community import service as community
from app.community.models import Household, Role
from app.meetings.models import Meeting
from app.extensions import db
from app.models_base import utcnow
from tests.conftest import login

API = "/api/v1"
ERASED = "已注销用户"


def nested(depth):
    """`{"code": [[…]]}` whose brackets nest `depth` deep, the outer object included."""
    return '{"code": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


# ---- 1. deeply nested JSON -----------------------------------------------------------------------

@pytest.mark.parametrize("depth", [33, 400, 5_000, 100_000])
def test_a_body_nested_too_deep_is_refused_before_anything_parses_it(client, places, depth):
    resident = login(client, "resident")
    for path, headers in (("/auth/login", {}), ("/matters", resident), ("/me/erase", resident),
                          (f"/matters/{1}/comments", resident)):
        for body in (nested(depth).encode(), nested(depth).encode("utf-16")):  # Flask's parser reads UTF-16 too
            response = client.post(f"{API}{path}", data=body, content_type="application/json", headers=headers)
            assert response.status_code == 400, (path, response.get_json())
            error = response.get_json()["error"]
            assert error["code"] == "json_too_deep" and error["message"] == "提交的内容层级太多（最多 32 层）"
    assert client.get(f"{API}/me", headers=resident).status_code == 200  # nothing was erased


def test_nesting_up_to_the_limit_and_brackets_inside_text_are_ordinary_input(client, places):
    at_limit = client.post(f"{API}/auth/login", data=nested(32), content_type="application/json")
    assert at_limit.status_code == 422 and at_limit.get_json()["error"]["message"] == "代码：须为文字"
    text = '括号"[{' * 200  # quotes escaped inside the JSON string: still text, not structure
    reported = client.post(f"{API}/matters", headers=login(client, "resident"),
                           json={"title": "楼道灯坏了", "category": "street_lamp", "description": text})
    assert reported.status_code == 201 and reported.get_json()["description"] == text


# ---- 2. responses as the OpenAPI document says ---------------------------------------------------

@pytest.fixture
def documented(app):
    """check(response, method, path): the response is one the OpenAPI document describes for
    that operation — status, content type and body schema — or this raises saying how not."""
    schema = schemathesis.openapi.from_dict(app.test_client().get("/api/openapi.json").get_json())

    def check(response, method, path):
        schema[path][method].validate_response(response)
        return response.get_json()

    return check


def test_a_matter_with_coordinates_is_answered_as_documented_at_every_step(app, client, places, documented):
    with app.app_context():  # a neighbour of the community sees the matter with its submitter masked
        community.add_member(db.session.get(Household, places["h2"]), find_or_create_user("dev-neighbour"))
        db.session.commit()
    resident, council, worker = (login(client, name) for name in ("resident", "council", "gridworker"))
    matter = documented(client.post(f"{API}/matters", headers=resident, json={
        "title": "楼道灯坏了", "category": "street_lamp", "latitude": 30.72, "longitude": 122.451234}),
        "POST", "/api/v1/matters")
    assert (matter["latitude"], matter["longitude"]) == (30.72, 122.451234)
    one = "/api/v1/matters/{matter_id}"
    mid = matter["id"]
    steps = [(council, "classify", {"matter_class": "minor", "reason": "公共照明"}),
             (council, "assign", {"handler_type": "grid_worker", "user_id": places["grid_worker"]}),
             (worker, "progress", {"note": "明天上午换灯"}),
             (worker, "resolve", {"note": "已换新灯"}),
             (resident, "evaluate", {"satisfaction": 5}),
             (council, "comments", {"note": "谢谢网格员"})]
    for headers, action, body in steps:
        documented(client.post(f"{API}/matters/{mid}/{action}", json=body, headers=headers), "POST", f"{one}/{action}")
    for name in ("resident", "staff", "neighbour"):
        seen = documented(client.get(f"{API}/matters/{mid}", headers=login(client, name)), "GET", one)
        assert (seen["latitude"], seen["longitude"]) == (30.72, 122.451234)


# ---- 3. who may be named a matter's grid-worker handler ------------------------------------------

def test_only_a_grid_worker_of_the_matters_grid_is_named_its_handler(app, client, places):
    with app.app_context():
        other_grid = find_or_create_user("dev-gridworker2")
        community.grant_role(None, other_grid, Role.GRID_WORKER, places["grid2"])
        outsider = find_or_create_user("dev-outsider")
        community.add_member(db.session.get(Household, places["other_household"]), outsider)
        db.session.commit()
        other_grid, outsider = other_grid.id, outsider.id
    council = login(client, "council")
    mid = client.post(f"{API}/matters", json={"title": "楼道堆物", "category": "street_lamp"},
                      headers=login(client, "resident")).get_json()["id"]
    client.post(f"{API}/matters/{mid}/classify", json={"matter_class": "minor", "reason": "公共通道"}, headers=council)
    for stranger in (outsider, other_grid, places["staff"], places["resident"], places["other_staff"]):
        refused = client.post(f"{API}/matters/{mid}/assign", headers=council,
                              json={"handler_type": "grid_worker", "user_id": stranger})
        assert refused.status_code == 422, stranger
        assert refused.get_json()["error"]["details"]["fields"] == {"user_id": ["承办的网格员须是本诉求所在网格的网格员"]}
    unchanged = client.get(f"{API}/matters/{mid}", headers=council).get_json()
    assert (unchanged["status"], unchanged["handler"]) == ("triaged", None)
    named = client.post(f"{API}/matters/{mid}/assign", headers=council,
                        json={"handler_type": "grid_worker", "user_id": places["grid_worker"]})
    assert named.status_code == 200 and named.get_json()["handler"]["user_id"] == places["grid_worker"]


def test_a_meetings_decision_names_no_stranger_as_handler(app, client, places):
    resident, staff = login(client, "resident"), login(client, "staff")
    mid = client.post(f"{API}/matters", json={"title": "楼道扶手松动", "category": "facility_repair"},
                      headers=resident).get_json()["id"]
    client.post(f"{API}/matters/{mid}/classify", json={"matter_class": "minor", "reason": "公共设施"},
                headers=login(client, "council"))
    meeting = client.post(f"{API}/meetings", headers=staff, json={
        "community_id": places["community"], "kind": "building", "stage": "opinion", "title": "1幢议事",
        "place": "1幢楼下院坝", "starts_at": (utcnow() + timedelta(days=2)).isoformat(),
        "scope_kind": "buildings", "scope_ids": [places["b1"]], "agenda": [{"text": "扶手", "matter_ids": [mid]}]})
    meeting_id = meeting.get_json()["id"]
    client.post(f"{API}/meetings/{meeting_id}/publish", headers=staff)
    with app.app_context():
        db.session.get(Meeting, meeting_id).starts_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    decision = {"text": "扶手交网格员", "matter_id": mid,
                "matter_action": {"action": "assign", "handler_type": "grid_worker", "user_id": places["other_staff"]}}
    refused = client.post(f"{API}/meetings/{meeting_id}/minutes", headers=staff,
                          json={"minutes": "纪要", "decisions": [decision]})
    assert refused.status_code == 422 and "user_id" in refused.get_json()["error"]["details"]["fields"]
    assert client.get(f"{API}/matters/{mid}", headers=staff).get_json()["handler"] is None


# ---- 7. an erased submitter is shown as erased ---------------------------------------------------

def test_an_erased_submitter_shows_as_erased_not_as_the_household_head(client, places):
    resident = login(client, "resident")
    client.patch(f"{API}/me", json={"name": "王小红", "phone": "13900001111"}, headers=resident)
    mid = client.post(f"{API}/matters", json={"title": "楼道灯坏了", "category": "street_lamp"},
                      headers=resident).get_json()["id"]
    client.post(f"{API}/matters/{mid}/comments", json={"note": "晚上很黑"}, headers=resident)
    client.post(f"{API}/matters/{mid}/classify", json={"matter_class": "minor", "reason": "公共照明"},
                headers=login(client, "council"))
    assert client.post(f"{API}/me/erase", json={"confirm": "注销账号"}, headers=resident).status_code == 204
    for name in ("staff", "gridworker", "council"):
        seen = client.get(f"{API}/matters/{mid}", headers=login(client, name)).get_json()
        assert (seen["submitter_name"], seen["submitter_phone"]) == (ERASED, None), name
        by_resident = [event["actor_name"] for event in seen["timeline"] if event["action"] in ("submit", "comment")]
        assert by_resident == [ERASED, ERASED]
        body = str(seen)
        assert "张秀英" not in body and "1381234" not in body and "王小红" not in body
