"""Community structure, households, join codes, roles and who may do what."""
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from app.community.models import HouseholdMember, JoinCode, RoleAssignment
from app.extensions import db
from app.models_base import utcnow
from tests.conftest import counting_statements, login


def issue_code(client, places, who="bhead", household="h1", as_head=False):
    response = client.post(f"/api/v1/households/{places[household]}/join-codes",
                           json={"as_head": as_head}, headers=login(client, who))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


# ---- permissions -----------------------------------------------------------------------------

@pytest.mark.parametrize("who, status", [
    ("staff", 200), ("gridworker", 200), ("bhead", 200), ("council", 200), ("admin", 200),
    ("resident", 403), ("nobody", 403), ("other-staff", 403),
])
def test_who_sees_household_flags(client, places, who, status):
    response = client.get(f"/api/v1/buildings/{places['b1']}/households", headers=login(client, who))
    assert response.status_code == status
    if status == 200:
        [household] = response.get_json()["items"]
        assert household["elderly_alone"] is True and household["floor_area"] == 80


def test_building_head_reaches_only_their_building(client, places):
    headers = login(client, "bhead")
    assert client.get(f"/api/v1/households/{places['h1']}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/households/{places['h2']}", headers=headers).status_code == 403
    refused = client.post(f"/api/v1/households/{places['h2']}/join-codes", json={}, headers=headers)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"


def test_grid_worker_reaches_only_their_grid(client, places):
    headers = login(client, "gridworker")
    assert client.get(f"/api/v1/households/{places['h1']}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/households/{places['h2']}", headers=headers).status_code == 403


def test_resident_cannot_do_staff_things(client, places):
    headers = login(client, "resident")
    attempts = [
        client.post(f"/api/v1/communities/{places['community']}/grids", json={"name": "x"}, headers=headers),
        client.post(f"/api/v1/buildings/{places['b1']}/households", json={"room": "9", "floor_area": 50},
                    headers=headers),
        client.patch(f"/api/v1/households/{places['h1']}", json={"low_income": True}, headers=headers),
        client.post("/api/v1/role-assignments", json={"user_id": places["resident"], "role": "building_head",
                                                      "scope_id": places["b1"]}, headers=headers),
        client.post(f"/api/v1/communities/{places['community']}/roster", headers=headers,
                    data={"file": (io.BytesIO(b"grid\n"), "r.csv")}, content_type="multipart/form-data"),
        client.post("/api/v1/communities", json={"name": "新社区"}, headers=headers),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert all(r.get_json()["error"]["code"] == "forbidden" for r in attempts)


def test_staff_builds_the_community_tree(client, places):
    headers = login(client, "staff")
    grid = client.post(f"/api/v1/communities/{places['community']}/grids", json={"name": "第三网格"}, headers=headers)
    assert grid.status_code == 201
    courtyard = client.post(f"/api/v1/grids/{grid.get_json()['id']}/courtyards", json={"name": "金平小区"},
                            headers=headers)
    building = client.post(f"/api/v1/courtyards/{courtyard.get_json()['id']}/buildings", json={"name": "3幢"},
                           headers=headers)
    assert building.status_code == 201
    household = client.post(f"/api/v1/buildings/{building.get_json()['id']}/households",
                            json={"unit": "1单元", "room": "302", "floor_area": 66.5, "low_income": True},
                            headers=headers)
    assert household.status_code == 201 and household.get_json()["low_income"] is True
    duplicate = client.post(f"/api/v1/buildings/{building.get_json()['id']}/households",
                            json={"unit": "1单元", "room": "302", "floor_area": 70}, headers=headers)
    assert duplicate.status_code == 409
    corrected = client.patch(f"/api/v1/households/{household.get_json()['id']}", json={"elderly_alone": True},
                             headers=headers)
    assert corrected.status_code == 200
    assert corrected.get_json()["elderly_alone"] is True and corrected.get_json()["floor_area"] == 66.5

    tree = client.get(f"/api/v1/communities/{places['community']}", headers=login(client, "resident"))
    assert tree.status_code == 200
    names = [g["name"] for g in tree.get_json()["grids"]]
    assert names == ["第一网格", "第二网格", "第三网格"]
    assert tree.get_json()["grids"][2]["courtyards"][0]["buildings"][0]["name"] == "3幢"


def test_other_communitys_staff_and_residents_see_nothing_here(client, places):
    assert client.get(f"/api/v1/communities/{places['community']}",
                      headers=login(client, "other-staff")).status_code == 403
    assert client.get(f"/api/v1/communities/{places['community']}",
                      headers=login(client, "nobody")).status_code == 403
    listed = client.get("/api/v1/communities", headers=login(client, "other-staff")).get_json()
    assert [c["name"] for c in listed["items"]] == ["长生桥社区"]


def test_invalid_household_values_are_422(client, places):
    headers = login(client, "staff")
    for body in ({"room": "1", "floor_area": 0}, {"room": "1", "floor_area": -5},
                 {"room": "", "floor_area": 50}, {"room": "1", "floor_area": "big"},
                 {"room": "1", "floor_area": 50, "head_phone": "not a phone"}):
        response = client.post(f"/api/v1/buildings/{places['b1']}/households", json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.get_json()["error"]["details"]["fields"]


def test_missing_place_is_404_in_chinese(client, places):
    response = client.get("/api/v1/households/99999", headers=login(client, "staff"))
    assert response.status_code == 404 and response.get_json()["error"]["message"] == "住户不存在"


def test_phone_is_masked_for_council_but_not_for_building_head(client, places):
    council = client.get(f"/api/v1/households/{places['h1']}", headers=login(client, "council")).get_json()
    assert council["head_phone"] == "138****5678"
    bhead = client.get(f"/api/v1/households/{places['h1']}", headers=login(client, "bhead")).get_json()
    assert bhead["head_phone"] == "13812345678"


# ---- join codes ------------------------------------------------------------------------------

def test_join_with_code_binds_the_household(app, client, places):
    code = issue_code(client, places, as_head=False)
    headers = login(client, "newcomer")
    response = client.post("/api/v1/households/join", json={"code": code.lower()[:4] + " " + code.lower()[4:]},
                           headers=headers)
    assert response.status_code == 200
    assert response.get_json()["household"]["id"] == places["h1"]
    assert response.get_json()["is_head"] is False
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["household"]["room"] == "101"
    assert {"role": "resident", "scope_id": places["h1"], "scope_name": None} in me["roles"]
    with app.app_context():
        stored = db.session.scalar(db.select(JoinCode))
        assert stored.used_at is not None and code not in stored.code_hash


def test_join_code_is_one_time(client, places):
    code = issue_code(client, places)
    assert client.post("/api/v1/households/join", json={"code": code}, headers=login(client, "a")).status_code == 200
    second = client.post("/api/v1/households/join", json={"code": code}, headers=login(client, "b"))
    assert second.status_code == 410 and second.get_json()["error"]["code"] == "join_code_expired"


def test_expired_join_code_is_refused(app, client, places):
    code = issue_code(client, places)
    with app.app_context():
        db.session.execute(db.update(JoinCode).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    response = client.post("/api/v1/households/join", json={"code": code}, headers=login(client, "late"))
    assert response.status_code == 410


def test_unknown_join_code_is_404(client, places):
    response = client.post("/api/v1/households/join", json={"code": "ZZZZZZZZ"}, headers=login(client, "x"))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "join_code_invalid"


def test_already_bound_user_cannot_join_another(client, places):
    code = issue_code(client, places, who="staff", household="h2")
    response = client.post("/api/v1/households/join", json={"code": code}, headers=login(client, "resident"))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_member"


def test_household_has_one_head(client, places):
    code = issue_code(client, places, as_head=True)  # h1 already has the resident as head
    response = client.post("/api/v1/households/join", json={"code": code}, headers=login(client, "second-head"))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "household_has_head"


def test_join_retry_with_idempotency_key_replays(app, client, places):
    code = issue_code(client, places)
    headers = {**login(client, "retry"), "Idempotency-Key": "join-1"}
    first = client.post("/api/v1/households/join", json={"code": code}, headers=headers)
    again = client.post("/api/v1/households/join", json={"code": code}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other_body = client.post("/api/v1/households/join", json={"code": "OTHERCOD"}, headers=headers)
    assert other_body.status_code == 422 and other_body.get_json()["error"]["code"] == "idempotency_key_reused"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(HouseholdMember.id))) == 2  # resident + retry


def test_failed_attempt_does_not_burn_the_idempotency_key(client, places):
    headers = {**login(client, "typo"), "Idempotency-Key": "k"}
    assert client.post("/api/v1/households/join", json={"code": "WRONG"}, headers=headers).status_code == 404
    assert client.post("/api/v1/households/join", json={"code": "WRONG"}, headers=headers).status_code == 404


def test_two_phones_racing_with_one_code_get_one_membership(app, places):
    client = app.test_client()
    code = issue_code(client, places)
    heads = [login(client, f"racer{n}") for n in range(6)]

    def attempt(headers):
        return app.test_client().post("/api/v1/households/join", json={"code": code}, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(attempt, heads))
    assert statuses.count(200) == 1
    assert set(statuses) == {200, 410}
    with app.app_context():
        members = db.session.scalar(db.select(db.func.count(HouseholdMember.id)).filter_by(household_id=places["h1"]))
        assert members == 2


def test_issuer_revokes_an_unused_code(app, client, places):
    issued = client.post(f"/api/v1/households/{places['h1']}/join-codes", json={"as_head": True},
                         headers=login(client, "bhead"))
    assert issued.status_code == 201
    body = issued.get_json()
    assert body["as_head"] is True and body["household_id"] == places["h1"]
    url = f"/api/v1/join-codes/{body['id']}"
    assert client.delete(url, headers=login(client, "resident")).status_code == 403
    assert client.delete(url, headers=login(client, "gridworker")).status_code == 204
    refused = client.post("/api/v1/households/join", json={"code": body["code"]}, headers=login(client, "late"))
    assert refused.status_code == 404
    missing = client.delete(url, headers=login(client, "bhead"))
    assert missing.status_code == 404 and missing.get_json()["error"]["message"] == "入户码不存在"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(JoinCode.id))) == 0


def test_outstanding_codes_are_listed_for_revoking_without_the_code(app, client, places):
    """A building head who handed a code to the wrong person, days ago, finds it and revokes it."""
    assert client.patch("/api/v1/me", json={"name": "王楼长"}, headers=login(client, "bhead")).status_code == 200
    first = client.post(f"/api/v1/households/{places['h1']}/join-codes", json={"as_head": True},
                        headers=login(client, "bhead")).get_json()
    used = issue_code(client, places, who="staff")
    client.post("/api/v1/households/join", json={"code": used}, headers=login(client, "joiner"))
    expired = client.post(f"/api/v1/households/{places['h1']}/join-codes", json={},
                          headers=login(client, "gridworker")).get_json()
    revoked = client.post(f"/api/v1/households/{places['h1']}/join-codes", json={},
                          headers=login(client, "bhead")).get_json()
    client.delete(f"/api/v1/join-codes/{revoked['id']}", headers=login(client, "bhead"))
    issue_code(client, places, who="staff", household="h2")
    with app.app_context():
        db.session.get(JoinCode, expired["id"]).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()

    listed = client.get(f"/api/v1/households/{places['h1']}/join-codes", headers=login(client, "gridworker"))
    assert listed.status_code == 200
    [item] = listed.get_json()["items"]
    assert item["id"] == first["id"] and item["as_head"] is True and item["issued_by_name"] == "王楼长"
    assert first["code"] not in listed.get_data(as_text=True) and "code" not in item
    assert client.delete(f"/api/v1/join-codes/{item['id']}", headers=login(client, "gridworker")).status_code == 204
    assert client.get(f"/api/v1/households/{places['h1']}/join-codes",
                      headers=login(client, "bhead")).get_json()["items"] == []


def test_a_head_sees_their_household_and_names_its_voter(client, places):
    """From the phone: the head opens their own household (members, who votes) and designates
    a member; another member sees the household but may not change the voter."""
    client.post("/api/v1/households/join", json={"code": issue_code(client, places)}, headers=login(client, "joiner"))
    joiner = next(m["user_id"] for m in client.get(f"/api/v1/households/{places['h1']}",
                                                     headers=login(client, "bhead")).get_json()["members"]
                  if not m["is_head"])
    own = client.get(f"/api/v1/households/{places['h1']}", headers=login(client, "resident")).get_json()
    assert own["can_designate_voter"] is True and own["can_issue_join_codes"] is False
    assert own["head_phone"] == "138****5678"
    member_view = client.get(f"/api/v1/households/{places['h1']}", headers=login(client, "joiner")).get_json()
    assert member_view["can_designate_voter"] is False
    assert client.put(f"/api/v1/households/{places['h1']}/voter", json={"user_id": joiner},
                      headers=login(client, "joiner")).status_code == 403
    designated = client.put(f"/api/v1/households/{places['h1']}/voter", json={"user_id": joiner},
                            headers=login(client, "resident"))
    assert designated.status_code == 200
    assert [m["user_id"] for m in designated.get_json()["members"] if m["is_voter"]] == [joiner]
    assert client.get(f"/api/v1/households/{places['h2']}", headers=login(client, "resident")).status_code == 403


def test_a_used_code_cannot_be_revoked(client, places):
    issued = client.post(f"/api/v1/households/{places['h1']}/join-codes", json={},
                         headers=login(client, "bhead")).get_json()
    client.post("/api/v1/households/join", json={"code": issued["code"]}, headers=login(client, "joiner"))
    response = client.delete(f"/api/v1/join-codes/{issued['id']}", headers=login(client, "bhead"))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "join_code_used"
    member_ids = [m["user_id"] for m in client.get(f"/api/v1/households/{places['h1']}",
                                                    headers=login(client, "bhead")).get_json()["members"]]
    assert len(member_ids) == 2


def test_another_buildings_head_cannot_revoke(client, places):
    issued = client.post(f"/api/v1/households/{places['h2']}/join-codes", json={},
                         headers=login(client, "staff")).get_json()
    response = client.delete(f"/api/v1/join-codes/{issued['id']}", headers=login(client, "bhead"))
    assert response.status_code == 403


def test_staff_adds_and_removes_a_member(client, places):
    headers = login(client, "staff")
    added = client.post(f"/api/v1/households/{places['h2']}/members",
                        json={"user_id": places["nobody"], "is_head": True}, headers=headers)
    assert added.status_code == 201
    assert [m["user_id"] for m in added.get_json()["members"]] == [places["nobody"]]
    removed = client.delete(f"/api/v1/households/{places['h2']}/members/{places['nobody']}", headers=headers)
    assert removed.status_code == 204
    assert client.get(f"/api/v1/households/{places['h2']}", headers=headers).get_json()["members"] == []
    assert client.post(f"/api/v1/households/{places['h2']}/members", json={"user_id": 424242},
                       headers=headers).status_code == 422


# ---- roles -----------------------------------------------------------------------------------

def test_staff_grants_building_head_inside_their_community(app, client, places):
    headers = login(client, "staff")
    response = client.post("/api/v1/role-assignments", json={
        "user_id": places["nobody"], "role": "building_head", "scope_id": places["b2"]}, headers=headers)
    assert response.status_code == 201
    again = client.post("/api/v1/role-assignments", json={
        "user_id": places["nobody"], "role": "building_head", "scope_id": places["b2"]}, headers=headers)
    assert again.get_json()["id"] == response.get_json()["id"]
    me = client.get("/api/v1/me", headers=login(client, "nobody")).get_json()
    assert {"role": "building_head", "scope_id": places["b2"], "scope_name": "渔港小区2幢"} in me["roles"]
    listed = client.get(f"/api/v1/communities/{places['community']}/role-assignments", headers=headers).get_json()
    assert {(a["role"], a["scope_id"]) for a in listed["items"]} >= {
        ("staff", places["community"]), ("building_head", places["b1"]), ("building_head", places["b2"]),
        ("grid_worker", places["grid1"]), ("council_member", places["community"])}
    assert ("staff", places["other_community"]) not in {(a["role"], a["scope_id"]) for a in listed["items"]}


def test_the_role_list_names_who_holds_each_role_and_who_granted_it(client, places):
    staff = login(client, "staff")
    client.patch("/api/v1/me", json={"name": "王海燕"}, headers=staff)
    client.patch("/api/v1/me", json={"name": "陈新楼长"}, headers=login(client, "nobody"))
    client.post("/api/v1/role-assignments", json={"user_id": places["nobody"], "role": "building_head",
                                                  "scope_id": places["b2"]}, headers=staff)
    listed = client.get(f"/api/v1/communities/{places['community']}/role-assignments", headers=staff).get_json()
    rows = {(a["role"], a["scope_id"]): (a["user_name"], a["granted_by_name"]) for a in listed["items"]}
    assert rows[("building_head", places["b2"])] == ("陈新楼长", "王海燕")
    assert rows[("staff", places["community"])] == ("王海燕", None)  # granted by an operator


def test_council_and_staff_list_council_members_by_name(client, places):
    url = f"/api/v1/communities/{places['community']}/council-members"
    assert client.patch("/api/v1/me", json={"name": "田国梅"}, headers=login(client, "council")).status_code == 200
    listed = client.get(url, headers=login(client, "council"))
    assert listed.status_code == 200
    assert listed.get_json()["items"] == [{"user_id": places["council"], "name": "田国梅"}]
    assert client.get(url, headers=login(client, "staff")).get_json() == listed.get_json()
    assert client.get(url, headers=login(client, "bhead")).status_code == 403
    assert client.get(url, headers=login(client, "other-staff")).status_code == 403


def test_staff_cannot_grant_outside_or_above_their_reach(client, places):
    headers = login(client, "staff")
    outside = client.post("/api/v1/role-assignments", json={
        "user_id": places["nobody"], "role": "building_head", "scope_id": places["other_building"]}, headers=headers)
    assert outside.status_code == 403
    staff = client.post("/api/v1/role-assignments", json={
        "user_id": places["nobody"], "role": "staff", "scope_id": places["community"]}, headers=headers)
    assert staff.status_code == 403
    admin = client.post("/api/v1/role-assignments", json={"user_id": places["nobody"], "role": "admin"},
                        headers=headers)
    assert admin.status_code == 403


def test_role_scope_must_fit_the_role(client, places):
    headers = login(client, "admin")
    missing = client.post("/api/v1/role-assignments", json={"user_id": places["nobody"], "role": "grid_worker"},
                          headers=headers)
    assert missing.status_code == 422
    wrong = client.post("/api/v1/role-assignments", json={
        "user_id": places["nobody"], "role": "grid_worker", "scope_id": 99999}, headers=headers)
    assert wrong.status_code == 422
    resident = client.post("/api/v1/role-assignments", json={
        "user_id": places["nobody"], "role": "resident", "scope_id": places["h1"]}, headers=headers)
    assert resident.status_code == 422


def test_revoking_a_role_takes_the_permission_away(app, client, places):
    with app.app_context():
        assignment_id = db.session.scalar(db.select(RoleAssignment.id).filter_by(user_id=places["bhead"]))
    bhead = login(client, "bhead")
    assert client.get(f"/api/v1/households/{places['h1']}", headers=bhead).status_code == 200
    assert client.delete(f"/api/v1/role-assignments/{assignment_id}", headers=login(client, "staff")).status_code == 204
    assert client.get(f"/api/v1/households/{places['h1']}", headers=bhead).status_code == 403


def test_departments_and_volunteer_teams(client, places):
    admin, staff, resident = login(client, "admin"), login(client, "staff"), login(client, "resident")
    assert client.post("/api/v1/departments", json={"name": "城管"}, headers=staff).status_code == 403
    assert client.post("/api/v1/departments", json={"name": "城管"}, headers=admin).status_code == 201
    assert client.post("/api/v1/departments", json={"name": "城管"}, headers=admin).status_code == 409
    assert [d["name"] for d in client.get("/api/v1/departments", headers=resident).get_json()["items"]] == ["城管"]
    url = f"/api/v1/communities/{places['community']}/volunteer-teams"
    assert client.post(url, json={"name": "金色港湾义工队"}, headers=resident).status_code == 403
    assert client.post(url, json={"name": "金色港湾义工队"}, headers=staff).status_code == 201
    assert [t["name"] for t in client.get(url, headers=resident).get_json()["items"]] == ["金色港湾义工队"]


def test_pagination_walks_every_household_once(client, places):
    headers = login(client, "staff")
    for room in range(10):
        client.post(f"/api/v1/buildings/{places['b1']}/households", json={"room": f"5{room:02d}", "floor_area": 50},
                    headers=headers)
    seen, cursor = [], None
    while True:
        url = f"/api/v1/buildings/{places['b1']}/households?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=headers).get_json()
        seen += [h["id"] for h in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 11
    assert client.get(f"/api/v1/buildings/{places['b1']}/households?limit=1000", headers=headers).status_code == 422


def test_household_list_costs_the_same_queries_at_any_size(app, client, places):
    """No N+1: a page of households with members issues as many statements as a near-empty one."""
    staff = login(client, "staff")
    url = f"/api/v1/buildings/{places['b1']}/households?limit=50"

    def statements():
        with counting_statements(app) as seen:
            assert client.get(url, headers=staff).status_code == 200
        return len(seen)

    small = statements()
    for room in range(20):
        created = client.post(f"/api/v1/buildings/{places['b1']}/households",
                              json={"room": f"6{room:02d}", "floor_area": 50}, headers=staff).get_json()
        code = client.post(f"/api/v1/households/{created['id']}/join-codes", json={}, headers=staff).get_json()
        client.post("/api/v1/households/join", json={"code": code["code"]}, headers=login(client, f"m{room}"))
    assert statements() == small
