"""Personal information under PIPL: what we tell residents, what we hand them, what we erase.

- `NOTICE`: the privacy notice the mini-program shows on its consent screen.
- `export(user)`: everything held about the user, as JSON.
- `erase(user)`: the account is deleted. The person's identity goes (name, phone, WeChat
  openid, sessions, memberships, roles, inbox, consents, unattached uploads), while what they
  did as part of the community's record stays intact and now points at an anonymous user:
  matters and their timelines, ballots (which belong to the household, not the person),
  objections, meeting replies, audit entries.
"""
import secrets

from sqlalchemy import delete, select, update

from app.audit import service as audit
from app.auth.models import AuthSession
from app.community.models import Household, HouseholdMember, RoleAssignment
from app.community.service import profile
from app.extensions import db
from app.idempotency import IdempotencyRecord
from app.matters.models import Matter, MatterEvent, MatterPhoto
from app.matters.photos import discard
from app.meetings.models import Invitation
from app.models_base import utcnow
from app.notifications.models import Notification, SubscriptionConsent
from app.polls.models import Objection, PaperBallot, PollElector

NOTICE_VERSION = "2026-11-22"
NOTICE = {
    "version": NOTICE_VERSION,
    "title": "院坝隐私政策",
    "sections": [
        {"heading": "我们收集什么",
         "text": "微信登录标识（openid）；您填写的姓名和电话；您所在的住户（楼栋、单元、房号、面积）；"
                 "您反映的诉求、上传的照片（已去除拍摄地点等信息）、会议回复和签到、投票记录。"},
        {"heading": "用来做什么",
         "text": "办理您反映的事项、通知会议和投票、按一户一票计票。诉求照片只给有权查看的工作人员和议事会成员看。"},
        {"heading": "谁能看到",
         "text": "电话号码对其他人显示为 138****1234，只有需要联系您的社区工作人员、网格员和楼栋长能看到完整号码。"
                 "无记名投票不记录谁投了什么；实名表决的投票情况只给监委会查看。"},
        {"heading": "保存多久",
         "text": "账号存在期间保存。诉求、投票等社区事务的记录按规定长期保存，但注销后不再与您的身份关联。"},
        {"heading": "您的权利",
         "text": "您可以在“我的”页面下载我们保存的您的全部信息，也可以注销账号。注销后您的姓名、电话和微信标识立即删除，"
                 "已投的票和反映的诉求仍计入社区记录，但不再显示为您。"},
    ],
}
ERASE_CONFIRMATION = "注销账号"


def _rows(query):
    return [dict(row._mapping) for row in db.session.execute(query)]


def export(user):
    """Everything held about `user`, as plain JSON-able data."""
    membership = db.session.scalar(select(HouseholdMember).filter_by(user_id=user.id))
    household = db.session.get(Household, membership.household_id) if membership else None
    return {
        "exported_at": utcnow(),
        "profile": {**profile(user), "openid": user.openid, "created_at": user.created_at,
                    "last_login_at": user.last_login_at},
        "household": None if household is None else {
            "id": household.id, "building_id": household.building_id, "unit": household.unit,
            "room": household.room, "floor_area": str(household.floor_area), "is_head": membership.is_head,
            "is_voter": membership.is_voter, "joined_at": membership.joined_at},
        "sessions": _rows(select(AuthSession.id, AuthSession.created_at, AuthSession.expires_at,
                                 AuthSession.revoked_at).where(AuthSession.user_id == user.id)),
        "matters": _rows(select(Matter.id, Matter.title, Matter.description, Matter.category, Matter.status,
                                Matter.place_text, Matter.latitude, Matter.longitude, Matter.created_at,
                                Matter.satisfaction, Matter.evaluation_comment)
                         .where(Matter.submitter_id == user.id).order_by(Matter.id)),
        "matter_timeline_entries": _rows(select(MatterEvent.matter_id, MatterEvent.action, MatterEvent.note,
                                                MatterEvent.created_at)
                                         .where(MatterEvent.actor_id == user.id).order_by(MatterEvent.id)),
        "photos": _rows(select(MatterPhoto.id, MatterPhoto.matter_id, MatterPhoto.width, MatterPhoto.height,
                               MatterPhoto.created_at).where(MatterPhoto.uploader_id == user.id)),
        "meeting_replies": _rows(select(Invitation.meeting_id, Invitation.reply, Invitation.people,
                                        Invitation.replied_at, Invitation.present, Invitation.checked_in_at)
                                 .where(Invitation.replied_by_id == user.id)),
        "poll_participation": _rows(select(PollElector.poll_id, PollElector.voted_at)
                                    .where(PollElector.user_id == user.id)),
        "objections": _rows(select(Objection.poll_id, Objection.text, Objection.created_at, Objection.answer)
                            .where(Objection.user_id == user.id)),
        "notifications": _rows(select(Notification.id, Notification.kind, Notification.title, Notification.body,
                                      Notification.created_at, Notification.read_at)
                               .where(Notification.user_id == user.id).order_by(Notification.id)),
        "subscription_consents": _rows(select(SubscriptionConsent.template_id, SubscriptionConsent.remaining)
                                       .where(SubscriptionConsent.user_id == user.id)),
    }


def erase(user):
    """Delete the account (see the module docstring). One transaction: all of it or none."""
    audit.record(user, "user.erase", "user", user.id)
    unattached = db.session.scalars(select(MatterPhoto).where(  # a paper ballot's photo is evidence: kept
        MatterPhoto.uploader_id == user.id, MatterPhoto.matter_id.is_(None),
        MatterPhoto.id.not_in(select(PaperBallot.photo_id).where(PaperBallot.photo_id.is_not(None))))).all()
    for photo in unattached:
        discard(photo)  # the files go once this commits
    db.session.execute(update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    for model in (HouseholdMember, RoleAssignment, Notification, SubscriptionConsent, IdempotencyRecord):
        db.session.execute(delete(model).where(model.user_id == user.id))
    user.name = user.phone = None
    user.openid = f"erased-{user.id}-{secrets.token_hex(8)}"  # the same WeChat user may sign up afresh
    user.erased_at = utcnow()
    db.session.flush()
