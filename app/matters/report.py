"""The triage sheet (三事归类单) as .xlsx, and statistics for a period.

Both read one period's matters in a fixed number of queries (the grid and category names come
along in the same select), whatever the number of matters.
"""
import io
import statistics
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select

from app.community.models import Building, Department, Grid, VolunteerTeam
from app.extensions import db
from app.matters.models import (CLASS_LABELS, HANDLER_LABELS, STATUS_LABELS, HandlerType, Matter,
                                MatterClass, MatterEvent, MatterStatus, is_overdue)
from app.matters.service import category_info, category_name, local_today
from app.models_base import utcnow

SHEET_COLUMNS = ("编号", "标题", "类别", "网格", "楼栋", "反映时间", "归类", "承办方", "状态",
                 "办理天数", "满意度", "评价", "代办")


def period_bounds(start, end):
    """[start 00:00, end+1 00:00) in the community's time zone, as UTC instants."""
    zone = ZoneInfo(current_app.config["TIME_ZONE"])
    return (datetime.combine(start, time(), zone), datetime.combine(end + timedelta(days=1), time(), zone))


def _in_period(community, start, end):
    """The period's matters, without those WeChat has not passed (`held_back`): council members,
    residents too, read the sheet and the statistics."""
    since, until = period_bounds(start, end)
    return (Matter.community_id == community.id, Matter.created_at >= since, Matter.created_at < until,
            ~Matter.held_back)


def _days_open(matter, now):
    finished = matter.resolved_at or matter.closed_at or now
    return max((finished - matter.created_at).days, 0)


def _rated_on_behalf(community, start, end):
    """Ids of the period's matters whose latest evaluation was given for the household by whoever
    recorded the matter (代为评议), read from the timeline lines that carry a satisfaction."""
    lines = db.session.execute(
        select(MatterEvent.matter_id, MatterEvent.data).join(Matter, Matter.id == MatterEvent.matter_id)
        .where(*_in_period(community, start, end), MatterEvent.action.in_(("accept", "reopen")))
        .order_by(MatterEvent.id)).all()
    latest = {matter_id: bool(data.get("on_behalf")) for matter_id, data in lines if "satisfaction" in (data or {})}
    return {matter_id for matter_id, on_behalf in latest.items() if on_behalf}


def _proxy_note(matter, rated_for):
    """What someone did for the household, so a supervisor reading the sheet knows whose voice it is."""
    acts = (["代为登记"] if matter.recorded_by_id else []) + (["代为评议"] if matter.id in rated_for else [])
    return "、".join(acts)


def triage_sheet(community, start, end):
    """The sheet as .xlsx bytes: each matter of the period with its class, handler, status,
    days open, the resident's evaluation, and what was done on the household's behalf."""
    rows = db.session.execute(
        select(Matter, Grid.name, Building.name, Department.name, VolunteerTeam.name)
        .join(Grid, Grid.id == Matter.grid_id).join(Building, Building.id == Matter.building_id)
        .outerjoin(Department, Department.id == Matter.handler_department_id)
        .outerjoin(VolunteerTeam, VolunteerTeam.id == Matter.handler_team_id)
        .where(*_in_period(community, start, end)).order_by(Matter.id)
    ).all()
    categories = category_info([matter for matter, *_ in rows])
    rated_for = _rated_on_behalf(community, start, end)
    zone = ZoneInfo(current_app.config["TIME_ZONE"])
    now = utcnow()
    book = Workbook()
    sheet = book.active
    sheet.title = "三事归类单"
    sheet.append([f"{community.name} 三事归类单 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}"])
    sheet.append(SHEET_COLUMNS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for matter, grid, building, department, team in rows:
        handler = department or team or matter.handler_name or HANDLER_LABELS.get(matter.handler_type, "")
        sheet.append([
            matter.id, matter.title, category_name(categories, matter), grid, building,
            matter.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            CLASS_LABELS.get(matter.matter_class, "未分类"), handler,
            STATUS_LABELS[MatterStatus(matter.status)], _days_open(matter, now),
            matter.satisfaction, matter.evaluation_comment or "", _proxy_note(matter, rated_for),
        ])
    for letter, width in zip("ABCDEFGHIJKLM", (8, 30, 12, 12, 16, 17, 8, 16, 8, 9, 8, 30, 18)):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _median_days(pairs):
    days = [(done - created).total_seconds() / 86400 for created, done in pairs if done is not None]
    return round(statistics.median(days), 1) if days else None


def _average(ratings):
    return round(sum(ratings) / len(ratings), 2) if ratings else None


def matter_stats(community, start, end):
    """Counts by class, status, grid and month (the community's calendar; how many of each
    month's were resolved); per handler (department, team, or kind): counts, median days to
    resolution, open ones past their due date, average rating; the median days to resolution of
    all; satisfaction. One query over the period's matters, whatever it holds."""
    zone, today = ZoneInfo(current_app.config["TIME_ZONE"]), local_today()
    rows = db.session.execute(
        select(Matter.created_at, Matter.resolved_at, Matter.matter_class, Matter.status, Matter.due_date,
               Matter.satisfaction, Matter.handler_type, Department.name, VolunteerTeam.name, Grid.name)
        .join(Grid, Grid.id == Matter.grid_id)
        .outerjoin(Department, Department.id == Matter.handler_department_id)
        .outerjoin(VolunteerTeam, VolunteerTeam.id == Matter.handler_team_id)
        .where(*_in_period(community, start, end))).all()
    classes = [c.value for c in MatterClass] + ["unclassified"]
    by_class, by_status, by_grid = dict.fromkeys(classes, 0), Counter(), Counter()
    months, handlers, ratings = {}, {}, []
    for created, resolved, matter_class, status, due, rating, handler_type, department, team, grid in rows:
        by_class[matter_class or "unclassified"] += 1
        by_status[status] += 1
        by_grid[grid] += 1
        if rating is not None:
            ratings.append(rating)
        month = months.setdefault(created.astimezone(zone).strftime("%Y-%m"), {**dict.fromkeys(classes, 0), "resolved": 0})
        month[matter_class or "unclassified"] += 1
        month["resolved"] += resolved is not None
        if handler_type is None:
            continue
        name = department or team or HANDLER_LABELS[HandlerType(handler_type)]
        handler = handlers.setdefault((handler_type, name), {"times": [], "ratings": [], "overdue": 0})
        handler["times"].append((created, resolved))
        handler["overdue"] += is_overdue(status, due, today)
        if rating is not None:
            handler["ratings"].append(rating)
    return {
        "total": len(rows), "by_class": by_class, "by_status": dict(by_status), "by_grid": dict(by_grid),
        "by_month": [{"month": key, **counts} for key, counts in sorted(months.items())],
        "by_handler": [
            {"handler_type": kind, "handler_label": HANDLER_LABELS[HandlerType(kind)], "name": name,
             "count": len(h["times"]), "resolved": sum(done is not None for _, done in h["times"]),
             "median_days_to_resolution": _median_days(h["times"]), "overdue": h["overdue"],
             "average_satisfaction": _average(h["ratings"])}
            for (kind, name), h in sorted(handlers.items(), key=lambda item: (-len(item[1]["times"]), item[0]))],
        "median_days_to_resolution": _median_days([(created, resolved) for created, resolved, *_ in rows]),
        "satisfaction": {"count": len(ratings), "average": _average(ratings),
                         "distribution": {str(n): ratings.count(n) for n in range(1, 6)}},
    }
