"""The benchmark's data, written straight into PostgreSQL in bulk (the services would take
minutes for 15,000 households and 200,000 matters; the requests under test still go through
them). Places and the polls go through the services, so they are what the app itself makes.

    community A (bench-a): 100 buildings, 5,000 households, each head signed in (a token
        each); staff and a council member; the vote-storm poll, and one like it in which
        bench/run.py counts a ballot's round trips; a closed poll for the results
    community F (bench-f): 200 buildings, 10,000 households, each head consenting to the
        meeting-invitation message; staff who call the fan-out meeting
"""
import secrets
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import func, insert, select, text

from app.auth.models import AuthSession, User
from app.auth.service import issue_token
from app.community import service as community
from app.community.models import Household, HouseholdMember, Role, RoleAssignment
from app.extensions import db
from app.matters.models import Matter
from app.models_base import utcnow
from app.notifications.models import SubscriptionConsent
from app.polls import service as polls
from app.polls.models import Electorate, QuestionKind, ScopeKind
from app.polls.rules import Rule

BATCH = 5000
INVITATION_TEMPLATE = "tpl-bench-invitation"


def _users(prefix, count):
    """`count` users `prefix-1` … in one statement per batch; their ids in order."""
    now = utcnow()
    ids = []
    for start in range(0, count, BATCH):
        rows = [{"openid": f"{prefix}-{n}", "name": f"住户{n}", "created_at": now}
                for n in range(start + 1, min(count, start + BATCH) + 1)]
        ids += db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), rows).all()
    return ids


def _tokens(user_ids):
    """A signed-in session for each user; their bearer tokens in order."""
    now, tokens, rows = utcnow(), [], []
    for user_id in user_ids:
        session = SimpleNamespace(id=secrets.token_hex(16), generation=1, user_id=user_id)
        rows.append({"id": session.id, "user_id": user_id, "generation": 1, "created_at": now,
                     "expires_at": now + timedelta(days=7)})
        tokens.append(issue_token(session))
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(AuthSession), rows[start:start + BATCH])
    return tokens


def _community(name, buildings, per_building):
    """A community of `buildings` × `per_building` households, each with a head user."""
    place = community.create_community(name, "基准区", "基准街道")
    grid = community.add_grid(place, "一网格")
    blocks = []
    for n in range(buildings):
        if n % 10 == 0:
            courtyard = community.add_courtyard(grid, f"院落{n // 10 + 1}")
        blocks.append(community.add_building(courtyard, f"{n + 1}幢"))
    now = utcnow()
    rows = [{"community_id": place.id, "grid_id": b.grid_id, "courtyard_id": b.courtyard_id, "building_id": b.id,
             "unit": "", "room": str(101 + n), "floor_area": 80, "created_at": now, "updated_at": now}
            for b in blocks for n in range(per_building)]
    households = []
    for start in range(0, len(rows), BATCH):
        households += db.session.scalars(
            insert(Household).returning(Household.id, sort_by_parameter_order=True), rows[start:start + BATCH]).all()
    heads = _users(name, len(households))
    members = [{"household_id": h, "user_id": u, "is_head": True, "is_voter": False, "joined_at": now}
               for h, u in zip(households, heads)]
    for start in range(0, len(members), BATCH):
        db.session.execute(insert(HouseholdMember), members[start:start + BATCH])
    return place, blocks, heads


def _official(place, role, name):
    user_id = _users(f"{place.name}-{name}", 1)[0]
    db.session.execute(insert(RoleAssignment), [{"user_id": user_id, "role": role, "scope_id": place.id,
                                                 "granted_at": utcnow()}])
    return user_id


def world(app):
    """Everything but the matters; returns what the scenarios need (ids and tokens)."""
    with app.test_request_context():
        a, a_buildings, a_heads = _community("bench-a", 100, 50)
        f, _, f_heads = _community("bench-f", 200, 50)
        staff_a, council_a = _official(a, Role.STAFF, "staff"), _official(a, Role.COUNCIL_MEMBER, "council")
        committee_a, staff_f = _official(a, Role.OWNERS_COMMITTEE, "committee"), _official(f, Role.STAFF, "staff")
        now = utcnow()
        consents = [{"user_id": u, "template_id": INVITATION_TEMPLATE, "remaining": 1, "updated_at": now}
                    for u in f_heads]
        for start in range(0, len(consents), BATCH):
            db.session.execute(insert(SubscriptionConsent), consents[start:start + BATCH])
        db.session.commit()
        committee = db.session.get(User, committee_a)
        storm = polls.create(
            committee, a.id, "小区大门改造方案", Electorate.HOUSEHOLDS, Rule.MAJORITY,
            [{"text": "是否同意改造大门", "kind": QuestionKind.YES_NO}],
            closes_at=now + timedelta(days=7), scope_kind=ScopeKind.COMMUNITY, secret=True)
        polls.publish(committee, storm)
        probe = polls.create(
            committee, a.id, "小区绿化调整方案", Electorate.HOUSEHOLDS, Rule.MAJORITY,
            [{"text": "是否同意调整绿化", "kind": QuestionKind.YES_NO}],
            closes_at=now + timedelta(days=7), scope_kind=ScopeKind.COMMUNITY, secret=True)
        polls.publish(committee, probe)
        results = _closed_poll(committee, a_buildings[1], a_heads[50:100])
        tokens = _tokens(a_heads + [staff_a, council_a, staff_f])
        db.session.commit()
        storm_question, probe_question = storm.questions[0].id, probe.questions[0].id
    return {
        "community_a": a.id, "community_f": f.id, "storm_poll": storm.id, "storm_question": storm_question,
        "probe_poll": probe.id, "probe_question": probe_question,
        "results_poll": results, "voter_tokens": tokens[:len(a_heads)], "resident_user": a_heads[0],
        "community_f_households": len(f_heads),
        "staff_a_token": tokens[-3], "council_token": tokens[-2], "staff_f_token": tokens[-1],
    }


def _closed_poll(committee, building, heads):
    """A closed poll of one building (50 households), every one of them voted."""
    poll = polls.create(committee, building.community_id, "2幢电梯加装", Electorate.HOUSEHOLDS, Rule.MAJORITY,
                        [{"text": "是否同意加装电梯", "kind": QuestionKind.YES_NO}],
                        closes_at=utcnow() + timedelta(days=1), scope_kind=ScopeKind.BUILDINGS,
                        scope_ids=[building.id])
    polls.publish(committee, poll)
    question = poll.questions[0].id
    for n, head in enumerate(heads):
        polls.cast(db.session.get(User, head), poll, [{"question_id": question, "choices": [n % 3]}])
    poll.closes_at = poll.opens_at + timedelta(milliseconds=1)
    db.session.commit()
    polls.close_due(poll.id)
    return poll.id


def add_matters(community_id, count, submitted_every=50, household_id=None):
    """`count` matters over the community's households (or one household), oldest first; one in
    `submitted_every` awaits triage, the rest are closed. Each has its submission on the timeline."""
    if count <= 0:
        return
    first_new = db.session.scalar(select(func.coalesce(func.max(Matter.id), 0))) + 1
    db.session.execute(text("""
        WITH homes AS (
            SELECT h.id, h.community_id, h.grid_id, h.courtyard_id, h.building_id, m.user_id,
                   row_number() OVER (ORDER BY h.id) - 1 AS n
            FROM households h JOIN household_members m ON m.household_id = h.id AND m.is_head
            WHERE h.community_id = :community AND (CAST(:household AS integer) IS NULL OR h.id = :household)),
        size AS (SELECT count(*) AS total FROM homes)
        INSERT INTO matters (community_id, grid_id, courtyard_id, building_id, household_id, submitter_id,
                             title, description, category, place_text, status, matter_class, handler_type,
                             created_at, updated_at, resolved_at, closed_at, version)
        SELECT homes.community_id, homes.grid_id, homes.courtyard_id, homes.building_id, homes.id, homes.user_id,
               '路灯不亮' || g, '晚上楼道口一片漆黑，老人出门不便', 'street_lamp', '',
               CASE WHEN g % :every = 0 THEN 'submitted' ELSE 'closed' END,
               CASE WHEN g % :every = 0 THEN NULL ELSE 'minor' END,
               CASE WHEN g % :every = 0 THEN NULL ELSE 'committee' END,
               now() - make_interval(mins => :count - g), now() - make_interval(mins => :count - g),
               CASE WHEN g % :every = 0 THEN NULL ELSE now() END,
               CASE WHEN g % :every = 0 THEN NULL ELSE now() END, 1
        FROM generate_series(1, :count) AS g CROSS JOIN size JOIN homes ON homes.n = g % size.total
        ORDER BY g"""), {"community": community_id, "household": household_id, "count": count,
                         "every": submitted_every})
    db.session.execute(text("""
        INSERT INTO matter_events (matter_id, action, actor_id, status_to, note, data, created_at)
        SELECT id, 'submit', submitter_id, 'submitted', '', '{}'::json, created_at FROM matters WHERE id >= :first
        UNION ALL
        SELECT id, 'classify', submitter_id, 'triaged', '小事', '{}'::json, created_at FROM matters
        WHERE id >= :first AND status = 'closed'
        UNION ALL
        SELECT id, 'accept', submitter_id, 'closed', '', '{}'::json, created_at FROM matters
        WHERE id >= :first AND status = 'closed'"""), {"first": first_new})
    db.session.commit()


def matter_count():
    return db.session.scalar(select(func.count()).select_from(Matter))
