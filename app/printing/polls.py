"""Polls on paper: the 公示 of a closed poll's result, and paper ballots (纸质票) for the
households a building head (or grid worker, or staff) will visit, each with its ballot code
(app/polls/secrecy.py `paper_code`) to scan when the ballot is entered."""
from sqlalchemy import select

from app.auth.permissions import Action
from app.community.models import Building, Community, Courtyard, Household
from app.errors import ApiError, invalid
from app.extensions import db
from app.models_base import utcnow
from app.polls import access, secrecy
from app.polls.models import PaperBallot, PaperStatus, PollElector, PollStatus
from app.polls.service.views import ELECTORATE_LABELS
from app.printing.layout import ADDRESS, FAMILY, Sheet, local

MAX_BALLOTS = 500  # one PDF; a larger community prints building by building


def _community_name(poll):
    return db.session.get(Community, poll.community_id).name


def result_notice(poll):
    """表决结果公示 for the notice board: what the poll asked, how it was decided, each question's
    figures and thresholds as the close froze them, the digests to recount it, the objection
    period. Only once closed: before, there is no result to post."""
    if poll.status != PollStatus.CLOSED:
        raise ApiError(409, "poll_not_closed", "投票截止并公示后才能打印结果", details={"status": poll.status})
    community, result = _community_name(poll), poll.result
    owners = poll.electorate == "owners"
    sheet = Sheet(footer=f"{poll.title} 表决结果公示")
    sheet.add_page()
    sheet.heading(f"{community}表决结果公示")
    sheet.para(poll.title, size=15, gap=3)
    sheet.para(f"投票方式：{ELECTORATE_LABELS[poll.electorate]}，{'无记名' if poll.secret else '实名'}投票；"
               f"投票时间 {local(poll.opens_at)} 至 {local(poll.closed_at)}。")
    quorum = f"，参与率须达 {result['quorum_percent']}%" if result.get("quorum_percent") else ""
    electorate, participants = result["electorate"], result["participants"]
    area = lambda count: f"（{count['area']} m²）" if owners else ""  # noqa: E731
    pending = f"另有 {result['pending_paper']} 张纸质票截止时未确认、未计入。" if result.get("pending_paper") else ""
    sheet.para(f"表决规则：{result['rule_label']}{quorum}。投票人 {electorate['people']}{area(electorate)}，"
               f"参与 {participants['people']}{area(participants)}，有效票 {result['ballots']} 张。{pending}")
    for number, question in enumerate(result["questions"], start=1):
        options = question["options"]
        if question["kind"] == "yes_no":
            verdict = "通过" if question["passed"] else "未通过"
        else:
            verdict = "选定：" + "、".join(options[i]["label"] for i in question["chosen"]) if question["passed"] \
                else "没有选项获得通过"
        sheet.para(f"{number}. {question['text']}　【{verdict}】", size=13)
        if question.get("tie"):
            sheet.para("有选项票数相同、无法在名额内取舍，相同票数的选项均未选定。", size=10)
        header = ["选项", "票数"] + (["面积（m²）"] if owners else []) + \
            (["是否达到规则"] if question["kind"] != "yes_no" else [])
        rows = [[option["label"], option["people"]] + ([option["area"]] if owners else []) +
                ([("达到" if option["passed"] else "未达到")] if question["kind"] != "yes_no" else [])
                for option in options]
        sheet.grid(header, rows, widths=[3] + [1] * (len(header) - 1))
        thresholds = [(None, t) for t in question["thresholds"]] if question["kind"] == "yes_no" else \
            [(option["label"], t) for option in options for t in option["thresholds"]]
        if thresholds:
            first = ["选项"] if question["kind"] != "yes_no" else []
            sheet.grid(first + ["门槛", "实际", "要求", "结论"],
                       [([label] if label is not None else []) +
                        [t["label"], f"{t['value']} / {t['of']} {t['unit']}", t["required"],
                         "✓ 达到" if t["met"] else "✗ 未达到"] for label, t in thresholds],
                       widths=([2] if first else []) + [4, 3, 1.4, 1.6], size=9)
    sheet.para(f"选票摘要（可在院坝小程序“公示的选票”中复核）：{result['ballots_digest']}", size=8)
    if poll.result_digest:
        sheet.para(f"计票结果摘要：{poll.result_digest}", size=8)
    sheet.para(f"公示期至 {local(poll.objections_until)}。对结果有异议的，请在公示期内通过院坝小程序提出，"
               f"或向社区居民监督委员会反映。", gap=8)
    sheet.para(f"{community}居民监督委员会\n{local(poll.closed_at, time=False)}", align="R")
    return sheet.to_bytes()


def _households_to_print(actor, poll, building_id):
    """The households whose paper ballot `actor` may enter and that still need one: in the
    frozen electorate, not yet voted, no paper ballot waiting; by building, unit and room."""
    if building_id is not None:
        building = db.session.get(Building, building_id)
        if building is None or building.community_id != poll.community_id:
            raise invalid("building_id", "楼栋不存在")
    waiting = select(PaperBallot.id).where(PaperBallot.poll_id == poll.id, PaperBallot.status == PaperStatus.PENDING,
                                           PaperBallot.household_id == PollElector.household_id).exists()
    query = select(Household, ADDRESS).join(
        PollElector, PollElector.household_id == Household.id).join(Building, Building.id == Household.building_id) \
        .join(Courtyard, Courtyard.id == Building.courtyard_id) \
        .where(PollElector.poll_id == poll.id, PollElector.voted_at.is_(None), ~waiting) \
        .order_by(Building.id, Household.unit, Household.room, Household.id)
    if building_id is not None:
        query = query.where(Household.building_id == building_id)
    return [(household, address) for household, address in db.session.execute(query)
            if access.allows(access.check_paper_entry, actor, household)]


def paper_ballots(actor, poll, building_id=None):
    """纸质票: one page per household that `actor` may enter a paper ballot for and that has not
    voted (optionally of one building), with the questions, a box per option, and the ballot
    code as a QR code and in letters, which the building head scans when entering the ballot
    (`ballot_code` of POST /polls/{id}/paper-ballots). Only while the poll is open: the electorate
    is frozen then, and the code holds for this poll alone."""
    access.check_paper_poll(poll)
    if not access.enters_paper_in(actor, poll):
        raise ApiError(403, "forbidden", "没有权限打印纸质选票", details={"action": str(Action.ENTER_PAPER_BALLOTS)})
    access.check_voting_open(poll.status, poll.closes_at, utcnow())
    households = _households_to_print(actor, poll, building_id)
    if not households:
        raise ApiError(409, "no_ballots_to_print", "您负责的住户都已投票或已录入纸质票，没有要打印的选票")
    if len(households) > MAX_BALLOTS:
        raise invalid("building_id", f"一次最多打印{MAX_BALLOTS}张选票，请按楼栋打印", count=len(households))
    community = _community_name(poll)
    sheet = Sheet(footer=f"{poll.title} 纸质选票")
    for household, address in households:
        sheet.add_page()
        code = secrecy.paper_code(poll.id, household.id)
        with sheet.beside(sheet.corner_qr(code, 30, code)):
            sheet.heading(f"{community}纸质选票", size=18)
            sheet.para(poll.title, size=14, gap=2)
            sheet.para(f"住户：{address}" + (f"　户主：{household.head_name}" if household.head_name else ""), size=12)
            sheet.para(f"投票方式：{ELECTORATE_LABELS[poll.electorate]}，{'无记名' if poll.secret else '实名'}投票"
                       f"　截止时间：{local(poll.closes_at)}", size=10)
        sheet.para("请在同意的选项后的方框内打“✓”，交给楼栋长录入。", size=11, gap=3)
        for number, question in enumerate(poll.questions, start=1):
            how = "单选" if question.kind != "multiple" else f"最多选 {question.max_choices} 项"
            sheet.para(f"{number}. {question.text}（{how}）", size=13, gap=1)
            for option in question.options:
                y = sheet.get_y()
                sheet.set_x(sheet.l_margin + 8)
                sheet.set_font(FAMILY, size=13)
                sheet.cell(70, 9, option)
                sheet.box(sheet.l_margin + 80, y + 1.5, size=6)
                sheet.ln(10)
            sheet.ln(2)
        sheet.ln(4)
        sheet.para("投票人签字：________________　　日期：____年__月__日", size=12, gap=4)
        sheet.para("右上角是本户本次表决的选票编码，楼栋长录入时扫描它，系统据此认定住户；它只对本次表决有效，"
                   "不含您的选择。选票照片由监委会核对" + ("后销毁。" if poll.secret else "。"), size=9)
    return sheet.to_bytes()
