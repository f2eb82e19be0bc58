"""The world the permission matrix talks about (tests/permission_matrix.py), for the tests that
walk it: an app of its own, the world built through the real services, every actor signed in,
a snapshot to put the tables back from, and a row's request sent as an actor."""
import hashlib
import io
import re
import time
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import redis
from PIL import Image
from sqlalchemy import select

from app import create_app
from app.auth import console_login
from app.auth.service import find_or_create_user
from app.community import helpers
from app.community import service as community
from app.community.models import Role, RoleAssignment
from app.extensions import db
from app.matters import photos, voice
from app.matters import service as matters
from app.matters.models import MatterPhoto
from app.meetings import service as meetings
from app.models_base import utcnow
from app.notifications.models import Notification
from app.polls import service as polls
from tests.conftest import TEST_REDIS_URL, _empty_tables, make_settings
from tests.permission_matrix import SIGNED_IN
from tests.voice_samples import mp3

PUSH_TOKEN = "matrix-push-token"
PLACEHOLDER = re.compile(r"<[^<>]+>")
ROLES = {
    "bhead": (Role.BUILDING_HEAD, "b1"), "bhead2": (Role.BUILDING_HEAD, "b2"), "grid": (Role.GRID_WORKER, "grid1"),
    "council": (Role.COUNCIL_MEMBER, "A"), "committee": (Role.OWNERS_COMMITTEE, "A"),
    "supervisor": (Role.SUPERVISOR, "A"), "staff": (Role.STAFF, "A"), "other_staff": (Role.STAFF, "B"),
    "liaison": (Role.DEPARTMENT_LIAISON, "cg"), "liaison2": (Role.DEPARTMENT_LIAISON, "zj"),
    "volunteer": (Role.VOLUNTEER_LEAD, "team"), "admin": (Role.ADMIN, None),
}
HOMES = {"resident": "h1", "neighbour": "h3", "far": "h2", "outsider": "hB"}  # each the head of the household


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "JPEG")
    return buffer.getvalue()


def push_query(token):
    timestamp, nonce = str(int(time.time())), "matrix"
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    return f"signature={signature}&timestamp={timestamp}&nonce={nonce}"


def build_world(app):
    """The world the matrix describes (see tests/permission_matrix.py), built through the
    services; returns the names the table refers to."""
    world = {}
    with app.test_request_context():  # photo URLs need one
        a = community.create_community("东海社区", "嵊泗县", "菜园镇")
        b = community.create_community("长生桥社区", "南岸区", "长生桥镇")
        grid1, grid2, grid_b = (community.add_grid(a, "第一网格"), community.add_grid(a, "第二网格"),
                                community.add_grid(b, "一网格"))
        cy1, cy2 = community.add_courtyard(grid1, "海滨新村"), community.add_courtyard(grid2, "渔港小区")
        cy_b = community.add_courtyard(grid_b, "院落")
        b1, b2, b_b = (community.add_building(cy1, "1幢"), community.add_building(cy2, "2幢"),
                       community.add_building(cy_b, "9幢"))
        places = {
            "A": a, "B": b, "grid1": grid1, "grid2": grid2, "gridB": grid_b, "cy1": cy1, "cy2": cy2, "cyB": cy_b,
            "b1": b1, "b2": b2, "bB": b_b,
            "h1": community.create_household(b1, unit="1单元", room="101", floor_area=80, head_name="张秀英",
                                             head_phone="13812345678", elderly_alone=True),
            "h3": community.create_household(b1, unit="1单元", room="102", floor_area=70),
            "h2": community.create_household(b2, room="201", floor_area=60),
            "hB": community.create_household(b_b, room="301", floor_area=70),
            "cg": community.create_department("城管"), "zj": community.create_department("住建"),
            "team": community.create_volunteer_team(a, "金色港湾义工队"),
        }
        world.update({name: place.id for name, place in places.items()})
        u = {name: find_or_create_user(f"dev-{name}") for name in SIGNED_IN}
        for name, (role, scope) in ROLES.items():
            community.grant_role(None, u[name], role, places[scope].id if scope else None)
        for name, home in HOMES.items():
            community.add_member(places[home], u[name], is_head=True)
        db.session.commit()
        world.update({f"u:{name}": user.id for name, user in u.items()})
        for name in ("bhead2", "other_staff"):
            world[f"ra_{name}"] = db.session.scalar(select(RoleAssignment.id).filter_by(user_id=u[name].id))
        world["join_code"], join_code = community.issue_join_code(places["h1"], u["staff"])
        world["join_code_id"] = join_code.id
        # a relative (no actor) helps h1 (子女代办); a fresh helper code for h1
        code, _issued = helpers.issue_code(u["resident"], places["h1"], ["receive_notices"])
        world["helper_id"] = helpers.link(find_or_create_user("dev-relative"), code).id
        world["helper_code"], _issued = helpers.issue_code(u["resident"], places["h1"], ["reply_meetings"])
        shown, world["console_key"], _image = console_login.start("", "127.0.0.1")  # on a screen, not scanned
        scanned, _key, _image = console_login.start("", "127.0.0.1")
        console_login.scan(u["staff"], scanned.id)
        world.update(console_login=shown.id, console_scanned=scanned.id)

        # matters
        world["photo"] = photos.upload(u["resident"], jpeg()).id  # attached: no erased account takes it along
        world["voice"] = voice.upload(u["resident"], mp3(2)).id
        m_private = matters.submit(u["resident"], "家里水管漏水", "other", photo_ids=[world["photo"]],
                                   voice_note_id=world["voice"])
        matters.classify(u["staff"], m_private, "private", "自家事务")
        m_new = matters.submit(u["resident"], "单元门口路灯坏了", "street_lamp")
        world["voice_major"] = voice.upload(u["far"], mp3(2)).id
        m_major = matters.submit(u["far"], "小区违章搭建", "illegal_construction", voice_note_id=world["voice_major"])
        matters.classify(u["council"], m_major, "major", "需要职能部门处理")
        matters.assign(u["staff"], m_major, "department", department_id=places["cg"].id,
                       due_date=matters.local_today() + timedelta(days=7))
        m_done = matters.submit(u["resident"], "阳台晾衣架松动", "other")
        matters.classify(u["staff"], m_done, "private", "自家事务")
        matters.assign(u["staff"], m_done, "resident")
        matters.resolve(u["resident"], m_done, "已自行修好")
        m_referred = matters.submit(u["resident"], "独居老人需要陪护", "other")
        matters.classify(u["staff"], m_referred, "private", "自家事务")
        matters.assign(u["staff"], m_referred, "volunteer_team", team_id=places["team"].id)
        m_other = matters.submit(u["outsider"], "路面塌陷", "other")
        matters.classify(u["other_staff"], m_other, "major", "需要职能部门处理")
        world.update(m_private=m_private.id, m_new=m_new.id, m_major=m_major.id, m_done=m_done.id,
                     m_referred=m_referred.id, m_other=m_other.id)

        # meetings
        def meeting(actor, community_id, scope_kind, scope_ids, starts_at=None, publish=True):
            called = meetings.create(u[actor], community_id, "building", "楼栋会", "院坝",
                                     starts_at or utcnow() + timedelta(days=2), scope_kind, scope_ids)
            return meetings.publish(u[actor], called) if publish else called

        meeting_now = meeting("bhead", a.id, "buildings", [b1.id], starts_at=utcnow() + timedelta(minutes=10))
        meeting_now.starts_at = utcnow() - timedelta(minutes=30)  # it has begun
        db.session.commit()
        meetings.record_minutes(u["bhead"], meeting_now, "议定：更换楼道灯")
        meeting_closed = meeting("bhead", a.id, "buildings", [b1.id], starts_at=utcnow() + timedelta(minutes=10))
        meeting_closed.starts_at = utcnow() - timedelta(hours=2)  # it took place; its minutes are posted
        db.session.commit()
        meetings.record_minutes(u["bhead"], meeting_closed, "议定：修好单元门")
        meetings.publish_minutes(u["bhead"], meeting_closed)
        world["meeting_closed"] = meeting_closed.id
        world.update(
            meeting_b1=meeting("bhead", a.id, "buildings", [b1.id]).id,
            meeting_b2=meeting("bhead2", a.id, "buildings", [b2.id]).id,
            meeting_draft=meeting("bhead", a.id, "buildings", [b1.id], publish=False).id,
            meeting_other=meeting("other_staff", b.id, "community", [b.id]).id,
            meeting_now=meeting_now.id, scene=meetings.checkin_scene(meeting_now))

        # polls
        def poll(actor, community_id, publish=True):
            drafted = polls.create(u[actor], community_id, "是否加装围墙", "households", "majority",
                                   [{"text": "是否同意加装围墙", "kind": "yes_no"}], utcnow() + timedelta(days=3))
            return polls.publish(u[actor], drafted) if publish else drafted

        def yes(p):
            return [{"question_id": p.questions[0].id, "choices": [0]}]

        poll_a, poll_b, poll_due, poll_closed = poll("staff", a.id), poll("other_staff", b.id), poll("staff", a.id), \
            poll("staff", a.id)
        world["receipt"] = polls.cast(u["resident"], poll_closed, yes(poll_closed))["receipt"]
        for past in (poll_due, poll_closed):
            past.opens_at, past.closes_at = utcnow() - timedelta(days=1), utcnow() - timedelta(seconds=1)
        db.session.commit()
        polls.close(u["staff"], poll_closed)
        world["objection"] = polls.lodge_objection(u["resident"], poll_closed, "计票有误").id
        paper_photo = photos.upload(u["bhead"], jpeg())
        world["paper"] = polls.enter_paper(u["bhead"], poll_a, places["h3"].id, yes(poll_a), paper_photo.id).id
        world.update(poll_a=poll_a.id, poll_b=poll_b.id, poll_due=poll_due.id, poll_closed=poll_closed.id,
                     poll_draft=poll("committee", a.id, publish=False).id,
                     poll_a_q=poll_a.questions[0].id, poll_b_q=poll_b.questions[0].id)

        # community money: budgets (the names are listed at the budgets' rows of tests/permission_matrix.py)
        from app.budgets import service as budgets
        from app.funds import service as funds

        budget_fund = funds.create_fund(u["staff"], a, "微更新基金")
        funds.record(u["staff"], budget_fund, "grant", 10000000, matters.local_today(), counterparty="街道办")
        budget_fund_b = funds.create_fund(u["other_staff"], b, "微更新基金")
        world["agenda_rule"] = budgets.create_rule(u["staff"], a, "违反法律法规的不议").id

        def budget_round(title, costs, phase):
            """A round of community A with one project per cost (the resident's), taken to `phase`."""
            created = budgets.create(u["staff"], a, title, budget_fund.id, 1000000, "greedy")
            projects = [budgets.propose(u["resident"], created, f"{title}项目{i}") for i in range(len(costs))]
            if phase != "proposing":
                budgets.start_review(u["staff"], created)
                for project, cost in zip(projects, costs):
                    budgets.review(u["council"], created, project, "accept", "可行", cost_fen=cost)
            if phase in ("voting", "closed"):
                budgets.open_voting(u["staff"], created)
            return created, projects

        round_proposing, (project_proposed,) = budget_round("征集中", [None], "proposing")
        round_reviewing, _projects = budget_round("审议中", [300000], "reviewing")
        round_voting, (project_on_ballot, _other) = budget_round("投票中", [300000, 200000], "voting")
        round_closed, (funded, completed, signed_off) = budget_round("已公示", [300000] * 3, "closed")
        budgets.cast(u["resident"], round_closed, [funded.id, completed.id, signed_off.id])
        budgets.close(u["staff"], round_closed)
        for project in (completed, signed_off):
            budgets.post_update(u["committee"], round_closed, project, "已完工", percent=100, completes=True)
        budgets.sign_off(u["supervisor"], round_closed, signed_off, True)
        round_b = budgets.create(u["other_staff"], b, "长生桥微更新", budget_fund_b.id, 100000, "greedy")
        world.update(budget_fund=budget_fund.id, budget_fund_b=budget_fund_b.id, round_proposing=round_proposing.id,
                     project_proposed=project_proposed.id, round_reviewing=round_reviewing.id,
                     round_voting=round_voting.id, project_on_ballot=project_on_ballot.id,
                     round_closed=round_closed.id, project_funded=funded.id, project_completed=completed.id,
                     project_signed_off=signed_off.id, round_b=round_b.id)

        # community money: funds (the names are listed at the funds' rows of tests/permission_matrix.py)
        from datetime import datetime, timezone

        from sqlalchemy import update

        from app.funds import statements as fund_statements
        from app.funds.models import Fund, FundEntry

        fund = funds.create_fund(u["staff"], a, "院坝自筹金", suggested_fen=10000)
        funds.record(u["staff"], fund, "grant", 100000, matters.local_today(), counterparty="街道办")
        contribution = funds.record(u["bhead"], fund, "contribution", 10000, matters.local_today(),
                                    household_id=places["h1"].id, paid_by="cash",
                                    photo_id=photos.upload(u["bhead"], jpeg()).id)
        funds.record(u["committee"], fund, "spending", 30000, matters.local_today(), counterparty="五金店",
                     photo_id=photos.upload(u["committee"], jpeg()).id)
        last_month = matters.local_today().replace(day=1) - timedelta(days=1)
        two_months_ago = last_month.replace(day=1) - timedelta(days=1)
        db.session.execute(update(Fund).where(Fund.id == fund.id).values(created_at=utcnow() - timedelta(days=100)))
        db.session.execute(update(FundEntry.__table__).where(FundEntry.fund_id == fund.id).values(
            recorded_at=datetime(last_month.year, last_month.month, 15, 12, tzinfo=timezone.utc)))
        world.update(fund=fund.id, entry_contribution=contribution.id, fund_month_open=f"{two_months_ago:%Y-%m}",
                     statement=fund_statements.publish(u["staff"], fund, "month", month=f"{last_month:%Y-%m}").id)

        # photos: one unused photo per actor; m_private's is served by its signed URL
        for name, user in u.items():
            world[f"photo:{name}"] = photos.upload(user, jpeg()).id
        url = photos.photo_view(db.session.get(MatterPhoto, world["photo"]))["url"]
        world["sig"] = parse_qs(urlsplit(url).query)["sig"][0]

        world["notification"] = db.session.scalar(select(Notification.id).filter_by(user_id=u["resident"].id)
                                                  .order_by(Notification.id).limit(1))
        world.update(jpeg=jpeg(), mp3=mp3(2), push_query=push_query(PUSH_TOKEN), push_forged=push_query("forged"),
                     in_two_days=(utcnow() + timedelta(days=2)).isoformat(),
                     in_three_days=(utcnow() + timedelta(days=3)).isoformat(),
                     today=matters.local_today().isoformat(),
                     month_ago=(matters.local_today() - timedelta(days=30)).isoformat())
        db.session.commit()  # the services staged it all; the test is the edge that commits
        assert all(value is not None for value in world.values()), world
    return world


class Snapshot:
    """Every table's rows, put back with plain deletes and inserts (SQLite and PostgreSQL alike)."""

    def __init__(self, app):
        self.app = app
        with app.app_context():
            self.rows = {table: [dict(row._mapping) for row in db.session.execute(select(table))]
                         for table in db.metadata.sorted_tables}

    def restore(self):
        with self.app.app_context():
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            for table, rows in self.rows.items():
                if rows:
                    db.session.execute(table.insert(), rows)
            db.session.commit()



@contextmanager
def world_app(database_url, media_root):
    """An app for one test module, its tables empty before and after (the schema is conftest's)."""
    app = create_app(make_settings(database_url, MEDIA_ROOT=str(media_root), WECHAT_PUSH_TOKEN=PUSH_TOKEN))
    with app.app_context():
        _empty_tables()
    yield app
    with app.app_context():
        _empty_tables()
        db.engine.dispose()
    if TEST_REDIS_URL:
        redis.Redis.from_url(TEST_REDIS_URL).flushdb()


def open_world(app):
    """Build the world, sign every actor in, snapshot it (the sessions included): what `send` needs."""
    names = build_world(app)
    client = app.test_client()
    tokens = {}
    for actor in SIGNED_IN:
        response = client.post("/api/v1/auth/login", json={"code": f"dev:{actor}"})
        assert response.status_code == 200, response.get_json()
        tokens[actor] = response.get_json()["token"]
    return {"names": names, "tokens": tokens, "client": client, "snapshot": Snapshot(app), "dirty": False}


def resolve(value, names, actor):
    if isinstance(value, str) and value.startswith("@"):
        return names[f"photo:{actor if actor != 'anon' else 'resident'}"] if value == "@my_photo" else names[value[1:]]
    if isinstance(value, dict):
        return {key: resolve(item, names, actor) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(resolve(item, names, actor) for item in value)
    return value


def send(world, row, actor):
    names = world["names"]
    values = iter(row.on)
    path = PLACEHOLDER.sub(lambda _match: str(names[next(values)]), row.rule)
    query = resolve(row.query, names, actor)
    if query:
        path += "?" + (query if isinstance(query, str) else urlencode(query))
    kwargs = {"headers": {"Authorization": f"Bearer {world['tokens'][actor]}"} if actor != "anon" else {}}
    kwargs["headers"].update(resolve(row.headers or {}, names, actor))
    if row.body is not None:
        kwargs["json"] = resolve(row.body, names, actor)
    if row.files is not None:
        kwargs["data"] = {field: (io.BytesIO(resolve(content, names, actor)), filename)
                          for field, (filename, content) in row.files.items()}
        kwargs["content_type"] = "multipart/form-data"
    return world["client"].open(path, method=row.method, **kwargs)


def matches(expected, status):
    if expected == "ok":
        return 200 <= status < 300
    if expected == "nf":
        return status not in (401, 403) and status < 500
    return status == int(expected)


def api_routes(app):
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/v1/") or rule.rule == "/healthz"
            for method in rule.methods - {"HEAD", "OPTIONS"}}
