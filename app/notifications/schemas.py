import marshmallow as ma
from marshmallow import validate

from app.models_base import Id
from app.notifications.service import CONSENT_RESULTS, REMINDERS, wechat_label
from app.notifications.sms import EVIDENCE
from app.pagination import PageArgsSchema, page_schema


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    body = ma.fields.String(required=True)
    page = ma.fields.String(allow_none=True, required=True,
                            metadata={"description": "mini-program page the notification opens"})
    payload = ma.fields.Dict(required=True)
    created_at = ma.fields.DateTime(required=True)
    read_at = ma.fields.DateTime(allow_none=True, required=True)
    wechat_label = ma.fields.Function(
        lambda notification: wechat_label(notification.wechat_status, notification.wechat_note), required=True,
        metadata={"type": "string", "description": "whether a WeChat reminder was sent, in Chinese (已发送微信提醒, "
                                                   "未发送微信提醒：未订阅 …)"})


NotificationPageSchema = page_schema(NotificationSchema, "NotificationPage")


class InboxArgsSchema(PageArgsSchema):
    unread = ma.fields.Boolean(load_default=False, metadata={"description": "only unread ones"})


class UnreadCountSchema(ma.Schema):
    unread = ma.fields.Integer(required=True)


class ReadAllSchema(ma.Schema):
    up_to_id = Id(load_default=None, allow_none=True,
                  metadata={"description": "mark only those with id ≤ this (seen)"})


class ReadAllResultSchema(ma.Schema):
    marked = ma.fields.Integer(required=True)
    unread = ma.fields.Integer(required=True)


class ConsentSchema(ma.Schema):
    kind = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    template_id = ma.fields.String(required=True)
    remaining = ma.fields.Integer(required=True, metadata={"description": "messages still allowed"})


class ConsentListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ConsentSchema), required=True)


class ConsentReportSchema(ma.Schema):
    results = ma.fields.Dict(
        keys=ma.fields.String(validate=validate.Length(min=1, max=64)),
        values=ma.fields.String(validate=validate.OneOf(CONSENT_RESULTS)),
        required=True, validate=validate.Length(min=1, max=20),
        metadata={"description": "wx.requestSubscribeMessage's result: template id → accept, "
                                 "reject, ban or filter (its errMsg left out)"},
    )


class PreferenceSchema(ma.Schema):
    kind = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    wechat = ma.fields.Boolean(required=True, metadata={"description": "whether it may come as a WeChat message"})
    hint = ma.fields.String(required=True, metadata={"description": "a limit the resident should know, in Chinese; "
                                                                    "often empty"})


class PreferenceListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PreferenceSchema), required=True)


class PreferenceInSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=validate.OneOf([kind.value for kind in REMINDERS]),
                            metadata={"description": "a kind that may come by WeChat"})
    wechat = ma.fields.Boolean(required=True, metadata={"description": "send me WeChat reminders for it"})


class SmsConsentSchema(ma.Schema):
    household_id = ma.fields.Integer(required=True)
    consented = ma.fields.Boolean(required=True, metadata={"description": "whether notices may come by SMS"})
    phone = ma.fields.String(allow_none=True, required=True, metadata={"description": "masked: 138****1234"})
    evidence = ma.fields.String(allow_none=True, required=True,
                                metadata={"description": "self, written, in_person or phone_call"})
    evidence_label = ma.fields.String(allow_none=True, required=True,
                                      metadata={"description": "how the consent was given, in Chinese"})
    consented_at = ma.fields.DateTime(allow_none=True, required=True)


class SmsConsentInSchema(ma.Schema):
    phone = ma.fields.String(required=True, validate=validate.Length(min=11, max=20),
                             metadata={"description": "a mainland mobile number (11 digits, +86 allowed)"})
    evidence = ma.fields.String(load_default=None, allow_none=True, validate=validate.OneOf(EVIDENCE),
                                metadata={"description": "required when entered for a household one does not "
                                                         "live in: written, in_person or phone_call"})
