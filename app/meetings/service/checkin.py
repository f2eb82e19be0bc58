"""Signing in: the rotating check-in code the organiser shows, scanning it, signing in by hand
(the organiser, or whoever acts for the household)."""
import base64
import hashlib
import hmac
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import select, update

from app import wechat
from app.auth.permissions import allows
from app.community import acting
from app.community.models import Household
from app.errors import ApiError
from app.extensions import db
from app.meetings import access
from app.meetings.models import Invitation, Meeting, MeetingStatus
from app.meetings.service.common import record_audit
from app.models_base import utcnow

CHECKIN_WINDOW = 600  # seconds: the check-in code rotates this often


def _mac(meeting_id, window):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"checkin:{meeting_id}:{window}".encode(), hashlib.sha256).hexdigest()[:12]


def checkin_scene(meeting, now=None):
    """The scene of the check-in code: meeting, time window, MAC (≤ 32 characters, as
    getwxacodeunlimit requires). It rotates every CHECKIN_WINDOW seconds; the current and the
    previous window are accepted, so a photo of the code is useless twenty minutes later."""
    window = int((now or utcnow()).timestamp()) // CHECKIN_WINDOW
    return f"{meeting.id:x}-{window:x}-{_mac(meeting.id, window)}"


def current_code(meeting):
    """The check-in code now, and until when it is accepted (the end of the next window)."""
    now = utcnow()
    window = int(now.timestamp()) // CHECKIN_WINDOW
    return checkin_scene(meeting, now), datetime.fromtimestamp((window + 2) * CHECKIN_WINDOW, tz=timezone.utc)


def checkin_code(actor, meeting):
    """The code the organiser shows: the scene, and the mini-program code image when WeChat is
    configured (base64 PNG)."""
    access.check_run(actor, meeting)
    scene, expires_at = current_code(meeting)
    image = None
    if current_app.config["WECHAT_APPID"]:
        image = base64.b64encode(wechat.miniprogram_code_image(scene, "pages/meeting/checkin")).decode()
    return {"scene": scene, "expires_at": expires_at, "image_png_base64": image}


def _meeting_of_scene(scene):
    try:
        meeting_hex, window_hex, mac = scene.split("-")
        meeting_id, window = int(meeting_hex, 16), int(window_hex, 16)
    except ValueError:
        raise ApiError(422, "invalid_checkin_code", "签到码无效") from None
    if not hmac.compare_digest(mac, _mac(meeting_id, window)):
        raise ApiError(422, "invalid_checkin_code", "签到码无效")
    current = int(utcnow().timestamp()) // CHECKIN_WINDOW
    if window not in (current, current - 1):
        raise ApiError(410, "checkin_code_expired", "签到码已过期，请扫描现场最新的签到码")
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise ApiError(422, "invalid_checkin_code", "签到码无效")
    return meeting


def check_in(user, scene):
    """Sign in by scanning the code; scanning again changes nothing."""
    meeting = _meeting_of_scene(scene)
    invitation = access.invitation_for(user, meeting)
    access.check_check_in(meeting, invitation)
    _mark_present(invitation, user, by_hand=False)
    db.session.flush()
    db.session.refresh(invitation)
    return meeting, invitation


def check_in_by_hand(actor, meeting, household_id):
    """Sign in a household without a phone, replied or not: the organiser (or staff) any invited
    household; whoever acts for a household (app/community/acting.py: its building head, grid
    worker) that one. Recorded as such, with who and as what."""
    household = db.session.get(Household, household_id)
    agency = acting.agency(actor, household, acting.Act.CHECK_IN) if household is not None else None
    if agency is None:
        if household is not None and not allows(access.check_manage, actor, meeting):
            acting.require(actor, household, acting.Act.CHECK_IN)  # the 403 says why not
        access.check_manage(actor, meeting)
        agency = acting.Agency(actor.id, household_id, "organizer")
    access.check_status(meeting, MeetingStatus.PUBLISHED)
    invitation = db.session.scalar(select(Invitation).filter_by(meeting_id=meeting.id, household_id=household_id))
    if invitation is None:
        raise ApiError(404, "not_found", "该住户不在本次会议的邀请范围内")
    if _mark_present(invitation, actor, by_hand=True, as_=agency.role):
        record_audit(actor, meeting, "check_in_by_hand", household_id=household_id, acting=agency.details())
    db.session.flush()
    db.session.refresh(invitation)
    return invitation


def _mark_present(invitation, by, by_hand, as_=None):
    """Sign in (once: a second scan changes nothing); True if this one did. Not committed."""
    return db.session.execute(update(Invitation).where(Invitation.id == invitation.id, Invitation.present.is_(False))
                              .values(present=True, checked_in_at=utcnow(), checked_in_by_id=by.id,
                                      checked_in_by_hand=by_hand, checked_in_as=as_)).rowcount == 1
