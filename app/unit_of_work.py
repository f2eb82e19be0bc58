"""The request, the job or the command owns the transaction; services stage changes and never
commit (README: Architecture).

`wrap_views(app)` makes every view one unit of work: a response under 400 commits what the
services staged — with the idempotency record, the audit entries and the outbox rows they
wrote — and anything else, an exception included, rolls it all back. Jobs handed over "after
commit" (app/jobs.py) leave only when that commit succeeds. `@task` (app/jobs.py) and the CLI
commands do the same for a job and a command.

A service that must make something durable on its own — a claim before calling WeChat — says
so where it commits, as the edge does here; tests/test_architecture.py lists those places. A
service never rolls back either: that would discard its caller's work too. It raises (the edge
rolls back), or isolates an expected conflict in a savepoint.
"""
import functools

from flask import current_app

from app.extensions import db


def run(fn, *args, **kwargs):
    """fn(*args, **kwargs) as one unit of work: committed if it returns, rolled back if it raises."""
    try:
        result = fn(*args, **kwargs)
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()  # deliberate: the edge of a job or command
    return result


def _view(fn):
    @functools.wraps(fn)
    def unit(*args, **kwargs):
        try:
            response = current_app.make_response(fn(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            raise
        if response.status_code < 400:
            db.session.commit()  # deliberate: the edge of a request
        else:
            db.session.rollback()
        return response

    return unit


def wrap_views(app):
    """Every view registered so far becomes one unit of work."""
    for endpoint, view in app.view_functions.items():
        app.view_functions[endpoint] = _view(view)
