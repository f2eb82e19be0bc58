"""Test data, made the way the app makes it, and the few reads that tests of several modules
share. Test modules import from here (and from conftest.py), never from each other."""
import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import select, update

from app.auth.service import find_or_create_user
from app.community.models import Household
from app.extensions import db
from app.models_base import utcnow
from app.notifications import sms
from app.notifications.models import Notification, SubscriptionConsent
from app.polls.models import Poll
from tests.fake_sms import SDK_APP_ID, SECRET_ID, SECRET_KEY

TEMPLATES = {"matter_status": "tmpl-matter", "meeting_invitation": "tmpl-meeting"}
PHONE = "13912345678"
SMS_TEMPLATES = {"meeting_invitation": "1000001", "poll_opened": {"id": "1000002", "sign_name": "东海社区居委会"},
                 "matter_status": "1000003"}


def sms_settings(fake, **overrides):
    """Settings for SMS through `fake` (tests/fake_sms.py)."""
    return {"SMS_PROVIDER": "tencent", "SMS_ENDPOINT": fake.url, "SMS_SECRET_ID": SECRET_ID,
            "SMS_SECRET_KEY": SECRET_KEY, "SMS_SDK_APP_ID": SDK_APP_ID, "SMS_SIGN_NAME": "东海社区",
            "SMS_TEMPLATES": SMS_TEMPLATES, "SMS_DAILY_LIMIT": 2, "SMS_TIMEOUT": 1.0, **overrides}


def consent(app, household_id, phone=PHONE):
    """The household's first member consents to SMS at `phone`."""
    with app.app_context():
        household = db.session.get(Household, household_id)
        sms.set_consent(household.members[0].user, household, phone)
        db.session.commit()


def jpeg_with_gps():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90°
    exif.get_ifd(0x8825)[2] = (29.0, 33.0, 0.0)  # GPSLatitude
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "red").save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def poll_body(people, **fields):
    return {"community_id": people["community"], "title": "是否加装小区围墙", "electorate": "households",
            "rule": "majority", "closes_at": (utcnow() + timedelta(days=3)).isoformat(),
            "questions": [{"text": "是否同意加装围墙", "kind": "yes_no"}], **fields}


def pass_deadline(app, poll):
    """Time passes: the poll's deadline is now behind us."""
    with app.app_context():
        db.session.execute(update(Poll).where(Poll.id == poll["id"]).values(
            opens_at=utcnow() - timedelta(days=3), closes_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def make_users(app, *names):
    with app.app_context():
        ids = [find_or_create_user(f"dev-{name}").id for name in names]
        db.session.commit()
    return ids


def give_consent(app, user_id, template_id="tmpl-matter", count=1):
    with app.app_context():
        db.session.merge(SubscriptionConsent(user_id=user_id, template_id=template_id, remaining=count))
        db.session.commit()


def consent_left(app, user_id, template_id="tmpl-matter"):
    with app.app_context():
        row = db.session.get(SubscriptionConsent, (user_id, template_id))
        return row.remaining if row else 0


def notification_of(app, user_id):
    with app.app_context():
        return db.session.scalars(select(Notification).where(Notification.user_id == user_id)
                                  .order_by(Notification.id.desc())).first()
