"""A fund's statement on paper (账目公示) for the notice board: the public version, exactly what a
neighbour reads in the mini-program — contributions as one total, no household named — with the
supervisors' confirmations and the digest to check it against."""
from app.auth.service import user_names
from app.budgets.rules import yuan
from app.community.models import Community
from app.extensions import db
from app.funds import service, statements
from app.funds.models import Direction, StatementKind
from app.printing.layout import Sheet, local


def _yuan(fen):
    return f"{yuan(fen)} 元"


def statement_notice(statement):
    """账目公示 as published: the balances, each line (the contributions as one), who confirmed it."""
    content = statement.content
    fund = service.get_fund(statement.fund_id)
    community = db.session.get(Community, fund.community_id).name
    project = statement.kind == StatementKind.PROJECT
    period = f"“{content['project']['title']}”项目" if project else \
        f"{statement.month[:4]}年{int(statement.month[5:])}月"
    sheet = Sheet(footer=f"{fund.name} {period}账目公示")
    sheet.add_page()
    sheet.heading(f"{community}账目公示")
    sheet.para(f"{fund.name}　{period}", size=15, gap=3)
    labels = ("核定费用", "收入", "支出", "结余") if project else ("期初余额", "本期收入", "本期支出", "期末余额")
    sheet.grid(list(labels), [[_yuan(statement.opening_fen), _yuan(statement.in_fen), _yuan(statement.out_fen),
                               _yuan(statement.closing_fen)]], widths=[1, 1, 1, 1])
    rows = []
    for line in content["lines"]:
        money = ("收入 " if line["direction"] == Direction.IN else "支出 ") + _yuan(line["amount_fen"])
        if "households" in line:
            rows.append(["", line["kind_label"], money, f"{line['households']} 户自筹", ""])
            continue
        note = "；".join(part for part in (line["counterparty"], line["description"],
                                           (line["project"] or {}).get("title", ""), line["reason"]) if part)
        proof = (line["receipt_no"] or "") + ("（有照片）" if line["photo_id"] else "")
        rows.append([line["occurred_on"], line["kind_label"], money, note, proof])
    if rows:
        sheet.grid(["日期", "类别", "金额", "摘要", "票据"], rows, widths=[1.6, 1.4, 2, 4, 1.8], size=9)
    else:
        sheet.para("本期没有收支。", gap=3)
    sheet.para("住户自筹款只公示合计；各户可在院坝小程序“我的自筹款”中查看本户明细。票据照片可在小程序“社区账本”中查看。",
               size=9)
    answers = statements.confirmations(statement)
    names = user_names(c.user_id for c in answers)
    if answers:
        sheet.para("监委会核实：" + "；".join(
            f"{names.get(c.user_id) or '监委会成员'} {'核实无误' if c.agrees else '有疑问：' + c.note}"
            f"（{local(c.created_at, time=False)}）" for c in answers), size=10)
    else:
        sheet.para("监委会核实：尚未核实。", size=10)
    sheet.para(f"校验码（sha256）：{statement.digest}", size=8)
    sheet.para(f"{community}\n{local(statement.published_at, time=False)}", align="R")
    return sheet.to_bytes()
