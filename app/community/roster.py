"""Household roster import (.xlsx or .csv), as community staff keep it in Excel.

Columns (Chinese or English headers, any order): 网格/grid, 院落/courtyard, 楼栋/building,
单元/unit, 房号/room, 面积/floor_area, 户主姓名/head_name, 电话/phone, 标记/flags,
产权人/owner_ref (flats with one owner count once in homeowner votes).
A household is known by (building, unit, room), so importing the same file twice changes
nothing. Each row lands or fails alone (a savepoint per row): bad rows are reported by their
spreadsheet row number with the reason, good rows still land, none is half-written.
The audit log gets one entry for the import (its counts) and one per household it changed (what
changed, as for an edit by hand): a new household is there to see, an overwritten floor area is not.
"""
import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook
from sqlalchemy.exc import IntegrityError

from app.community.models import Building, Courtyard, Grid, Household
from app.audit import service as audit
from app.community.service import audit_household, normalize_phone
from app.errors import ApiError
from app.extensions import db

HEADERS = {
    "grid": {"grid", "网格"},
    "courtyard": {"courtyard", "院落", "小区", "院落/小区"},
    "building": {"building", "楼栋", "楼号"},
    "unit": {"unit", "单元"},
    "room": {"room", "房号", "门牌号"},
    "floor_area": {"floor_area", "area", "面积", "建筑面积", "面积(㎡)", "面积（㎡）", "面积(m²)"},
    "head_name": {"head_name", "户主姓名", "户主"},
    "phone": {"phone", "电话", "联系电话", "手机"},
    "flags": {"flags", "标记", "特殊情况"},
    "owner_ref": {"owner_ref", "产权人", "业主"},
}
LABELS = {"grid": "网格", "courtyard": "院落", "building": "楼栋", "unit": "单元", "room": "房号",
          "floor_area": "面积", "head_name": "户主姓名", "phone": "电话", "flags": "标记",
          "owner_ref": "产权人"}
REQUIRED = ("grid", "courtyard", "building", "room", "floor_area")
FLAGS = {
    "elderly_alone": {"elderly_alone", "独居老人", "独居", "孤寡老人"},
    "disabled": {"disabled", "残疾", "残疾人"},
    "low_income": {"low_income", "低保", "低保户"},
    "developer_held": {"developer_held", "开发商", "开发商未售", "未售", "未交付"},
}
FLAG_SEPARATORS = re.compile(r"[,，、;；/\s]+")
MAX_ROWS = 20000
MAX_LENGTH = {"grid": 100, "courtyard": 100, "building": 100, "unit": 20, "room": 20, "head_name": 50, "owner_ref": 64}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self):
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "errors": self.errors}


class RowError(ValueError):
    pass


def read_rows(filename, data):
    """(row number, {column: text}) for each data row of an .xlsx or .csv file."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        table = _xlsx_table(data)
    elif name.endswith(".csv"):
        table = _csv_table(data)
    else:
        raise ApiError(422, "unsupported_file", "请上传 .xlsx 或 .csv 格式的花名册")
    if not table:
        raise ApiError(422, "empty_roster", "花名册是空的")
    columns = _map_headers(table[0])
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(str(c).strip() for c in cells if c is not None):
            continue
        rows.append((number, {column: _cell(cells, index) for column, index in columns.items()}))
    if len(rows) > MAX_ROWS:
        raise ApiError(413, "roster_too_large", f"一次最多导入 {MAX_ROWS} 户，请分批导入")
    return rows


def _xlsx_table(data):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ApiError(422, "unreadable_file", "无法读取该 Excel 文件，请确认文件未损坏") from None
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv_table(data):
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ApiError(422, "unreadable_file", "无法识别 CSV 文件的编码，请另存为 UTF-8")
    return list(csv.reader(io.StringIO(text)))


def _map_headers(header_row):
    columns = {}
    for index, header in enumerate(header_row):
        label = str(header or "").strip().lower()
        for column, names in HEADERS.items():
            if label in {n.lower() for n in names}:
                columns[column] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ApiError(422, "missing_columns", "花名册缺少必需的列",
                       details={"missing": missing, "expected": {c: sorted(HEADERS[c]) for c in REQUIRED}})
    return columns


def _cell(cells, index):
    value = cells[index] if index < len(cells) else None
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_row(row):
    """Validated household fields from one row, or RowError with a reason residents' staff read."""
    for column in REQUIRED:
        if not row.get(column):
            raise RowError(f"缺少{LABELS[column]}")
    try:
        area = Decimal(row["floor_area"]).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise RowError(f"面积“{row['floor_area']}”不是数字") from None
    if not area.is_finite() or area <= 0 or area >= Decimal("100000000"):
        raise RowError(f"面积“{row['floor_area']}”应为大于 0 的数字")
    try:
        phone = normalize_phone(row.get("phone"))
    except ValueError:
        raise RowError(f"电话“{row.get('phone')}”格式不正确") from None
    flags = {name: False for name in FLAGS}
    for token in FLAG_SEPARATORS.split(row.get("flags", "")):
        if not token:
            continue
        matched = [name for name, words in FLAGS.items() if token.lower() in words]
        if not matched:
            raise RowError(f"无法识别的标记“{token}”（可用：独居老人、残疾、低保、开发商未售）")
        flags[matched[0]] = True
    for column, limit in MAX_LENGTH.items():
        if len(row.get(column, "")) > limit:
            raise RowError(f"{LABELS[column]}超过 {limit} 个字")
    return {"grid": row["grid"], "courtyard": row["courtyard"], "building": row["building"],
            "unit": row.get("unit", ""), "room": row["room"], "floor_area": area,
            "head_name": row.get("head_name") or None, "head_phone": phone,
            "owner_ref": row.get("owner_ref") or None, **flags}


class PlaceCache:
    """Get-or-create grids, courtyards and buildings by name, one query per new name."""

    def __init__(self, community):
        self.community = community
        self.places = {}

    def _get_or_create(self, model, key, **fields):
        if key in self.places:
            return self.places[key]
        place = db.session.scalar(db.select(model).filter_by(**fields))
        if place is None:
            place = model(**fields)
            db.session.add(place)
            db.session.flush()
        self.places[key] = place
        return place

    def building(self, grid_name, courtyard_name, building_name):
        cid = self.community.id
        grid = self._get_or_create(Grid, ("g", grid_name), community_id=cid, name=grid_name)
        courtyard = self._get_or_create(Courtyard, ("c", grid_name, courtyard_name),
                                        community_id=cid, grid_id=grid.id, name=courtyard_name)
        return self._get_or_create(Building, ("b", grid_name, courtyard_name, building_name),
                                   community_id=cid, grid_id=grid.id, courtyard_id=courtyard.id,
                                   name=building_name)


HOUSEHOLD_FIELDS = ("floor_area", "head_name", "head_phone", "elderly_alone", "disabled", "low_income", "owner_ref",
                    "developer_held")


def import_rows(community, rows, actor=None):
    """Upsert households from parsed rows; commits the good ones, reports the bad ones."""
    report = ImportReport()
    places = PlaceCache(community)
    seen = {}
    for number, row in rows:
        try:
            fields = parse_row(row)
            key = (fields["grid"], fields["courtyard"], fields["building"], fields["unit"], fields["room"])
            if key in seen:
                raise RowError(f"与第 {seen[key]} 行是同一户（楼栋、单元、房号相同）")
            seen[key] = number
            with db.session.begin_nested():
                outcome = _upsert(places, fields, actor)
            setattr(report, outcome, getattr(report, outcome) + 1)
        except RowError as exc:
            report.errors.append({"row": number, "reason": str(exc)})
        except IntegrityError:
            places.places.clear()  # a rolled-back savepoint may have taken new places with it
            report.errors.append({"row": number, "reason": "与已有数据冲突，未导入"})
    db.session.flush()
    audit.record(actor, "community.roster_import", "community", community.id, community_id=community.id,
                 created=report.created, updated=report.updated, unchanged=report.unchanged,
                 errors=len(report.errors))  # not the reasons: they quote the rows
    return report


def _upsert(places, fields, actor):
    building = places.building(fields["grid"], fields["courtyard"], fields["building"])
    household = db.session.scalar(db.select(Household).filter_by(
        building_id=building.id, unit=fields["unit"], room=fields["room"]))
    values = {name: fields[name] for name in HOUSEHOLD_FIELDS}
    if household is None:
        db.session.add(Household(community_id=building.community_id, grid_id=building.grid_id,
                                 courtyard_id=building.courtyard_id, building_id=building.id,
                                 unit=fields["unit"], room=fields["room"], **values))
        db.session.flush()
        return "created"
    changed = {name: value for name, value in values.items() if getattr(household, name) != value}
    if not changed:
        return "unchanged"
    before = {name: getattr(household, name) for name in changed}
    for name, value in changed.items():
        setattr(household, name, value)
    db.session.flush()
    audit_household(actor, household, "update", before, via="roster")
    return "updated"


def import_file(community, filename, data, actor=None):
    return import_rows(community, read_rows(filename, data), actor)
