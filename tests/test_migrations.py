"""Data migrations, run on what an earlier release left in its database (an SQLite file of its
own, whichever database the rest of the suite uses)."""
import hashlib
import json

from flask_migrate import upgrade
from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.idempotency import IdempotencyRecord, Names
from app.polls import secrecy, service
from app.polls.models import Ballot, BoardEntry, Poll
from tests.conftest import login, make_settings

POLL = ("INSERT INTO polls (id, community_id, created_by_id, title, description, electorate, scope_kind, scope_ids, "
        "rule, secret, allow_change, show_tally, opens_at, closes_at, objection_days, status, created_at, version, "
        "key_check) VALUES (:id, 1, 1, '表决', '', 'council', 'community', '[1]', 'majority', 1, 1, :tally, "
        "'2026-11-01 00:00:00', :closes, 7, :status, '2026-11-01 00:00:00', 1, :check)")
NOW = "2026-11-01 00:00:00"


def test_0010_builds_boards_seals_open_secret_ballots_and_renames_idempotency_records(tmp_path):
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'old.db'}", MEDIA_ROOT=str(tmp_path / "media")))
    ballot_body = json.dumps({"answers": [{"question_id": 2, "choices": [1]}]})
    stored_response = json.dumps({"receipt": "OLDRECEIPT", "choices": {"2": [1]}, "via": "phone",
                                  "status": "counted", "changed": False})
    with app.app_context():
        upgrade(revision="0009_matter_page_indexes")
        run = db.session.execute
        for user_id in range(1, 6):
            run(text("INSERT INTO users (id, openid, created_at) VALUES (:id, :openid, :now)"),
                {"id": user_id, "openid": "dev-elder" if user_id == 1 else f"dev-council{user_id}", "now": NOW})
        run(text("INSERT INTO communities (id, name, created_at) VALUES (1, '双龙社区', :now)"), {"now": NOW})
        for poll_id, status, tally in ((1, "closed", 0), (2, "open", 1)):
            run(text(POLL), {"id": poll_id, "status": status, "tally": tally, "check": secrecy.key_check(),
                             "closes": "2026-11-02 00:00:00" if status == "closed" else "2099-01-01 00:00:00"})
            run(text("INSERT INTO poll_questions (id, poll_id, position, text, kind, options, max_choices) "
                     "VALUES (:id, :id, 1, '是否同意', 'yes_no', '[\"赞成\", \"反对\", \"弃权\"]', 1)"), {"id": poll_id})
        legacy = {f"R{n:09d}": {"1": [n % 3]} for n in range(5)}  # the closed poll's ballots, by receipt
        for n, (receipt, choices) in enumerate(legacy.items()):
            run(text("INSERT INTO poll_electors (poll_id, user_id, voter_key, area) VALUES (1, :user, :key, 0)"),
                {"user": n + 1, "key": f"u:{n + 1}"})
            run(text("INSERT INTO poll_ballots (id, poll_id, receipt, choices, via, status) "
                     "VALUES (:id, 1, :receipt, :choices, 'phone', 'counted')"),
                {"id": f"closed{n}", "receipt": receipt, "choices": json.dumps(choices)})
        run(text("INSERT INTO poll_electors (poll_id, user_id, voter_key, area) VALUES (2, 1, 'u:1', 0)"))
        run(text("INSERT INTO poll_ballots (id, poll_id, receipt, choices, via, status) "
                 "VALUES (:id, 2, 'OLDRECEIPT', '{\"2\": [1]}', 'phone', 'counted')"),
            {"id": secrecy.ballot_key(db.session.get(Poll, 2), "u:1")})
        old_hash = hashlib.sha256(f"POST /api/v1/polls/2/ballots\n{ballot_body}".encode()).hexdigest()
        run(text("INSERT INTO idempotency_records (user_id, key, request_hash, status_code, response_body, created_at) "
                 "VALUES (1, 'phone-key-1', :hash, 201, :body, :now)"),
            {"hash": old_hash, "body": stored_response, "now": NOW})
        db.session.commit()

        upgrade()

        closed = db.session.get(Poll, 1)
        board = db.session.scalars(select(BoardEntry).where(BoardEntry.poll_id == 1)).all()
        assert {entry.tracker: entry.choices for entry in board} == legacy  # voters find theirs by receipt
        lines = sorted(f"{receipt}:{json.dumps(choices, sort_keys=True)}" for receipt, choices in legacy.items())
        assert service.compute_result(closed)["ballots_digest"] == hashlib.sha256("\n".join(lines).encode()).hexdigest()
        assert db.session.scalars(select(Ballot.choices).where(Ballot.poll_id == 1)).all() == [None] * 5

        open_poll = db.session.get(Poll, 2)
        ballot = db.session.scalar(select(Ballot).where(Ballot.poll_id == 2))
        assert open_poll.show_tally is False and ballot.choices is None
        assert secrecy.contents(open_poll, ballot).choices == {"2": [1]}

        record = db.session.scalar(select(IdempotencyRecord))
        assert record.key == Names(1, "phone-key-1").lookup and "OLDRECEIPT" not in record.response_body
    client = app.test_client()  # the phone retries the request it sent before the upgrade
    headers = {**login(client, "elder"), "Idempotency-Key": "phone-key-1", "Content-Type": "application/json"}
    replay = client.post("/api/v1/polls/2/ballots", data=ballot_body, headers=headers)
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.get_data(as_text=True) == stored_response
    with app.app_context():
        db.engine.dispose()
