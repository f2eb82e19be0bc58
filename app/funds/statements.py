"""账目公示: a fund's month, or one funded project's spending, frozen when published (content
and its digest), read by every household of the fund, confirmed by the supervisors, and
exported to Excel for the street office. The published statement never names a household:
contributions are one line, their total (service.public_lines)."""
import hashlib
import io
import json
from enum import StrEnum
from zoneinfo import ZoneInfo

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from app.audit import service as audit
from app.auth.permissions import Action, allows, authorize
from app.auth.service import user_names
from app.budgets.models import ProjectStatus
from app.community import acting
from app.community.models import Household, HouseholdMember, Role, RoleAssignment
from app.errors import ApiError, invalid
from app.extensions import db
from app.funds import service
from app.funds.models import Direction, FundEntry, FundStatement, StatementConfirmation, StatementKind
from app.models_base import utcnow
from app.notifications.service import notify
from app.notifications.templates import NotificationKind

PUBLISHABLE_PROJECTS = (ProjectStatus.COMPLETED, ProjectStatus.SIGNED_OFF)
EXCEL_COLUMNS = ("序号", "日期", "类别", "收支", "金额（元）", "余额（元）", "住户", "方式", "对方", "摘要", "票据号",
                 "项目", "更正第几笔", "原因", "登记人", "登记时间")
PAID_BY_LABELS = {"cash": "现金", "transfer": "转账", "other": "其他"}


class Review(StrEnum):
    """Where the supervisors' check of a statement stands: worked out from its confirmations
    (`review`), never stored."""
    PENDING = "pending"
    CONFIRMED = "confirmed"
    QUERIED = "queried"


REVIEW_LABELS = {Review.PENDING: "待监委会核实", Review.CONFIRMED: "监委会已核实", Review.QUERIED: "监委会有疑问"}


def digest(content):
    """sha256 of the content as canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _balance_after(fund, seq):
    return db.session.scalar(select(FundEntry.balance_after_fen).where(FundEntry.fund_id == fund.id,
                                                                       FundEntry.seq == seq)) if seq else 0


def _month(fund, month):
    """The month's entries — those recorded on its days (the community's) — and its balances.
    Entries are taken by seq up to the last one recorded before the month ends, so each month
    opens where the one before closed whether or not that one was published."""
    start, end = service.month_bounds(month)
    if end > utcnow():
        raise ApiError(409, "month_not_over", "本月尚未结束", details={"month": month})
    if end <= fund.created_at:
        raise invalid("month", "基金设立之前没有账目")
    before, upto = (db.session.scalar(select(func.max(FundEntry.seq)).where(
        FundEntry.fund_id == fund.id, FundEntry.recorded_at < instant)) or 0 for instant in (start, end))
    rows = db.session.scalars(select(FundEntry).where(FundEntry.fund_id == fund.id, FundEntry.seq > before,
                                                      FundEntry.seq <= upto).order_by(FundEntry.seq)).all()
    return rows, _balance_after(fund, before)


def _project(fund, project_id):
    """A completed project's spending, opening at its approved cost: what is left closes it."""
    project = service.project_of(fund, project_id)
    if project.status not in PUBLISHABLE_PROJECTS:
        raise ApiError(409, "project_not_completed", "项目完工后才能公示其账目", details={"status": project.status})
    rows = db.session.scalars(select(FundEntry).where(FundEntry.project_id == project.id)
                              .order_by(FundEntry.seq)).all()
    return project, rows


def publish(actor, fund, kind, month=None, project_id=None):
    """Freeze a month or a project into a statement (KEEP_ACCOUNTS); the households are told, the
    supervisors asked to confirm it."""
    authorize(actor, Action.KEEP_ACCOUNTS, fund)
    fund = service.lock(fund)  # entries being recorded now finish first, or wait for the next month
    kind = StatementKind(kind)
    project = None
    if kind == StatementKind.MONTH:
        if month is None:
            raise invalid("month", "请选择公示的月份")
        existing = select(FundStatement.id).where(FundStatement.fund_id == fund.id, FundStatement.month == month)
    else:
        if project_id is None:
            raise invalid("project_id", "请选择公示的项目")
        existing = select(FundStatement.id).where(FundStatement.fund_id == fund.id,
                                                  FundStatement.project_id == project_id)
    if (published := db.session.scalar(existing)) is not None:
        raise ApiError(409, "already_published", "已公示过，不能重复公示", details={"id": published})
    if kind == StatementKind.MONTH:
        rows, opening = _month(fund, month)
    else:
        project, rows = _project(fund, project_id)
        opening = project.cost_fen
    in_fen = sum(e.amount_fen for e in rows if e.direction == Direction.IN)
    out_fen = sum(e.amount_fen for e in rows if e.direction == Direction.OUT)
    lines, contributions = service.public_lines(rows)
    content = {"fund": {"id": fund.id, "name": fund.name}, "kind": kind.value,
               "month": month if kind == StatementKind.MONTH else None,
               "project": {"id": project.id, "title": project.title} if project else None,
               "opening_fen": opening, "in_fen": in_fen, "out_fen": out_fen, "closing_fen": opening + in_fen - out_fen,
               "first_seq": rows[0].seq if rows else None, "last_seq": rows[-1].seq if rows else None,
               "lines": lines, "contributions": contributions}
    statement = FundStatement(fund_id=fund.id, kind=kind, month=content["month"],
                              project_id=project.id if project else None, first_seq=content["first_seq"],
                              last_seq=content["last_seq"], opening_fen=opening, in_fen=in_fen, out_fen=out_fen,
                              closing_fen=content["closing_fen"], content=content, digest=digest(content),
                              published_by_id=actor.id)
    db.session.add(statement)
    db.session.flush()
    audit.record(actor, "fund_statement.published", "fund_statement", statement.id, community_id=fund.community_id,
                 fund_id=fund.id, kind=kind.value, month=statement.month, project_id=statement.project_id,
                 opening_fen=opening, in_fen=in_fen, out_fen=out_fen, closing_fen=statement.closing_fen,
                 digest=statement.digest)
    title = f"{fund.name} {month} 账目公示" if project is None else f"“{project.title}”项目账目公示"
    page = f"pages/money/statement?id={statement.id}"
    notify(_households_of(fund), NotificationKind.NOTICE, {
        "title": title, "body": f"{title}已发布，欢迎查阅", "statement_id": statement.id}, page=page)
    notify(_supervisors(fund), NotificationKind.NOTICE, {
        "title": "请核实账目公示", "body": f"{title}已发布，请核实", "statement_id": statement.id}, page=page)
    return statement


def _households_of(fund):
    """Users to tell (a SELECT for `notify`): the members of the fund's households and the family
    helpers who receive their notices."""
    households = select(Household.id).where(service.in_scope(fund))
    return select(HouseholdMember.user_id).where(HouseholdMember.household_id.in_(households)).union(
        acting.notice_helpers(Household.id).where(service.in_scope(fund)))


def _supervisors(fund):
    return select(RoleAssignment.user_id).where(RoleAssignment.role == Role.SUPERVISOR,
                                                RoleAssignment.scope_id == fund.community_id)


def get_readable(user, statement_id):
    """A statement, for whoever may read its fund (404 for anyone else)."""
    statement = db.session.get(FundStatement, statement_id)
    if statement is None or not service.may_read(user, service.get_fund(statement.fund_id)):
        raise ApiError(404, "not_found", "账目公示不存在")
    return statement


def review(answered, queried):
    """监委会核实: pending until a supervisor answers; queried while any answer disagrees (a
    query is never outweighed by others agreeing); confirmed when every answer agrees."""
    if queried:
        return Review.QUERIED
    return Review.CONFIRMED if answered else Review.PENDING


def summaries(statements):
    """The list's rows, each with where its check stands (one grouped read for the page)."""
    tally = {row.statement_id: review(row.answered, row.queried) for row in db.session.execute(
        select(StatementConfirmation.statement_id, func.count().label("answered"),
               func.sum(case((StatementConfirmation.agrees.is_(False), 1), else_=0)).label("queried"))
        .where(StatementConfirmation.statement_id.in_([s.id for s in statements]))
        .group_by(StatementConfirmation.statement_id))}
    return [{"id": s.id, "kind": s.kind, "month": s.month, "project": s.content["project"], "opening_fen": s.opening_fen,
             "in_fen": s.in_fen, "out_fen": s.out_fen, "closing_fen": s.closing_fen, "published_at": s.published_at,
             **_review_fields(tally.get(s.id, Review.PENDING))}
            for s in statements]


def _review_fields(state):
    return {"review": state, "review_label": REVIEW_LABELS[state]}


def fund_statements(fund, cursor=None, limit=20):
    """The fund's statements, newest first."""
    query = select(FundStatement).where(FundStatement.fund_id == fund.id)
    if cursor is not None:
        query = query.where(FundStatement.id < cursor)
    rows = db.session.scalars(query.order_by(FundStatement.id.desc()).limit(limit + 1)).all()
    return {"items": summaries(rows[:limit]), "next_cursor": rows[limit - 1].id if len(rows) > limit else None}


def confirmations(statement):
    return db.session.scalars(select(StatementConfirmation).where(StatementConfirmation.statement_id == statement.id)
                              .order_by(StatementConfirmation.id)).all()


def check_confirm(user, statement):
    """A supervisor of the fund's community, once."""
    authorize(user, Action.SUPERVISE_FUNDS, service.get_fund(statement.fund_id))
    if db.session.scalar(select(StatementConfirmation.id).filter_by(statement_id=statement.id,
                                                                    user_id=user.id)) is not None:
        raise ApiError(409, "already_confirmed", "您已核实过这份账目公示")


def confirm(actor, statement, agrees, note=None):
    """核实: a supervisor agrees with the statement, or queries it (with a note, and the keeper
    who published it is told)."""
    check_confirm(actor, statement)
    note = (note or "").strip()
    if not agrees and not note:
        raise invalid("note", "有疑问时请写明哪里对不上")
    try:
        with db.session.begin_nested():  # the same supervisor twice at once: one answer stands
            db.session.add(StatementConfirmation(statement_id=statement.id, user_id=actor.id, agrees=agrees,
                                                 note=note, digest=statement.digest))
    except IntegrityError:
        raise ApiError(409, "already_confirmed", "您已核实过这份账目公示") from None
    fund = service.get_fund(statement.fund_id)
    audit.record(actor, "fund_statement.confirmed" if agrees else "fund_statement.queried", "fund_statement",
                 statement.id, community_id=fund.community_id, agrees=agrees, note=note, digest=statement.digest)
    if not agrees:
        notify([statement.published_by_id], NotificationKind.NOTICE, {
            "title": "监委会对账目公示有疑问", "body": note, "statement_id": statement.id},
            page=f"pages/money/statement?id={statement.id}")
    return statement


def statement_view(statement, viewer):
    """The statement as published (photos signed for this viewer), its confirmations, and whether
    `viewer` may confirm it."""
    content = statement.content
    answers = confirmations(statement)
    state = review(len(answers), sum(not c.agrees for c in answers))
    names = user_names([statement.published_by_id, *(c.user_id for c in answers)])
    photos = service.photos_of(line.get("photo_id") for line in content["lines"])
    return {
        "id": statement.id, "fund": content["fund"], "kind": statement.kind, "month": statement.month,
        "project": content["project"], "opening_fen": statement.opening_fen, "in_fen": statement.in_fen,
        "out_fen": statement.out_fen, "closing_fen": statement.closing_fen,
        "lines": [service.shown_line(line, photos) for line in content["lines"]],
        "contributions": content["contributions"], "digest": statement.digest,
        "published_by": {"id": statement.published_by_id, "name": names.get(statement.published_by_id)},
        "published_at": statement.published_at,
        "confirmations": [{"user": {"id": c.user_id, "name": names.get(c.user_id)}, "agrees": c.agrees,
                           "note": c.note, "created_at": c.created_at} for c in answers],
        "confirmed": state == Review.CONFIRMED,
        **_review_fields(state),
        "can": {"confirm": allows(check_confirm, viewer, statement)},
    }


def covered_entries(statement):
    """The entries a statement covers, as recorded (households included)."""
    if statement.first_seq is None:
        return []
    query = select(FundEntry).where(FundEntry.fund_id == statement.fund_id, FundEntry.seq >= statement.first_seq,
                                    FundEntry.seq <= statement.last_seq)
    if statement.kind == StatementKind.PROJECT:
        query = query.where(FundEntry.project_id == statement.project_id)
    return db.session.scalars(query.order_by(FundEntry.seq)).all()


def excel(viewer, statement):
    """The statement for the street office as .xlsx: the balances, then every entry it covers
    with the household named (VIEW_LEDGER)."""
    fund = service.get_fund(statement.fund_id)
    service.check_ledger(viewer, fund)
    content = statement.content
    zone = ZoneInfo(current_app.config["TIME_ZONE"])
    entries = service.entry_views(covered_entries(statement))
    corrected = {e["corrects_id"] for e in entries if e["corrects_id"]}
    seqs = dict(db.session.execute(select(FundEntry.id, FundEntry.seq).where(FundEntry.id.in_(corrected))).all()) \
        if corrected else {}
    book = Workbook()
    sheet = book.active
    sheet.title = "账目公示"
    period = statement.month if statement.kind == StatementKind.MONTH else f"项目：{content['project']['title']}"
    sheet.append([f"{fund.name} 账目公示 {period}"])
    opening = "核定费用（元）" if statement.kind == StatementKind.PROJECT else "期初余额（元）"
    closing = "结余（元）" if statement.kind == StatementKind.PROJECT else "期末余额（元）"
    for label, fen in ((opening, statement.opening_fen), ("收入（元）", statement.in_fen),
                       ("支出（元）", statement.out_fen), (closing, statement.closing_fen)):
        sheet.append([label, fen / 100])
    sheet.append(["校验码（sha256）", statement.digest])
    sheet.append([])
    sheet.append(EXCEL_COLUMNS)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for e in entries:
        sheet.append([
            e["seq"], e["occurred_on"].isoformat(), e["kind_label"], "收入" if e["direction"] == Direction.IN else "支出",
            e["amount_fen"] / 100, e["balance_after_fen"] / 100, (e["household"] or {}).get("address", ""),
            PAID_BY_LABELS.get(e["paid_by"], ""), e["counterparty"], e["description"], e["receipt_no"],
            (e["project"] or {}).get("title", ""), seqs.get(e["corrects_id"], ""), e["reason"],
            e["recorded_by"]["name"] or "", e["recorded_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M")])
    for letter, width in zip("ABCDEFGHIJKLMNOP", (6, 12, 10, 6, 12, 12, 24, 6, 16, 24, 12, 16, 10, 20, 10, 17)):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
