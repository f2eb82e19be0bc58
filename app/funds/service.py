"""The ledger of a community fund: opening funds, recording contributions, grants and spending,
correcting entries, and the views of a fund, its entries and its contributors (models.py says
what holds). Statements are in app/funds/statements.py."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from app.audit import service as audit
from app.auth.permissions import Action, allows, authorize, can, grants_of, household_id_of, is_admin
from app.auth.service import user_names
from app.budgets.rules import yuan
from app.budgets.models import BudgetProject, BudgetRound, ProjectStatus
from app.budgets.service.views import WHOLE_COMMUNITY
from app.community import acting
from app.community.models import Building, Courtyard, Household, HouseholdMember, Role
from app.errors import ApiError, invalid
from app.extensions import db
from app.funds.models import Direction, EntryKind, Fund, FundEntry, PaidBy
from app.matters.models import MatterPhoto
from app.matters.photos import photo_view, unused
from app.matters.service.handling import local_today
from app.notifications.service import notify
from app.notifications.templates import NotificationKind
from app.printing.layout import ADDRESS

KIND_LABELS = {EntryKind.CONTRIBUTION: "自筹款", EntryKind.GRANT: "拨款/捐赠", EntryKind.SPENDING: "支出",
               EntryKind.CORRECTION: "更正"}
DIRECTION_OF = {EntryKind.CONTRIBUTION: Direction.IN, EntryKind.GRANT: Direction.IN, EntryKind.SPENDING: Direction.OUT}
SPENDABLE = (ProjectStatus.FUNDED, ProjectStatus.COMPLETED)
PHOTO_UNUSABLE = "照片不存在或已使用，请重新上传"


def signed(entry):
    return entry.amount_fen if entry.direction == Direction.IN else -entry.amount_fen


def courtyard_of(courtyard_id):
    """The courtyard a request names (None for none; 422 if there is no such courtyard)."""
    courtyard = db.session.get(Courtyard, courtyard_id) if courtyard_id is not None else None
    if courtyard_id is not None and courtyard is None:
        raise invalid("courtyard_id", "院落不存在")
    return courtyard


def create_fund(actor, community, name, description="", courtyard=None, suggested_fen=None):
    """A community's fund, or an estate's (`courtyard`): KEEP_ACCOUNTS over that place."""
    if courtyard is not None and courtyard.community_id != community.id:
        raise invalid("courtyard_id", "院落不存在")
    authorize(actor, Action.KEEP_ACCOUNTS, courtyard or community)
    if suggested_fen is not None and suggested_fen <= 0:
        raise invalid("suggested_fen", "每户建议金额须大于零")
    fund = Fund(community_id=community.id, courtyard_id=courtyard.id if courtyard else None,
                grid_id=courtyard.grid_id if courtyard else None, name=name, description=description or "",
                suggested_fen=suggested_fen, balance_fen=0, entry_count=0, created_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(fund)
    except IntegrityError:
        raise ApiError(409, "duplicate_name", "本社区已有同名基金") from None
    audit.record(actor, "fund.created", "fund", fund.id, community_id=community.id, name=name,
                 courtyard_id=fund.courtyard_id, suggested_fen=suggested_fen)
    return fund


def lock(fund):
    """The fund's row, locked for the rest of the transaction and read afresh: two spendings at
    once take turns, and each sees the balance the other left."""
    return db.session.scalar(select(Fund).where(Fund.id == fund.id).with_for_update()
                             .execution_options(populate_existing=True))


def _unused_photo(user, photo_id):
    """The uploader's own photo, attached to no matter and used by nothing else; 422 otherwise."""
    photo = db.session.scalar(select(MatterPhoto).where(MatterPhoto.id == photo_id, *unused(user)))
    if photo is None:
        raise invalid("photo_id", PHOTO_UNUSABLE)
    return photo


def _household_in_scope(fund, household_id):
    household = db.session.get(Household, household_id) if household_id is not None else None
    if household is None or household.community_id != fund.community_id:
        raise invalid("household_id", "住户不存在")
    if fund.courtyard_id is not None and household.courtyard_id != fund.courtyard_id:
        raise invalid("household_id", "这户不在本基金的范围内")
    return household


def get_fund(fund_id):
    return db.session.get(Fund, fund_id)


def project_of(fund, project_id):
    """A project of a round on this fund (422 for any other)."""
    found = db.session.execute(select(BudgetProject, BudgetRound).join(
        BudgetRound, BudgetRound.id == BudgetProject.round_id).where(BudgetProject.id == project_id)).first()
    if found is None or found[1].fund_id != fund.id:
        raise invalid("project_id", "项目不存在或不由本基金支付")
    return found[0]


def project_spent(project_id):
    """What has been spent on a project so far, corrections applied (fen)."""
    rows = db.session.execute(select(FundEntry.direction, func.sum(FundEntry.amount_fen))
                              .where(FundEntry.project_id == project_id).group_by(FundEntry.direction))
    totals = dict(rows.all())
    return (totals.get(Direction.OUT.value) or 0) - (totals.get(Direction.IN.value) or 0)


def _append(actor, fund, kind, direction, amount_fen, **columns):
    """The entry, numbered and balanced under the fund's lock, and its audit line: 409
    insufficient_funds rather than a balance below zero."""
    fund = lock(fund)
    balance = fund.balance_fen + (amount_fen if direction == Direction.IN else -amount_fen)
    if balance < 0:
        raise ApiError(409, "insufficient_funds",
                       f"基金余额不足：余额 {yuan(fund.balance_fen)} 元，本笔支出 {yuan(amount_fen)} 元",
                       details={"balance_fen": fund.balance_fen, "amount_fen": amount_fen})
    fund.entry_count += 1
    fund.balance_fen = balance
    entry = FundEntry(fund_id=fund.id, seq=fund.entry_count, kind=kind, direction=direction, amount_fen=amount_fen,
                      balance_after_fen=balance, recorded_by_id=actor.id, **columns)
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, f"fund_entry.{kind}", "fund_entry", entry.id, community_id=fund.community_id,
                 household_id=entry.household_id, fund_id=fund.id, seq=entry.seq, kind=kind, direction=direction,
                 amount_fen=amount_fen, balance_after_fen=balance, occurred_on=entry.occurred_on.isoformat(),
                 paid_by=entry.paid_by, counterparty=entry.counterparty, description=entry.description,
                 receipt_no=entry.receipt_no, photo_id=entry.photo_id, project_id=entry.project_id,
                 corrects_id=entry.corrects_id, reason=entry.reason, acting=entry.acting)
    return entry


def record(actor, fund, kind, amount_fen, occurred_on, household_id=None, paid_by=None, counterparty="",
           description="", receipt_no="", photo_id=None, project_id=None, over_cost_reason=None):
    """A contribution (taken by a household member or by one acting for it, Act.CONTRIBUTE), a
    grant or a spending (KEEP_ACCOUNTS), with its photo where one is due: the receipt of cash,
    the invoice of spending."""
    kind = EntryKind(kind) if kind in set(DIRECTION_OF) else None
    if kind is None:
        raise invalid("kind", "请选择自筹款、拨款/捐赠或支出")
    agency = household = project = None
    if kind == EntryKind.CONTRIBUTION:
        household = _household_in_scope(fund, household_id)
        if not acting.lives_in(actor, household.id):
            agency = acting.require(actor, household, acting.Act.CONTRIBUTE)
        if paid_by not in set(PaidBy):
            raise invalid("paid_by", "请选择现金、转账或其他")
    else:
        authorize(actor, Action.KEEP_ACCOUNTS, fund)
        household_id = paid_by = None
    if amount_fen is None or amount_fen <= 0:
        raise invalid("amount_fen", "金额须大于零")
    if occurred_on > local_today():
        raise invalid("occurred_on", "日期不能晚于今天")
    reason = ""
    if kind == EntryKind.SPENDING and project_id is not None:
        project = project_of(fund, project_id)
        if project.status not in SPENDABLE:
            raise invalid("project_id", "只能为已中选、正在实施或待验收的项目登记支出")
        spent = project_spent(project.id)
        if spent + amount_fen > project.cost_fen:
            if not over_cost_reason:
                raise invalid("over_cost_reason",
                              f"本笔支出后项目累计支出 {yuan(spent + amount_fen)} 元，超过核定费用 "
                              f"{yuan(project.cost_fen)} 元，请说明原因")
            reason = over_cost_reason
    elif kind != EntryKind.SPENDING:
        project_id = None
    photo = None
    if photo_id is not None or kind == EntryKind.SPENDING or paid_by == PaidBy.CASH:
        if photo_id is None:
            raise invalid("photo_id", "请上传发票照片" if kind == EntryKind.SPENDING else "请上传收据照片")
        photo = _unused_photo(actor, photo_id)
    try:
        with db.session.begin_nested():  # one photo sent with two entries at once: one takes it
            entry = _append(actor, fund, kind, DIRECTION_OF[kind], amount_fen, occurred_on=occurred_on,
                            household_id=household.id if household else None, paid_by=paid_by,
                            counterparty=counterparty or "", description=description or "",
                            receipt_no=receipt_no or "", photo_id=photo.id if photo else None,
                            project_id=project.id if project else None, reason=reason,
                            acting=agency.details() if agency else None)
    except IntegrityError:
        if photo is None:
            raise
        raise invalid("photo_id", PHOTO_UNUSABLE) from None
    if household is not None:
        _tell_household(household, fund, entry)
    return entry


# ---- corrections ------------------------------------------------------------------------------------

def effective(entry):
    """The entry's signed amount (+ in, − out) once its corrections are applied."""
    corrections = db.session.scalars(select(FundEntry).where(FundEntry.corrects_id == entry.id)).all()
    return signed(entry) + sum(signed(c) for c in corrections)


def correct(actor, entry, amount_fen, reason):
    """更正: the right amount of `entry`, recorded as a new entry for the difference and linked
    to it. The entry itself never changes; a correction is not corrected (correct the original
    again)."""
    fund = db.session.get(Fund, entry.fund_id)
    authorize(actor, Action.KEEP_ACCOUNTS, fund)
    if entry.kind == EntryKind.CORRECTION:
        raise ApiError(409, "is_correction", "更正记录不能再更正，请对原记录再次更正",
                       details={"corrects_id": entry.corrects_id})
    if not reason or not reason.strip():
        raise invalid("reason", "请说明更正原因")
    if amount_fen is None or amount_fen < 0:
        raise invalid("amount_fen", "正确金额不能小于零")
    lock(fund)  # the current amount is read under the lock: two corrections at once take turns
    current = effective(entry) * (1 if entry.direction == Direction.IN else -1)
    difference = amount_fen - current
    if difference == 0:
        raise invalid("amount_fen", f"正确金额与现有金额 {yuan(current)} 元相同，无需更正")
    same_way = Direction(entry.direction)
    direction = same_way if difference > 0 else (Direction.OUT if same_way == Direction.IN else Direction.IN)
    return _append(actor, fund, EntryKind.CORRECTION, direction, abs(difference), occurred_on=local_today(),
                   household_id=entry.household_id, project_id=entry.project_id, corrects_id=entry.id,
                   reason=reason.strip(), description=f"更正第 {entry.seq} 笔：{yuan(current)} 元 → {yuan(amount_fen)} 元")


# ---- who sees what ----------------------------------------------------------------------------------

def may_read(user, fund):
    """Anyone with a place in the community reads a community-wide fund; an estate's fund, the
    households of the estate and every official of the community (and admins)."""
    if is_admin(user):
        return True
    grants = [grant for grant in grants_of(user) if ("community", fund.community_id) in grant.path]
    if fund.courtyard_id is None:
        return bool(grants)
    return any(grant.role is not Role.RESIDENT or ("courtyard", fund.courtyard_id) in grant.path for grant in grants)


def get_readable(user, fund_id):
    fund = db.session.get(Fund, fund_id)
    if fund is None or not may_read(user, fund):
        raise ApiError(404, "not_found", "基金不存在")
    return fund


def check_ledger(user, fund):
    authorize(user, Action.VIEW_LEDGER, fund)


def in_scope(fund):
    """SQL over Household: the households the fund asks of."""
    condition = Household.community_id == fund.community_id
    return condition & (Household.courtyard_id == fund.courtyard_id) if fund.courtyard_id is not None else condition


def collectable(user, fund):
    """SQL over Household: the fund's households `user` may take a contribution for (False: none)."""
    looked_after = acting.looked_after(user)
    if looked_after is False:
        return False
    return in_scope(fund) if looked_after is None else in_scope(fund) & looked_after


def check_collect(user, fund):
    """May take a contribution for some household of the fund (a building head, a grid worker, staff)."""
    condition = collectable(user, fund)
    if condition is False or db.session.scalar(select(Household.id).where(condition).limit(1)) is None:
        raise ApiError(403, "forbidden", "您不负责本基金范围内的住户")


def get_entry(user, entry_id):
    """An entry for those who read the ledger, or for a member of the contribution's household;
    hidden from everyone else."""
    entry = db.session.get(FundEntry, entry_id)
    fund = db.session.get(Fund, entry.fund_id) if entry is not None else None
    if fund is None or not (can(user, Action.VIEW_LEDGER, fund) or acting.lives_in(user, entry.household_id)):
        raise ApiError(404, "not_found", "账目不存在")
    return entry


# ---- views ------------------------------------------------------------------------------------------

def addresses(household_ids):
    """Household id → {id, address} (海滨新村1幢1单元101)."""
    ids = {i for i in household_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(select(Household.id, ADDRESS).join(Building, Building.id == Household.building_id)
                              .join(Courtyard, Courtyard.id == Household.courtyard_id).where(Household.id.in_(ids)))
    return {i: {"id": i, "address": address} for i, address in rows}


def _shown_photos(photo_ids):
    ids = {i for i in photo_ids if i is not None}
    if not ids:
        return []
    return db.session.scalars(select(MatterPhoto).where(MatterPhoto.id.in_(ids), MatterPhoto.hidden.is_(False)))


def photos_of(photo_ids):
    """Photo id → its view with URLs signed for this request (hidden photos left out)."""
    return {p.id: photo_view(p) for p in _shown_photos(photo_ids)}


def projects_of(project_ids):
    ids = {i for i in project_ids if i is not None}
    if not ids:
        return {}
    return {i: {"id": i, "title": title} for i, title in
            db.session.execute(select(BudgetProject.id, BudgetProject.title).where(BudgetProject.id.in_(ids)))}


def entry_views(entries):
    """Entries as the ledger shows them, in a few queries however many."""
    ids = [e.id for e in entries]
    corrections = {}
    for c in db.session.scalars(select(FundEntry).where(FundEntry.corrects_id.in_(ids)).order_by(FundEntry.id)) \
            if ids else ():
        corrections.setdefault(c.corrects_id, []).append(c)
    households = addresses(e.household_id for e in entries)
    photos = photos_of(e.photo_id for e in entries)
    projects = projects_of(e.project_id for e in entries)
    names = user_names(e.recorded_by_id for e in entries)
    views = []
    for e in entries:
        fixes = corrections.get(e.id, [])
        views.append({
            "id": e.id, "fund_id": e.fund_id, "seq": e.seq, "kind": e.kind, "kind_label": KIND_LABELS[e.kind],
            "direction": e.direction, "amount_fen": e.amount_fen, "balance_after_fen": e.balance_after_fen,
            "occurred_on": e.occurred_on, "household": households.get(e.household_id), "paid_by": e.paid_by,
            "counterparty": e.counterparty, "description": e.description, "receipt_no": e.receipt_no,
            "photo": photos.get(e.photo_id), "project": projects.get(e.project_id), "corrects_id": e.corrects_id,
            "corrected_by": [c.id for c in fixes], "effective_fen": signed(e) + sum(signed(c) for c in fixes),
            "reason": e.reason, "recorded_by": {"id": e.recorded_by_id, "name": names.get(e.recorded_by_id)},
            "recorded_at": e.recorded_at,
            "acting_label": acting.label(names.get(e.recorded_by_id), e.acting["as"]) if e.acting else None})
    return views


def entry_view(entry):
    return entry_views([entry])[0]


def _household_total(fund_id, household_id):
    """A household's contributions to a fund, corrections applied: (fen, entries)."""
    rows = db.session.scalars(select(FundEntry).where(FundEntry.fund_id == fund_id,
                                                      FundEntry.household_id == household_id)).all()
    return sum(signed(e) for e in rows), sum(1 for e in rows if e.kind == EntryKind.CONTRIBUTION)


def fund_views(funds, viewer):
    courtyards = {f.courtyard_id for f in funds if f.courtyard_id}
    names = dict(db.session.execute(select(Courtyard.id, Courtyard.name).where(Courtyard.id.in_(courtyards)))
                 .all()) if courtyards else {}
    totals = dict(((fund_id, direction), total) for fund_id, direction, total in db.session.execute(
        select(FundEntry.fund_id, FundEntry.direction, func.sum(FundEntry.amount_fen))
        .where(FundEntry.fund_id.in_([f.id for f in funds])).group_by(FundEntry.fund_id, FundEntry.direction)))
    household_id = household_id_of(viewer)
    household = db.session.get(Household, household_id) if household_id is not None else None
    views = []
    for f in funds:
        mine = None
        if household is not None and household.community_id == f.community_id and \
                f.courtyard_id in (None, household.courtyard_id):
            contributed, count = _household_total(f.id, household.id)
            mine = {**addresses([household.id])[household.id], "contributed_fen": contributed, "entries": count}
        views.append({
            "id": f.id, "community_id": f.community_id, "courtyard_id": f.courtyard_id,
            "scope_label": names.get(f.courtyard_id, WHOLE_COMMUNITY), "name": f.name, "description": f.description,
            "suggested_fen": f.suggested_fen, "balance_fen": f.balance_fen,
            "in_fen": totals.get((f.id, Direction.IN.value)) or 0, "out_fen": totals.get((f.id, Direction.OUT.value)) or 0,
            "entry_count": f.entry_count, "my_household": mine,
            "can": {"keep": can(viewer, Action.KEEP_ACCOUNTS, f), "view_ledger": can(viewer, Action.VIEW_LEDGER, f),
                    "collect": allows(check_collect, viewer, f), "supervise": can(viewer, Action.SUPERVISE_FUNDS, f)}})
    return views


def fund_view(fund, viewer):
    return fund_views([fund], viewer)[0]


def community_funds(viewer, community):
    """The community's funds `viewer` may read (403 without a place in the community)."""
    authorize(viewer, Action.VIEW_COMMUNITY, community)
    funds = db.session.scalars(select(Fund).where(Fund.community_id == community.id).order_by(Fund.id)).all()
    return {"items": fund_views([f for f in funds if may_read(viewer, f)], viewer)}


def month_bounds(month):
    """"2026-11" → the month's first instant and the next month's, in UTC, by the community's days."""
    year, number = (int(part) for part in month.split("-"))
    zone = ZoneInfo(current_app.config["TIME_ZONE"])
    start = datetime(year, number, 1, tzinfo=zone)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def entries(viewer, fund, cursor=None, limit=20, kind=None, month=None, household_id=None):
    """The ledger, newest first (VIEW_LEDGER)."""
    check_ledger(viewer, fund)
    query = select(FundEntry).where(FundEntry.fund_id == fund.id)
    if kind is not None:
        query = query.where(FundEntry.kind == kind)
    if month is not None:
        start, end = month_bounds(month)
        query = query.where(FundEntry.recorded_at >= start, FundEntry.recorded_at < end)
    if household_id is not None:
        query = query.where(FundEntry.household_id == household_id)
    if cursor is not None:
        query = query.where(FundEntry.id < cursor)
    rows = db.session.scalars(query.order_by(FundEntry.id.desc()).limit(limit + 1)).all()
    return {"items": entry_views(rows[:limit]), "next_cursor": rows[limit - 1].id if len(rows) > limit else None}


def my_contributions(user):
    """My household's contributions in every fund, and their corrections."""
    household_id = household_id_of(user)
    if household_id is None:
        return {"household": None, "total_fen": 0, "items": []}
    rows = db.session.scalars(select(FundEntry).where(FundEntry.household_id == household_id)
                              .order_by(FundEntry.id.desc())).all()
    return {"household": addresses([household_id])[household_id], "total_fen": sum(signed(e) for e in rows),
            "items": entry_views(rows)}


def contributors(viewer, fund, building_id=None, status=None, cursor=None, limit=20):
    """The collector's to-do list: each household of the fund's scope that `viewer` reads the
    ledger of (VIEW_LEDGER) or collects for (the acting rule), with what it has given."""
    if can(viewer, Action.VIEW_LEDGER, fund):
        condition = in_scope(fund)
    else:
        check_collect(viewer, fund)
        condition = collectable(viewer, fund)
    given = (select(FundEntry.household_id, func.sum(case((FundEntry.direction == Direction.IN, FundEntry.amount_fen),
                                                          else_=-FundEntry.amount_fen)).label("fen"),
                    func.max(FundEntry.occurred_on).label("last_on"))
             .where(FundEntry.fund_id == fund.id, FundEntry.household_id.is_not(None))
             .group_by(FundEntry.household_id).subquery())
    query = select(Household.id, Household.head_name, given.c.fen, given.c.last_on).outerjoin(
        given, given.c.household_id == Household.id).where(condition)
    if building_id is not None:
        query = query.where(Household.building_id == building_id)
    if status == "paid":
        query = query.where(given.c.fen > 0)
    elif status == "unpaid":
        query = query.where(func.coalesce(given.c.fen, 0) <= 0)
    if cursor is not None:
        query = query.where(Household.id > cursor)
    rows = db.session.execute(query.order_by(Household.id).limit(limit + 1)).all()
    page = rows[:limit]
    shown = addresses(row.id for row in page)
    return {"items": [{"household": shown[row.id], "head_name": row.head_name, "contributed_fen": row.fen or 0,
                       "last_on": row.last_on} for row in page],
            "next_cursor": page[-1].id if len(rows) > limit else None}


def public_lines(rows):
    """What a neighbour reads of entries: each but the contributions, which are one total line
    (corrections of contributions folded in): never which household gave what."""
    given = [e for e in rows if e.household_id is not None]
    lines = []
    shown = {p.id for p in _shown_photos(e.photo_id for e in rows if e.household_id is None)}
    projects = projects_of(e.project_id for e in rows)
    for e in rows:
        if e.household_id is None:
            lines.append({"kind": e.kind, "kind_label": KIND_LABELS[e.kind], "direction": e.direction,
                          "amount_fen": e.amount_fen, "occurred_on": e.occurred_on.isoformat(),
                          "counterparty": e.counterparty, "description": e.description, "receipt_no": e.receipt_no,
                          "photo_id": e.photo_id if e.photo_id in shown else None,
                          "project": projects.get(e.project_id), "corrects_id": e.corrects_id, "reason": e.reason})
    total = sum(signed(e) for e in given)
    contributions = {"households": len({e.household_id for e in given}), "total_fen": total}
    if given:
        lines.insert(0, {"kind": EntryKind.CONTRIBUTION.value, "kind_label": "住户自筹（合计）",
                         "direction": (Direction.IN if total >= 0 else Direction.OUT).value, "amount_fen": abs(total),
                         "households": contributions["households"]})
    return lines, contributions


def project_spending(project):
    """A project's cost and what has been spent on it, as the public reads it."""
    rows = db.session.scalars(select(FundEntry).where(FundEntry.project_id == project.id).order_by(FundEntry.id)).all()
    lines, _ = public_lines(rows)
    photos = photos_of(line.get("photo_id") for line in lines)
    return {"cost_fen": project.cost_fen, "spent_fen": -sum(signed(e) for e in rows),
            "entries": [shown_line(line, photos) for line in lines]}


def shown_line(line, photos):
    """A stored public line with its photo's URLs signed for this viewer."""
    shown = {key: value for key, value in line.items() if key != "photo_id"}
    return shown | ({"photo": photos.get(line.get("photo_id"))} if line["kind"] != EntryKind.CONTRIBUTION else {})


def household_people(household_id):
    """Users to tell about a household's money (a SELECT for `notify`): its members and the family
    helpers who receive its notices."""
    return select(HouseholdMember.user_id).where(HouseholdMember.household_id == household_id).union(
        acting.notice_helpers(household_id))


def _tell_household(household, fund, entry):
    notify(household_people(household.id), NotificationKind.NOTICE, {
        "title": "已收到自筹款", "body": f"已收到您家的自筹款 {yuan(entry.amount_fen)} 元（{fund.name}）",
        "fund_id": fund.id, "entry_id": entry.id}, page="pages/money/contributions")
