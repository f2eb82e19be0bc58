"""Column helpers shared by every domain's models, and the bounds on ids, days and times that
their schemas read."""
import functools
from datetime import date, datetime, timezone

import marshmallow as ma
from sqlalchemy import DateTime, bindparam, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.types import TypeDecorator

# Phone numbers as stored: mobile (13812345678), landline (023-62881234), or +86…; at most
# 20 characters, what the columns hold.
PHONE_PATTERN = r"^\+?[0-9][0-9-]{4,18}$"

# Days and times a request names lie in the service's era: far outside it, a day's bounds in a
# time zone, a due date's next day or a reminder's delay leave what a datetime (or a timer)
# holds — 0001-01-01 00:00 in Shanghai is before year 1 in UTC.
DAYS = ma.validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 31))
TIMES = ma.validate.Range(min=datetime(2000, 1, 1, tzinfo=timezone.utc),
                          max=datetime(2100, 1, 1, tzinfo=timezone.utc))

# Ids are INTEGER columns, four bytes on PostgreSQL. A request naming a larger one is refused
# before the database sees it (which would fail on it): 422 from `Id`, 404 from `<int:…>`.
MAX_ID = 2**31 - 1


class Id(ma.fields.Integer):
    """The id of a row, as a request names it: 1 … MAX_ID."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.insert(0, ma.validate.Range(min=1, max=MAX_ID))


def sql_values(enum):
    """An enum's values (or some of them) as an SQL list, for CHECK constraints: 'a', 'b', 'c'."""
    return ", ".join(f"'{member.value}'" for member in enum)


def one_of(enum):
    """A schema validator accepting exactly an enum's values (what the CHECK constraint holds)."""
    return ma.validate.OneOf([member.value for member in enum])


def upsert(model, bind):
    """An INSERT into `model` that may say ON CONFLICT (PostgreSQL and SQLite share it)."""
    return (postgresql if bind.dialect.name == "postgresql" else sqlite).insert(model)


@functools.cache
def insert_once(model, dialect, prefix, columns):
    """INSERT … ON CONFLICT DO NOTHING RETURNING the primary key, into `model`'s `columns`, each
    from the bound parameter `<prefix><column>` (`prefixed`): built once per dialect, for a hot
    path, where building a statement costs more CPU than PostgreSQL spends running it."""
    table = model.__table__
    return ((postgresql if dialect == "postgresql" else sqlite).insert(model)
            .values({name: bindparam(prefix + name, type_=table.c[name].type) for name in columns})
            .on_conflict_do_nothing().returning(*table.primary_key.columns))


def prefixed(prefix, values):
    """The parameters of an `insert_once` statement."""
    return {prefix + name: value for name, value in values.items()}


def inserted(session, model, **values):
    """The ORM object of a row this transaction has just written through Core, with every column
    as written (`values`; any other column NULL), put in `session` as loaded: reading it, or a
    many-to-one relationship whose object the session holds, costs no SELECT, and it is not
    written again. For a hot path's INSERT, where the ORM's flush costs more CPU than the row."""
    instance = model(**{**dict.fromkeys(_column_keys(model)), **values})
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


@functools.cache
def _column_keys(model):
    return tuple(attribute.key for attribute in inspect(model).column_attrs)


def utcnow():
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stored in UTC; always handed back timezone-aware (SQLite forgets the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime: pass an aware one (UTC)")
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def render_item(type_, obj, autogen_context):
    """Alembic: write UTCDateTime into migrations as the plain type it stores."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
