"""长辈模式: a household's phones open the mini-program in large type. Staff set it for a
household; every member's phone reads it from /me."""
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


def test_staff_switch_it_on_for_a_household_and_its_phones_see_it(app, client, places):
    response = client.patch(f"{API}/households/{places['h1']}", json={"elder_mode": True},
                            headers=login(client, "staff"))
    assert response.status_code == 200 and response.get_json()["elder_mode"] is True
    me = client.get(f"{API}/me", headers=login(client, "resident")).get_json()
    assert me["household"]["elder_mode"] is True
    # the neighbour's household is untouched
    assert client.get(f"{API}/households/{places['h2']}",
                      headers=login(client, "staff")).get_json()["elder_mode"] is False
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "household.update")
                                   .order_by(AuditEntry.id.desc())).first()
        assert entry.target_id == places["h1"]
        assert entry.details["changes"] == {"elder_mode": [False, True]}


def test_those_who_may_not_patch_the_household_are_refused(client, places):
    for who in ("resident", "bhead", "other-staff"):
        response = client.patch(f"{API}/households/{places['h1']}", json={"elder_mode": True},
                                headers=login(client, who))
        assert response.status_code == 403, who
    assert client.get(f"{API}/me", headers=login(client, "resident")).get_json()["household"]["elder_mode"] is False


def test_a_value_that_is_not_a_yes_or_no_is_refused_in_chinese(client, places):
    response = client.patch(f"{API}/households/{places['h1']}", json={"elder_mode": "很大"},
                            headers=login(client, "staff"))
    assert response.status_code == 422
    assert "长辈模式" in response.get_json()["error"]["message"]
