from flask_smorest import Blueprint

from app.auth.permissions import current_user, get_or_404, requires
from app.community.models import Household
from app.idempotency import idempotent
from app.notifications import service, sms
from app.notifications.schemas import (
    ConsentListSchema,
    ConsentReportSchema,
    InboxArgsSchema,
    NotificationPageSchema,
    NotificationSchema,
    PreferenceInSchema,
    PreferenceListSchema,
    ReadAllResultSchema,
    ReadAllSchema,
    SmsConsentInSchema,
    SmsConsentSchema,
    UnreadCountSchema,
)

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                description="The signed-in user's inbox, WeChat subscribe-message consents, which "
                            "kinds of message may come by WeChat, and households' consent to SMS")


@blp.route("", methods=["GET"])
@blp.arguments(InboxArgsSchema, location="query")
@blp.response(200, NotificationPageSchema)
@requires()
def inbox(args):
    """My notifications, newest first."""
    return service.inbox(current_user(), **args)


@blp.route("/unread-count", methods=["GET"])
@blp.response(200, UnreadCountSchema)
@requires()
def unread_count():
    """How many of my notifications are unread."""
    return {"unread": service.unread_count(current_user())}


@blp.route("/<int:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
@requires()
def mark_read(notification_id):
    """Mark one of my notifications read."""
    return service.mark_read(current_user(), notification_id)


@blp.route("/read-all", methods=["POST"])
@blp.arguments(ReadAllSchema)
@blp.response(200, ReadAllResultSchema)
@requires()
def mark_all_read(args):
    """Mark my notifications read (up to the newest one I have seen)."""
    return service.mark_all_read(current_user(), args["up_to_id"])


@blp.route("/consents", methods=["GET"])
@blp.response(200, ConsentListSchema)
@requires()
def consents():
    """The subscribe-message templates in use, with how many messages I have allowed."""
    return {"items": service.consents(current_user())}


@blp.route("/consents", methods=["POST"])
@idempotent
@blp.arguments(ConsentReportSchema)
@blp.response(200, ConsentListSchema)
@requires()
def report_consents(args):
    """Report a wx.requestSubscribeMessage result; each accept allows one more message."""
    return {"items": service.record_consents(current_user(), args["results"])}


@blp.route("/preferences", methods=["GET"])
@blp.response(200, PreferenceListSchema)
@requires()
def preferences():
    """The kinds of message that may come as WeChat reminders, with whether I want them to."""
    return {"items": service.preferences(current_user())}


@blp.route("/preferences", methods=["PUT"])
@blp.arguments(PreferenceInSchema)
@blp.response(200, PreferenceListSchema)
@requires()
def set_preference(args):
    """Switch WeChat reminders of one kind on or off for me (they spend my consents)."""
    return {"items": service.set_preference(current_user(), args["kind"], args["wechat"])}


def _household(household_id):
    return get_or_404(Household, household_id, "住户不存在")


@blp.route("/households/<int:household_id>/sms-consent", methods=["GET"])
@blp.response(200, SmsConsentSchema)
@requires()
def sms_consent(household_id):
    """Whether a household receives notices by SMS, and at which number (masked). Its members,
    and staff, grid workers and building heads over it."""
    return sms.consent_of(current_user(), _household(household_id))


@blp.route("/households/<int:household_id>/sms-consent", methods=["PUT"])
@blp.arguments(SmsConsentInSchema)
@blp.response(200, SmsConsentSchema)
@requires()
def set_sms_consent(args, household_id):
    """Record a household's consent to SMS notices (a member's own, or entered on a resident's
    behalf with how they consented)."""
    return sms.set_consent(current_user(), _household(household_id), args["phone"], args["evidence"])


@blp.route("/households/<int:household_id>/sms-consent", methods=["DELETE"])
@blp.response(200, SmsConsentSchema)
@requires()
def remove_sms_consent(household_id):
    """Withdraw a household's consent to SMS notices; the number is deleted."""
    return sms.remove_consent(current_user(), _household(household_id))
