"""Notifications' personal data (the inbox, subscribe-message consents and WeChat preferences: all
go with the account; a household's SMS consent, number included, goes with the resident who gave
it) and housekeeping (the outbox sweep: sends that Redis or a killed worker dropped)."""
from sqlalchemy import delete, select

from app import lifecycle
from app.extensions import db
from app.notifications import sms
from app.notifications.models import Notification, NotificationPreference, SmsConsent, SubscriptionConsent
from app.notifications.tasks import sweep


def export(user):
    return {
        "notifications": lifecycle.rows(select(Notification.id, Notification.kind, Notification.title,
                                               Notification.body, Notification.created_at, Notification.read_at)
                                        .where(Notification.user_id == user.id).order_by(Notification.id)),
        "subscription_consents": lifecycle.rows(select(SubscriptionConsent.template_id, SubscriptionConsent.remaining)
                                                .where(SubscriptionConsent.user_id == user.id)),
        "notification_preferences": lifecycle.rows(select(NotificationPreference.kind, NotificationPreference.wechat)
                                                   .where(NotificationPreference.user_id == user.id)
                                                   .order_by(NotificationPreference.kind)),
        "sms_consents": [{"household_id": consent.household_id, "phone": sms.phone_of(consent),
                          "consented_at": consent.consented_at}
                         for consent in db.session.scalars(select(SmsConsent).where(SmsConsent.resident_id == user.id))],
    }


def erase(user):
    for model in (Notification, SubscriptionConsent, NotificationPreference):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(SmsConsent).where(SmsConsent.resident_id == user.id))


lifecycle.personal_data("notifications", "subscription_consents", "notification_preferences", "sms_consents",
                        export=export, erase=erase)
lifecycle.housekeeping(sweep)
