"""Who may spend a resident's subscribe consent (issue 18): the policy per notification kind,
per-sender limits on comments, and the household's own switches (README: Notifications)."""
import pytest
from sqlalchemy import select

from app.auth.service import find_or_create_user
from app.community import service as community
from app.community.models import Household
from app.extensions import db
from app.notifications.models import Notification
from tests.conftest import login
from tests.factories import TEMPLATES, consent_left, give_consent

API = "/api/v1"
MATTER_PAGE = "pages/matter/matter?id={}"


@pytest.fixture
def neighbourhood(app, places):
    """places, plus a neighbour heading household h2 (another building of the same community)."""
    with app.app_context():
        neighbour = find_or_create_user("dev-neighbour")
        community.add_member(db.session.get(Household, places["h2"]), neighbour, is_head=True)
        db.session.commit()
        return {**places, "neighbour": neighbour.id}


@pytest.fixture
def wechat(make_app, fake_wechat, neighbourhood):
    """WeChat configured (the fake) with the matter and meeting templates; a client whose
    `sign_in(name)` logs in as openid dev-<name> through code2Session."""
    app = make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret", WECHAT_API_BASE=fake_wechat.url,
                   WECHAT_TIMEOUT=1.0, WECHAT_TEMPLATES=TEMPLATES)
    client = app.test_client()

    def sign_in(name):
        fake_wechat.codes[f"code-{name}"] = {"openid": f"dev-{name}"}
        token = client.post(f"{API}/auth/login", json={"code": f"code-{name}"}).get_json()["token"]
        return {"Authorization": f"Bearer {token}"}

    client.sign_in = sign_in
    return app, client


def public_matter(client, sign_in, title="单元门口路灯坏了"):
    """The resident's matter, classified minor: every resident of the community sees it."""
    matter = client.post(f"{API}/matters", json={"title": title, "category": "street_lamp"},
                         headers=sign_in("resident"))
    assert matter.status_code == 201, matter.get_json()
    mid = matter.get_json()["id"]
    classified = client.post(f"{API}/matters/{mid}/classify", json={"matter_class": "minor", "reason": "社区统筹"},
                             headers=sign_in("council"))
    assert classified.status_code == 200, classified.get_json()
    return mid


def sent_to(fake_wechat, openid):
    return [message for message in fake_wechat.sent if message["touser"] == openid]


def comment(client, headers, mid, note):
    return client.post(f"{API}/matters/{mid}/comments", json={"note": note}, headers=headers)


def test_a_neighbours_comments_do_not_drain_the_consent_the_assignment_needs(wechat, fake_wechat, neighbourhood):
    """The drain: 30 comments from a neighbour became 30 "诉求进度提醒" messages carrying the
    neighbour's text, spending the household's 7 consents, so the assignment went unheard."""
    app, client = wechat
    mid = public_matter(client, client.sign_in)
    give_consent(app, neighbourhood["resident"], count=7)
    before = len(sent_to(fake_wechat, "dev-resident"))
    neighbour = client.sign_in("neighbour")
    for n in range(30):
        assert comment(client, neighbour, mid, f"楼上的又来了，第{n}次，快来看看").status_code == 200

    assert consent_left(app, neighbourhood["resident"]) == 7
    assert len(sent_to(fake_wechat, "dev-resident")) == before
    with app.app_context():
        told = db.session.scalars(select(Notification).where(
            Notification.user_id == neighbourhood["resident"], Notification.kind == "matter_comment")).all()
    assert len(told) == 30  # every comment still reaches the inbox
    inbox = client.get(f"{API}/notifications?limit=1", headers=client.sign_in("resident")).get_json()["items"]
    assert "楼上的又来了" in inbox[0]["body"] and inbox[0]["wechat_label"] == "只在消息里：未开启这类微信提醒"

    assigned = client.post(f"{API}/matters/{mid}/assign", json={"handler_type": "committee", "note": "居委会安排电工"},
                           headers=client.sign_in("council"))
    assert assigned.status_code == 200, assigned.get_json()
    [message] = sent_to(fake_wechat, "dev-resident")[before:]
    assert message["data"]["phrase2"]["value"] == "已交办"
    assert consent_left(app, neighbourhood["resident"]) == 6


@pytest.fixture
def limited(make_app, neighbourhood):
    return make_app(RATELIMIT_ENABLED=True).test_client()


def test_comments_are_limited_per_person_on_each_matter_and_overall(limited, neighbourhood):
    matters = [public_matter(limited, lambda name: login(limited, name), f"路灯坏了{n}") for n in range(4)]
    neighbour = login(limited, "neighbour")

    answers = [comment(limited, neighbour, matters[0], f"第{n}条") for n in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    error = refused.get_json()["error"]
    assert error["code"] == "rate_limited" and error["message"] == "操作太频繁，请稍后再试"
    assert int(refused.headers["Retry-After"]) > 0
    # Another matter still takes the neighbour's comment; a retry of it replays, not counted again.
    retry = {**neighbour, "Idempotency-Key": "comment-once"}
    assert {comment(limited, retry, matters[1], "我也遇到了").status_code for _ in range(5)} == {200}
    assert comment(limited, neighbour, matters[1], "路过看到的").status_code == 200
    # The household itself is not held back by its neighbour's flood.
    assert comment(limited, login(limited, "resident"), matters[0], "谢谢大家").status_code == 200

    # Over all matters, a person is held at ten a minute.
    council = login(limited, "council")
    spread = [comment(limited, council, mid, "已记录") for mid in matters for _ in range(3)]
    assert [r.status_code for r in spread] == [200] * 10 + [429] * 2


def preferences(client, headers):
    response = client.get(f"{API}/notifications/preferences", headers=headers)
    assert response.status_code == 200, response.get_json()
    return {item["kind"]: item["wechat"] for item in response.get_json()["items"]}


def switch(client, headers, kind, on):
    response = client.put(f"{API}/notifications/preferences", json={"kind": kind, "wechat": on}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return {item["kind"]: item["wechat"] for item in response.get_json()["items"]}


def test_the_households_switches_decide_what_spends_its_consents(wechat, fake_wechat, neighbourhood):
    app, client = wechat
    resident = client.sign_in("resident")
    # Only kinds with a configured template are offered; comments are off until the household asks.
    assert preferences(client, resident) == {"matter_status": True, "matter_comment": False,
                                             "meeting_invitation": True}
    mid = public_matter(client, client.sign_in)
    give_consent(app, neighbourhood["resident"], count=5)
    before = len(sent_to(fake_wechat, "dev-resident"))

    assert switch(client, resident, "matter_status", False)["matter_status"] is False
    client.post(f"{API}/matters/{mid}/assign", json={"handler_type": "committee"}, headers=client.sign_in("council"))
    assert len(sent_to(fake_wechat, "dev-resident")) == before
    assert consent_left(app, neighbourhood["resident"]) == 5
    inbox = client.get(f"{API}/notifications?limit=1", headers=resident).get_json()["items"]
    assert inbox[0]["wechat_label"] == "只在消息里：未开启这类微信提醒"
    assert preferences(client, client.sign_in("neighbour"))["matter_status"] is True  # per user

    # Comments switched on: one WeChat reminder per matter a day, without the neighbour's words.
    switch(client, resident, "matter_status", True)
    assert switch(client, resident, "matter_comment", True)["matter_comment"] is True
    neighbour = client.sign_in("neighbour")
    for note in ("灯下面有人摔倒了", "还是没人修", "再催一下"):
        assert comment(client, neighbour, mid, note).status_code == 200
    [reminder] = sent_to(fake_wechat, "dev-resident")[before:]
    assert reminder["page"] == MATTER_PAGE.format(mid) and reminder["template_id"] == "tmpl-matter"
    assert "摔倒" not in str(reminder["data"]) and reminder["data"]["phrase2"]["value"] == "新留言"
    assert consent_left(app, neighbourhood["resident"]) == 4
    labels = [item["wechat_label"] for item in
              client.get(f"{API}/notifications?limit=3", headers=resident).get_json()["items"]]
    assert labels == ["只在消息里：今天已提醒过这件诉求"] * 2 + ["已发送微信提醒"]
    # Another matter gets its own reminder.
    other = public_matter(client, client.sign_in, "楼道堆满杂物")
    comment(client, neighbour, other, "杂物挡路了")
    assert [m["page"] for m in sent_to(fake_wechat, "dev-resident")][-1] == MATTER_PAGE.format(other)


def test_preferences_refuse_a_kind_that_is_never_sent_by_wechat(wechat):
    _app, client = wechat
    resident = client.sign_in("resident")
    for body in ({"kind": "notice", "wechat": True}, {"kind": "matter_status"}, {"kind": "gossip", "wechat": False}):
        response = client.put(f"{API}/notifications/preferences", json=body, headers=resident)
        assert response.status_code == 422, body
        assert response.get_json()["error"]["message"]
    assert client.get(f"{API}/notifications/preferences").status_code == 401
