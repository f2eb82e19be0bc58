import marshmallow as ma
from marshmallow import validate

from app.privacy.service import ERASE_CONFIRMATION


class NoticeSectionSchema(ma.Schema):
    heading = ma.fields.String(required=True)
    text = ma.fields.String(required=True)


class NoticeSchema(ma.Schema):
    version = ma.fields.String(required=True, metadata={"description": "ask for consent again when it changes"})
    title = ma.fields.String(required=True)
    sections = ma.fields.List(ma.fields.Nested(NoticeSectionSchema), required=True)


class ExportSchema(ma.Schema):
    exported_at = ma.fields.DateTime(required=True)
    profile = ma.fields.Dict(required=True)
    household = ma.fields.Dict(allow_none=True, required=True)
    helping = ma.fields.List(ma.fields.Dict(), required=True, metadata={"description": "households one helps (子女代办)"})
    sessions = ma.fields.List(ma.fields.Dict(), required=True)
    console_logins = ma.fields.List(ma.fields.Dict(), required=True, metadata={
        "description": "desk sign-ins confirmed from this phone (扫码登录工作台)"})
    matters = ma.fields.List(ma.fields.Dict(), required=True)
    matter_timeline_entries = ma.fields.List(ma.fields.Dict(), required=True)
    photos = ma.fields.List(ma.fields.Dict(), required=True)
    voice_notes = ma.fields.List(ma.fields.Dict(), required=True)
    meeting_replies = ma.fields.List(ma.fields.Dict(), required=True)
    poll_participation = ma.fields.List(ma.fields.Dict(), required=True)
    objections = ma.fields.List(ma.fields.Dict(), required=True)
    notifications = ma.fields.List(ma.fields.Dict(), required=True)
    subscription_consents = ma.fields.List(ma.fields.Dict(), required=True)
    notification_preferences = ma.fields.List(ma.fields.Dict(), required=True)
    sms_consents = ma.fields.List(ma.fields.Dict(), required=True, metadata={
        "description": "短信通知 consents the user gave for their household (phone in full: it is their own)"})
    fund_contributions = ma.fields.List(ma.fields.Dict(), required=True, metadata={
        "description": "contributions the person recorded for their own household (自筹)"})
    fund_statement_confirmations = ma.fields.List(ma.fields.Dict(), required=True, metadata={
        "description": "statements the person confirmed or queried as a supervisor (监委会核实)"})
    budget_proposals = ma.fields.List(ma.fields.Dict(), required=True)
    budget_ballots = ma.fields.List(ma.fields.Dict(), required=True, metadata={
        "description": "participatory-budget ballots the person cast for their own household"})
    budget_evaluations = ma.fields.List(ma.fields.Dict(), required=True, metadata={"description": "群众评议"})


class EraseSchema(ma.Schema):
    confirm = ma.fields.String(required=True, validate=validate.Equal(ERASE_CONFIRMATION, error="请输入“注销账号”确认"),
                               metadata={"description": f"exactly “{ERASE_CONFIRMATION}”"})
