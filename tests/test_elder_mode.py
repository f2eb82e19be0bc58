"""长辈模式: a household's phones open the mini-program in large type. Its members or those who
look after it (building head, grid worker, staff) set it for the household; every member's phone
reads it from /me."""
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from tests.conftest import login

API = "/api/v1"


def test_off_by_default_and_shown_to_the_household_on_me(client, places):
    me = client.get(f"{API}/me", headers=login(client, "resident")).get_json()
    assert me["household"]["elder_mode"] is False
    household = client.get(f"{API}/households/{places['h1']}", headers=login(client, "bhead")).get_json()
    assert household["elder_mode"] is False


def put(client, who, household_id, value):
    return client.put(f"{API}/households/{household_id}/elder-mode", json={"elder_mode": value},
                      headers=login(client, who))


def test_the_building_head_switches_it_on_for_a_household_and_its_phones_see_it(app, client, places):
    response = put(client, "bhead", places["h1"], True)
    assert response.status_code == 200 and response.get_json() == {"elder_mode": True}
    me = client.get(f"{API}/me", headers=login(client, "resident")).get_json()
    assert me["household"]["elder_mode"] is True
    # the neighbour's household is untouched
    assert client.get(f"{API}/households/{places['h2']}",
                      headers=login(client, "staff")).get_json()["elder_mode"] is False
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "household.update")
                                   .order_by(AuditEntry.id.desc())).first()
        assert (entry.target_id, entry.actor_id) == (places["h1"], places["bhead"])
        assert entry.details["changes"] == {"elder_mode": [False, True]}
    # a member switches it back for the household; staff and the grid worker may too
    assert put(client, "resident", places["h1"], False).get_json() == {"elder_mode": False}
    assert put(client, "gridworker", places["h1"], True).status_code == 200
    assert put(client, "staff", places["h1"], False).status_code == 200


def test_those_who_do_not_look_after_the_household_are_refused(client, places):
    # bhead heads building 1 only; a family helper may not change the household's settings
    code = client.post(f"{API}/households/{places['h1']}/helper-codes", json={"rights": ["report_and_follow"]},
                       headers=login(client, "resident")).get_json()["code"]
    assert client.post(f"{API}/households/help", json={"code": code}, headers=login(client, "son")).status_code == 200
    for who, household in (("bhead", "h2"), ("other-staff", "h1"), ("council", "h1"), ("nobody", "h1"),
                           ("son", "h1")):
        response = put(client, who, places[household], True)
        assert response.status_code == 403, (who, response.get_json())
    assert client.get(f"{API}/me", headers=login(client, "resident")).get_json()["household"]["elder_mode"] is False
    assert "长辈模式" in put(client, "son", places["h1"], True).get_json()["error"]["message"]


def test_the_household_patch_no_longer_carries_it(client, places):
    response = client.patch(f"{API}/households/{places['h1']}", json={"elder_mode": True},
                            headers=login(client, "staff"))
    assert response.status_code == 422


def test_a_value_that_is_not_a_yes_or_no_is_refused_in_chinese(client, places):
    response = put(client, "staff", places["h1"], "很大")
    assert response.status_code == 422
    assert "长辈模式" in response.get_json()["error"]["message"]
