"""Matters: submission, the triage state machine, handling, evaluation, who sees what."""
import hashlib
import io
import time
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.auth.service import find_or_create_user
from app.community import service as community
from app.community.models import Building, Community, Household, Role
from app.errors import ApiError
from app.extensions import db
from app.jobs import queue
from app.matters import access, service
from app.matters.models import TRANSITIONS, Matter, MatterEvent, MatterStatus
from app.matters.service.state import transition
from app.models_base import utcnow
from app.notifications.models import Notification
from tests.conftest import counting_statements, login
from tests.factories import jpeg_with_gps

API = "/api/v1"


@pytest.fixture
def people(app, places):
    """places, plus a neighbour in h2, a department with its liaison, another department's
    liaison, and a volunteer team with its lead."""
    with app.app_context():
        neighbour = find_or_create_user("dev-neighbour")
        community.add_member(db.session.get(Household, places["h2"]), neighbour, is_head=True)
        cg, zj = community.create_department("城管"), community.create_department("住建")
        liaison = find_or_create_user("dev-liaison")
        community.grant_role(None, liaison, Role.DEPARTMENT_LIAISON, cg.id)
        community.grant_role(None, find_or_create_user("dev-other-liaison"), Role.DEPARTMENT_LIAISON, zj.id)
        team = community.create_volunteer_team(db.session.get(Community, places["community"]), "金色港湾义工队")
        community.grant_role(None, find_or_create_user("dev-volunteer"), Role.VOLUNTEER_LEAD, team.id)
        db.session.commit()
        return {**places, "department": cg.id, "other_department": zj.id, "team": team.id,
                "neighbour": neighbour.id, "liaison_user": liaison.id}


def submit(client, name="resident", key=None, **fields):
    body = {"title": "单元门口路灯坏了", "description": "晚上很黑，老人出门不方便", "category": "street_lamp", **fields}
    headers = login(client, name)
    if key:
        headers["Idempotency-Key"] = key
    return client.post(f"{API}/matters", json=body, headers=headers)


def act(client, name, matter_id, action, **body):
    return client.post(f"{API}/matters/{matter_id}/{action}", json=body, headers=login(client, name))


def test_resident_reports_council_sorts_handler_resolves_resident_evaluates(app, client, people):
    first = submit(client, key="submit-1")
    assert first.status_code == 201, first.get_json()
    matter = first.get_json()
    again = submit(client, key="submit-1")  # the phone retried after a lost response
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == matter["id"]
    assert (matter["status"], matter["building_id"], matter["household_id"]) == ("submitted", people["b1"], people["h1"])

    queue = client.get(f"{API}/communities/{people['community']}/triage-queue", headers=login(client, "council"))
    [item] = queue.get_json()["items"]
    assert item["household_flags"]["elderly_alone"] is True and item["suggested_class"] == "minor"

    mid = matter["id"]
    assert act(client, "council", mid, "classify", matter_class="minor", reason="独居老人门口照明，社区统筹").status_code == 200
    assert act(client, "council", mid, "assign", handler_type="committee", note="居委会安排电工").status_code == 200
    assert act(client, "staff", mid, "progress", note="电工明天上午到").get_json()["status"] == "in_progress"
    assert act(client, "staff", mid, "resolve", note="已换新灯").get_json()["status"] == "resolved"
    done = act(client, "resident", mid, "evaluate", satisfaction=5, comment="很快，谢谢")
    assert done.get_json()["status"] == "closed" and done.get_json()["satisfaction"] == 5

    timeline = done.get_json()["timeline"]
    assert [e["action"] for e in timeline] == ["submit", "classify", "assign", "progress", "resolve", "accept"]
    assert timeline[1]["note"] == "独居老人门口照明，社区统筹" and timeline[1]["matter_class"] == "minor"
    assert all(e["created_at"] for e in timeline)
    with app.app_context():
        statuses = [n.payload["status"] for n in db.session.scalars(
            select(Notification).where(Notification.user_id == people["resident"]).order_by(Notification.id))]
    assert statuses == ["已分类", "已交办", "办理中", "已办结", "已评议"]


def test_reclassification_keeps_the_history(client, people):
    mid = submit(client, title="邻居违规搭建围墙", category="neighbour_dispute").get_json()["id"]
    act(client, "council", mid, "classify", matter_class="minor", reason="邻里协商")
    act(client, "council", mid, "assign", handler_type="grid_worker", user_id=people["grid_worker"])
    moved = act(client, "staff", mid, "reclassify", matter_class="major", reason="现场查看属违法建设，移交城管")
    assert moved.status_code == 200
    body = moved.get_json()
    assert (body["status"], body["matter_class"], body["handler"]) == ("triaged", "major", None)
    due = (date.today() + timedelta(days=15)).isoformat()
    assigned = act(client, "staff", mid, "assign", handler_type="department", department_id=people["department"],
                   due_date=due).get_json()
    assert assigned["handler"]["name"] == "城管" and assigned["due_date"] == due
    classes = [(e["action"], e["matter_class"], e["data"].get("from_class")) for e in assigned["timeline"]
               if e["action"] in ("classify", "reclassify")]
    assert classes == [("classify", "minor", None), ("reclassify", "major", "minor")]
    unchanged = act(client, "staff", mid, "reclassify", matter_class="major", reason="再次")
    assert unchanged.status_code == 422
    assert unchanged.get_json()["error"]["details"]["fields"] == {"matter_class": ["新的分类与原分类相同"]}


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
@pytest.mark.parametrize("status", list(MatterStatus))
def test_every_transition_follows_the_table(app, people, action, status):
    allowed, to = TRANSITIONS[action]
    with app.app_context():
        actor = db.session.get(User, people["staff"])
        building = db.session.get(Building, people["b1"])
        matter = Matter(community_id=people["community"], grid_id=building.grid_id, courtyard_id=building.courtyard_id,
                        building_id=building.id, submitter_id=people["resident"], title="t", category="other",
                        status=status)
        db.session.add(matter)
        db.session.flush()
        if status in allowed:
            transition(matter, action, actor, "note")
            assert matter.status == (to or status)
            assert db.session.scalars(select(MatterEvent.action).filter_by(matter_id=matter.id)).all() == [action]
        else:
            with pytest.raises(ApiError) as refused:
                transition(matter, action, actor)
            assert refused.value.status == 409 and matter.status == status
        db.session.rollback()


def test_illegal_transitions_answer_409_and_change_nothing(client, people):
    mid = submit(client).get_json()["id"]
    response = act(client, "staff", mid, "resolve", note="想直接办结")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "invalid_transition"
    act(client, "council", mid, "classify", matter_class="private", reason="自家灯")
    act(client, "council", mid, "assign", handler_type="resident")
    assert act(client, "resident", mid, "withdraw").status_code == 409  # already being handled
    detail = client.get(f"{API}/matters/{mid}", headers=login(client, "resident")).get_json()
    assert detail["status"] == "assigned" and [e["action"] for e in detail["timeline"]][-1] == "assign"


def test_unsatisfied_within_seven_days_reopens_later_it_closes(app, client, people):
    def resolved_matter():
        mid = submit(client).get_json()["id"]
        act(client, "council", mid, "classify", matter_class="minor", reason="公共照明")
        act(client, "council", mid, "assign", handler_type="committee")
        act(client, "staff", mid, "resolve", note="已修")
        return mid

    mid = resolved_matter()
    reopened = act(client, "resident", mid, "evaluate", satisfaction=1, comment="灯还是不亮")
    assert reopened.get_json()["status"] == "in_progress"
    assert act(client, "neighbour", mid, "evaluate", satisfaction=1).status_code == 403

    late = resolved_matter()
    with app.app_context():
        db.session.get(Matter, late).resolved_at = utcnow() - timedelta(days=8)
        db.session.commit()
    closed = act(client, "resident", late, "evaluate", satisfaction=2, comment="太慢")
    assert closed.get_json()["status"] == "closed" and closed.get_json()["satisfaction"] == 2


def test_withdraw_and_merge_duplicates(client, people):
    first = submit(client).get_json()["id"]
    second = submit(client, "neighbour", building_id=people["b1"]).get_json()["id"]
    queue = client.get(f"{API}/communities/{people['community']}/triage-queue", headers=login(client, "staff"))
    similar = {item["id"]: item["similar_ids"] for item in queue.get_json()["items"]}
    assert similar == {first: [second], second: [first]}
    merged = act(client, "council", second, "merge", into_id=first, note="同一盏灯")
    assert merged.get_json()["status"] == "merged" and merged.get_json()["merged_into_id"] == first
    assert act(client, "council", first, "merge", into_id=first).status_code == 422
    assert act(client, "resident", first, "withdraw", note="邻居已修好").get_json()["status"] == "withdrawn"


def test_building_head_records_for_a_household_of_their_building_only(app, client, people):
    recorded = submit(client, "bhead", on_behalf_of_household_id=people["h1"])
    assert recorded.status_code == 201
    body = recorded.get_json()
    assert body["on_behalf"] is True and body["household_id"] == people["h1"]
    assert body["timeline"][0]["note"] == "代为登记（走访）"
    # the household sees it as its own
    assert client.get(f"{API}/matters/mine", headers=login(client, "resident")).get_json()["items"][0]["id"] == body["id"]
    assert submit(client, "bhead", on_behalf_of_household_id=people["h2"]).status_code == 403


def test_my_matters_pages_through_mine_and_my_households_newest_first(client, people):
    """My matters are those I reported and those recorded for my household by someone else;
    paged by cursor, each comes once, newest first, and nobody else's."""
    own, recorded = [], []
    for n in range(4):
        own.append(submit(client, "resident").get_json()["id"])
        recorded.append(submit(client, "bhead", on_behalf_of_household_id=people["h1"]).get_json()["id"])
    submit(client, "neighbour", building_id=people["b1"])  # another household's

    def pages(name):
        ids, cursor, headers = [], None, login(client, name)
        while True:
            page = client.get(f"{API}/matters/mine", query_string={"limit": 3, **({"cursor": cursor} if cursor else {})},
                              headers=headers).get_json()
            ids += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                return ids

    assert pages("resident") == sorted(own + recorded, reverse=True)
    assert pages("bhead") == sorted(recorded, reverse=True)  # recorded by me, for a household not mine


@pytest.mark.parametrize("viewer, private, major", [
    ("resident", "full", "full"),            # the household
    ("neighbour", None, "public"),           # a resident of the community
    ("council", "full", "full"),
    ("staff", "full", "full"),
    ("gridworker", "full", "full"),          # grid 1 is theirs
    ("liaison", None, "full"),               # the department it was referred to
    ("other-liaison", None, None),           # another department
    ("other-staff", None, None),             # another community
    ("nobody", None, None),
])
def test_who_sees_a_private_and_a_major_matter(client, people, viewer, private, major):
    private_id = submit(client).get_json()["id"]
    act(client, "council", private_id, "classify", matter_class="private", reason="自家事")
    major_id = submit(client, title="违建", category="illegal_construction").get_json()["id"]
    act(client, "council", major_id, "classify", matter_class="major", reason="违法建设")
    act(client, "staff", major_id, "assign", handler_type="department", department_id=people["department"],
        due_date=(date.today() + timedelta(days=10)).isoformat())

    for matter_id, expected in ((private_id, private), (major_id, major)):
        response = client.get(f"{API}/matters/{matter_id}", headers=login(client, viewer))
        if expected is None:
            assert response.status_code == 404, (viewer, matter_id)
            continue
        body = response.get_json()
        assert response.status_code == 200
        if expected == "public":
            assert body["submitter_name"].endswith("**") and body["household_id"] is None
            assert body["submitter_phone"] in (None, "138****5678")
        else:
            assert body["household_id"] == people["h1"]


def test_handlers_only_handle_what_is_theirs(client, people):
    mid = submit(client, title="违建", category="illegal_construction").get_json()["id"]
    act(client, "council", mid, "classify", matter_class="major", reason="违法建设")
    act(client, "staff", mid, "assign", handler_type="department", department_id=people["department"],
        due_date=(date.today() + timedelta(days=10)).isoformat())
    assert act(client, "other-liaison", mid, "progress", note="x").status_code == 404
    assert act(client, "council", mid, "progress", note="x").status_code == 403
    assert act(client, "liaison", mid, "progress", note="已立案").get_json()["status"] == "in_progress"
    assert act(client, "resident", mid, "classify", matter_class="minor", reason="我觉得").status_code == 403


# (status, class, handler) of a matter of h1 in building 1: before and after each step
SCENES = [("submitted", None, None), ("triaged", "minor", None), ("assigned", "private", "resident"),
          ("in_progress", "major", "department"), ("resolved", "minor", "committee"), ("closed", "minor", "committee")]
ACTORS = ["resident", "neighbour", "bhead", "council", "staff", "gridworker", "liaison", "admin"]
PATHS = {"class_votes": "class-votes", "comment": "comments", "evaluate_for": "evaluate"}


def test_the_can_flags_are_what_the_actions_then_do(app, client, people):
    """For every actor, status and action, the matter's view shows `can` true exactly when the
    action, sent with good input, then succeeds."""
    headers = {actor: login(client, actor) for actor in ACTORS}
    into = submit(client).get_json()["id"]  # an open matter to merge duplicates into
    due = (date.today() + timedelta(days=10)).isoformat()

    def matter_in(status, matter_class, handler_type):
        with app.app_context():
            building = db.session.get(Building, people["b1"])
            department = handler_type == "department"
            matter = Matter(community_id=people["community"], grid_id=building.grid_id,
                            courtyard_id=building.courtyard_id, building_id=building.id, household_id=people["h1"],
                            submitter_id=people["resident"], title="单元门口路灯坏了", category="street_lamp",
                            status=status, matter_class=matter_class, handler_type=handler_type,
                            handler_department_id=people["department"] if department else None,
                            due_date=date.today() + timedelta(days=10) if department else None,
                            resolved_at=utcnow() if status == "resolved" else None)
            db.session.add(matter)
            db.session.commit()
            return matter.id

    def good_input(action, matter_class):
        other = "minor" if matter_class == "major" else "major"
        handler = {"major": {"handler_type": "department", "department_id": people["department"], "due_date": due},
                   "private": {"handler_type": "resident"}}.get(matter_class, {"handler_type": "committee"})
        return {"classify": {"matter_class": "minor", "reason": "公共照明"},
                "reclassify": {"matter_class": other, "reason": "现场查看后改判"},
                "class_votes": {"reason": "议事会表决", "votes": [{"user_id": people["council"], "matter_class": other}]},
                "assign": handler, "merge": {"into_id": into}, "evaluate": {"satisfaction": 5}, "withdraw": {},
                "evaluate_for": {"satisfaction": 5, "on_behalf_of_household_id": people["h1"]},
                }.get(action, {"note": "已处理"})

    outcomes = set()
    for status, matter_class, handler_type in SCENES:
        for action in access.RULES:
            mid = matter_in(status, matter_class, handler_type)
            for actor in ACTORS:
                url = f"{API}/matters/{mid}"
                seen = client.get(url, headers=headers[actor])
                done = client.post(f"{url}/{PATHS.get(action, action)}", json=good_input(action, matter_class),
                                   headers=headers[actor])
                if seen.status_code == 404:
                    assert done.status_code == 404
                    continue
                can = seen.get_json()["can"]
                assert set(can) == set(access.RULES)
                assert can[action] == (done.status_code == 200), (status, action, actor, done.get_json())
                assert done.status_code in (200, 403, 409)
                outcomes.add((action, can[action]))
                if done.status_code == 200:
                    mid = matter_in(status, matter_class, handler_type)
    assert outcomes == {(action, flag) for action in access.RULES for flag in (True, False)}


@pytest.mark.parametrize("body, field", [
    ({"category": "ufo"}, "category"),
    ({"title": ""}, "title"),
    ({"latitude": 200}, "latitude"),
    ({"building_id": 99999}, "building_id"),
])
def test_submission_refuses_bad_input(client, people, body, field):
    response = submit(client, **body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["details"]["fields"]


def test_assign_checks_the_handler_fits_the_class(client, people):
    mid = submit(client).get_json()["id"]
    assert act(client, "council", mid, "assign", handler_type="committee").status_code == 409  # not classified
    act(client, "council", mid, "classify", matter_class="major", reason="需部门处理")
    unfit = act(client, "council", mid, "assign", handler_type="committee")
    assert unfit.status_code == 422
    assert unfit.get_json()["error"]["message"] == "大事的承办方只能是：职能部门"  # in words, not codes
    assert unfit.get_json()["error"]["details"]["fields"] == {"handler_type": ["大事的承办方只能是：职能部门"]}
    no_date = act(client, "council", mid, "assign", handler_type="department", department_id=people["department"])
    assert no_date.status_code == 422 and "办结期限" in no_date.get_json()["error"]["details"]["fields"]["due_date"][0]


def test_categories_built_in_and_added_by_staff(client, people):
    url = f"{API}/communities/{people['community']}/matter-categories"
    added = client.post(url, json={"code": "parking", "name": "停车", "default_class": "minor"},
                        headers=login(client, "staff"))
    assert added.status_code == 201
    assert client.post(url, json={"code": "parking", "name": "停车"}, headers=login(client, "staff")).status_code == 409
    assert client.post(url, json={"code": "x1", "name": "x"}, headers=login(client, "council")).status_code == 403
    codes = [c["code"] for c in client.get(url, headers=login(client, "resident")).get_json()["items"]]
    assert codes[0] == "street_lamp" and codes[-1] == "parking" and len(codes) == 11
    assert submit(client, category="parking").status_code == 201


def test_concurrent_triage_of_one_matter_is_refused_not_overwritten(app, client, people):
    mid = submit(client).get_json()["id"]
    with app.app_context():
        council = db.session.get(User, people["council"])
        stale = db.session.get(Matter, mid)  # on the council member's screen, before…
        db.session.expunge(stale)
        db.session.rollback()
        with app.app_context():  # …staff classify it first

            staff = db.session.get(User, people["staff"])
            service.classify(staff, db.session.get(Matter, mid), "minor", "先到")
            db.session.commit()
        db.session.add(stale)
        with pytest.raises(StaleDataError):  # the API answers 409 changed_meanwhile (app/errors.py)
            service.classify(council, stale, "major", "后到")
        db.session.rollback()
    detail = client.get(f"{API}/matters/{mid}", headers=login(client, "staff")).get_json()
    assert detail["matter_class"] == "minor" and [e["action"] for e in detail["timeline"]] == ["submit", "classify"]


def test_triage_sheet_and_statistics_for_a_period(app, client, people):
    lamp = submit(client).get_json()["id"]
    act(client, "council", lamp, "classify", matter_class="minor", reason="公共照明")
    act(client, "council", lamp, "assign", handler_type="committee")
    act(client, "staff", lamp, "resolve", note="已修")
    act(client, "resident", lamp, "evaluate", satisfaction=4, comment="满意")
    shed = submit(client, "neighbour", title="楼顶违建", category="illegal_construction").get_json()["id"]
    act(client, "council", shed, "classify", matter_class="major", reason="违法建设")
    act(client, "staff", shed, "assign", handler_type="department", department_id=people["department"],
        due_date=(date.today() + timedelta(days=20)).isoformat())
    submit(client, title="楼道堆物", category="sanitation")
    with app.app_context():  # last year's matter is outside the period
        old = db.session.get(Matter, shed)
        db.session.add(Matter(community_id=old.community_id, grid_id=old.grid_id, courtyard_id=old.courtyard_id,
                              building_id=old.building_id, submitter_id=old.submitter_id, title="去年的",
                              category="other", created_at=utcnow() - timedelta(days=400)))
        db.session.commit()

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the period is in the community's days
    period = f"from={(today - timedelta(days=1)).isoformat()}&to={today.isoformat()}"
    staff = login(client, "staff")
    response = client.get(f"{API}/communities/{people['community']}/triage-sheet?{period}", headers=staff)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("编号", "标题", "类别")
    by_title = {row[1]: row for row in rows[2:]}
    assert set(by_title) == {"单元门口路灯坏了", "楼顶违建", "楼道堆物"}
    assert by_title["单元门口路灯坏了"][6:] == ("小事", "居委会", "已评议", 0, 4, "满意", None)
    assert by_title["楼顶违建"][6:9] == ("大事", "城管", "已交办")
    assert by_title["楼道堆物"][6] == "未分类" and by_title["楼道堆物"][2] == "环境卫生"

    stats = client.get(f"{API}/communities/{people['community']}/matter-stats?{period}", headers=staff).get_json()
    assert stats["total"] == 3
    assert stats["by_class"] == {"major": 1, "minor": 1, "private": 0, "unclassified": 1}
    assert stats["by_status"] == {"closed": 1, "assigned": 1, "submitted": 1}
    assert stats["median_days_to_resolution"] == 0.0
    assert stats["satisfaction"]["average"] == 4 and stats["satisfaction"]["distribution"]["4"] == 1
    assert stats["by_month"] == [{"month": today.strftime("%Y-%m"), "major": 1, "minor": 1, "private": 0,
                                  "unclassified": 1, "resolved": 1}]  # all three were reported just now
    assert [(h["name"], h["count"], h["resolved"], h["median_days_to_resolution"], h["overdue"],
             h["average_satisfaction"]) for h in stats["by_handler"]] == [
        ("居委会", 1, 1, 0.0, 0, 4.0), ("城管", 1, 0, None, 0, None)]
    assert sum(stats["by_grid"].values()) == 3

    assert client.get(f"{API}/communities/{people['community']}/matter-stats?{period}",
                      headers=login(client, "resident")).status_code == 403
    backwards = client.get(f"{API}/communities/{people['community']}/matter-stats?from={today}&to=2020-01-01",
                           headers=staff)
    assert backwards.status_code == 422


def test_council_votes_on_the_class_and_the_record_keeps_every_vote(app, client, people):
    with app.app_context():
        members = [people["council"]]
        for name in ("c2", "c3"):
            user = find_or_create_user(f"dev-{name}")
            user.name = name.upper()
            community.grant_role(None, user, Role.COUNCIL_MEMBER, people["community"])
            members.append(user.id)
        db.session.commit()
    mid = submit(client).get_json()["id"]

    def vote(*classes, voters=members):
        return act(client, "staff", mid, "class-votes", reason="议事会第3次会议表决",
                   votes=[{"user_id": u, "matter_class": c} for u, c in zip(voters, classes)])

    tied = vote("minor", "major")
    assert tied.status_code == 409 and tied.get_json()["error"]["details"]["tally"] == {"minor": 1, "major": 1}
    assert vote("minor", "minor", voters=[members[0], members[0]]).status_code == 422
    assert vote("minor", voters=[people["resident"]]).status_code == 422
    decided = vote("minor", "minor", "major")
    assert decided.status_code == 200
    body = decided.get_json()
    assert (body["status"], body["matter_class"]) == ("triaged", "minor")
    record = body["timeline"][-1]
    assert record["action"] == "classify" and record["data"]["tally"] == {"minor": 2, "major": 1}
    assert [(v["name"], v["matter_class"]) for v in record["data"]["votes"]] == \
        [(None, "minor"), ("C2", "minor"), ("C3", "major")]
    assert act(client, "council", mid, "class-votes", reason="再议",
               votes=[{"user_id": members[1], "matter_class": "minor"}]).status_code == 409  # unchanged

    erased = client.post(f"{API}/me/erase", json={"confirm": "注销账号"}, headers=login(client, "c2"))
    assert erased.status_code == 204
    after = client.get(f"{API}/matters/{mid}", headers=login(client, "staff")).get_json()
    kept = next(line for line in after["timeline"] if line["data"].get("by_vote"))
    assert [(v["name"], v["matter_class"]) for v in kept["data"]["votes"]] == \
        [(None, "minor"), ("已注销用户", "minor"), ("C3", "major")]


def test_overdue_matter_warns_handler_and_staff_and_can_be_escalated(app, client, people):
    mid = submit(client, title="违建", category="illegal_construction").get_json()["id"]
    act(client, "council", mid, "classify", matter_class="major", reason="违法建设")
    act(client, "staff", mid, "assign", handler_type="department", department_id=people["department"],
        due_date=(date.today() + timedelta(days=3)).isoformat())
    with app.app_context():
        assert queue.is_scheduled(f"matter-{mid}-overdue")
        assert service.warn_overdue(mid) is False  # not due yet
        db.session.get(Matter, mid).due_date = date.today() - timedelta(days=2)
        db.session.commit()
        assert service.warn_overdue(mid) is True
        warned = {user_id for user_id, in db.session.execute(
            select(Notification.user_id).where(Notification.kind == "notice"))}
    assert warned == {people["staff"], people["liaison_user"]}
    detail = client.get(f"{API}/matters/{mid}", headers=login(client, "staff")).get_json()
    assert detail["timeline"][-1]["action"] == "overdue"

    assert act(client, "council", mid, "escalate", note="上报街道").status_code == 403
    escalated = act(client, "staff", mid, "escalate", note="逾期未办，上报街道协调")
    assert escalated.get_json()["timeline"][-1]["action"] == "escalate"
    act(client, "liaison", mid, "resolve", note="已拆除")
    with app.app_context():
        assert not queue.is_scheduled(f"matter-{mid}-overdue")
        assert service.warn_overdue(mid) is False


def test_text_goes_through_wechat_content_security(make_app, fake_wechat, places):
    """With WeChat configured, a report's text goes through msgSecCheck v2 once it is saved (here
    inline, right after the commit; through a queue in tests/test_report_check.py): a risky one is
    held back, withdrawn; WeChat down never stops a report (fail open, shown unchecked)."""
    app = make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret",
                   WECHAT_API_BASE=fake_wechat.url, WECHAT_TIMEOUT=1.0)
    client = app.test_client()
    fake_wechat.codes["c"] = {"openid": "dev-resident"}
    token = client.post(f"{API}/auth/login", json={"code": "c"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    fake_wechat.risky_words = {"违禁词"}
    body = {"title": "楼道灯坏了", "description": "含违禁词的描述", "category": "street_lamp"}

    def report(**fields):
        reported = client.post(f"{API}/matters", json={**body, **fields}, headers=headers)
        assert reported.status_code == 201 and reported.get_json()["text_check"] == "checking"
        return client.get(f"{API}/matters/{reported.get_json()['id']}", headers=headers).get_json()

    held = report()
    assert (held["text_check"], held["status"]) == ("risky", "withdrawn")
    checks = [b for _, path, _, b in fake_wechat.requests if path == "/wxa/msg_sec_check"]
    assert checks[0]["version"] == 2 and checks[0]["openid"] == "dev-resident" and "违禁词" in checks[0]["content"]
    assert report(description="晚上很黑")["text_check"] == "passed"
    fake_wechat.delay = 1.5  # slower than the app's timeout
    assert report(description="还是很黑")["text_check"] == "unchecked"
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Matter)) == 3


def upload(client, name, data, key=None):
    headers = login(client, name)
    if key:
        headers["Idempotency-Key"] = key
    return client.post(f"{API}/photos", data={"file": (io.BytesIO(data), "photo.jpg")},
                       content_type="multipart/form-data", headers=headers)


def test_photos_are_cleaned_attached_and_served_only_by_signed_url(app, client, people):
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get_ifd(0x8825)  # the input carries GPS
    first = upload(client, "resident", jpeg_with_gps(), key="p1")
    assert first.status_code == 201, first.get_json()
    photo = first.get_json()
    assert photo["url"].startswith("http://localhost/api/v1/photos/")  # absolute: <image src> needs it
    retried = upload(client, "resident", jpeg_with_gps(), key="p1")  # new multipart boundary, same photo
    assert retried.get_json()["id"] == photo["id"] and retried.headers["Idempotent-Replayed"] == "true"

    stored = client.get(photo["url"])  # no token: the signature is the permission
    assert stored.status_code == 200 and stored.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(stored.data))
    assert image.size == (40, 60) and not image.getexif()  # turned upright, EXIF and GPS gone
    assert client.get(photo["thumbnail_url"]).status_code == 200
    tampered = photo["url"].replace("sig=", "sig=x")
    assert client.get(tampered).status_code == 403
    assert client.get(f"{API}/photos/{photo['id']}").status_code == 422  # no signature at all

    assert submit(client, "neighbour", photo_ids=[photo["id"]]).status_code == 422  # not theirs
    matter = submit(client, photo_ids=[photo["id"]]).get_json()
    assert [p["id"] for p in matter["photos"]] == [photo["id"]]
    assert submit(client, photo_ids=[photo["id"]]).status_code == 422  # already used
    queue = client.get(f"{API}/communities/{people['community']}/triage-queue", headers=login(client, "council"))
    [queued] = [item for item in queue.get_json()["items"] if item["id"] == matter["id"]]
    assert [p["id"] for p in queued["photos"]] == [photo["id"]]  # the sitting sees the photo in the queue
    assert client.get(queued["photos"][0]["thumbnail_url"]).status_code == 200

    act(client, "council", matter["id"], "classify", matter_class="minor", reason="公共照明")
    act(client, "council", matter["id"], "assign", handler_type="committee")
    after = upload(client, "staff", jpeg_with_gps()).get_json()
    done = act(client, "staff", matter["id"], "resolve", note="已换灯", photo_ids=[after["id"]]).get_json()
    assert [p["id"] for p in done["timeline"][-1]["photos"]] == [after["id"]]
    assert client.get(done["timeline"][-1]["photos"][0]["thumbnail_url"]).status_code == 200


def test_uploads_that_are_not_images_are_refused(client, people):
    response = upload(client, "resident", b"GIF89a not really" * 10)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_image"
    assert client.post(f"{API}/photos", data={}, content_type="multipart/form-data",
                       headers=login(client, "resident")).status_code == 422


def test_working_list_names_and_links(app, client, people):
    lamp = submit(client).get_json()
    assert (lamp["category_name"], lamp["class_label"], lamp["mine"]) == ("路灯", None, True)
    act(client, "council", lamp["id"], "classify", matter_class="minor", reason="公共照明")
    submit(client, title="楼道堆物", category="sanitation")
    url = f"{API}/communities/{people['community']}/matters"
    staff = login(client, "staff")
    every = client.get(url, headers=staff).get_json()["items"]
    assert [m["title"] for m in every] == ["楼道堆物", "单元门口路灯坏了"]
    triaged = client.get(f"{url}?status=triaged&matter_class=minor", headers=staff).get_json()["items"]
    assert [(m["id"], m["class_label"]) for m in triaged] == [(lamp["id"], "小事")]
    assert client.get(url, headers=login(client, "resident")).status_code == 403
    assert client.get(f"{url}?status=lost", headers=staff).status_code == 422
    assert client.get(f"{API}/matters/{lamp['id']}", headers=staff).get_json()["mine"] is False
    with app.app_context():
        pages = {n.page for n in db.session.scalars(select(Notification))}
    assert pages == {f"pages/matter/matter?id={lamp['id']}"}


def test_the_desk_table_filters_by_grid_handler_overdue_and_rating(app, client, people):
    """Staff at a desk find the overdue department matters and the unsatisfied ones of a grid."""
    late = submit(client, title="违建", category="illegal_construction").get_json()["id"]
    act(client, "council", late, "classify", matter_class="major", reason="违法建设")
    with app.app_context():
        today = service.local_today()  # the community's day
    act(client, "staff", late, "assign", handler_type="department", department_id=people["department"],
        due_date=today.isoformat())
    rated = submit(client, title="独居老人需要陪护", category="other").get_json()["id"]
    act(client, "council", rated, "classify", matter_class="private", reason="自家事务")
    assert act(client, "staff", rated, "assign", handler_type="volunteer_team", team_id=people["team"]).status_code == 200
    assert act(client, "volunteer", rated, "resolve", note="已修").status_code == 200
    assert act(client, "resident", rated, "evaluate", satisfaction=1, comment="没修好").status_code == 200
    fresh = submit(client, "neighbour", title="楼道堆物", category="sanitation").get_json()["id"]
    with app.app_context():
        db.session.get(Matter, late).due_date = today - timedelta(days=3)
        db.session.commit()
    url, staff = f"{API}/communities/{people['community']}/matters", login(client, "staff")

    def ids(query=""):
        response = client.get(f"{url}?{query}", headers=staff)
        assert response.status_code == 200, response.get_json()
        return [m["id"] for m in response.get_json()["items"]]

    assert ids("overdue=true") == [late] and ids("overdue=false") == [fresh, rated]
    assert ids("handler_type=department") == [late]
    assert ids("unsatisfied=true") == [rated] and ids("unsatisfied=false") == []
    assert ids(f"grid_id={people['grid1']}&unsatisfied=true") == [rated]
    assert ids(f"grid_id={people['grid2']}") == [fresh]
    row = next(m for m in client.get(url, headers=staff).get_json()["items"] if m["id"] == late)
    assert (row["handler_label"], row["handler_name"], row["overdue"]) == ("职能部门", "城管", True)
    team_row = next(m for m in client.get(url, headers=staff).get_json()["items"] if m["id"] == rated)
    assert (team_row["handler_name"], team_row["satisfaction"], team_row["overdue"]) == ("金色港湾义工队", 1, False)
    refused = client.get(f"{url}?handler_type=mayor", headers=staff)
    assert refused.status_code == 422 and "承办方" in refused.get_json()["error"]["message"]
    stats = client.get(f"{API}/communities/{people['community']}/matter-stats?from={today}&to={today}",
                       headers=staff).get_json()
    assert {h["name"]: (h["overdue"], h["average_satisfaction"]) for h in stats["by_handler"]} == {
        "城管": (1, None), "金色港湾义工队": (0, 1.0)}  # overdue by department, rating by team


def push_query(token="push-token", timestamp=None, nonce="n1"):
    timestamp = str(timestamp or int(time.time()))
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    return f"signature={signature}&timestamp={timestamp}&nonce={nonce}"


def test_wechat_image_check_verdict_hides_a_risky_photo(make_app, fake_wechat, places):
    app = make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret", WECHAT_API_BASE=fake_wechat.url,
                   WECHAT_TIMEOUT=1.0, WECHAT_PUSH_TOKEN="push-token")
    client = app.test_client()
    fake_wechat.codes["c"] = {"openid": "dev-resident"}
    headers = {"Authorization": f"Bearer {client.post(f'{API}/auth/login', json={'code': 'c'}).get_json()['token']}"}
    photos = [client.post(f"{API}/photos", data={"file": (io.BytesIO(jpeg_with_gps()), "p.jpg")},
                          content_type="multipart/form-data", headers=headers).get_json() for _ in range(2)]
    # WeChat fetches each photo by a URL of its own (signed when it was sent, maybe a second
    # before the answer's): the same photo, and it opens
    sent = [check["media_url"] for check in fake_wechat.media_checks]
    assert [urlsplit(url).path for url in sent] == [urlsplit(p["url"]).path for p in photos]
    assert all(client.get(url).status_code == 200 for url in sent)
    assert fake_wechat.media_checks[0]["openid"] == "dev-resident" and fake_wechat.media_checks[0]["version"] == 2
    matter = client.post(f"{API}/matters", json={"title": "路灯坏了", "category": "street_lamp",
                                                 "photo_ids": [p["id"] for p in photos]}, headers=headers).get_json()
    assert len(matter["photos"]) == 2

    verdict = {"MsgType": "event", "Event": "wxa_media_check", "trace_id": "trace-1", "version": 2,
               "result": {"suggest": "risky", "label": 20002}}
    assert client.post(f"{API}/wechat/push?{push_query(token='wrong')}", json=verdict).status_code == 403
    stale = push_query(timestamp=1_600_000_000)
    assert client.post(f"{API}/wechat/push?{stale}", json=verdict).status_code == 403
    accepted = client.post(f"{API}/wechat/push?{push_query()}", json=verdict)
    assert accepted.status_code == 200 and accepted.data == b"success"
    after = client.get(f"{API}/matters/{matter['id']}", headers=headers).get_json()
    assert [p["id"] for p in after["photos"]] == [photos[1]["id"]]
    assert client.get(photos[0]["url"]).status_code == 404
    echo = client.get(f"{API}/wechat/push?{push_query()}&echostr=hello")
    assert echo.status_code == 200 and echo.data == b"hello"


def test_lists_cost_the_same_statements_at_any_size(app, client, people):
    """No N+1: my matters, the triage queue and the working list issue as many statements for
    twenty matters as for two."""
    urls = [f"{API}/matters/mine", f"{API}/communities/{people['community']}/triage-queue",
            f"{API}/communities/{people['community']}/matters"]
    headers = login(client, "staff")
    client.post(f"{API}/communities/{people['community']}/matter-categories",
                json={"code": "parking", "name": "停车"}, headers=headers)

    def statements():
        counts = []
        for url in urls:
            with counting_statements(app) as seen:
                assert client.get(url, headers=headers).status_code == 200
            counts.append(len(seen))
        return counts

    for category in ("street_lamp", "parking"):
        submit(client, "staff", category=category, building_id=people["b1"])
    small = statements()
    for n in range(18):
        submit(client, "staff" if n % 2 else "bhead", category=("parking", "dogs")[n % 2],
               building_id=(people["b1"], people["b2"])[n % 2])
    assert statements() == small


# ---- who acts next: handlers are told, and each has a work list -------------------------------

def notices_to(app, user_id):
    with app.app_context():
        return [(n.payload["status"], n.body) for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user_id, Notification.kind == "matter_status")
            .order_by(Notification.id))]


def work(client, name, **args):
    response = client.get(f"{API}/matters/assigned", query_string=args, headers=login(client, name))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_department_is_told_when_a_matter_is_assigned_to_it_and_finds_it_in_its_work_list(app, client, people):
    mid = submit(client, title="违建", category="illegal_construction").get_json()["id"]
    act(client, "council", mid, "classify", matter_class="major", reason="违法建设")
    due = date.today() + timedelta(days=10)
    act(client, "staff", mid, "assign", handler_type="department", department_id=people["department"],
        due_date=due.isoformat(), note="请尽快核查")
    [(status, body)] = notices_to(app, people["liaison_user"])
    assert status == "待办理" and "交由您办理" in body and due.isoformat() in body and "请尽快核查" in body

    [item] = work(client, "liaison")["items"]
    assert (item["id"], item["due_date"], item["overdue"], item["handler_label"]) == (mid, due.isoformat(), False, "职能部门")
    assert item["household_flags"] is None  # a department does not see households' flags
    assert work(client, "other-liaison")["items"] == []  # another department's liaison
    assert work(client, "staff")["items"] == []          # staff's own list: what the committee handles
    assert work(client, "resident")["items"] == []

    act(client, "liaison", mid, "resolve", note="已拆除")
    assert work(client, "liaison")["items"] == []  # done: off the list


def test_each_kind_of_handler_has_its_list_overdue_first_page_by_page(app, client, people):
    def assigned(title, **handler):
        mid = submit(client, title=title, category="street_lamp").get_json()["id"]
        act(client, "council", mid, "classify", matter_class=handler.pop("matter_class", "minor"), reason="分类")
        assert act(client, "staff", mid, "assign", **handler).status_code == 200
        return mid

    later = assigned("路灯一", handler_type="committee")
    late = assigned("路灯二", handler_type="committee")
    soon = assigned("路灯三", handler_type="committee")
    grid = assigned("楼道堆物", handler_type="grid_worker", user_id=people["grid_worker"])
    team = assigned("独居老人换灯泡", handler_type="volunteer_team", team_id=people["team"], matter_class="private")
    with app.app_context():
        db.session.get(Matter, late).due_date = date.today() - timedelta(days=1)
        db.session.get(Matter, soon).due_date = date.today() + timedelta(days=2)
        db.session.commit()

    first = work(client, "staff", limit=2)
    assert [i["id"] for i in first["items"]] == [late, soon] and first["items"][0]["overdue"] is True
    assert first["items"][0]["household_flags"] == {"elderly_alone": True, "disabled": False, "low_income": False}
    rest = work(client, "staff", limit=2, cursor=first["next_cursor"])
    assert [i["id"] for i in rest["items"]] == [later] and rest["next_cursor"] is None
    assert [i["id"] for i in work(client, "gridworker")["items"]] == [grid]
    assert [i["id"] for i in work(client, "volunteer")["items"]] == [team]
    assert notices_to(app, people["grid_worker"])[0][0] == "待办理"

    for cursor in ("2026-13-45_1", "tomorrow", "2026-01-01_x", "2026-01-01_99999999999", "2026-01-01_²"):
        refused = client.get(f"{API}/matters/assigned", query_string={"cursor": cursor}, headers=login(client, "staff"))
        assert refused.status_code == 422 and refused.get_json()["error"]["message"] == "翻页位置：格式不对"


def test_reopening_and_escalating_tell_the_handler_but_not_who_did_it(app, client, people):
    mid = submit(client).get_json()["id"]
    act(client, "council", mid, "classify", matter_class="minor", reason="公共照明")
    act(client, "council", mid, "assign", handler_type="grid_worker", user_id=people["grid_worker"])
    act(client, "gridworker", mid, "resolve", note="已修好")
    act(client, "resident", mid, "evaluate", satisfaction=1, comment="还是不亮")
    assert [status for status, _body in notices_to(app, people["grid_worker"])] == ["待办理", "重新办理"]
    assert "还是不亮" in notices_to(app, people["grid_worker"])[-1][1]
    act(client, "staff", mid, "escalate", note="多次反映，请街道协调")
    assert notices_to(app, people["grid_worker"])[-1][0] == "已上报"
    assert [i["id"] for i in work(client, "gridworker")["items"]] == [mid]

    committee = submit(client, title="车棚漏雨", category="street_lamp").get_json()["id"]
    act(client, "council", committee, "classify", matter_class="minor", reason="公共设施")
    before = len(notices_to(app, people["staff"]))
    act(client, "staff", committee, "assign", handler_type="committee")  # staff handle it: not told of their own act
    assert len(notices_to(app, people["staff"])) == before


def test_who_recorded_a_matter_for_a_household_rates_for_it_but_never_their_own_work(client, people):
    def recorded_by(name, **handler):
        mid = submit(client, name, title="楼道扶手松动", on_behalf_of_household_id=people["h1"]).get_json()["id"]
        act(client, "council", mid, "classify", matter_class="minor", reason="公共设施")
        act(client, "staff", mid, "assign", **handler)
        return mid

    own = recorded_by("gridworker", handler_type="grid_worker", user_id=people["grid_worker"])
    act(client, "gridworker", own, "resolve", note="已紧固")
    detail = client.get(f"{API}/matters/{own}", headers=login(client, "gridworker")).get_json()
    assert detail["can"]["evaluate"] is False
    refused = act(client, "gridworker", own, "evaluate", satisfaction=5)
    assert refused.status_code == 403 and "承办人不能评议自己办理的诉求" in refused.get_json()["error"]["message"]
    lived = act(client, "resident", own, "evaluate", satisfaction=4, comment="修好了")
    assert lived.status_code == 200 and lived.get_json()["timeline"][-1]["data"]["on_behalf"] is False

    other = recorded_by("bhead", handler_type="committee")
    act(client, "staff", other, "resolve", note="已紧固")
    rated = act(client, "bhead", other, "evaluate", satisfaction=5, comment="张婆婆说好了")
    assert rated.status_code == 200
    line = rated.get_json()["timeline"][-1]
    assert line["note"] == "（代为评议）张婆婆说好了" and line["data"]["on_behalf"] is True
    exported = client.get(f"{API}/me/export", headers=login(client, "bhead")).get_json()
    assert "（代为评议）张婆婆说好了" in [entry["note"] for entry in exported["matter_timeline_entries"]]

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    sheet = client.get(f"{API}/communities/{people['community']}/triage-sheet?from={today}&to={today}",
                       headers=login(client, "staff"))
    proxy = {row[0]: row[-1] for row in list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))[2:]}
    assert proxy == {own: "代为登记", other: "代为登记、代为评议"}


def test_a_liaison_sees_its_departments_matters_from_every_community_it_serves(app, client, people):
    with app.app_context():
        community.add_member(db.session.get(Household, people["other_household"]), find_or_create_user("dev-far"),
                             is_head=True)
        db.session.commit()
    ids = []
    for name, assigner in (("resident", "staff"), ("far", "other-staff")):
        mid = submit(client, name, title="违建", category="illegal_construction").get_json()["id"]
        act(client, assigner, mid, "classify", matter_class="major", reason="违法建设")
        assert act(client, assigner, mid, "assign", handler_type="department", department_id=people["department"],
                   due_date=(date.today() + timedelta(days=5)).isoformat()).status_code == 200
        ids.append(mid)
    assert sorted(item["id"] for item in work(client, "liaison")["items"]) == ids
    assert work(client, "other-liaison")["items"] == []
