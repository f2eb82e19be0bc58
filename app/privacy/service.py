"""Personal information under PIPL: what we tell residents, what we hand them, what we erase.

- `NOTICE`: the privacy notice the mini-program shows on its consent screen.
- `export(user)`: everything held about the user, as JSON.
- `erase(user)`: the account is deleted. The person's identity goes (name, phone, WeChat
  openid, sessions, memberships, roles, inbox, consents, unattached uploads), while what they
  did as part of the community's record stays intact and now points at an anonymous user:
  matters and their timelines, ballots (which belong to the household, not the person),
  objections, meeting replies, audit entries. What each domain hands over and erases is its
  own `app/<domain>/lifecycle.py`; this module keeps the account itself.
"""
import secrets

from app import lifecycle
from app.audit import service as audit
from app.community.service import profile
from app.extensions import db
from app.models_base import utcnow

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
ERASED_NAME = "已注销用户"


def is_erased(user):
    """An account deleted by `erase`: others see it as ERASED_NAME with no phone — never as
    anyone standing in for it, such as the head of the household it lived in."""
    return user.erased_at is not None


def export(user):
    """Everything held about `user`, as plain JSON-able data: the account, then each domain's
    sections (app/lifecycle.py)."""
    return {"exported_at": utcnow(),
            "profile": {**profile(user), "openid": user.openid, "created_at": user.created_at,
                        "last_login_at": user.last_login_at},
            **lifecycle.export(user)}


def erase(user):
    """Delete the account (see the module docstring). One transaction: all of it or none."""
    audit.record(user, "user.erase", "user", user.id)
    lifecycle.erase(user)
    user.name = user.phone = None
    user.openid = f"erased-{user.id}-{secrets.token_hex(8)}"  # the same WeChat user may sign up afresh
    user.erased_at = utcnow()
    db.session.flush()
