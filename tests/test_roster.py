"""Roster import: good rows land, bad rows are reported by row number, re-import changes nothing."""
import io

from openpyxl import Workbook

from app.community.models import Building, Grid, Household
from app.extensions import db
from tests.conftest import login

HEADER = "网格,院落,楼栋,单元,房号,面积,户主姓名,电话,标记\n"
GOOD = (
    "第一网格,海滨新村,1幢,1单元,111,85.5,张秀英,13812345678,独居老人\n"
    "第一网格,海滨新村,1幢,1单元,112,60,李建国,13987654321,\n"
    "第二网格,渔港小区,3幢,,201,72.25,王桂兰,023-62881234,低保、残疾\n"
)
BAD = (
    "第一网格,海滨新村,1幢,1单元,103,abc,赵一,13800000001,\n"          # row 5: area not a number
    "第一网格,海滨新村,1幢,1单元,,50,钱二,13800000002,\n"              # row 6: no room
    "第一网格,海滨新村,1幢,1单元,104,50,孙三,not-a-phone,\n"           # row 7: bad phone
    "第一网格,海滨新村,1幢,1单元,105,50,周四,13800000004,外星人\n"      # row 8: unknown flag
    "第一网格,海滨新村,1幢,1单元,111,90,重复,13800000005,\n"           # row 9: same flat as row 2
    "第一网格,海滨新村,1幢,1单元,106,-3,吴五,13800000006,\n"           # row 10: area ≤ 0
)


def upload(client, community_id, content, filename="roster.csv", who="staff"):
    return client.post(f"/api/v1/communities/{community_id}/roster", headers=login(client, who),
                       data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def households(app):
    with app.app_context():
        return {(h.room, h.unit): h for h in db.session.scalars(db.select(Household))}


def test_good_rows_land_and_bad_rows_are_reported(app, client, places):
    response = upload(client, places["community"], (HEADER + GOOD + BAD).encode())
    assert response.status_code == 200
    report = response.get_json()
    assert report["created"] == 3 and report["updated"] == 0
    assert [e["row"] for e in report["errors"]] == [5, 6, 7, 8, 9, 10]
    reasons = {e["row"]: e["reason"] for e in report["errors"]}
    assert "面积" in reasons[5] and "房号" in reasons[6] and "电话" in reasons[7]
    assert "外星人" in reasons[8] and "第 2 行" in reasons[9]
    homes = households(app)
    flat = homes[("111", "1单元")]
    assert flat.elderly_alone and flat.head_phone == "13812345678" and float(flat.floor_area) == 85.5
    lowland = homes[("201", "")]
    assert lowland.low_income and lowland.disabled and not lowland.elderly_alone
    assert ("103", "1单元") not in homes


def test_reimport_is_idempotent_and_updates_what_changed(app, client, places):
    upload(client, places["community"], (HEADER + GOOD).encode())
    before = {key: h.id for key, h in households(app).items()}
    again = upload(client, places["community"], (HEADER + GOOD).encode()).get_json()
    assert again == {"created": 0, "updated": 0, "unchanged": 3, "errors": []}
    changed = upload(client, places["community"], (HEADER + GOOD.replace("85.5", "86")).encode()).get_json()
    assert changed["updated"] == 1 and changed["unchanged"] == 2
    after = households(app)
    assert {key: h.id for key, h in after.items()} == before
    assert float(after[("111", "1单元")].floor_area) == 86
    with app.app_context():
        grid_names = db.session.scalars(db.select(Grid.name).filter_by(community_id=places["community"])).all()
        assert sorted(grid_names) == ["第一网格", "第二网格"]  # existing grids reused, none doubled
        assert db.session.scalar(db.select(db.func.count(Building.id)).filter_by(name="1幢")) == 1


def test_xlsx_roster_with_english_headers(app, client, places):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["grid", "courtyard", "building", "unit", "room", "floor_area", "head_name", "phone", "flags"])
    sheet.append(["第一网格", "海滨新村", "1幢", "2单元", 301, 99.9, "刘德胜", 13700001111, "elderly_alone"])
    sheet.append(["第一网格", "海滨新村", "1幢", "2单元", 302, None, "陈玉梅", None, None])
    data = io.BytesIO()
    workbook.save(data)
    report = upload(client, places["community"], data.getvalue(), "roster.xlsx").get_json()
    assert report["created"] == 1
    assert report["errors"] == [{"row": 3, "reason": "缺少面积"}]
    home = households(app)[("301", "2单元")]
    assert home.head_phone == "13700001111" and home.elderly_alone


def test_gbk_csv_from_chinese_excel(app, client, places):
    report = upload(client, places["community"], (HEADER + GOOD).encode("gb18030")).get_json()
    assert report["created"] == 3
    assert households(app)[("112", "1单元")].head_name == "李建国"


def test_unusable_files_are_clear_422s(app, client, places):
    missing = upload(client, places["community"], "网格,楼栋\n一,1幢\n".encode())
    assert missing.status_code == 422 and missing.get_json()["error"]["code"] == "missing_columns"
    assert "courtyard" in missing.get_json()["error"]["details"]["missing"]
    broken = upload(client, places["community"], b"PK\x03\x04 not really a workbook", "roster.xlsx")
    assert broken.status_code == 422 and broken.get_json()["error"]["code"] == "unreadable_file"
    wrong_type = upload(client, places["community"], b"hello", "roster.txt")
    assert wrong_type.status_code == 422
    assert set(households(app)) == {("101", "1单元"), ("201", ""), ("301", "")}  # only the fixture's


def test_staff_of_another_community_cannot_import_here(client, places):
    assert upload(client, places["community"], (HEADER + GOOD).encode(), who="other-staff").status_code == 403


def test_owner_columns_for_homeowner_votes(app, client, places):
    rows = ("网格,院落,楼栋,房号,面积,产权人,标记\n"
            "第一网格,海滨新村,5幢,101,90,王某,\n"
            "第一网格,海滨新村,5幢,102,90,王某,\n"
            "第一网格,海滨新村,5幢,103,120,,开发商未售\n")
    assert upload(client, places["community"], rows.encode()).get_json()["created"] == 3
    homes = households(app)
    assert [homes[(room, "")].owner_ref for room in ("101", "102", "103")] == ["王某", "王某", None]
    assert [homes[(room, "")].developer_held for room in ("101", "102", "103")] == [False, False, True]
