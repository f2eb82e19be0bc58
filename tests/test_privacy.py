"""Privacy (PIPL): the notice, exporting one's data, deleting one's account without breaking
the community's record, and logs without phone numbers or secrets."""
import logging
from datetime import timedelta

from sqlalchemy import select

from app import lifecycle
from app.auth.models import User
from app.community.models import HouseholdMember
from app.extensions import db
from app.matters.models import Matter
from app.models_base import utcnow
from app.polls.models import Ballot
from tests.conftest import login

API = "/api/v1"


def test_privacy_notice_needs_no_sign_in(client):
    notice = client.get(f"{API}/privacy-notice").get_json()
    assert notice["version"] and notice["title"] == "院坝隐私政策"
    assert any("注销" in section["text"] for section in notice["sections"])


def test_export_holds_what_we_keep_about_me(client, places):
    resident = login(client, "resident")
    client.patch(f"{API}/me", json={"name": "张秀英", "phone": "13812345678"}, headers=resident)
    client.post(f"{API}/matters", json={"title": "楼道灯坏了", "category": "street_lamp"}, headers=resident)
    data = client.get(f"{API}/me/export", headers=resident).get_json()
    assert data["profile"]["phone"] == "13812345678" and data["profile"]["openid"] == "dev-resident"
    assert data["household"]["room"] == "101" and data["household"]["is_head"] is True
    assert [m["title"] for m in data["matters"]] == ["楼道灯坏了"]
    assert data["notifications"] == [] or all("title" in n for n in data["notifications"])
    assert client.get(f"{API}/me/export").status_code == 401


def test_the_download_drops_no_section_a_domain_exports(app, client, places):
    """Every domain's export (app/<domain>/lifecycle.py) reaches the HTTP download: a section the
    response schema does not name would silently vanish from it."""
    with app.app_context():
        from app.auth.models import User
        from app.privacy import service as privacy
        sections = set(privacy.export(db.session.get(User, places["resident"])))
    data = client.get(f"{API}/me/export", headers=login(client, "resident")).get_json()
    assert set(data) == sections


def test_every_table_naming_a_person_is_answered_for_by_one_domain(app):
    """PIPL: a new table with a column pointing at a user must be claimed by the domain that
    owns it (app/<domain>/lifecycle.py) — exported, erased or kept on purpose — or this fails."""
    naming_a_person = {table.name for table in db.metadata.sorted_tables
                       if any(key.column.table.name == "users" for column in table.columns
                              for key in column.foreign_keys)}
    claimed = lifecycle.claimed_tables()
    assert len(claimed) == len(set(claimed))
    assert set(claimed) == naming_a_person


def test_erasing_an_account_removes_the_identity_and_keeps_the_record(app, client, places):
    resident = login(client, "resident")
    client.patch(f"{API}/me", json={"name": "张小英", "phone": "13900001111"}, headers=resident)
    matter = client.post(f"{API}/matters", json={"title": "楼道灯坏了", "category": "street_lamp"},
                         headers=resident).get_json()
    poll = client.post(f"{API}/polls", headers=login(client, "staff"), json={
        "community_id": places["community"], "title": "是否安装路灯", "electorate": "households", "rule": "majority",
        "closes_at": (utcnow() + timedelta(days=1)).isoformat(), "questions": [{"text": "同意吗", "kind": "yes_no"}]}).get_json()
    client.post(f"{API}/polls/{poll['id']}/publish", headers=login(client, "staff"))
    client.post(f"{API}/polls/{poll['id']}/ballots", headers=resident,
                json={"answers": [{"question_id": poll["questions"][0]["id"], "choices": [0]}]})
    refused = client.post(f"{API}/me/erase", json={"confirm": "yes"}, headers=resident)
    assert refused.status_code == 422  # the confirmation must be typed out
    assert client.post(f"{API}/me/erase", json={"confirm": "注销账号"}, headers=resident).status_code == 204
    assert client.get(f"{API}/me", headers=resident).status_code == 401  # every session ended
    with app.app_context():
        user = db.session.get(User, places["resident"])
        assert (user.name, user.phone, user.erased_at is not None) == (None, None, True)
        assert not user.openid.startswith("dev-")
        assert db.session.scalar(select(HouseholdMember).filter_by(user_id=user.id)) is None
        assert db.session.get(Matter, matter["id"]).submitter_id == user.id  # the matter stands
        assert db.session.scalar(select(Ballot.id).where(Ballot.poll_id == poll["id"])) is not None
    staff_view = client.get(f"{API}/matters/{matter['id']}", headers=login(client, "staff")).get_json()
    # The account's own name and phone are gone; the household's roster entry is the community's.
    assert staff_view["submitter_phone"] != "13900001111" and staff_view["submitter_name"] != "张小英"
    assert client.get(f"{API}/polls/{poll['id']}", headers=login(client, "staff")).get_json()["voted"] == 1
    again = login(client, "resident")  # the same WeChat user may sign up afresh, as a new user
    me = client.get(f"{API}/me", headers=again).get_json()
    assert me["id"] != places["resident"] and me["household"] is None


def test_logs_carry_no_phone_numbers_tokens_or_session_keys(app, client, places, caplog):
    caplog.set_level(logging.INFO)
    token = login(client, "resident")["Authorization"]
    logging.getLogger("app.test").warning("request from 13812345678 with %s, session_key=abcd1234, sig=s1g",
                                          token)
    logging.getLogger("app.test").warning("SMS to +8613912345678 and 86 13712345678")
    text = caplog.text
    assert "13812345678" not in text and "138****5678" in text
    assert "13912345678" not in text and "139****5678" in text and "13712345678" not in text
    assert token.split()[1] not in text and "abcd1234" not in text and "s1g" not in text
