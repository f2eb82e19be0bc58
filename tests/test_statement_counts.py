"""Every endpoint issues a bounded number of SQL statements, whatever the amount of data (issue 8).

Method: the permission matrix's world (tests/matrix_world.py) is built twice over: once with a
few more of everything its endpoints read (SIZES["small"]: 3), once with more than a page of
everything (SIZES["big"]: 55) — households and members, matters with long timelines and photos,
meetings with invitations, polls with electors, ballots, paper ballots and objections,
notifications, audit entries, roles, places, communities, departments, teams, categories —
spread over distinct people, buildings and courtyards so that a lazy load per item shows. In
each, every row of tests/permission_matrix.py is sent, counting the statements the request sends
(`before_cursor_execute` on the engine, only while the request runs): a read as every actor the
matrix expects a 2xx from (what a view loads depends on who looks), a write as one of them
(PREFERRED), the tables put back after it. Every request must cost in the big world exactly what
it cost in the small one: a query per item (N+1), even within one page, fails. The one
deliberate exception is spelled out in `allowance`.
"""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from app.audit import service as audit
from app.audit.models import AuditEntry
from app.auth.models import User
from app.community.models import (Building, Community, Courtyard, Department, Grid, Household, HouseholdMember, Role,
                                  RoleAssignment, VolunteerTeam)
from app.extensions import db
from app.matters.models import Matter, MatterCategory, MatterEvent, MatterPhoto, VoiceNote
from app.meetings.models import AgendaItem, Decision, Invitation, Meeting
from app.models_base import utcnow
from app.notifications.models import Notification
from app.polls import secrecy
from app.polls.models import (YES_NO_OPTIONS, Ballot, BoardEntry, Objection, PaperBallot, Poll, PollElector,
                              PollQuestion)
from app.polls.service import voting
from tests.conftest import counting_statements
from tests.matrix_world import Snapshot, api_routes, open_world, send, world_app
from tests.permission_matrix import ACTORS, MATRIX, SIGNED_IN

# (n, audit entries) added to the matrix's world: a few of everything; more than a page of
# everything (pages hold 20, or 50 for electors, named ballots and my meetings), and an audit log
# longer than the chain check's batch.
SIZES = {"small": (3, 3), "big": (55, audit.VERIFY_BATCH + 100)}
# A write is sent as the first of these the matrix lets act: the world grows most around the
# resident's household, and supervisors see the most of a poll.
PREFERRED = ("resident", "supervisor", "staff", "bhead", "admin")


def actors_for(row):
    ok = [actor for actor in ACTORS if row.expected[actor] == "ok"]
    if row.method == "GET":
        return ok
    return sorted(ok, key=lambda actor: PREFERRED.index(actor) if actor in PREFERRED else len(PREFERRED))[:1]


def measure(app, world):
    """{(row label, actor): (status, statements)} for every row and its actors."""
    counts = {}
    for row in MATRIX:
        for actor in actors_for(row):
            voting._questions.clear()  # each vote is the first its process takes: it reads the questions
            with counting_statements(app) as statements:
                response = send(world, row, actor)
            if row.method != "GET":
                world["snapshot"].restore()
            counts[(row.label, actor)] = (response.status_code, len(statements))
    return counts


def verify_batches(app):
    """How many statements GET /audit/verify spends reading the chain (one per VERIFY_BATCH)."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEntry)) // audit.VERIFY_BATCH + 1


# ---- growing the world -------------------------------------------------------------------------------

def _bulk(model, rows):
    """Insert `rows` in one statement; their ids, in order."""
    return list(db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))


def _photos(uploader_id, count, **fields):
    return _bulk(MatterPhoto, [{"uploader_id": uploader_id, "key": f"photos/grown/{uploader_id}-{n}.jpg",
                                "thumbnail_key": f"photos/grown/{uploader_id}-{n}-thumb.jpg",
                                "content_type": "image/jpeg", "width": 40, "height": 30, "size": 1000,
                                "sha256": "0" * 64, **fields} for n in range(count)])


def _voice_notes(uploader_id, matter_ids):
    return _bulk(VoiceNote, [{"uploader_id": uploader_id, "matter_id": matter_id, "content_type": "audio/mpeg",
                              "key": f"voice/grown/{uploader_id}-{n}.mp3", "duration_ms": 2000, "size": 1000,
                              "sha256": "0" * 64} for n, matter_id in enumerate(matter_ids)])


def grow(app, names, n, audit_entries):
    """Add to the matrix's world `n` of everything its endpoints list, and `audit_entries` entries."""
    u = {actor: names[f"u:{actor}"] for actor in SIGNED_IN}
    a, b1 = names["A"], names["b1"]
    now = utcnow()
    with app.app_context():
        people = _bulk(User, [{"openid": f"dev-crowd-{i}", "name": f"邻居{i}", "phone": f"1390000{i:04d}"}
                              for i in range(3 * n)])
        heads, council, members = people[:n], people[n:2 * n], people[2 * n:2 * n + min(n, 10)]

        # places: new grids, each with a courtyard of buildings; communities, departments, teams
        communities = _bulk(Community, [{"name": f"新社区{i}"} for i in range(n)])
        grids = _bulk(Grid, [{"community_id": a, "name": f"新网格{i}"} for i in range(min(n, 6))])
        courtyards = _bulk(Courtyard, [{"community_id": a, "grid_id": grid, "name": "新院落"} for grid in grids])
        buildings = _bulk(Building, [{"community_id": a, "grid_id": grids[i % len(grids)],
                                      "courtyard_id": courtyards[i % len(grids)], "name": f"{i}幢"} for i in range(n)])
        departments = _bulk(Department, [{"name": f"新部门{i}"} for i in range(n)])
        teams = _bulk(VolunteerTeam, [{"community_id": a, "name": f"新义工队{i}"} for i in range(n)])
        _bulk(MatterCategory, [{"community_id": a, "code": f"custom_{i}", "name": f"自定义{i}"} for i in range(n)])

        # households in building 1, each with its head; members of the resident's household
        building1 = db.session.get(Building, b1)
        households = _bulk(Household, [{"community_id": a, "grid_id": building1.grid_id,
                                        "courtyard_id": building1.courtyard_id, "building_id": b1, "unit": "2单元",
                                        "room": str(100 + i), "floor_area": 50 + i, "head_name": f"户主{i}",
                                        "head_phone": f"1380000{i:04d}"} for i in range(n)])
        _bulk(HouseholdMember, [{"household_id": h, "user_id": user, "is_head": True}
                                for h, user in zip(households, heads)]
              + [{"household_id": names["h1"], "user_id": user, "is_head": False} for user in members])

        # roles: more of the kinds the actors hold; council members and supervisors in community A
        def roles(user, role, scopes):
            return [{"user_id": user, "role": role, "scope_id": scope} for scope in scopes]

        _bulk(RoleAssignment, roles(u["bhead"], Role.BUILDING_HEAD, buildings)
              + roles(u["grid"], Role.GRID_WORKER, grids) + roles(u["staff"], Role.STAFF, communities)
              + roles(u["liaison"], Role.DEPARTMENT_LIAISON, departments)
              + roles(u["volunteer"], Role.VOLUNTEER_LEAD, teams)
              + [{"user_id": user, "role": Role.COUNCIL_MEMBER, "scope_id": a} for user in council]
              + [{"user_id": user, "role": Role.SUPERVISOR, "scope_id": a} for user in council[:5]])

        # matters: the resident's household's and the new households', in many buildings and categories
        def matter(i, household, submitter, status="submitted", matter_class=None):
            building = db.session.get(Building, buildings[i])
            return {"community_id": a, "grid_id": building.grid_id, "courtyard_id": building.courtyard_id,
                    "building_id": building.id, "household_id": household, "submitter_id": submitter,
                    "title": f"诉求{i}", "category": f"custom_{i}" if i % 2 else "street_lamp",
                    "status": status, "matter_class": matter_class}

        # … and matters assigned to each kind of handler among the actors, for their work lists
        handlers = ({"handler_type": "department", "handler_department_id": departments},
                    {"handler_type": "volunteer_team", "handler_team_id": teams},
                    {"handler_type": "committee"}, {"handler_type": "grid_worker", "handler_user_id": u["grid"]})

        def assigned(i, household, submitter, handler):
            return {**matter(i, household, submitter, "assigned", "minor"), "due_date": (now + timedelta(days=i)).date(),
                    **{key: value[i] if isinstance(value, list) else value for key, value in handler.items()}}

        grown = _bulk(Matter, [matter(i, names["h1"], u["resident"]) for i in range(n)]
                      + [matter(i, h, user, "triaged", "major") for i, (h, user) in enumerate(zip(households, heads))]
                      + [assigned(i, h, user, handler) for handler in handlers
                         for i, (h, user) in enumerate(zip(households, heads))])
        _bulk(MatterEvent, [{"matter_id": m, "action": "submit", "actor_id": u["resident"], "status_to": "submitted"}
                            for m in grown])
        # timelines, each line by someone else, with photos on lines and on the matter (at most
        # 40 a matter, as uploads allow)
        for name in ("m_private", "m_new", "m_major", "m_done", "m_referred", "m_other"):
            events = _bulk(MatterEvent, [{"matter_id": names[name], "action": "comment", "actor_id": user,
                                          "note": "我也遇到了"} for user in heads])
            uploader = db.session.scalar(select(Matter.submitter_id).where(Matter.id == names[name]))
            for event in events[:20]:
                _photos(uploader, 1, matter_id=names[name], event_id=event)
            _photos(uploader, min(n, 10), matter_id=names[name])
        _photos(u["resident"], n)  # unused uploads, which erasing the account removes
        _voice_notes(u["resident"], grown[:n] + [None] * n)  # with reports in the triage queue; unused ones

        # meetings the resident's household is invited to; building 1's meetings invite the new households
        meetings = _bulk(Meeting, [{"community_id": a, "organizer_id": u["bhead"], "kind": "building",
                                    "stage": "opinion", "title": f"楼栋会{i}", "place": "院坝",
                                    "starts_at": now + timedelta(days=3, hours=i), "scope_kind": "buildings",
                                    "scope_ids": [b1], "status": "published"} for i in range(n)])
        _bulk(AgendaItem, [{"meeting_id": m, "position": p, "text": "议程", "matter_ids": [grown[p]], "poll_ids": []}
                           for m in meetings for p in (1, 2)])
        _bulk(Decision, [{"meeting_id": m, "text": "议定", "matter_id": grown[0], "matter_action": {}} for m in meetings])
        replies = ("attend", "maybe", "decline", None)
        _bulk(Invitation, [{"meeting_id": m, "household_id": h, "reply": "attend", "people": 1}
                           for m in meetings for h in (names["h1"], names["h3"])]
              + [{"meeting_id": names[m], "household_id": h, "reply": replies[i % 4], "people": i % 3,
                  "present": m == "meeting_now" and i % 2 == 0} for m in ("meeting_b1", "meeting_now")
                 for i, h in enumerate(households)])

        # polls: the new households vote in poll_a (paper ballots waiting), poll_due and poll_closed
        # (named ballots, its board, objections); open polls with a running tally that h1, h2 and h3 vote in
        poll_a, poll_closed = db.session.get(Poll, names["poll_a"]), db.session.get(Poll, names["poll_closed"])
        _bulk(PollElector, [{"poll_id": names[p], "household_id": h, "voter_key": f"h:{h}", "area": Decimal(50)}
                            for p in ("poll_a", "poll_due", "poll_closed") for h in households])
        _bulk(PaperBallot, [{"poll_id": poll_a.id, "household_id": h, "via": "paper", "photo_id": photo,
                             "entered_by_id": u["bhead"], "status": "pending"}
                            for h, photo in zip(households, _photos(u["bhead"], n))])

        def ballot(poll, h, i, status="counted", via="phone"):
            return {"id": secrecy.ballot_key(poll, f"h:{h}"), "poll_id": poll.id, "receipt": f"GROWN{i:05d}",
                    "choices": {str(poll.questions[0].id): [i % 3]}, "via": via, "status": status,
                    "voter_key": f"h:{h}"}

        tallied = _bulk(Poll, [{"community_id": a, "created_by_id": u["staff"], "title": f"表决{i}",
                                "electorate": "households", "scope_kind": "community", "scope_ids": [a],
                                "rule": "majority", "show_tally": True, "opens_at": now - timedelta(days=1),
                                "closes_at": now + timedelta(days=3), "status": "open", "opened_at": now,
                                "key_check": poll_a.key_check, "matter_id": names["m_major"]} for i in range(n)])
        _bulk(PollQuestion, [{"poll_id": p, "position": 1, "text": "是否同意", "kind": "yes_no",
                              "options": YES_NO_OPTIONS} for p in tallied])
        _bulk(PollElector, [{"poll_id": p, "household_id": names[h], "voter_key": f"h:{names[h]}", "area": Decimal(60)}
                            for p in tallied for h in ("h1", "h2", "h3")])
        db.session.execute(insert(Ballot), [ballot(poll_a, h, i, "pending", "paper") for i, h in enumerate(households)]
                           + [ballot(poll_closed, h, i) for i, h in enumerate(households)]
                           + [ballot(db.session.get(Poll, p), names["h2"], i) for i, p in enumerate(tallied)])
        db.session.execute(insert(BoardEntry), [{"poll_id": poll_closed.id, "tracker": f"GROWN{i:05d}", "people": 1,
                                                 "area": Decimal(50), "choices": {str(poll_closed.questions[0].id): [i % 3]}}
                                                for i in range(n)])
        _bulk(Objection, [{"poll_id": poll_closed.id, "user_id": user, "household_id": h, "text": "计票有误"}
                          for h, user in zip(households, heads)])

        _bulk(Notification, [{"user_id": u["resident"], "kind": "notice", "title": f"通知{i}", "body": "", "payload": {}}
                             for i in range(n)])
        # the audit log, by many people: poll_a's trail and community A's
        actors = db.session.scalars(select(User).where(User.id.in_(heads))).all()
        for i in range(audit_entries):
            audit.record(actors[i % n], "poll.paper_entered", "poll", poll_a.id, community_id=a,
                         household_id=households[i % n])
        db.session.commit()


# ---- the tests -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def counts(database_url, _schema, tmp_path_factory):
    """Statement counts of every row and actor in the small world and in the big one."""
    with world_app(database_url, tmp_path_factory.mktemp("counts-media")) as app:
        world = open_world(app)
        matrix_world = world["snapshot"]
        measured = {}
        for size, (n, audit_entries) in SIZES.items():
            matrix_world.restore()
            grow(app, world["names"], n, audit_entries)
            world["snapshot"] = Snapshot(app)
            measured[size] = measure(app, world), verify_batches(app)
        (small, small_batches), (big, big_batches) = measured["small"], measured["big"]
        yield {"small": small, "big": big, "verify_batches": big_batches - small_batches, "routes": api_routes(app)}


def allowance(counts, row):
    """How many more statements the big world may cost. GET /audit/verify checks the whole chain
    by design, reading it VERIFY_BATCH entries per statement: one more per extra batch, no more."""
    return counts["verify_batches"] if (row.method, row.rule) == ("GET", "/api/v1/audit/verify") else 0


def test_every_route_is_measured(counts):
    measured = {(row.method, row.rule) for row in MATRIX for actor in actors_for(row)
                if 200 <= counts["small"][(row.label, actor)][0] < 300}
    assert sorted(counts["routes"] - measured) == [], "routes without a 2xx request to count"


def test_statement_counts_do_not_grow_with_the_data(counts):
    assert counts["verify_batches"] > 0, "the big audit log should span more VERIFY_BATCHes than the small one"
    offenders = []
    for row in MATRIX:
        for actor in actors_for(row):
            (status, small), (big_status, big) = counts["small"][(row.label, actor)], counts["big"][(row.label, actor)]
            if not (200 <= status < 300 and 200 <= big_status < 300):
                offenders.append(f"{row.label} as {actor}: status {status} small, {big_status} big (expected 2xx)")
            elif big != small + allowance(counts, row):
                offenders.append(f"{row.label} as {actor}: {small} statements small, {big} big")
    assert not offenders, "statement counts that depend on the data:\n  " + "\n  ".join(offenders)
