"""入户码小条: join codes just issued, printed as slips to hand over on door-to-door visits.

Only a code's hash is stored (app/community/service.py), so a code cannot be printed again
later: the desk or the phone sends back the codes that POST /households/{id}/join-codes has
just answered with, and gets them as slips. Each is checked against its hash, must still be
unused and valid, and its household one the caller may issue codes for, so the endpoint prints
nothing the caller could not have issued and is no oracle for guessing codes of others."""
from sqlalchemy import select

from app.auth.permissions import Action, authorize
from app.community.models import Building, Community, Courtyard, Household, JoinCode
from app.community.service import is_join_code, normalize_join_code
from app.errors import invalid
from app.extensions import db
from app.models_base import utcnow
from app.printing.layout import ADDRESS, FAMILY, Sheet, local

SLIP_HEIGHT = 52  # mm: five slips a column on A4, two columns


def _issued(actor, codes):
    """[(code, its row, household, address)] in the order given, each code checked."""
    rows = {row.id: row for row in db.session.scalars(select(JoinCode).where(
        JoinCode.id.in_([item["id"] for item in codes])))}
    households = {household.id: (household, address) for household, address in db.session.execute(
        select(Household, ADDRESS).join(Building, Building.id == Household.building_id)
        .join(Courtyard, Courtyard.id == Building.courtyard_id)
        .where(Household.id.in_([row.household_id for row in rows.values()])))}
    now, issued = utcnow(), []
    for number, item in enumerate(codes, start=1):
        row, code = rows.get(item["id"]), normalize_join_code(item["code"])
        if row is None:
            raise invalid("codes", f"第{number}个入户码与签发记录不符")
        household, address = households[row.household_id]
        authorize(actor, Action.ISSUE_JOIN_CODES, household)  # before the code is compared: no oracle
        if not is_join_code(row, code):
            raise invalid("codes", f"第{number}个入户码与签发记录不符")
        if row.used_at is not None or row.expires_at <= now:
            raise invalid("codes", f"第{number}个入户码已使用或已过期，请重新签发", code="join_code_expired")
        issued.append((code, row, household, address))
    return issued


def slips(actor, codes):
    """The slips: community and address, the head's name, the code in large letters (and as a QR
    code), what it does, until when and how to use it; cut along the dashed lines."""
    issued = _issued(actor, codes)
    communities = dict(db.session.execute(select(Community.id, Community.name).where(
        Community.id.in_({household.community_id for _c, _r, household, _a in issued}))).all())
    sheet = Sheet()
    width = (sheet.w - sheet.l_margin - sheet.r_margin) / 2
    for number, (code, row, household, address) in enumerate(issued):
        if number % 10 == 0:
            sheet.add_page()
        x = sheet.l_margin + (number % 2) * width
        y = sheet.t_margin + (number % 10 // 2) * SLIP_HEIGHT
        sheet.set_draw_color(120)
        sheet.set_dash_pattern(dash=1.5, gap=1.5)
        sheet.rect(x, y, width, SLIP_HEIGHT)
        sheet.set_dash_pattern()
        sheet.set_draw_color(0)
        sheet.qr(code, x=x + width - 27, y=y + 3, size=24)
        sheet.set_xy(x + 4, y + 4)
        sheet.set_font(FAMILY, size=11)
        sheet.multi_cell(width - 34, 5.5, f"{communities[household.community_id]}\n{address}"
                         + (f"\n户主：{household.head_name}" if household.head_name else ""), align="L")
        sheet.set_xy(x + 4, y + 24)
        sheet.set_font(FAMILY, size=9)
        sheet.cell(width - 34, 5, "入户码")
        sheet.set_xy(x + 4, y + 29)
        sheet.set_font(FAMILY, size=20)
        sheet.cell(width - 34, 9, f"{code[:4]} {code[4:]}")
        sheet.set_xy(x + 4, y + 39)
        sheet.set_font(FAMILY, size=8.5)
        sheet.multi_cell(width - 8, 4, f"{'凭此码加入后成为户主' if row.as_head else '凭此码加入本户'}，"
                         f"{local(row.expires_at)} 前有效，只能用一次。打开院坝小程序“绑定我家”，输入入户码。",
                         align="L")
    return sheet.to_bytes()
