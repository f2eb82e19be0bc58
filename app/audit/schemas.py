import marshmallow as ma

from app.models_base import Id
from app.pagination import PageArgsSchema, page_schema


class AuditArgsSchema(PageArgsSchema):
    action = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^[a-z_]+(\.[a-z_]*)?$"), metadata={
        "description": "e.g. household.update; a value ending in a dot, e.g. household., takes every act on households"})
    target_type = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^[a-z_]{1,20}$"))
    target_id = Id(load_default=None)
    actor_id = Id(load_default=None)


class AuditEntrySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    created_at = ma.fields.DateTime(required=True)
    actor_id = ma.fields.Integer(allow_none=True, required=True)
    actor = ma.fields.String(allow_none=True, required=True, metadata={"description": "系统 for scheduled jobs"})
    action = ma.fields.String(required=True, metadata={"description": "e.g. matter.classify, poll.paper_confirmed"})
    target_type = ma.fields.String(required=True)
    target_id = ma.fields.Integer(allow_none=True, required=True)
    household_id = ma.fields.Integer(allow_none=True, required=True, metadata={"description": "the household acted for"})
    details = ma.fields.Dict(required=True)
    prev_hash = ma.fields.String(required=True)
    hash = ma.fields.String(required=True)


AuditPageSchema = page_schema(AuditEntrySchema, "AuditPageSchema")


class ChainCheckSchema(ma.Schema):
    ok = ma.fields.Boolean(required=True)
    entries = ma.fields.Integer(required=True, metadata={"description": "entries verified before any break"})
    first_bad_id = ma.fields.Integer(allow_none=True, required=True)
    last_hash = ma.fields.String(required=True, metadata={"description": "compare with a copy kept elsewhere"})
