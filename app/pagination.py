"""Keyset pagination: `?cursor=&limit=` → `{"items": [...], "next_cursor": ...}`.

The cursor is the last id seen; pages never use OFFSET, so page 500 costs what page 1 does.
"""
import marshmallow as ma

from app.models_base import MAX_ID

MAX_LIMIT = 100


class PageArgsSchema(ma.Schema):
    cursor = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=0, max=MAX_ID))
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=MAX_LIMIT))


def page_schema(item_schema, name):
    """An OpenAPI-named page schema for `item_schema`."""
    return type(name, (ma.Schema,), {
        "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
        "next_cursor": ma.fields.Integer(allow_none=True, required=True),
    })


def paginate(session, query, id_column, page_args):
    """Rows of `query` in ascending `id_column` order after the cursor, one page."""
    limit = page_args["limit"]
    if page_args.get("cursor") is not None:
        query = query.where(id_column > page_args["cursor"])
    rows = list(session.scalars(query.order_by(id_column).limit(limit + 1)))
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return {"items": rows[:limit], "next_cursor": next_cursor}
