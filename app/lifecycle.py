"""What each domain contributes to the app as a whole, registered by the domain itself:

- the personal data it holds, which a person may download and erase (PIPL; app/privacy);
- the housekeeping it needs: sweeps and catch-ups that every worker enqueues about once a
  minute (app/jobs.py), e.g. polls whose scheduled opening was lost with Redis's data.

Each domain registers in its own `app/<domain>/lifecycle.py`; `load()` imports all of them, so
no list kept elsewhere can forget one. The privacy module and the app factory read this
registry and reach into no domain's tables or tasks. tests/test_privacy.py checks that every
table with a column naming a user is claimed by exactly one domain.
"""
import importlib
import importlib.util
import pkgutil
from dataclasses import dataclass
from typing import Callable

import app as package
from app.extensions import db


@dataclass(frozen=True)
class PersonalData:
    """The tables a domain answers for: `export(user)` gives their sections of the download;
    `erase(user)` removes what identifies the person and leaves the community's record."""

    tables: tuple
    export: Callable | None
    erase: Callable | None


_personal = []
_housekeeping = []


def personal_data(*tables, export=None, erase=None):
    _personal.append(PersonalData(tables, export, erase))


def housekeeping(task):
    """`task` (an @task without arguments) runs on every worker about once a minute; workers
    may run it at the same time, so it must be safe to."""
    _housekeeping.append(task)


def load():
    """Import every domain's lifecycle module (once per process: registering is an import's effect)."""
    for module in pkgutil.iter_modules(package.__path__):
        name = f"{package.__name__}.{module.name}.lifecycle"
        if module.ispkg and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def rows(query):
    """A query's rows as plain dicts: what an export section holds."""
    return [dict(row._mapping) for row in db.session.execute(query)]


def claimed_tables():
    return [table for entry in _personal for table in entry.tables]


def export(user):
    """Every domain's sections of the person's download, as one dict."""
    return {section: rows for entry in _personal if entry.export for section, rows in entry.export(user).items()}


def erase(user):
    for entry in _personal:
        if entry.erase:
            entry.erase(user)


def housekeeping_tasks():
    return tuple(_housekeeping)
