"""The audit log: acts of those who run the community are appended, chained by hash, readable
by staff and supervisors, and any rewrite shows when the chain is verified."""
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


def test_an_act_that_rolls_back_leaves_no_entry(app, client, places):
    """The entry is in the act's transaction: a refused act writes nothing."""
    before = last_entry(app)
    matter = client.post(f"{API}/matters", json={"title": "楼道灯坏了", "category": "street_lamp"},
                         headers=login(client, "resident")).get_json()
    refused = client.post(f"{API}/matters/{matter['id']}/assign", json={"handler_type": "committee"},
                          headers=login(client, "council"))  # not triaged yet
    assert refused.status_code == 409
    assert last_entry(app) == before
