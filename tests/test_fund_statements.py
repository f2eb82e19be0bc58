"""账目公示: a month's or a project's statement adds up (opening + in − out = closing, each month
opening where the one before closed), is frozen when published (a later correction lands in the
next month), never names a contributing household — in the app, on paper or anywhere a
neighbour can reach —, is confirmed by the supervisors, and goes to the street office as Excel
with every entry. Spending against a funded project, and the project's own statement."""
import hashlib
import io
import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from app.audit.models import AuditEntry
from app.auth.models import User
from app.auth.service import find_or_create_user
from app.budgets import service as budgets
from app.budgets.models import BudgetProject
from app.community import service as community
from app.community.models import Building, Community, Household, Role
from app.extensions import db
from app.funds.models import Fund, FundEntry, FundStatement
from app.notifications.models import Notification
from tests.conftest import login
from tests.factories import jpeg_with_gps

API = "/api/v1"
ZONE = ZoneInfo("Asia/Shanghai")
PRIVATE = ("张秀英", "赵邻居", "李建国", "1单元101", "1单元102", "2幢201")  # what would name a household


def month_of(moment):
    return f"{moment.year}-{moment.month:02d}"


def months_ago(n):
    """The community's month n months before this one, as YYYY-MM."""
    day = datetime.now(ZONE).date().replace(day=1)
    for _ in range(n):
        day = (day - timedelta(days=1)).replace(day=1)
    return month_of(day)


@pytest.fixture
def people(app, places):
    """places, plus h3 (the neighbour's), a head for h2 (far), the supervisors and the owners'
    committee; community A's fund opened three months ago."""
    assert app.config["TIME_ZONE"] == "Asia/Shanghai"
    with app.app_context():
        def person(name, role=None, scope=None):
            user = find_or_create_user(f"dev-{name}")
            if role:
                community.grant_role(None, user, role, scope)
            return user

        h3 = community.create_household(db.session.get(Building, places["b1"]), unit="1单元", room="102",
                                        floor_area=70, head_name="赵邻居")
        far, neighbour = person("far"), person("neighbour")
        community.add_member(db.session.get(Household, places["h2"]), far, is_head=True)
        community.add_member(h3, neighbour, is_head=True)
        ids = {**places, "h3": h3.id, "far": far.id, "neighbour": neighbour.id,
               "supervisor": person("supervisor", Role.SUPERVISOR, places["community"]).id,
               "supervisor2": person("supervisor2", Role.SUPERVISOR, places["community"]).id,
               "committee": person("committee", Role.OWNERS_COMMITTEE, places["community"]).id}
        db.session.commit()
    client = app.test_client()
    fund = ok(post(client, "staff", f"/communities/{places['community']}/funds", {"name": "院坝自筹金"}), 201)
    with app.app_context():
        db.session.execute(update(Fund).values(created_at=datetime.now(timezone.utc) - timedelta(days=100)))
        db.session.commit()
    return {**ids, "fund": fund["id"]}


def post(client, name, path, body=None):
    return client.post(f"{API}{path}", json=body if body is not None else {}, headers=login(client, name))


def get(client, name, path, **query):
    return client.get(f"{API}{path}", query_string=query, headers=login(client, name))


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def upload(client, name):
    response = client.post(f"{API}/photos", data={"file": (io.BytesIO(jpeg_with_gps()), "p.jpg")},
                           headers=login(client, name), content_type="multipart/form-data")
    return ok(response, 201)["id"]


def record(client, name, fund_id, kind, amount, **fields):
    body = {"kind": kind, "amount_fen": amount, "occurred_on": date.today().isoformat(), **fields}
    if kind == "spending" or fields.get("paid_by") == "cash":
        body.setdefault("photo_id", upload(client, name))
    return ok(post(client, name, f"/funds/{fund_id}/entries", body), 201)


def recorded_in(app, month, *entries):
    """Time passes: the entries were recorded on the 15th of `month` (the community's days)."""
    year, number = (int(part) for part in month.split("-"))
    with app.app_context():
        db.session.execute(update(FundEntry.__table__).where(FundEntry.id.in_([e["id"] for e in entries]))
                           .values(recorded_at=datetime(year, number, 15, 12, tzinfo=ZONE).astimezone(timezone.utc)))
        db.session.commit()


def publish(client, fund_id, name="staff", **body):
    return post(client, name, f"/funds/{fund_id}/statements", {"kind": "month", **body})


def a_month_of_money(app, client, people, month):
    """In `month`: 1,000 元 granted, h1 and h3 give 100 元 each (cash to the building head), 300 元
    spent on light bulbs."""
    fund_id = people["fund"]
    entries = [record(client, "staff", fund_id, "grant", 100000, counterparty="街道办"),
               record(client, "bhead", fund_id, "contribution", 10000, household_id=people["h1"], paid_by="cash"),
               record(client, "bhead", fund_id, "contribution", 10000, household_id=people["h3"], paid_by="cash"),
               record(client, "committee", fund_id, "spending", 30000, counterparty="五金店", description="楼道灯泡",
                      receipt_no="FP-001")]
    recorded_in(app, month, *entries)
    return entries


def assert_names_no_household(data):
    text = json.dumps(data, ensure_ascii=False)
    assert not any(private in text for private in PRIVATE), text
    assert '"household"' not in text and '"household_id"' not in text


# ---- the arithmetic -------------------------------------------------------------------------------------------

def test_each_month_adds_up_and_opens_where_the_one_before_closed(app, client, people):
    fund_id, earlier, last = people["fund"], months_ago(2), months_ago(1)
    a_month_of_money(app, client, people, earlier)
    later = [record(client, "staff", fund_id, "contribution", 5000, household_id=people["h2"], paid_by="transfer"),
             record(client, "committee", fund_id, "spending", 10000, counterparty="园林公司")]
    recorded_in(app, last, *later)

    first = ok(publish(client, fund_id, month=earlier), 201)
    assert (first["opening_fen"], first["in_fen"], first["out_fen"], first["closing_fen"]) == (0, 120000, 30000, 90000)
    assert first["contributions"] == {"households": 2, "total_fen": 20000}
    lines = first["lines"]
    assert lines[0] == {"kind": "contribution", "kind_label": "住户自筹（合计）", "direction": "in", "amount_fen": 20000,
                        "households": 2}
    assert [(line["kind"], line["amount_fen"]) for line in lines[1:]] == [("grant", 100000), ("spending", 30000)]
    assert lines[2]["photo"]["url"] and lines[2]["receipt_no"] == "FP-001" and lines[2]["counterparty"] == "五金店"
    second = ok(publish(client, fund_id, month=last), 201)
    assert second["opening_fen"] == first["closing_fen"]
    assert (second["in_fen"], second["out_fen"], second["closing_fen"]) == (5000, 10000, 85000)
    with app.app_context():
        assert db.session.get(Fund, fund_id).balance_fen == second["closing_fen"]
        stored = db.session.get(FundStatement, first["id"])
        canonical = json.dumps(stored.content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert first["digest"] == stored.digest == hashlib.sha256(canonical.encode()).hexdigest()
    assert [e["seq"] for e in ok(get(client, "staff", f"/funds/{fund_id}/entries", month=earlier))["items"]] == [
        4, 3, 2, 1]
    listed = ok(get(client, "neighbour", f"/funds/{fund_id}/statements"))
    assert [s["id"] for s in listed["items"]] == [second["id"], first["id"]] and listed["next_cursor"] is None

    now = publish(client, fund_id, month=months_ago(0))
    assert now.status_code == 409 and now.get_json()["error"]["message"] == "本月尚未结束"
    again = publish(client, fund_id, month=earlier)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_published"
    assert again.get_json()["error"]["details"] == {"id": first["id"]}
    assert publish(client, fund_id, month=months_ago(5)).status_code == 422  # before the fund was opened
    assert publish(client, fund_id, month="2026-13").status_code == 422
    assert publish(client, fund_id).status_code == 422  # which month?


def test_a_correction_after_publishing_lands_in_the_next_month_and_the_statement_stays_as_published(
        app, client, people):
    fund_id, earlier, last = people["fund"], months_ago(2), months_ago(1)
    _grant, h1_cash, _h3_cash, bulbs = a_month_of_money(app, client, people, earlier)
    first = ok(publish(client, fund_id, month=earlier), 201)
    fixes = [ok(post(client, "committee", f"/fund-entries/{h1_cash['id']}/corrections",
                     {"amount_fen": 8000, "reason": "实收80元"}), 201),
             ok(post(client, "committee", f"/fund-entries/{bulbs['id']}/corrections",
                     {"amount_fen": 28000, "reason": "发票金额280元，多记20元"}), 201)]
    recorded_in(app, last, *fixes)
    unchanged = ok(get(client, "supervisor", f"/fund-statements/{first['id']}"))
    assert (unchanged["digest"], unchanged["closing_fen"], unchanged["contributions"]) == (
        first["digest"], 90000, {"households": 2, "total_fen": 20000})
    assert [(line["kind"], line["amount_fen"]) for line in unchanged["lines"]] == [
        ("contribution", 20000), ("grant", 100000), ("spending", 30000)]

    second = ok(publish(client, fund_id, month=last), 201)
    assert (second["opening_fen"], second["in_fen"], second["out_fen"], second["closing_fen"]) == (90000, 2000, 2000,
                                                                                                  90000)
    assert second["contributions"] == {"households": 1, "total_fen": -2000}
    assert second["lines"][0] == {"kind": "contribution", "kind_label": "住户自筹（合计）", "direction": "out",
                                  "amount_fen": 2000, "households": 1}
    fixed = second["lines"][1]
    assert (fixed["kind"], fixed["direction"], fixed["amount_fen"], fixed["corrects_id"], fixed["reason"]) == (
        "correction", "in", 2000, bulbs["id"], "发票金额280元，多记20元")
    assert_names_no_household(second)


# ---- a neighbour reads the accounts, never who gave ---------------------------------------------------------------

def test_no_household_is_named_to_a_neighbour_in_the_statement_its_paper_or_its_excel(app, client, people):
    fund_id, earlier = people["fund"], months_ago(2)
    a_month_of_money(app, client, people, earlier)
    published = ok(publish(client, fund_id, month=earlier), 201)
    url = f"/fund-statements/{published['id']}"
    for reader in ("neighbour", "far", "resident", "bhead", "council"):
        assert_names_no_household(ok(get(client, reader, url)))
        assert_names_no_household(ok(get(client, reader, f"/funds/{fund_id}/statements")))
        paper = get(client, reader, f"{url}/statement.pdf")
        assert paper.status_code == 200 and paper.mimetype == "application/pdf"
        text = "\n".join(page.get_textpage().get_text_bounded() for page in pdfium.PdfDocument(paper.data))
        assert "院坝自筹金" in text and "2 户自筹" in text and "1,000.00 元" in text and "900.00 元" in text
        assert not any(private in text for private in PRIVATE), text
    for refused in ("neighbour", "resident", "bhead", "council"):
        assert get(client, refused, f"{url}/statement.xlsx").status_code == 403
    for name in ("nobody", "other-staff"):  # no place in the community
        assert get(client, name, url).status_code == 404
        assert get(client, name, f"{url}/statement.pdf").status_code == 404
    with app.app_context():  # the household's gift is not in what was frozen either
        assert_names_no_household(db.session.get(FundStatement, published["id"]).content)


def test_the_street_office_gets_every_entry_with_its_household_in_excel(app, client, people):
    fund_id, earlier = people["fund"], months_ago(2)
    a_month_of_money(app, client, people, earlier)
    published = ok(publish(client, fund_id, month=earlier), 201)
    for reader in ("staff", "committee", "supervisor"):
        response = get(client, reader, f"/fund-statements/{published['id']}/statement.xlsx")
        assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == f"院坝自筹金 账目公示 {earlier}"
    assert [row[:2] for row in rows[1:5]] == [["期初余额（元）", 0], ["收入（元）", 1200], ["支出（元）", 300],
                                              ["期末余额（元）", 900]]
    entries = rows[rows.index(next(r for r in rows if r[0] == "序号")) + 1:]
    assert [(r[0], r[2], r[4], r[6]) for r in entries] == [
        (1, "拨款/捐赠", 1000, None), (2, "自筹款", 100, "海滨新村1幢1单元101"), (3, "自筹款", 100, "海滨新村1幢1单元102"),
        (4, "支出", 300, None)]


# ---- publishing and confirming -------------------------------------------------------------------------------

def test_those_who_keep_the_accounts_publish_and_the_households_and_supervisors_are_told(app, client, people):
    fund_id, earlier = people["fund"], months_ago(2)
    a_month_of_money(app, client, people, earlier)
    for name in ("resident", "bhead", "supervisor", "council"):
        assert publish(client, fund_id, name=name, month=earlier).status_code == 403, name
    published = ok(publish(client, fund_id, name="committee", month=earlier), 201)
    page = f"pages/money/statement?id={published['id']}"
    with app.app_context():
        told = {(n.user_id, n.title, n.page) for n in db.session.scalars(
            select(Notification).where(Notification.page == page))}
        assert {(people[name], f"院坝自筹金 {earlier} 账目公示", page) for name in ("resident", "neighbour", "far")} <= told
        assert {(people[name], "请核实账目公示", page) for name in ("supervisor", "supervisor2")} <= told
        assert people["staff"] not in {user_id for user_id, _title, _page in told}
        line = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "fund_statement.published"))
        assert (line.target_id, line.details["digest"], line.details["closing_fen"]) == (
            published["id"], published["digest"], 90000)


def test_each_supervisor_confirms_once_and_a_query_says_what_does_not_add_up(app, client, people):
    fund_id, earlier = people["fund"], months_ago(2)
    a_month_of_money(app, client, people, earlier)
    published = ok(publish(client, fund_id, month=earlier), 201)
    assert (published["confirmed"], published["confirmations"], published["can"]) == (False, [], {"confirm": False})
    url = f"/fund-statements/{published['id']}/confirmations"
    for name in ("resident", "staff", "committee"):
        assert post(client, name, url, {"agrees": True}).status_code == 403
    assert ok(get(client, "supervisor", f"/fund-statements/{published['id']}"))["can"] == {"confirm": True}
    agreed = ok(post(client, "supervisor", url, {"agrees": True}))
    assert agreed["confirmed"] is True and agreed["can"] == {"confirm": False}
    assert [(c["user"]["id"], c["agrees"]) for c in agreed["confirmations"]] == [(people["supervisor"], True)]
    again = post(client, "supervisor", url, {"agrees": False, "note": "再看看"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_confirmed"
    unexplained = post(client, "supervisor2", url, {"agrees": False})
    assert unexplained.status_code == 422 and "note" in unexplained.get_json()["error"]["details"]["fields"]
    queried = ok(post(client, "supervisor2", url, {"agrees": False, "note": "灯泡单价偏高，请补充比价"}))
    assert queried["confirmed"] is False and queried["confirmations"][1]["note"] == "灯泡单价偏高，请补充比价"
    with app.app_context():
        assert db.session.scalars(select(Notification.body).where(Notification.user_id == people["staff"])).all() == [
            "灯泡单价偏高，请补充比价"]
        assert [a.action for a in db.session.scalars(select(AuditEntry).where(
            AuditEntry.target_type == "fund_statement").order_by(AuditEntry.id))] == [
            "fund_statement.published", "fund_statement.confirmed", "fund_statement.queried"]



def test_the_list_shows_where_each_statements_check_stands_and_a_query_is_never_outvoted(app, client, people):
    fund_id = people["fund"]
    a_month_of_money(app, client, people, months_ago(2))
    first = ok(publish(client, fund_id, month=months_ago(2)), 201)
    second = ok(publish(client, fund_id, month=months_ago(1)), 201)
    assert (first["review"], first["review_label"]) == ("pending", "待监委会核实")

    def listed():
        items = ok(get(client, "neighbour", f"/funds/{fund_id}/statements"))["items"]
        return {s["id"]: (s["review"], s["review_label"]) for s in items}

    assert listed() == {first["id"]: ("pending", "待监委会核实"), second["id"]: ("pending", "待监委会核实")}
    ok(post(client, "supervisor", f"/fund-statements/{first['id']}/confirmations", {"agrees": True}))
    assert listed() == {first["id"]: ("confirmed", "监委会已核实"), second["id"]: ("pending", "待监委会核实")}
    ok(post(client, "supervisor", f"/fund-statements/{second['id']}/confirmations",
            {"agrees": False, "note": "少了一张收据"}))
    after = ok(post(client, "supervisor2", f"/fund-statements/{second['id']}/confirmations", {"agrees": True}))
    assert (after["review"], after["review_label"], after["confirmed"]) == ("queried", "监委会有疑问", False)
    assert listed() == {first["id"]: ("confirmed", "监委会已核实"), second["id"]: ("queried", "监委会有疑问")}

# ---- projects: spending against them and their statement ------------------------------------------------------

def funded_round(app, people, costs):
    """A closed round over the fund (holding 1,000 元) in which the resident approved the first project
    only: (funded, unfunded) project ids."""
    with app.app_context():
        staff = db.session.get(User, people["staff"])
        fund = db.session.get(Fund, people["fund"])
        from app.funds import service as funds
        funds.record(staff, fund, "grant", 100000, date.today(), counterparty="街道办")
        rnd = budgets.create(staff, db.session.get(Community, people["community"]), "院坝微更新", fund.id, 50000,
                             "greedy")
        resident = db.session.get(User, people["resident"])
        projects = [budgets.propose(resident, rnd, f"项目{i}") for i in range(len(costs))]
        budgets.start_review(staff, rnd)
        for project, cost in zip(projects, costs):
            budgets.review(db.session.get(User, people["council"]), rnd, project, "accept", "可行", cost_fen=cost)
        budgets.open_voting(staff, rnd)
        budgets.cast(resident, rnd, [projects[0].id])
        budgets.close(staff, rnd)
        db.session.commit()
        return rnd.id, [p.id for p in projects]


def test_spending_against_a_project_asks_why_it_passes_the_cost_and_is_shown_with_the_project(app, client, people):
    fund_id = people["fund"]
    round_id, (funded, unfunded) = funded_round(app, people, [30000, 40000])
    record(client, "committee", fund_id, "spending", 20000, project_id=funded, description="扶手材料")
    over = post(client, "committee", f"/funds/{fund_id}/entries", {
        "kind": "spending", "amount_fen": 15000, "occurred_on": date.today().isoformat(), "project_id": funded,
        "photo_id": upload(client, "committee")})
    assert over.status_code == 422 and over.get_json()["error"]["details"]["fields"] == {
        "over_cost_reason": ["本笔支出后项目累计支出 350.00 元，超过核定费用 300.00 元，请说明原因"]}
    labour = record(client, "committee", fund_id, "spending", 15000, project_id=funded,
                    over_cost_reason="加装一段扶手，经议事会同意")
    assert (labour["reason"], labour["project"]) == ("加装一段扶手，经议事会同意", {"id": funded, "title": "项目0"})
    lost = post(client, "committee", f"/funds/{fund_id}/entries", {
        "kind": "spending", "amount_fen": 100, "occurred_on": date.today().isoformat(), "project_id": unfunded,
        "photo_id": upload(client, "committee")})
    assert lost.status_code == 422 and "project_id" in lost.get_json()["error"]["details"]["fields"]

    spending = ok(get(client, "neighbour", f"/budget-projects/{funded}/spending"))
    assert (spending["cost_fen"], spending["spent_fen"]) == (30000, 35000)
    assert [(e["kind"], e["amount_fen"], e["description"]) for e in spending["entries"]] == [
        ("spending", 20000, "扶手材料"), ("spending", 15000, "")]
    assert all(e["photo"]["thumbnail_url"] for e in spending["entries"])
    assert get(client, "other-staff", f"/budget-projects/{funded}/spending").status_code == 404

    statement = post(client, "staff", f"/funds/{fund_id}/statements", {"kind": "project", "project_id": funded})
    assert statement.status_code == 409 and statement.get_json()["error"]["code"] == "project_not_completed"
    with app.app_context():
        rnd = budgets.get_visible(db.session.get(User, people["staff"]), round_id)
        budgets.post_update(db.session.get(User, people["committee"]), rnd, db.session.get(BudgetProject, funded),
                            "已完工", percent=100, completes=True)
        db.session.commit()
    done = ok(post(client, "staff", f"/funds/{fund_id}/statements", {"kind": "project", "project_id": funded}), 201)
    assert (done["kind"], done["month"], done["project"]) == ("project", None, {"id": funded, "title": "项目0"})
    assert (done["opening_fen"], done["in_fen"], done["out_fen"], done["closing_fen"]) == (30000, 0, 35000, -5000)
    assert [line["amount_fen"] for line in done["lines"]] == [20000, 15000]
    again = post(client, "staff", f"/funds/{fund_id}/statements", {"kind": "project", "project_id": funded})
    assert again.status_code == 409 and again.get_json()["error"]["details"] == {"id": done["id"]}
