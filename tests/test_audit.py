"""The audit log: acts of those who run the community are appended, chained by hash, readable
by staff and supervisors, and any rewrite shows when the chain is verified."""
import io
import json
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from app.audit.models import AuditEntry
from app.extensions import db
from app.models_base import utcnow
from tests.conftest import login

API = "/api/v1"


def acts(client, places):
    """A matter classified and assigned, a meeting with a household signed in by hand, a role granted."""
    council, staff = login(client, "council"), login(client, "staff")
    matter = client.post(f"{API}/matters", json={"title": "楼道灯坏了", "category": "street_lamp"},
                         headers=login(client, "resident")).get_json()
    client.post(f"{API}/matters/{matter['id']}/classify", json={"matter_class": "minor", "reason": "公共设施"},
                headers=council)
    client.post(f"{API}/matters/{matter['id']}/assign", json={"handler_type": "committee"}, headers=council)
    meeting = client.post(f"{API}/meetings", headers=login(client, "bhead"), json={
        "community_id": places["community"], "kind": "building", "title": "1幢楼道议事", "place": "楼下",
        "starts_at": (utcnow() + timedelta(minutes=30)).isoformat(), "scope_kind": "buildings",
        "scope_ids": [places["b1"]]}).get_json()
    client.post(f"{API}/meetings/{meeting['id']}/publish", headers=login(client, "bhead"))
    signed = client.post(f"{API}/meetings/{meeting['id']}/manual-checkins", json={"household_id": places["h1"]},
                         headers=login(client, "bhead"))
    assert signed.status_code == 200, signed.get_json()
    client.post(f"{API}/role-assignments", json={"user_id": places["nobody"], "role": "building_head",
                                                 "scope_id": places["b2"]}, headers=staff)
    return matter, meeting


def last_entry(app):
    with app.app_context():
        return db.session.scalar(select(func.max(AuditEntry.id))) or 0


def test_acts_are_appended_and_staff_and_supervisors_read_them(app, client, places):
    before = last_entry(app)  # the roles the fixture granted are in the log too
    matter, meeting = acts(client, places)
    page = client.get(f"{API}/communities/{places['community']}/audit-entries?cursor={before}",
                      headers=login(client, "staff")).get_json()
    assert [(e["action"], e["target_id"]) for e in page["items"]] == [
        ("matter.classify", matter["id"]), ("matter.assign", matter["id"]), ("meeting.publish", meeting["id"]),
        ("meeting.check_in_by_hand", meeting["id"]), ("role.grant", places["nobody"])]
    signed_in = page["items"][3]
    assert signed_in["household_id"] == places["h1"] and signed_in["actor_id"] == places["bhead"]
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in zip(page["items"], page["items"][1:]))
    for outsider in ("resident", "bhead", "other-staff"):
        assert client.get(f"{API}/communities/{places['community']}/audit-entries",
                          headers=login(client, outsider)).status_code == 403
    # No endpoint changes an entry: the log is only read.
    rules = [rule for rule in app.url_map.iter_rules() if "audit" in rule.rule]
    assert all(rule.methods - {"GET", "HEAD", "OPTIONS"} == set() for rule in rules)


def test_verification_finds_an_edited_a_removed_and_a_truncated_entry(app, client, places):
    acts(client, places)
    verify = lambda: client.get(f"{API}/audit/verify", headers=login(client, "supervisor-x")).get_json()  # noqa: E731
    runner = app.test_cli_runner()
    with app.app_context():
        from app.auth.service import find_or_create_user
        from app.community import service as community
        community.grant_role(None, find_or_create_user("dev-supervisor-x"), "supervisor", places["community"])
        db.session.commit()
        ids = db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    intact = verify()
    assert intact["ok"] is True and intact["entries"] == len(ids)
    assert "audit log intact" in runner.invoke(args=["audit", "verify"]).output
    with app.app_context():  # someone rewrites who classified the matter …
        db.session.execute(update(AuditEntry).where(AuditEntry.id == ids[0]).values(details={"note": "改过了"}))
        db.session.commit()
    broken = verify()
    assert broken == {"ok": False, "entries": 0, "first_bad_id": ids[0], "last_hash": "0" * 64}
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"BROKEN at entry {ids[0]}" in result.output
    with app.app_context():  # … or removes the sign-in instead
        db.session.execute(delete(AuditEntry).where(AuditEntry.id == ids[0]))
        db.session.execute(delete(AuditEntry).where(AuditEntry.id == ids[3]))
        db.session.commit()
    assert verify()["ok"] is False
    assert client.get(f"{API}/audit/verify", headers=login(client, "resident")).status_code == 403


def test_household_changes_are_audited_without_phone_numbers_or_codes(app, client, places):
    """Floor area and flags weigh a household's vote in owners' polls, and its members decide who
    casts it: every change names who made it and what changed, by hand or by roster. The phone
    number, the head's name and the join code itself never enter the log (it outlives accounts)."""
    staff, h1 = login(client, "staff"), places["h1"]
    before = last_entry(app)
    edited = client.patch(f"{API}/households/{h1}", headers=staff, json={
        "floor_area": 95.5, "developer_held": True, "head_phone": "13900001111", "head_name": "王建华"})
    assert edited.status_code == 200, edited.get_json()
    issued = client.post(f"{API}/households/{h1}/join-codes", json={"as_head": False},
                         headers=login(client, "bhead")).get_json()
    assert client.post(f"{API}/households/join", json={"code": issued["code"]},
                       headers=login(client, "nobody")).status_code == 200
    client.put(f"{API}/households/{h1}/voter", json={"user_id": places["nobody"]}, headers=staff)
    client.delete(f"{API}/households/{h1}/members/{places['nobody']}", headers=staff)
    roster = "网格,院落,楼栋,单元,房号,面积,户主姓名,电话,标记\n" \
             "第一网格,海滨新村,1幢,1单元,101,120,王建华,13900001111,独居老人、开发商未售\n"
    imported = client.post(f"{API}/communities/{places['community']}/roster", headers=staff,
                           data={"file": (io.BytesIO(roster.encode()), "roster.csv")}, content_type="multipart/form-data")
    assert imported.get_json()["updated"] == 1
    items = client.get(f"{API}/communities/{places['community']}/audit-entries?cursor={before}",
                       headers=staff).get_json()["items"]
    assert [(e["action"], e["target_id"], e["actor_id"]) for e in items] == [
        ("household.update", h1, places["staff"]), ("household.join_code_issue", h1, places["bhead"]),
        ("household.join", h1, places["nobody"]), ("household.voter_designate", h1, places["staff"]),
        ("household.member_remove", h1, places["staff"]), ("household.update", h1, places["staff"]),
        ("community.roster_import", places["community"], places["staff"])]
    assert items[0]["details"] == {"changes": {"floor_area": ["80.00", "95.50"], "developer_held": [False, True]},
                                   "personal_fields_changed": ["head_name", "head_phone"]}
    assert items[1]["details"] == {"join_code_id": issued["id"], "as_head": False}
    assert items[2]["details"] == {"join_code_id": issued["id"], "is_head": False}
    assert items[5]["details"] == {"changes": {"floor_area": ["95.50", "120.00"]}, "personal_fields_changed": [],
                                   "via": "roster"}
    assert items[6]["details"] == {"created": 0, "updated": 1, "unchanged": 0, "errors": 0}
    logged = json.dumps(items, ensure_ascii=False)
    assert [word for word in (issued["code"], "13900001111", "13812345678", "王建华", "张秀英") if word in logged] == []

    def found(query):
        url = f"{API}/communities/{places['community']}/audit-entries?cursor={before}&{query}"
        return [(e["action"], e["actor_id"]) for e in client.get(url, headers=staff).get_json()["items"]]

    # A supervisor asks: who touched this household, and what did the building head do?
    assert len(found(f"target_type=household&target_id={h1}")) == 6
    assert found(f"actor_id={places['bhead']}") == [("household.join_code_issue", places["bhead"])]
    assert found("action=household.voter_designate") == [("household.voter_designate", places["staff"])]
    assert [a for a, _ in found("action=community.")] == ["community.roster_import"]
    assert client.get(f"{API}/communities/{places['community']}/audit-entries?action=x%25",
                      headers=staff).status_code == 422


def test_an_act_that_rolls_back_leaves_no_entry(app, client, places):
    """The entry is in the act's transaction: a refused act writes nothing."""
    before = last_entry(app)
    matter = client.post(f"{API}/matters", json={"title": "楼道灯坏了", "category": "street_lamp"},
                         headers=login(client, "resident")).get_json()
    refused = client.post(f"{API}/matters/{matter['id']}/assign", json={"handler_type": "committee"},
                          headers=login(client, "council"))  # not triaged yet
    assert refused.status_code == 409
    assert last_entry(app) == before
