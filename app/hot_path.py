"""Hot paths: the common case of a write that arrives by the thousand — a ballot when 30,000
households close a vote, a resident's report — in the fewest round trips one durable
transaction allows (README: Architecture, Hot paths; tests/test_round_trips.py).

`@hot_path(attempt, body, answer)` sits between a route and its regular decorators. It reads
the bearer token's claims (the session itself is checked inside the attempt's first statement,
by `auth.service.live_session`), loads the JSON body with the regular path's schema, and calls
`attempt(claims, args, respond, **view_args)`. The attempt builds its answer with
`respond(user_id, view)`, which also gives the idempotency record's INSERT and its parameters
to write with the work (None without an Idempotency-Key), and returns the response — or None
for anything out of its common case. Then what it did is rolled back and the regular path runs
from a fresh transaction, with every check, and says why. So there is one set of rules: the
attempt uses the regular path's constructs and takes only cases where they hold by
construction.
"""
from functools import wraps

from flask import current_app, request
from marshmallow import ValidationError

from app.auth.service import token_claims
from app.errors import ApiError
from app.extensions import db
from app.idempotency import HEADER, answered, well_formed


def _attempt(attempt, body_schema, answer_schema, status, view_args):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    key = request.headers.get(HEADER)
    body = request.get_json(silent=True)
    if scheme.lower() != "bearer" or (key is not None and not well_formed(key)) or not isinstance(body, dict):
        return None
    try:
        claims = token_claims(token.strip())
        args = body_schema.load(body)
    except (ApiError, ValidationError):
        return None

    def respond(user_id, view):
        response = current_app.json.response(answer_schema.dump(view))
        response.status_code = status
        return response, answered(user_id, key, response) if key is not None else None

    return attempt(claims, args, respond, **view_args)


def hot_path(attempt, body_schema, answer_schema, status=201):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            response = _attempt(attempt, body_schema, answer_schema, status, kwargs)
            if response is None:
                db.session.rollback()
                return view(*args, **kwargs)
            return response

        return wrapper

    return decorator
