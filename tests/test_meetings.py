"""Meetings: scope rules, invitations through the outbox, reminders, replies, sign-in, minutes."""
import base64
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth.service import find_or_create_user
from app.errors import ApiError
from app.community import service as community
from app.community.models import Household
from app.extensions import db
from app.jobs import queue
from app.meetings import service
from app.meetings.models import Invitation, Meeting
from app.models_base import utcnow
from app.notifications.models import Notification
from config import ConfigError
from tests.conftest import counting_statements, login

API = "/api/v1"


@pytest.fixture
def neighbours(app, places):
    """places, plus a second household in building 1 with a member, and one in building 2."""
    with app.app_context():
        b1 = db.session.get(community.Building, places["b1"])
        h3 = community.create_household(b1, unit="1单元", room="102", floor_area=70)
        next_door = find_or_create_user("dev-next-door")
        community.add_member(h3, next_door, is_head=True)
        community.add_member(db.session.get(Household, places["h2"]), find_or_create_user("dev-far"), is_head=True)
        db.session.commit()
        return {**places, "h3": h3.id, "next_door": next_door.id}


def meeting_body(people, **fields):
    return {"community_id": people["community"], "kind": "building", "stage": "opinion", "title": "1幢楼道改造意见会",
            "place": "1幢楼下院坝", "starts_at": (utcnow() + timedelta(days=2)).isoformat(),
            "scope_kind": "buildings", "scope_ids": [people["b1"]],
            "agenda": [{"text": "楼道灯和扶手", "matter_ids": []}], **fields}


def create(client, people, name="bhead", **fields):
    return client.post(f"{API}/meetings", json=meeting_body(people, **fields), headers=login(client, name))


def act(client, name, meeting_id, action, body=None):
    return client.post(f"{API}/meetings/{meeting_id}/{action}", json=body or {}, headers=login(client, name))


def started(app, meeting_id, hours=1):
    """Move the meeting's start `hours` into the past."""
    with app.app_context():
        db.session.get(Meeting, meeting_id).starts_at = utcnow() - timedelta(hours=hours)
        db.session.commit()


def test_building_heads_call_meetings_for_their_buildings_only(client, neighbours):
    assert create(client, neighbours).status_code == 201
    other = create(client, neighbours, scope_ids=[neighbours["b2"]])
    assert other.status_code == 403
    assert create(client, neighbours, scope_kind="courtyard", scope_ids=[1]).status_code == 403
    assert create(client, neighbours, scope_kind="council", scope_ids=[]).status_code == 403
    assert create(client, neighbours, "staff", scope_kind="community", scope_ids=[neighbours["community"]]).status_code == 201
    assert create(client, neighbours, "other-staff").status_code == 403
    assert create(client, neighbours, "resident").status_code == 403
    past = create(client, neighbours, starts_at=(utcnow() - timedelta(hours=1)).isoformat())
    assert past.status_code == 422 and "starts_at" in past.get_json()["error"]["details"]["fields"]


def test_publishing_invites_the_households_in_scope_through_the_outbox(app, client, neighbours):
    meeting = create(client, neighbours).get_json()
    published = act(client, "bhead", meeting["id"], "publish")
    assert published.status_code == 200 and published.get_json()["invited"] == 2  # h1 and h3, not h2
    with app.app_context():
        told = {user_id for user_id, in db.session.execute(
            select(Notification.user_id).where(Notification.kind == "meeting_invitation"))}
        assert told == {neighbours["resident"], neighbours["next_door"]}
        assert queue.is_scheduled(f"meeting-{meeting['id']}-reminder-24h")
        assert queue.is_scheduled(f"meeting-{meeting['id']}-reminder-1h")
    assert act(client, "bhead", meeting["id"], "publish").status_code == 409  # not twice
    mine = client.get(f"{API}/meetings/mine", headers=login(client, "resident")).get_json()["items"]
    assert [m["id"] for m in mine] == [meeting["id"]]
    assert client.get(f"{API}/meetings/{meeting['id']}", headers=login(client, "far")).status_code == 200  # same community
    assert client.get(f"{API}/meetings/{meeting['id']}", headers=login(client, "other-staff")).status_code == 404


def test_reschedule_moves_reminders_and_cancel_removes_them(app, client, neighbours):
    meeting = create(client, neighbours).get_json()
    act(client, "bhead", meeting["id"], "publish")
    soon = (utcnow() + timedelta(hours=3)).isoformat()
    moved = act(client, "bhead", meeting["id"], "reschedule", {"starts_at": soon, "place": "社区活动室"})
    assert moved.status_code == 200 and moved.get_json()["place"] == "社区活动室"
    with app.app_context():
        assert not queue.is_scheduled(f"meeting-{meeting['id']}-reminder-24h")  # already past
        assert queue.is_scheduled(f"meeting-{meeting['id']}-reminder-1h")
        assert service.remind(meeting["id"], "1h") == 2
    assert act(client, "bhead", meeting["id"], "cancel", {"reason": "下雨改期"}).get_json()["status"] == "cancelled"
    with app.app_context():
        assert not queue.is_scheduled(f"meeting-{meeting['id']}-reminder-1h")
        assert service.remind(meeting["id"], "1h") == 0
        titles = [n.title for n in db.session.scalars(select(Notification).where(
            Notification.user_id == neighbours["resident"]).order_by(Notification.id))]
    assert titles == ["1幢楼道改造意见会", "时间地点变更：1幢楼道改造意见会", "1幢楼道改造意见会",
                      "会议取消：1幢楼道改造意见会"]


def test_replies_change_until_the_start_and_respect_capacity(app, client, neighbours):
    meeting = create(client, neighbours, capacity=3).get_json()
    mid = meeting["id"]
    act(client, "bhead", mid, "publish")
    assert act(client, "resident", mid, "reply", {"reply": "attend", "people": 2}).get_json()["my_reply"] == "attend"
    full = act(client, "next-door", mid, "reply", {"reply": "attend", "people": 2})
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "meeting_full"
    changed = act(client, "resident", mid, "reply", {"reply": "decline"}).get_json()
    assert (changed["my_reply"], changed["my_people"]) == ("decline", 0)
    assert act(client, "next-door", mid, "reply", {"reply": "attend", "people": 2}).status_code == 200
    assert act(client, "far", mid, "reply", {"reply": "attend"}).status_code == 404  # not invited
    counts = client.get(f"{API}/meetings/{mid}/replies", headers=login(client, "bhead")).get_json()
    assert (counts["attend"], counts["decline"], counts["unanswered"], counts["people_attending"]) == (1, 1, 0, 2)
    assert client.get(f"{API}/meetings/{mid}/replies", headers=login(client, "resident")).status_code == 403
    started(app, mid)
    assert act(client, "resident", mid, "reply", {"reply": "attend"}).status_code == 409


def test_resend_reaches_only_those_who_have_not_answered(app, client, neighbours):
    mid = create(client, neighbours).get_json()["id"]
    act(client, "bhead", mid, "publish")
    act(client, "resident", mid, "reply", {"reply": "attend"})
    assert act(client, "bhead", mid, "resend").get_json() == {"notified": 1}


def test_organiser_sees_whether_each_unanswered_household_got_the_invitation_on_wechat(app, client, neighbours):
    with app.app_context():
        b1 = db.session.get(community.Building, neighbours["b1"])
        nobody_home, moved_in_late = (community.create_household(b1, unit="2单元", room=room, floor_area=60).id
                                      for room in ("301", "302"))
        db.session.commit()
    mid = create(client, neighbours).get_json()["id"]
    other = create(client, neighbours, title="另一个会").get_json()["id"]
    for meeting_id in (mid, other):
        act(client, "bhead", meeting_id, "publish")
    act(client, "bhead", mid, "resend")
    with app.app_context():
        community.add_member(db.session.get(Household, moved_in_late), find_or_create_user("dev-late"), is_head=True)

        def invitations_to(user, meeting_id):
            return db.session.scalars(select(Notification).where(
                Notification.user_id == user, Notification.page == f"pages/meeting/meeting?id={meeting_id}")
                .order_by(Notification.id)).all()

        invitations_to(neighbours["resident"], mid)[0].wechat_status = "sent"
        refused, resent = invitations_to(neighbours["next_door"], mid)
        refused.wechat_status, refused.wechat_note = "rejected", "43101 user refused"
        resent.wechat_status, resent.wechat_note = "pending", None
        invitations_to(neighbours["next_door"], other)[0].wechat_status = "sent"  # another meeting's
        db.session.commit()

    replies = client.get(f"{API}/meetings/{mid}/replies", headers=login(client, "bhead")).get_json()
    labels = {h["household_id"]: h["wechat_label"] for h in replies["unanswered_households"]}
    assert labels == {neighbours["h1"]: "已发送微信提醒", neighbours["h3"]: "微信提醒发送中",
                      nobody_home: "这户还没有人加入，收不到消息", moved_in_late: "没有收到这条消息"}


def test_check_in_by_rotating_code_and_by_hand(app, client, neighbours):
    mid = create(client, neighbours, starts_at=(utcnow() + timedelta(minutes=30)).isoformat()).get_json()["id"]
    act(client, "bhead", mid, "publish")
    code = client.get(f"{API}/meetings/{mid}/checkin-code", headers=login(client, "bhead")).get_json()
    assert len(code["scene"]) <= 32 and code["image_png_base64"] is None  # no WeChat in development
    assert client.get(f"{API}/meetings/{mid}/checkin-code", headers=login(client, "resident")).status_code == 403

    signed = client.post(f"{API}/meetings/checkins", json={"scene": code["scene"]}, headers=login(client, "resident"))
    assert signed.status_code == 200 and signed.get_json()["present"] is True
    again = client.post(f"{API}/meetings/checkins", json={"scene": code["scene"]}, headers=login(client, "resident"))
    assert again.status_code == 200 and again.get_json()["attended"] == 1  # replay changes nothing

    with app.app_context():
        meeting = db.session.get(Meeting, mid)
        yesterday = service.checkin_scene(meeting, now=utcnow() - timedelta(minutes=30))
    stale = client.post(f"{API}/meetings/checkins", json={"scene": yesterday}, headers=login(client, "next-door"))
    assert stale.status_code == 410
    forged = code["scene"][:-1] + ("0" if code["scene"][-1] != "0" else "1")
    assert client.post(f"{API}/meetings/checkins", json={"scene": forged},
                       headers=login(client, "next-door")).status_code == 422

    by_hand = act(client, "bhead", mid, "manual-checkins", {"household_id": neighbours["h3"]})
    assert by_hand.get_json()["attended"] == 2
    with app.app_context():
        row = db.session.scalar(select(Invitation).filter_by(meeting_id=mid, household_id=neighbours["h3"]))
        assert row.checked_in_by_hand and row.checked_in_by_id == find_or_create_user("dev-bhead").id
    assert act(client, "bhead", mid, "manual-checkins", {"household_id": neighbours["h2"]}).status_code == 404


def wechat_checkin_code(make_app, fake_wechat, neighbours, env_version="release"):
    """The check-in code of a published meeting, from an app whose WeChat is the fake server."""
    app = make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret", WECHAT_API_BASE=fake_wechat.url,
                   WECHAT_ENV_VERSION=env_version)
    with app.app_context():
        organiser = find_or_create_user("dev-bhead")
        meeting = service.create(organiser, neighbours["community"], "building", "楼栋会", "院坝",
                                 utcnow() + timedelta(hours=1), "buildings", [neighbours["b1"]])
        service.publish(organiser, meeting)
        return service.checkin_code(organiser, meeting)


@pytest.mark.parametrize("env_version, build", [
    ("release", {"env_version": "release"}),
    ("trial", {"env_version": "trial", "check_path": False}),
    ("develop", {"env_version": "develop", "check_path": False}),
])
def test_check_in_code_is_a_wechat_mini_program_code_for_the_configured_build(
        make_app, fake_wechat, neighbours, env_version, build):
    code = wechat_checkin_code(make_app, fake_wechat, neighbours, env_version)
    assert base64.b64decode(code["image_png_base64"]).startswith(b"\x89PNG")
    assert fake_wechat.codes_made == [{"scene": code["scene"], "page": "pages/meeting/checkin", **build}]


@pytest.mark.parametrize("answer, status", [
    ({"errcode": 41030, "errmsg": "invalid page"}, 502),
    ({"errcode": -1, "errmsg": "system error"}, 503),
    ("http500", 503),
])
def test_check_in_code_refused_or_unavailable_at_wechat_answers_502_or_503(
        make_app, fake_wechat, neighbours, answer, status):
    fake_wechat.code_answers.append(answer)
    with pytest.raises(ApiError) as refused:
        wechat_checkin_code(make_app, fake_wechat, neighbours, "trial")
    assert refused.value.status == status
    assert fake_wechat.codes_made[0]["env_version"] == "trial"


def test_check_in_code_build_is_checked_at_start(make_app):
    with pytest.raises(ConfigError, match="WECHAT_ENV_VERSION must be one of release, trial, develop"):
        make_app(WECHAT_ENV_VERSION="formal")


def test_minutes_move_a_matter_and_are_published_to_the_households(app, client, neighbours):
    matter = client.post(f"{API}/matters", json={"title": "楼道扶手松动", "category": "facility_repair"},
                         headers=login(client, "resident")).get_json()
    client.post(f"{API}/matters/{matter['id']}/classify", json={"matter_class": "minor", "reason": "公共设施"},
                headers=login(client, "council"))
    client.post(f"{API}/matters/{matter['id']}/assign", json={"handler_type": "committee"},
                headers=login(client, "council"))
    mid = create(client, neighbours, "staff", agenda=[{"text": "扶手维修", "matter_ids": [matter["id"]]}]).get_json()["id"]
    act(client, "staff", mid, "publish")
    assert act(client, "staff", mid, "minutes", {"minutes": "x"}).status_code == 409  # not started yet
    started(app, mid)
    recorded = act(client, "staff", mid, "minutes", {
        "minutes": "到会12户，一致同意由居委会本周内更换扶手。",
        "decisions": [{"text": "居委会本周内更换扶手", "matter_id": matter["id"], "matter_action": {"action": "progress"}}]})
    assert recorded.status_code == 200, recorded.get_json()
    detail = client.get(f"{API}/matters/{matter['id']}", headers=login(client, "resident")).get_json()
    assert detail["status"] == "in_progress" and detail["timeline"][-1]["note"] == "会议决定：居委会本周内更换扶手"
    assert act(client, "staff", mid, "publish-minutes").get_json()["status"] == "closed"
    with app.app_context():
        notices = {n.user_id for n in db.session.scalars(select(Notification).where(Notification.title.like("公示：%")))}
    assert notices == {neighbours["resident"], neighbours["next_door"]}


def test_minutes_refuse_a_move_the_organiser_may_not_make_before_moving_anything(app, client, neighbours):
    lamp, rail = (client.post(f"{API}/matters", json={"title": title, "category": "facility_repair"},
                              headers=login(client, "resident")).get_json()["id"] for title in ("路灯", "扶手"))
    for mid_ in (lamp, rail):
        client.post(f"{API}/matters/{mid_}/classify", json={"matter_class": "minor", "reason": "公共设施"},
                    headers=login(client, "council"))
    client.post(f"{API}/matters/{lamp}/assign", json={"handler_type": "committee"}, headers=login(client, "council"))
    mid = create(client, neighbours).get_json()["id"]  # called by the building head
    act(client, "bhead", mid, "publish")
    started(app, mid)
    refused = act(client, "bhead", mid, "minutes", {"minutes": "纪要", "decisions": [
        {"text": "修扶手", "matter_id": rail, "matter_action": {"action": "teleport"}}]})
    assert refused.status_code == 422
    refused = act(client, "bhead", mid, "minutes", {"minutes": "纪要", "decisions": [
        {"text": "换灯", "matter_id": lamp, "matter_action": {"action": "progress"}}]})
    assert refused.status_code == 403  # a building head does not handle the committee's matter
    assert refused.get_json()["error"]["message"].startswith("第1项决定：")
    lamp_now = client.get(f"{API}/matters/{lamp}", headers=login(client, "resident")).get_json()
    assert lamp_now["status"] == "assigned"
    assert client.get(f"{API}/meetings/{mid}", headers=login(client, "bhead")).get_json()["minutes"] is None


def test_minutes_move_nothing_when_one_decision_cannot_be_carried_out(app, client, neighbours):
    lamp, rail = (client.post(f"{API}/matters", json={"title": title, "category": "facility_repair"},
                              headers=login(client, "resident")).get_json()["id"] for title in ("路灯", "扶手"))
    for matter_id in (lamp, rail):
        client.post(f"{API}/matters/{matter_id}/classify", json={"matter_class": "minor", "reason": "公共设施"},
                    headers=login(client, "council"))
    client.post(f"{API}/matters/{lamp}/assign", json={"handler_type": "committee"}, headers=login(client, "council"))
    mid = create(client, neighbours, "staff").get_json()["id"]
    act(client, "staff", mid, "publish")
    started(app, mid)
    refused = act(client, "staff", mid, "minutes", {"minutes": "纪要", "decisions": [
        {"text": "换灯", "matter_id": lamp, "matter_action": {"action": "progress"}},
        {"text": "修扶手", "matter_id": rail, "matter_action": {"action": "progress"}}]})  # rail has no handler yet
    assert refused.status_code == 409
    statuses = [client.get(f"{API}/matters/{m}", headers=login(client, "staff")).get_json()["status"] for m in (lamp, rail)]
    assert statuses == ["assigned", "triaged"]


def test_decisions_are_recorded_once_and_shown_with_the_meeting(app, client, neighbours):
    mid = create(client, neighbours, "staff", ends_at=(utcnow() + timedelta(days=2, hours=2)).isoformat()).get_json()["id"]
    act(client, "staff", mid, "publish")
    moved = act(client, "staff", mid, "reschedule", {"place": "社区活动室"}).get_json()
    assert moved["ends_at"] is not None  # not given: unchanged
    started(app, mid)
    first = act(client, "staff", mid, "minutes", {"minutes": "草稿", "decisions": [{"text": "下月再议"}]}).get_json()
    assert [d["text"] for d in first["decisions"]] == ["下月再议"] and first["status_label"] == "已发布"
    again = act(client, "staff", mid, "minutes", {"minutes": "定稿", "decisions": [{"text": "下月再议"}]})
    assert again.status_code == 409
    assert act(client, "staff", mid, "minutes", {"minutes": "定稿"}).get_json()["minutes"] == "定稿"
    act(client, "staff", mid, "publish-minutes")
    mine = client.get(f"{API}/meetings/mine", headers=login(client, "resident")).get_json()["items"]
    assert [(m["id"], m["status_label"], m["invited_me"]) for m in mine] == [(mid, "已公示", True)]


def test_staff_see_every_meeting_of_the_community_long_after_it_started(app, client, neighbours):
    """The desk's calendar: drafts, published and closed meetings of every organiser, which
    /meetings/mine drops six hours after the start."""
    old = create(client, neighbours).get_json()["id"]
    act(client, "bhead", old, "publish")
    started(app, old, hours=30)
    draft = create(client, neighbours, "staff").get_json()["id"]
    url = f"{API}/communities/{neighbours['community']}/meetings"
    staff = login(client, "staff")
    first = client.get(f"{url}?limit=1", headers=staff).get_json()
    rest = client.get(f"{url}?cursor={first['next_cursor']}", headers=staff).get_json()
    assert [m["id"] for m in first["items"] + rest["items"]] == [draft, old] and rest["next_cursor"] is None
    assert [m["id"] for m in client.get(f"{url}?status=draft", headers=staff).get_json()["items"]] == [draft]
    assert client.get(url, headers=login(client, "bhead")).status_code == 403
    other = f"{API}/communities/{neighbours['other_community']}/meetings"
    assert client.get(other, headers=staff).status_code == 403
    assert client.get(f"{url}?status=lost", headers=staff).status_code == 422


def test_organiser_lists_every_invitation_with_reply_and_attendance(client, neighbours):
    mid = create(client, neighbours, starts_at=(utcnow() + timedelta(minutes=30)).isoformat()).get_json()["id"]
    act(client, "bhead", mid, "publish")
    act(client, "resident", mid, "reply", {"reply": "attend", "people": 2})
    act(client, "bhead", mid, "manual-checkins", {"household_id": neighbours["h1"]})
    first = client.get(f"{API}/meetings/{mid}/invitations?limit=1", headers=login(client, "bhead")).get_json()
    rest = client.get(f"{API}/meetings/{mid}/invitations?cursor={first['next_cursor']}",
                      headers=login(client, "bhead")).get_json()
    rows = {row["household_id"]: row for row in first["items"] + rest["items"]}
    assert set(rows) == {neighbours["h1"], neighbours["h3"]} and rest["next_cursor"] is None
    assert (rows[neighbours["h1"]]["reply"], rows[neighbours["h1"]]["people"], rows[neighbours["h1"]]["present"],
            rows[neighbours["h1"]]["checked_in_by_hand"]) == ("attend", 2, True, True)
    assert rows[neighbours["h3"]]["reply"] is None and rows[neighbours["h1"]]["building_name"] == "1幢"
    assert client.get(f"{API}/meetings/{mid}/invitations", headers=login(client, "resident")).status_code == 403


def test_my_meetings_cost_the_same_statements_for_many_meetings(app, client, neighbours):
    """No N+1: agenda, my reply, counts and decisions of every listed meeting come in fixed queries."""
    def statements():
        headers = login(client, "resident")
        with counting_statements(app) as seen:
            response = client.get(f"{API}/meetings/mine", headers=headers)
        return len(response.get_json()["items"]), len(seen)

    for _ in range(2):
        act(client, "bhead", create(client, neighbours).get_json()["id"], "publish")
    few, small = statements()
    for _ in range(8):
        mid = create(client, neighbours, agenda=[{"text": "一"}, {"text": "二"}]).get_json()["id"]
        act(client, "bhead", mid, "publish")
        act(client, "resident", mid, "reply", {"reply": "attend"})
    many, large = statements()
    assert (few, many) == (2, 10) and large == small


def test_minutes_are_one_unit_a_refused_decision_leaves_nothing_moved_and_a_retry_is_a_first_try(
        app, client, neighbours):
    """The second decision is refused by the assignment's own rules after the first was carried
    out: nothing of either stays, and sending the minutes again moves each matter once."""
    lamp, rail = (client.post(f"{API}/matters", json={"title": title, "category": "facility_repair"},
                              headers=login(client, "resident")).get_json()["id"] for title in ("路灯", "扶手"))
    for matter_id in (lamp, rail):
        client.post(f"{API}/matters/{matter_id}/classify", json={"matter_class": "minor", "reason": "公共设施"},
                    headers=login(client, "council"))
    mid = create(client, neighbours, "staff").get_json()["id"]
    act(client, "staff", mid, "publish")
    started(app, mid)
    due = (utcnow() + timedelta(days=7)).date().isoformat()  # as POST /matters/{id}/assign takes it
    lamp_to_committee = {"text": "路灯交居委会", "matter_id": lamp,
                         "matter_action": {"action": "assign", "handler_type": "committee", "due_date": due}}
    refused = act(client, "staff", mid, "minutes", {"minutes": "纪要", "decisions": [
        lamp_to_committee,
        {"text": "扶手交网格员", "matter_id": rail, "matter_action": {"action": "assign", "handler_type": "grid_worker"}}]})
    assert refused.status_code == 422 and "user_id" in refused.get_json()["error"]["details"]["fields"]
    lamp_now = client.get(f"{API}/matters/{lamp}", headers=login(client, "staff")).get_json()
    assert lamp_now["status"] == "triaged" and not [e for e in lamp_now["timeline"] if "会议决定" in (e["note"] or "")]
    assert client.get(f"{API}/meetings/{mid}", headers=login(client, "staff")).get_json()["minutes"] is None
    for bad in ({"action": "assign", "handler_type": "committee", "colour": "red"}, ["assign"],
                {"action": "assign", "handler_type": "committee", "due_date": "next week"}, {"action": "assign"}):
        answer = act(client, "staff", mid, "minutes", {"minutes": "纪要", "decisions": [
            {"text": "扶手", "matter_id": rail, "matter_action": bad}]})
        assert answer.status_code == 422, (bad, answer.get_json())
    recorded = act(client, "staff", mid, "minutes", {"minutes": "纪要", "decisions": [
        lamp_to_committee, {"text": "扶手交居委会", "matter_id": rail, "matter_action": {"action": "assign",
                                                                                     "handler_type": "committee"}}]})
    assert recorded.status_code == 200, recorded.get_json()
    assert recorded.get_json()["decisions"][0]["matter_action"]["due_date"] == due
    for matter_id in (lamp, rail):
        matter = client.get(f"{API}/matters/{matter_id}", headers=login(client, "staff")).get_json()
        assert matter["status"] == "assigned"
        assert len([e for e in matter["timeline"] if "会议决定" in (e["note"] or "")]) == 1


def test_a_decision_refused_after_its_poll_opened_leaves_the_poll_a_draft(app, client, neighbours):
    draft = client.post(f"{API}/polls", headers=login(client, "staff"), json={
        "community_id": neighbours["community"], "title": "是否加装围墙", "electorate": "households",
        "rule": "majority", "closes_at": (utcnow() + timedelta(days=3)).isoformat(),
        "questions": [{"text": "是否同意", "kind": "yes_no"}]}).get_json()
    mid = create(client, neighbours, "staff").get_json()["id"]
    act(client, "staff", mid, "publish")
    started(app, mid)
    with app.app_context():
        notices_before = db.session.scalar(select(func.count()).select_from(Notification))
    twice = {"minutes": "纪要", "decisions": [{"text": "围墙交表决", "poll_id": draft["id"]},
                                            {"text": "再交一次", "poll_id": draft["id"]}]}
    assert act(client, "staff", mid, "minutes", twice).status_code == 409
    poll = client.get(f"{API}/polls/{draft['id']}", headers=login(client, "staff")).get_json()
    assert poll["status"] == "draft" and poll["voters"] == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == notices_before
    once = act(client, "staff", mid, "minutes", {"minutes": "纪要", "decisions": twice["decisions"][:1]})
    assert once.status_code == 200, once.get_json()
    assert client.get(f"{API}/polls/{draft['id']}", headers=login(client, "staff")).get_json()["status"] == "open"


def test_refusals_say_in_chinese_which_field_and_which_decision(app, client, neighbours):
    def refusal(response):
        assert response.status_code == 422, response.get_json()
        error = response.get_json()["error"]
        (field, messages), = error["details"]["fields"].items()
        assert messages == [error["message"]]
        return field, error["message"]

    assert refusal(create(client, neighbours, scope_ids=[neighbours["b1"], 99999])) == ("scope_ids", "会议范围里的楼栋不存在")
    assert refusal(create(client, neighbours, starts_at=(utcnow() - timedelta(hours=1)).isoformat())) == (
        "starts_at", "开始时间须在将来")
    mid = create(client, neighbours, "staff").get_json()["id"]
    act(client, "staff", mid, "publish")
    started(app, mid)
    unknown = act(client, "staff", mid, "minutes", {"minutes": "纪要", "decisions": [
        {"text": "下月再议"}, {"text": "修扶手", "matter_id": 99999}]})
    assert refusal(unknown) == ("decisions", "第2项决定：关联的诉求（编号99999）不存在")
    unlinked = act(client, "staff", mid, "minutes", {"minutes": "纪要", "decisions": [
        {"text": "修扶手", "matter_action": {"action": "progress"}}]})
    assert refusal(unlinked) == ("decisions", "第1项决定：处理诉求须先关联诉求")


# ---- what the meeting view says the viewer may do ---------------------------------------------------------

VIEWERS = ("bhead", "staff", "resident", "far")  # the organiser, the community's staff, invited, not invited
STATES = ("draft", "published", "check-in open", "started", "check-in closed", "minutes recorded", "cancelled",
          "closed")
# How a meeting the building head called gets into each state: actions, and hours since it started.
STEPS = {"draft": [], "published": ["publish"], "check-in open": ["publish"], "cancelled": ["publish", "cancel"],
         "started": ["publish", 1], "check-in closed": ["publish", 7], "minutes recorded": ["publish", 1, "minutes"],
         "closed": ["publish", 1, "minutes", "publish-minutes"]}
# Flags whose request, when it succeeds, changes what the meeting allows next: each success gets a meeting of its own.
CHANGING = {"publish", "reschedule", "cancel", "record_minutes", "publish_minutes"}


def test_each_can_flag_is_whether_its_request_succeeds(app, client, neighbours):
    headers = {name: login(client, name) for name in VIEWERS}

    def meeting_in(state):
        starts = timedelta(minutes=30) if state == "check-in open" else timedelta(days=2)
        mid = create(client, neighbours, starts_at=(utcnow() + starts).isoformat()).get_json()["id"]
        for step in STEPS[state]:
            if isinstance(step, int):
                started(app, mid, hours=step)
            else:
                body = {"cancel": {"reason": "改期"}, "minutes": {"minutes": "纪要"}}.get(step, {})
                assert client.post(f"{API}/meetings/{mid}/{step}", json=body, headers=headers["bhead"]).status_code == 200
        return mid

    def promises(mid):
        """Each flag of the view's `can` with a request it promises to succeed."""
        with app.app_context():
            scene = service.checkin_scene(db.session.get(Meeting, mid))
        at = f"{API}/meetings/{mid}"
        return [
            ("manage", "GET", f"{at}/replies", None),
            ("manage", "GET", f"{at}/invitations", None),
            ("publish", "POST", f"{at}/publish", {}),
            ("reschedule", "POST", f"{at}/reschedule", {"starts_at": (utcnow() + timedelta(days=3)).isoformat()}),
            ("cancel", "POST", f"{at}/cancel", {"reason": "改期"}),
            ("resend", "POST", f"{at}/resend", {}),
            ("checkin_code", "GET", f"{at}/checkin-code", None),
            ("check_in_by_hand", "POST", f"{at}/manual-checkins", {"household_id": neighbours["h1"]}),
            ("reply", "POST", f"{at}/reply", {"reply": "attend"}),
            ("reply_for", "POST", f"{at}/reply", {"reply": "attend", "on_behalf_of_household_id": neighbours["h1"]}),
            ("check_in", "POST", f"{API}/meetings/checkins", {"scene": scene}),
            ("record_minutes", "POST", f"{at}/minutes", {"minutes": "纪要"}),
            ("publish_minutes", "POST", f"{at}/publish-minutes", {}),
        ]

    def shown(name, mid):
        view = client.get(f"{API}/meetings/{mid}", headers=headers[name])
        return view.get_json()["can"] if view.status_code == 200 else None  # not shown: nothing may succeed

    seen = set()
    for state in STATES:
        mid = meeting_in(state)
        can = {name: shown(name, mid) for name in VIEWERS}
        assert set(can["bhead"]) == {flag for flag, *_ in promises(mid)}
        for index, (flag, *_) in enumerate(promises(mid)):
            for name in VIEWERS:
                allowed = bool(can[name] and can[name][flag])
                target = meeting_in(state) if allowed and flag in CHANGING else mid
                _, method, url, body = promises(target)[index]
                answer = client.open(url, method=method, json=body, headers=headers[name])
                assert (answer.status_code < 300) == allowed, (state, name, flag, answer.status_code, answer.get_json())
                seen.add((flag, allowed))
    assert seen == {(flag, allowed) for flag, *_ in promises(mid) for allowed in (True, False)}
