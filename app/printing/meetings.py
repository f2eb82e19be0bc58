"""Meetings on paper: the notice posted in the courtyard, the sign-in sheet at the door (every
invited household, a line to sign, and the check-in code to scan), and the minutes' 公示."""
from sqlalchemy import select

from app.auth.models import User
from app.auth.service import user_names
from app.community.models import Building, Community, Courtyard, Household
from app.errors import ApiError
from app.extensions import db
from app.meetings import access
from app.meetings.models import Invitation, MeetingStatus
from app.meetings.service import meeting_view
from app.meetings.service.checkin import current_code
from app.meetings.service.common import REPLY_LABELS
from app.printing.layout import ADDRESS, Sheet, local


def _organizer(meeting):
    return user_names({meeting.organizer_id}).get(meeting.organizer_id) or ""


def _when(meeting):
    return local(meeting.starts_at) + (f" 至 {local(meeting.ends_at)}" if meeting.ends_at else "")


def _header(sheet, meeting, view):
    """Kind, time, place, organiser: the lines every meeting document starts with."""
    organizer = _organizer(meeting)
    stage = f"（{view['stage_label']}）" if view.get("stage_label") else ""
    sheet.para(f"会议类型：{view['kind_label']}{stage}", size=12)
    sheet.para(f"时间：{_when(meeting)}", size=12)
    sheet.para(f"地点：{meeting.place}", size=12)
    if organizer:
        sheet.para(f"召集人：{organizer}", size=12)


def _agenda(sheet, view, size=12):
    if view["agenda"]:
        sheet.para("议程：", size=size, gap=0.5)
        for item in view["agenda"]:
            sheet.para(f"{item['position']}. {item['text']}", size=size, gap=0.5)
        sheet.ln(2)


def notice(viewer, meeting):
    """会议通知 for the courtyard's notice board, in large type: what, when, where, the agenda,
    and how to answer. Once the meeting is published (a draft is not yet called)."""
    if meeting.status != MeetingStatus.PUBLISHED:
        raise ApiError(409, "meeting_not_published", "会议发布后才能打印通知", details={"status": meeting.status})
    view = meeting_view(meeting, viewer)
    community = db.session.get(Community, meeting.community_id).name
    sheet = Sheet(footer=f"{community} 会议通知")
    sheet.add_page()
    sheet.heading("会议通知", size=30)
    sheet.para(meeting.title, size=20, align="C", gap=5)
    sheet.para("各位居民：", size=14)
    if meeting.description:
        sheet.para(meeting.description, size=14, gap=3)
    sheet.para(f"时间：{_when(meeting)}", size=16)
    sheet.para(f"地点：{meeting.place}", size=16)
    sheet.para(f"会议类型：{view['kind_label']}", size=14)
    if meeting.capacity:
        sheet.para(f"人数上限：{meeting.capacity} 人", size=14)
    _agenda(sheet, view, size=14)
    sheet.para("请在院坝小程序“会议”中回复是否参加；没有智能手机的，请告诉楼栋长或网格员，由他们代为回复、"
               "到场签到。", size=13, gap=10)
    organizer = _organizer(meeting)
    sheet.para(f"{community}\n{organizer}\n{local(meeting.created_at, time=False)}".replace("\n\n", "\n"),
               size=13, align="R")
    return sheet.to_bytes()


def sign_in_sheet(actor, meeting):
    """签到表 for the organiser (or staff) at the door: every invited household or person with
    its reply and whether it has signed in, a column to sign, and the check-in code as a QR code
    and in letters — the code rotates (app/meetings/service/checkin.py), so the sheet says until
    when it holds; print it at the meeting, or sign in the rest by hand."""
    access.check_run(actor, meeting)
    view = meeting_view(meeting, actor)
    scene, expires_at = current_code(meeting)
    rows = db.session.execute(
        select(Invitation, Household, ADDRESS, User.name)
        .outerjoin(Household, Household.id == Invitation.household_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Courtyard, Courtyard.id == Building.courtyard_id)
        .outerjoin(User, User.id == Invitation.user_id)
        .where(Invitation.meeting_id == meeting.id)
        .order_by(Building.id, Household.unit, Household.room, Invitation.id)).all()
    sheet = Sheet(footer=f"{meeting.title} 签到表")
    sheet.add_page()
    with sheet.beside(sheet.corner_qr(scene, 34, f"签到码 {scene}\n{local(expires_at)} 前有效")):
        sheet.heading(f"{meeting.title} 签到表", size=18)
        _header(sheet, meeting, view)
        sheet.para(f"邀请 {len(rows)} 户（人），已签到 {view['attended']}。", size=11)
    sheet.para("有智能手机的，请在院坝小程序“会议”页点“扫码签到”扫描右上角签到码；没有手机的，请在本表签名，"
               "由组织者代为签到。", size=10, gap=3)
    table = []
    for number, (invitation, household, address, name) in enumerate(rows, start=1):
        where = address if household else (name or "")
        head = (household.head_name or "") if household else ""
        reply = REPLY_LABELS.get(invitation.reply, "未回复")
        if invitation.reply == "attend" and invitation.people > 1:
            reply += f"（{invitation.people}人）"
        present = ("✓ 手工" if invitation.checked_in_by_hand else "✓") if invitation.present else ""
        table.append([number, where, head, reply, present, ""])
    sheet.grid(["序号", "住址", "户主", "回复", "已签到", "到会人签名"], table, widths=[1, 4.2, 2, 2.2, 1.6, 4],
               line_height=8)
    return sheet.to_bytes()


def minutes(viewer, meeting):
    """会议纪要公示: the meeting, who came, the agenda, the minutes and the decisions, once the
    minutes are published (before, they may still change)."""
    if meeting.status != MeetingStatus.CLOSED or meeting.minutes_published_at is None:
        raise ApiError(409, "minutes_not_published", "会议纪要公示后才能打印", details={"status": meeting.status})
    view = meeting_view(meeting, viewer)
    community = db.session.get(Community, meeting.community_id).name
    sheet = Sheet(footer=f"{meeting.title} 会议纪要")
    sheet.add_page()
    sheet.heading(f"{community}会议纪要公示")
    sheet.para(meeting.title, size=15, align="C", gap=3)
    _header(sheet, meeting, view)
    sheet.para(f"应到 {view['invited']} 户（人），实到 {view['attended']} 户（人）。", size=12, gap=3)
    _agenda(sheet, view)
    sheet.para("会议纪要：", size=13, gap=0.5)
    sheet.para(meeting.minutes or "", size=12, gap=3)
    if view["decisions"]:
        sheet.para("会议决定：", size=13, gap=0.5)
        for number, decision in enumerate(view["decisions"], start=1):
            links = "".join([f"（诉求 {decision['matter_id']}）" if decision["matter_id"] else "",
                             f"（表决 {decision['poll_id']}）" if decision["poll_id"] else ""])
            sheet.para(f"{number}. {decision['text']}{links}", size=12, gap=0.5)
        sheet.ln(3)
    sheet.para("对纪要有意见的，请通过院坝小程序或向社区居委会、居民监督委员会反映。", size=11, gap=8)
    sheet.para(f"{community}\n公示日期：{local(meeting.minutes_published_at, time=False)}", size=12, align="R")
    return sheet.to_bytes()
