"""The ledger of a community fund: contributions taken for a household (and seen by it alone),
grants and spending with their photos, never below zero — under concurrent spending on
PostgreSQL too —, never edited (a correction is a new, linked entry), every entry in the audit
chain; bad input answered with the error envelope. Statements are tests/test_fund_statements.py."""
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.audit import service as audit_service
from app.audit.models import AuditEntry
from app.auth.service import find_or_create_user
from app.community import service as community
from app.community.models import Building, Household, Role
from app.extensions import db
from app.funds.models import Fund, FundEntry
from app.notifications.models import Notification
from tests.conftest import TEST_DATABASE_URL, login
from tests.factories import jpeg_with_gps

API = "/api/v1"
GRANT = 100000  # 1,000.00 元


@pytest.fixture
def people(app, places):
    """places, plus h3 (the neighbour's, building 1), a head for h2 (far, building 2), a second member
    of h1 (daughter), the supervisor and the owners' committee; community A's fund, 1,000 元 granted."""
    with app.app_context():
        def person(name, role=None, scope=None):
            user = find_or_create_user(f"dev-{name}")
            if role:
                community.grant_role(None, user, role, scope)
            return user

        h3 = community.create_household(db.session.get(Building, places["b1"]), unit="1单元", room="102",
                                        floor_area=70, head_name="赵邻居")
        far, daughter, neighbour = person("far"), person("daughter"), person("neighbour")
        community.add_member(db.session.get(Household, places["h2"]), far, is_head=True)
        community.add_member(db.session.get(Household, places["h1"]), daughter)
        community.add_member(h3, neighbour, is_head=True)
        ids = {**places, "h3": h3.id, "far": far.id, "daughter": daughter.id, "neighbour": neighbour.id,
               "supervisor": person("supervisor", Role.SUPERVISOR, places["community"]).id,
               "committee": person("committee", Role.OWNERS_COMMITTEE, places["community"]).id}
        db.session.commit()
    client = app.test_client()
    fund = ok(post(client, "staff", f"/communities/{places['community']}/funds",
                   {"name": "院坝自筹金", "suggested_fen": 10000, "description": "每户100元"}), 201)
    grant(client, fund, GRANT)
    return {**ids, "fund": fund["id"]}


def post(client, name, path, body=None, **headers):
    return client.post(f"{API}{path}", json=body if body is not None else {},
                       headers={**login(client, name), **headers})


def get(client, name, path, **query):
    return client.get(f"{API}{path}", query_string=query, headers=login(client, name))


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def upload(client, name):
    response = client.post(f"{API}/photos", data={"file": (io.BytesIO(jpeg_with_gps()), "p.jpg")},
                           headers=login(client, name), content_type="multipart/form-data")
    return ok(response, 201)["id"]


def grant(client, fund, amount, name="staff"):
    return ok(post(client, name, f"/funds/{fund['id']}/entries", {
        "kind": "grant", "amount_fen": amount, "occurred_on": date.today().isoformat(), "counterparty": "街道办"}), 201)


def spend(client, fund_id, amount, name="staff", photo=None, **fields):
    return post(client, name, f"/funds/{fund_id}/entries", {
        "kind": "spending", "amount_fen": amount, "occurred_on": date.today().isoformat(), "counterparty": "五金店",
        "photo_id": photo or upload(client, name), **fields})


def contribute(client, name, fund_id, household_id, amount=10000, paid_by="cash", photo=True, **headers):
    body = {"kind": "contribution", "amount_fen": amount, "occurred_on": date.today().isoformat(),
            "household_id": household_id, "paid_by": paid_by}
    if photo:
        body["photo_id"] = upload(client, name) if photo is True else photo
    return post(client, name, f"/funds/{fund_id}/entries", body, **headers)


def balance(app, fund_id):
    with app.app_context():
        return db.session.get(Fund, fund_id).balance_fen


def entry_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(FundEntry))


# ---- contributions: the household and the committee see them, neighbours never ---------------------------

def test_a_building_head_takes_a_households_cash_and_the_household_alone_sees_it(app, client, people):
    fund_id, h1 = people["fund"], people["h1"]
    taken = ok(contribute(client, "bhead", fund_id, h1), 201)
    assert (taken["kind"], taken["direction"], taken["amount_fen"], taken["effective_fen"]) == (
        "contribution", "in", 10000, 10000)
    assert taken["household"] == {"id": h1, "address": "海滨新村1幢1单元101"}
    assert taken["acting_label"] == "由他人（楼栋长）代办" and taken["photo"]["url"]
    assert balance(app, fund_id) == GRANT + 10000
    with app.app_context():  # the household is told, in its inbox
        told = db.session.scalars(select(Notification.body).where(Notification.user_id == people["resident"])).all()
    assert "已收到您家的自筹款 100.00 元（院坝自筹金）" in told

    for member in ("resident", "daughter"):
        mine = ok(get(client, member, "/contributions/mine"))
        assert (mine["household"]["id"], mine["total_fen"], [e["id"] for e in mine["items"]]) == (h1, 10000, [taken["id"]])
        assert ok(get(client, member, f"/funds/{fund_id}"))["my_household"]["contributed_fen"] == 10000
        assert ok(get(client, member, f"/fund-entries/{taken['id']}"))["id"] == taken["id"]

    # the neighbour, as an attacker: nothing of h1's anywhere
    assert ok(get(client, "neighbour", "/contributions/mine"))["items"] == []
    seen = ok(get(client, "neighbour", f"/funds/{fund_id}"))
    assert seen["my_household"] == {"id": people["h3"], "address": "海滨新村1幢1单元102", "contributed_fen": 0,
                                    "entries": 0}
    assert seen["can"] == {"keep": False, "view_ledger": False, "collect": False, "supervise": False}
    assert get(client, "neighbour", f"/fund-entries/{taken['id']}").status_code == 404
    assert get(client, "neighbour", f"/funds/{fund_id}/entries").status_code == 403
    assert get(client, "neighbour", f"/funds/{fund_id}/entries", household_id=h1).status_code == 403
    assert get(client, "neighbour", f"/funds/{fund_id}/contributors").status_code == 403
    assert get(client, "neighbour", f"/funds/{fund_id}/contributors", status="paid").status_code == 403
    listed = ok(get(client, "neighbour", f"/communities/{people['community']}/funds"))["items"]
    assert [f["my_household"]["id"] for f in listed] == [people["h3"]]
    # those who keep or read the ledger see who gave
    for official in ("staff", "committee", "supervisor"):
        ledger = ok(get(client, official, f"/funds/{fund_id}/entries", kind="contribution"))
        assert [e["household"]["id"] for e in ledger["items"]] == [h1]


def test_a_household_records_its_own_transfer_but_no_one_records_for_a_household_they_do_not_look_after(
        app, client, people):
    fund_id = people["fund"]
    own = ok(contribute(client, "resident", fund_id, people["h1"], paid_by="transfer", photo=False), 201)
    assert own["acting_label"] is None and own["photo"] is None
    refused = contribute(client, "bhead", fund_id, people["h2"])  # building 2's household
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_acting_for_household"
    assert contribute(client, "neighbour", fund_id, people["h1"]).status_code == 403
    assert contribute(client, "other_staff", fund_id, people["h1"]).status_code == 404  # another community's fund
    assert ok(contribute(client, "gridworker", fund_id, people["h3"]), 201)["acting_label"] == "由他人（网格员）代办"
    cash = contribute(client, "resident", fund_id, people["h1"], photo=False)
    assert cash.status_code == 422 and cash.get_json()["error"]["details"]["fields"] == {"photo_id": ["请上传收据照片"]}


def test_the_collectors_list_covers_the_households_they_collect_for(app, client, people):
    fund_id = people["fund"]
    ok(contribute(client, "bhead", fund_id, people["h1"], amount=5000), 201)
    everyone = ok(get(client, "staff", f"/funds/{fund_id}/contributors"))["items"]
    assert [(c["household"]["id"], c["contributed_fen"]) for c in everyone] == [
        (people["h1"], 5000), (people["h2"], 0), (people["h3"], 0)]
    mine = ok(get(client, "bhead", f"/funds/{fund_id}/contributors", status="unpaid"))
    assert mine == {"items": [{"household": {"id": people["h3"], "address": "海滨新村1幢1单元102"}, "head_name": "赵邻居",
                               "contributed_fen": 0, "last_on": None}], "next_cursor": None}
    paid = ok(get(client, "bhead", f"/funds/{fund_id}/contributors", status="paid"))["items"]
    assert [(c["household"]["id"], c["last_on"]) for c in paid] == [(people["h1"], date.today().isoformat())]
    assert ok(get(client, "staff", f"/funds/{fund_id}/contributors", building_id=people["b2"]))["items"][0][
        "household"]["id"] == people["h2"]
    page = ok(get(client, "staff", f"/funds/{fund_id}/contributors", limit=2))
    rest = ok(get(client, "staff", f"/funds/{fund_id}/contributors", limit=2, cursor=page["next_cursor"]))
    assert [c["household"]["id"] for c in page["items"] + rest["items"]] == [people["h1"], people["h2"], people["h3"]]
    assert ok(get(client, "bhead", f"/funds/{fund_id}"))["can"]["collect"] is True
    assert ok(get(client, "committee", f"/funds/{fund_id}"))["can"] == {
        "keep": True, "view_ledger": True, "collect": False, "supervise": False}


def test_an_estates_fund_asks_of_its_households_only_and_is_hidden_from_other_estates_residents(app, client, people):
    with app.app_context():
        cy1 = db.session.get(Building, people["b1"]).courtyard_id
    fund = ok(post(client, "committee", f"/communities/{people['community']}/funds",
                   {"name": "海滨新村电梯金", "courtyard_id": cy1}), 201)
    assert fund["scope_label"] == "海滨新村" and fund["balance_fen"] == 0
    assert get(client, "far", f"/funds/{fund['id']}").status_code == 404
    assert [f["id"] for f in ok(get(client, "far", f"/communities/{people['community']}/funds"))["items"]] == [
        people["fund"]]
    assert ok(get(client, "bhead", f"/funds/{fund['id']}"))["id"] == fund["id"]
    outside = contribute(client, "staff", fund["id"], people["h2"])
    assert outside.status_code == 422 and outside.get_json()["error"]["message"] == "这户不在本基金的范围内"
    assert [c["household"]["id"] for c in ok(get(client, "staff", f"/funds/{fund['id']}/contributors"))["items"]] == [
        people["h1"], people["h3"]]
    taken = post(client, "staff", f"/communities/{people['community']}/funds", {"name": "海滨新村电梯金"})
    assert taken.status_code == 409
    assert post(client, "bhead", f"/communities/{people['community']}/funds", {"name": "楼栋基金"}).status_code == 403


def test_a_retried_contribution_is_recorded_once(app, client, people):
    photo = upload(client, "bhead")
    key = {"Idempotency-Key": "collect-h1-1"}
    first = ok(contribute(client, "bhead", people["fund"], people["h1"], photo=photo, **key), 201)
    again = contribute(client, "bhead", people["fund"], people["h1"], photo=photo, **key)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed")
    assert again.get_json()["id"] == first["id"]
    assert ok(get(client, "resident", "/contributions/mine"))["total_fen"] == 10000
    assert balance(app, people["fund"]) == GRANT + 10000


def test_a_photo_serves_one_entry_and_only_its_uploader(app, client, people):
    photo = upload(client, "bhead")
    ok(contribute(client, "bhead", people["fund"], people["h1"], photo=photo), 201)
    for reused in (contribute(client, "bhead", people["fund"], people["h3"], photo=photo),
                   spend(client, people["fund"], 100, photo=upload(client, "bhead"), name="staff"),
                   spend(client, people["fund"], 100, photo=photo)):
        assert reused.status_code == 422, reused.get_json()
        assert reused.get_json()["error"]["details"]["fields"] == {"photo_id": ["照片不存在或已使用，请重新上传"]}
    matter = ok(post(client, "staff", "/matters", {"title": "路灯坏了", "category": "street_lamp",
                                                  "building_id": people["b1"], "photo_ids": [upload(client, "staff")]}),
                201)
    attached = matter["photos"][0]["id"]
    assert spend(client, people["fund"], 100, photo=attached).status_code == 422
    assert entry_count(app) == 2  # the grant and the one contribution


# ---- grants and spending ---------------------------------------------------------------------------------

def test_those_who_keep_the_accounts_record_grants_and_spending_and_never_below_zero(app, client, people):
    fund_id = people["fund"]
    for name in ("resident", "bhead", "supervisor", "council"):
        assert spend(client, fund_id, 100, name=name).status_code == 403, name
    spent = ok(spend(client, fund_id, 30000, name="committee", description="楼道灯泡"), 201)
    assert (spent["balance_after_fen"], spent["effective_fen"], spent["seq"]) == (GRANT - 30000, -30000, 2)
    audits = entry_count(app), _audit_count(app)
    refused = spend(client, fund_id, GRANT - 30000 + 1)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert (error["code"], error["message"]) == ("insufficient_funds", "基金余额不足：余额 700.00 元，本笔支出 700.01 元")
    assert (entry_count(app), _audit_count(app)) == audits  # nothing half-written
    ok(spend(client, fund_id, GRANT - 30000), 201)
    assert balance(app, fund_id) == 0
    nothing = spend(client, fund_id, 1).get_json()["error"]
    assert nothing["message"] == "基金余额不足：余额 0.00 元，本笔支出 0.01 元"


def test_spending_needs_its_invoice_and_a_project_of_this_fund(app, client, people):
    fund_id = people["fund"]
    bare = post(client, "staff", f"/funds/{fund_id}/entries", {
        "kind": "spending", "amount_fen": 100, "occurred_on": date.today().isoformat()})
    assert bare.status_code == 422 and bare.get_json()["error"]["details"]["fields"] == {"photo_id": ["请上传发票照片"]}
    unknown = spend(client, fund_id, 100, project_id=999999)
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["details"]["fields"] == {"project_id": ["项目不存在或不由本基金支付"]}


def _audit_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEntry))


# ---- no edit; corrections ---------------------------------------------------------------------------------

def test_an_entry_is_never_edited_nor_deleted(app, client, people):
    taken = ok(contribute(client, "bhead", people["fund"], people["h1"]), 201)
    for method in (client.put, client.patch, client.delete):
        assert method(f"{API}/fund-entries/{taken['id']}", json={"amount_fen": 1},
                      headers=login(client, "staff")).status_code == 405
    with app.app_context():
        rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("funds.")]
        assert all(r.methods - {"HEAD", "OPTIONS"} <= {"GET", "POST"} for r in rules)
        entry = db.session.get(FundEntry, taken["id"])
        entry.amount_fen = 1
        with pytest.raises(TypeError, match="never edited"):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(FundEntry, taken["id"]))
        with pytest.raises(TypeError, match="never edited"):
            db.session.flush()
        db.session.rollback()
        assert db.session.get(FundEntry, taken["id"]).amount_fen == 10000


def test_a_correction_is_a_new_entry_linked_to_the_one_it_puts_right(app, client, people):
    fund_id = people["fund"]
    taken = ok(contribute(client, "bhead", fund_id, people["h1"], amount=10000), 201)
    url = f"/fund-entries/{taken['id']}/corrections"
    for hidden in ("bhead", "neighbour"):  # neither reads the ledger
        assert post(client, hidden, url, {"amount_fen": 5000, "reason": "多记了"}).status_code == 404
    assert post(client, "resident", url, {"amount_fen": 5000, "reason": "多记了"}).status_code == 403
    less = ok(post(client, "committee", url, {"amount_fen": 5000, "reason": "实收50元，多记了"}), 201)
    assert (less["kind"], less["direction"], less["amount_fen"], less["corrects_id"], less["household"]["id"]) == (
        "correction", "out", 5000, taken["id"], people["h1"])
    original = ok(get(client, "staff", f"/fund-entries/{taken['id']}"))
    assert (original["amount_fen"], original["effective_fen"], original["corrected_by"]) == (10000, 5000, [less["id"]])
    more = ok(post(client, "committee", url, {"amount_fen": 8000, "reason": "补记30元"}), 201)
    assert (more["direction"], more["amount_fen"]) == ("in", 3000)
    assert ok(get(client, "staff", f"/fund-entries/{taken['id']}"))["effective_fen"] == 8000
    assert ok(get(client, "resident", "/contributions/mine"))["total_fen"] == 8000
    assert balance(app, fund_id) == GRANT + 8000

    same = post(client, "committee", url, {"amount_fen": 8000, "reason": "核对"})
    assert same.status_code == 422 and same.get_json()["error"]["message"] == "正确金额与现有金额 80.00 元相同，无需更正"
    twice = post(client, "committee", f"/fund-entries/{less['id']}/corrections", {"amount_fen": 1, "reason": "再改"})
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "is_correction"
    unexplained = post(client, "committee", url, {"amount_fen": 0})
    assert unexplained.status_code == 422 and "reason" in unexplained.get_json()["error"]["details"]["fields"]
    # the money went out since: undoing the grant would take the fund below zero
    ok(spend(client, fund_id, GRANT), 201)
    first_grant = ok(get(client, "staff", f"/funds/{fund_id}/entries", kind="grant"))["items"][0]
    below = post(client, "committee", f"/fund-entries/{first_grant['id']}/corrections", {"amount_fen": 0, "reason": "撤销"})
    assert below.status_code == 409 and below.get_json()["error"]["code"] == "insufficient_funds"


def test_every_entry_is_in_the_audit_chain_with_its_fields(app, client, people):
    taken = ok(contribute(client, "bhead", people["fund"], people["h1"]), 201)
    fixed = ok(post(client, "committee", f"/fund-entries/{taken['id']}/corrections",
                    {"amount_fen": 9000, "reason": "少收10元"}), 201)
    assert entry_count(app) == 3  # the grant, the contribution, the correction
    with app.app_context():
        lines = {a.target_id: a for a in db.session.scalars(select(AuditEntry).where(
            AuditEntry.target_type == "fund_entry"))}
        assert len(lines) == 3
        for entry in db.session.scalars(select(FundEntry)):
            line = lines[entry.id]
            assert line.action == f"fund_entry.{entry.kind}"
            assert (line.community_id, line.household_id) == (people["community"], entry.household_id)
            assert {k: line.details[k] for k in ("fund_id", "seq", "kind", "direction", "amount_fen",
                                                  "balance_after_fen", "photo_id", "corrects_id", "reason")} == {
                "fund_id": entry.fund_id, "seq": entry.seq, "kind": entry.kind, "direction": entry.direction,
                "amount_fen": entry.amount_fen, "balance_after_fen": entry.balance_after_fen,
                "photo_id": entry.photo_id, "corrects_id": entry.corrects_id, "reason": entry.reason}
            assert line.details["occurred_on"] == entry.occurred_on.isoformat()
        assert lines[taken["id"]].details["acting"]["as"] == "building_head"
        assert lines[fixed["id"]].details["corrects_id"] == taken["id"]
        assert audit_service.verify()["ok"] is True


def test_a_collector_who_leaves_leaves_the_receipt_with_the_entry(app, client, people):
    """Erasing one's account keeps the community's record: the cash receipt a building head
    photographed stays with the contribution it proves."""
    taken = ok(contribute(client, "bhead", people["fund"], people["h1"]), 201)
    assert post(client, "bhead", "/me/erase", {"confirm": "注销账号"}).status_code == 204
    kept = ok(get(client, "staff", f"/fund-entries/{taken['id']}"))
    assert kept["photo"]["id"] == taken["photo"]["id"] and kept["recorded_by"]["id"] == taken["recorded_by"]["id"]


# ---- bad input ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, field", [
    ({"kind": "correction", "amount_fen": 100}, "kind"),
    ({"kind": "grant", "amount_fen": 0}, "amount_fen"),
    ({"kind": "grant", "amount_fen": -5}, "amount_fen"),
    ({"kind": "grant", "amount_fen": "100元"}, "amount_fen"),
    ({"kind": "grant", "amount_fen": 10**12}, "amount_fen"),
    ({"kind": "grant", "amount_fen": 100, "occurred_on": (date.today() + timedelta(days=2)).isoformat()},
     "occurred_on"),
    ({"kind": "grant", "amount_fen": 100, "occurred_on": "2026-13-01"}, "occurred_on"),
    ({"kind": "contribution", "amount_fen": 100, "paid_by": "cash"}, "household_id"),
    ({"kind": "contribution", "amount_fen": 100, "household_id": "@h1"}, "paid_by"),
    ({"kind": "contribution", "amount_fen": 100, "household_id": "@other_household", "paid_by": "transfer"},
     "household_id"),
    ({"kind": "contribution", "amount_fen": 100, "household_id": "@h1", "paid_by": "wechat"}, "paid_by"),
    ({"kind": "grant", "amount_fen": 100, "counterparty": "街" * 101}, "counterparty"),
])
def test_bad_input_is_refused_with_the_envelope_naming_the_field(app, client, people, body, field):
    body = {"occurred_on": date.today().isoformat(), **body}
    body = {k: people[v[1:]] if isinstance(v, str) and v.startswith("@") else v for k, v in body.items()}
    response = post(client, "staff", f"/funds/{people['fund']}/entries", body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and field in error["details"]["fields"] and error["message"]
    assert entry_count(app) == 1


def test_bad_queries_and_unknown_things_are_refused_with_the_envelope(client, people):
    fund_id = people["fund"]
    for query in ({"month": "2026-1"}, {"kind": "gift"}, {"limit": 0}):
        response = get(client, "staff", f"/funds/{fund_id}/entries", **query)
        assert response.status_code == 422 and response.get_json()["error"]["code"] == "validation_error"
    assert get(client, "staff", f"/funds/{fund_id}/contributors", status="late").status_code == 422
    assert get(client, "staff", "/funds/999999").get_json()["error"]["code"] == "not_found"
    assert get(client, "staff", "/fund-entries/999999").status_code == 404
    assert post(client, "staff", f"/communities/{people['community']}/funds", {"name": "x"}).status_code == 422
    assert post(client, "staff", f"/communities/{people['community']}/funds",
                {"name": "院落基金", "courtyard_id": 999999}).status_code == 422


# ---- concurrency -----------------------------------------------------------------------------------------

@pytest.mark.skipif(not (TEST_DATABASE_URL or "").startswith("postgresql"),
                    reason="row locks under concurrent transactions: PostgreSQL (TEST_DATABASE_URL)")
def test_concurrent_spending_never_takes_the_fund_below_zero(app, client, people, free_port):
    """A real threaded server; 24 spendings of 100 元 at once against 1,000 元: ten are recorded,
    the others refused as insufficient, and the balances chain without a gap."""
    fund_id, attempts = people["fund"], 24
    headers = login(client, "staff")
    photos = [upload(client, "staff") for _ in range(attempts)]
    server = make_server("127.0.0.1", free_port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{free_port}{API}/funds/{fund_id}/entries"
    start = threading.Barrier(attempts)

    def attempt(n):
        start.wait()
        response = requests.post(url, headers=headers, timeout=120, json={
            "kind": "spending", "amount_fen": 10000, "occurred_on": date.today().isoformat(), "photo_id": photos[n]})
        return response.status_code, response.json()

    try:
        with ThreadPoolExecutor(max_workers=attempts) as pool:
            results = list(pool.map(attempt, range(attempts)))
    finally:
        server.shutdown()
    assert sorted(status for status, _ in results) == [201] * 10 + [409] * (attempts - 10)
    assert {body["error"]["code"] for status, body in results if status == 409} == {"insufficient_funds"}
    assert balance(app, fund_id) == 0
    with app.app_context():
        entries = db.session.scalars(select(FundEntry).where(FundEntry.fund_id == fund_id).order_by(FundEntry.seq)).all()
    assert [e.seq for e in entries] == list(range(1, 12))
    running = 0
    for e in entries:
        running += e.amount_fen if e.direction == "in" else -e.amount_fen
        assert e.balance_after_fen == running >= 0

