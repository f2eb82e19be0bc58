"""What the desk console reads beyond the phone's API: the staff's people lookup, the grid
workers by name, the meetings of a period, attendance and turnout over time (issue 19)."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from app.auth.models import User
from app.auth.service import find_or_create_user
from app.community import service as community
from app.community.models import Household, Role
from app.extensions import db
from app.meetings.models import Invitation, Meeting
from app.models_base import utcnow
from tests.conftest import login
from tests.factories import pass_deadline, poll_body

API = "/api/v1"
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the settings' TIME_ZONE


@pytest.fixture
def desk(app, places):
    """places, plus a named grid worker of grid 2, a member of h1 who gave a name, a head for h2
    and a building head of community B who lives there."""
    with app.app_context():
        def person(name, shown, role=None, scope=None, home=None, head=False):
            user = find_or_create_user(f"dev-{name}")
            user.name = shown
            if role:
                community.grant_role(None, user, role, scope)
            if home:
                community.add_member(db.session.get(Household, home), user, is_head=head)
            return user.id

        ids = {**places,
               "grid2_worker": person("grid2", "王网格", Role.GRID_WORKER, places["grid2"]),
               "daughter": person("daughter", "张小梅", home=places["h1"]),
               "far": person("far", "李建国", home=places["h2"], head=True),
               "outsider": person("outsider", "张外人", Role.BUILDING_HEAD, places["other_building"],
                                  home=places["other_household"], head=True)}
        db.session.get(User, places["grid_worker"]).name = "赵网格"
        db.session.commit()
        return ids


# ---- the people lookup -----------------------------------------------------------------------------

def people(client, desk, q, name="staff", **params):
    return client.get(f"{API}/communities/{desk['community']}/people", query_string={"q": q, **params},
                      headers=login(client, name))


def test_staff_find_people_by_name_or_address_with_their_roles_and_no_phone(client, desk):
    found = people(client, desk, "张")
    assert found.status_code == 200
    items = found.get_json()["items"]
    # the head who gave no name goes by the roster's; the daughter by her own; the outsider of
    # community B named 张 is not one of ours
    assert [(p["user_id"], p["name"]) for p in items] == [(desk["resident"], "张秀英"), (desk["daughter"], "张小梅")]
    head = items[0]
    assert head == {"user_id": desk["resident"], "name": "张秀英", "household_id": desk["h1"],
                    "address": "海滨新村 1幢 1单元 101", "is_head": True, "roles": []}
    assert "13812345678" not in found.get_data(as_text=True) and "dev-" not in found.get_data(as_text=True)

    by_room = people(client, desk, "1幢 101").get_json()["items"]
    assert [p["user_id"] for p in by_room] == [desk["resident"], desk["daughter"]]
    assert people(client, desk, "渔港小区 201").get_json()["items"][0]["name"] == "李建国"
    # role holders without a home here are found too, with the roles they hold in this community
    worker = people(client, desk, "王网格").get_json()["items"]
    assert worker == [{"user_id": desk["grid2_worker"], "name": "王网格", "household_id": None, "address": None,
                       "is_head": None, "roles": [{"role": "grid_worker", "scope_id": desk["grid2"]}]}]
    # someone signed up with no home and no role here is nobody the desk may look up
    assert people(client, desk, "dev").get_json()["items"] == []
    assert people(client, desk, "%").get_json()["items"] == []  # a wildcard is a character like any other


def test_the_lookup_is_paged_capped_and_for_staff_only(client, desk):
    first = people(client, desk, "张", limit=1).get_json()
    rest = people(client, desk, "张", cursor=first["next_cursor"]).get_json()
    assert [p["user_id"] for p in first["items"] + rest["items"]] == [desk["resident"], desk["daughter"]]
    assert rest["next_cursor"] is None
    assert people(client, desk, "张", limit=51).status_code == 422
    blank = people(client, desk, "  ")
    assert blank.status_code == 422 and "查找内容" in blank.get_json()["error"]["message"]
    assert client.get(f"{API}/communities/{desk['community']}/people", headers=login(client, "staff")).status_code == 422
    for name in ("council", "bhead", "resident", "other-staff"):
        assert people(client, desk, "张", name).status_code == 403, name


# ---- grid workers by name ----------------------------------------------------------------------------

def test_council_and_staff_read_the_grid_workers_by_name_and_grid(client, desk):
    url = f"{API}/communities/{desk['community']}/grid-workers"
    listed = client.get(url, headers=login(client, "council"))
    assert listed.status_code == 200
    assert listed.get_json()["items"] == [
        {"user_id": desk["grid_worker"], "name": "赵网格", "grid_id": desk["grid1"], "grid_name": "第一网格"},
        {"user_id": desk["grid2_worker"], "name": "王网格", "grid_id": desk["grid2"], "grid_name": "第二网格"}]
    assert client.get(url, headers=login(client, "staff")).get_json() == listed.get_json()
    for name in ("bhead", "resident", "other-staff"):
        assert client.get(url, headers=login(client, name)).status_code == 403, name


# ---- meetings of a period, and attendance ------------------------------------------------------------

def meeting(app, client, desk, starts_at, kind="building", publish=True, present=()):
    """A meeting called by staff, published, moved to `starts_at` (a local time), with the
    households `present` signed in."""
    scope = {"scope_kind": "council", "scope_ids": []} if kind == "council" else \
        {"scope_kind": "community", "scope_ids": [desk["community"]]}
    created = client.post(f"{API}/meetings", headers=login(client, "staff"), json={
        "community_id": desk["community"], "kind": kind, "title": f"{kind}会议", "place": "社区活动室",
        "starts_at": (utcnow() + timedelta(days=1)).isoformat(), **scope}).get_json()
    if publish:
        assert client.post(f"{API}/meetings/{created['id']}/publish", headers=login(client, "staff")).status_code == 200
    with app.app_context():
        db.session.execute(update(Meeting).where(Meeting.id == created["id"]).values(
            starts_at=starts_at.replace(tzinfo=SHANGHAI)))
        db.session.execute(update(Invitation).where(Invitation.meeting_id == created["id"],
                                                    Invitation.household_id.in_(present)).values(present=True))
        db.session.commit()
    return created["id"]


def test_staff_list_the_meetings_of_a_period_in_local_days(app, client, desk):
    late = meeting(app, client, desk, datetime(2026, 3, 31, 23, 30))  # 15:30 UTC: still 31 March at the desk
    early = meeting(app, client, desk, datetime(2026, 4, 1, 0, 30))    # 16:30 UTC on 31 March: 1 April here
    meeting(app, client, desk, datetime(2026, 2, 10, 9, 0))
    url = f"{API}/communities/{desk['community']}/meetings"
    staff = login(client, "staff")

    def listed(**period):
        response = client.get(url, query_string=period, headers=staff)
        assert response.status_code == 200, response.get_json()
        return [m["id"] for m in response.get_json()["items"]]

    assert listed(**{"from": "2026-03-01", "to": "2026-03-31"}) == [late]
    assert listed(**{"from": "2026-04-01", "to": "2026-04-01"}) == [early]
    assert listed(**{"from": "2026-03-31", "to": "2026-04-30"}) == [early, late]
    assert len(listed()) == 3
    half = client.get(url, query_string={"from": "2026-03-01"}, headers=staff)
    assert half.status_code == 422 and "to" in half.get_json()["error"]["details"]["fields"]
    backwards = client.get(url, query_string={"from": "2026-03-02", "to": "2026-03-01"}, headers=staff)
    assert backwards.status_code == 422 and "结束日期" in backwards.get_json()["error"]["message"]


def test_attendance_per_month_and_kind_counts_meetings_held(app, client, desk):
    # community meetings invite h1 and h2; the council meeting invites the council member
    meeting(app, client, desk, datetime(2026, 3, 10, 19, 0), present=[desk["h1"]])
    meeting(app, client, desk, datetime(2026, 3, 20, 19, 0), present=[desk["h1"], desk["h2"]])
    meeting(app, client, desk, datetime(2026, 4, 1, 0, 30), present=[desk["h2"]])  # April at the desk
    meeting(app, client, desk, datetime(2026, 3, 12, 9, 0), kind="council")
    meeting(app, client, desk, datetime(2026, 3, 15, 9, 0), publish=False)  # a draft: nobody was invited
    upcoming = meeting(app, client, desk, datetime(2026, 3, 1, 9, 0))
    with app.app_context():  # published, not yet held
        db.session.execute(update(Meeting).where(Meeting.id == upcoming).values(starts_at=utcnow() + timedelta(days=3)))
        db.session.commit()
    url = f"{API}/communities/{desk['community']}/meeting-stats"
    period = {"from": "2026-03-01", "to": "2026-04-30"}
    stats = client.get(url, query_string=period, headers=login(client, "council"))
    assert stats.status_code == 200
    assert stats.get_json()["items"] == [
        {"month": "2026-03", "kind": "building", "kind_label": "楼栋会", "meetings": 2, "invited": 4, "present": 3},
        {"month": "2026-03", "kind": "council", "kind_label": "议事会", "meetings": 1, "invited": 1, "present": 0},
        {"month": "2026-04", "kind": "building", "kind_label": "楼栋会", "meetings": 1, "invited": 2, "present": 1},
    ]
    march = client.get(url, query_string={"from": "2026-03-01", "to": "2026-03-31"}, headers=login(client, "staff"))
    assert [row["month"] for row in march.get_json()["items"]] == ["2026-03", "2026-03"]
    assert client.get(url, query_string=period, headers=login(client, "bhead")).status_code == 403
    assert client.get(url, query_string={"from": "2026-01-01", "to": "2027-06-01"},
                      headers=login(client, "staff")).status_code == 422  # longer than a year


# ---- turnout over time ---------------------------------------------------------------------------------

def closed_poll(app, client, desk, voters=(), **fields):
    poll = client.post(f"{API}/polls", json=poll_body(desk, **fields), headers=login(client, "staff")).get_json()
    poll = client.post(f"{API}/polls/{poll['id']}/publish", headers=login(client, "staff")).get_json()
    for name in voters:
        answers = [{"question_id": poll["questions"][0]["id"], "choices": [0]}]
        assert client.post(f"{API}/polls/{poll['id']}/ballots", json={"answers": answers},
                           headers=login(client, name)).status_code in (200, 201)
    pass_deadline(app, poll)
    assert client.post(f"{API}/polls/{poll['id']}/close", headers=login(client, "staff")).status_code == 200
    return poll["id"]


def test_turnout_of_each_poll_closed_in_the_period(app, client, desk):
    half = closed_poll(app, client, desk, voters=["resident"], title="是否加装小区围墙")
    everyone = closed_poll(app, client, desk, voters=["resident", "far"], title="是否更换路灯")
    council = closed_poll(app, client, desk, title="议事会表决", electorate="council")
    client.post(f"{API}/polls", json=poll_body(desk), headers=login(client, "staff"))  # a draft
    today = datetime.now(SHANGHAI).date()
    url = f"{API}/communities/{desk['community']}/poll-stats"
    period = {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()}
    stats = client.get(url, query_string=period, headers=login(client, "resident"))
    assert stats.status_code == 200
    assert [(p["id"], p["electorate_label"], p["voters"], p["voted"], p["turnout_percent"])
            for p in stats.get_json()["items"]] == [
        (half, "一户一票", 2, 1, 50.0), (everyone, "一户一票", 2, 2, 100.0), (council, "议事会成员", 1, 0, 0.0)]
    before = {"from": (today - timedelta(days=30)).isoformat(), "to": (today - timedelta(days=1)).isoformat()}
    assert client.get(url, query_string=before, headers=login(client, "staff")).get_json()["items"] == []
    assert client.get(url, query_string=period, headers=login(client, "other-staff")).status_code == 403
    assert client.get(url, headers=login(client, "staff")).status_code == 422
