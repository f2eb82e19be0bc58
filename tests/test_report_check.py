"""WeChat's check of a report's text runs after the report is saved (app/matters/service/
text_check.py): the report is accepted at once, and until the verdict only its household and
the community's staff see it. Through a real rq queue (fakeredis, or TEST_REDIS_URL's Redis) to
the fake WeChat over HTTP, so the time between the 201 and the verdict can be looked into."""
import io
import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from app.community import service as community
from app.community.models import Household
from app.auth.service import find_or_create_user
from app.extensions import db
from app.jobs import DEFAULT
from app.matters.models import Matter
from app.matters.service import text_check
from app.matters.service.text_check import sweep_checking
from app.models_base import utcnow
from tests.conftest import login, work
from tests.factories import TEMPLATES, give_consent
from tests.voice_samples import mp3

API = "/api/v1"
REPORT = {"title": "楼道灯坏了", "description": "晚上很黑，老人出门不方便", "category": "street_lamp"}


@pytest.fixture
def rq_app(make_app, fake_wechat, connection, places):
    """WeChat configured, jobs through rq: nothing runs until `work(app)`. A neighbour heads h2."""
    app = make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret", WECHAT_API_BASE=fake_wechat.url,
                   WECHAT_TIMEOUT=1.0, WECHAT_TEMPLATES=TEMPLATES, JOBS_INLINE=False, REDIS_CLIENT=connection)
    with app.app_context():
        community.add_member(db.session.get(Household, places["h2"]), find_or_create_user("dev-neighbour"),
                             is_head=True)
        db.session.commit()
    return app


@pytest.fixture
def as_(rq_app, fake_wechat):
    """Headers of `dev-<name>`, signed in through the fake WeChat (once per name)."""
    client, signed_in = rq_app.test_client(), {}

    def headers(name):
        if name not in signed_in:
            fake_wechat.codes[f"code-{name}"] = {"openid": f"dev-{name}", "session_key": "k"}
            response = client.post(f"{API}/auth/login", json={"code": f"code-{name}"})
            assert response.status_code == 200, response.get_json()
            signed_in[name] = {"Authorization": f"Bearer {response.get_json()['token']}"}
        return signed_in[name]

    return headers


def checks(fake_wechat):
    return [body for _, path, _, body in fake_wechat.requests if path == "/wxa/msg_sec_check"]


def queued(app):
    return app.extensions["jobs"].queues[DEFAULT].count


def seen(client, headers, matter_id):
    return client.get(f"{API}/matters/{matter_id}", headers=headers)


def listed(client, headers, url):
    return [item["id"] for item in client.get(url, headers=headers).get_json()["items"]]


def test_a_report_is_accepted_at_once_and_shown_to_others_once_wechat_passes_it(rq_app, as_, fake_wechat, places):
    client = rq_app.test_client()
    triage, table = (f"{API}/communities/{places['community']}/{path}" for path in ("triage-queue", "matters"))
    reported = client.post(f"{API}/matters", json=REPORT, headers=as_("resident"))
    assert reported.status_code == 201, reported.get_json()
    matter = reported.get_json()
    assert (matter["status"], matter["text_check"], matter["text_check_label"]) == ("submitted", "checking", "内容审核中")
    assert "邻居和议事会" in matter["text_check_note"]
    assert checks(fake_wechat) == [] and queued(rq_app) == 1  # WeChat is asked after the answer, by a worker

    # Until the verdict: the household sees it with its state, staff see it marked, nobody else at all.
    mine = client.get(f"{API}/matters/mine", headers=as_("resident")).get_json()["items"]
    assert [(m["id"], m["text_check_label"]) for m in mine] == [(matter["id"], "内容审核中")]
    for name in ("council", "gridworker", "neighbour", "bhead"):
        assert seen(client, as_(name), matter["id"]).status_code == 404, name
    assert listed(client, as_("council"), triage) == [] and listed(client, as_("council"), table) == []
    assert listed(client, as_("staff"), triage) == []  # nothing to sort before the verdict
    [row] = client.get(table, headers=as_("staff")).get_json()["items"]
    assert (row["id"], row["text_check"]) == (matter["id"], "checking")
    staff_view = seen(client, as_("staff"), matter["id"]).get_json()
    assert staff_view["text_check"] == "checking" and staff_view["can"]["classify"] is False
    refused = client.post(f"{API}/matters/{matter['id']}/classify", json={"matter_class": "minor", "reason": "社区统筹"},
                          headers=as_("staff"))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "text_being_checked"
    assert refused.get_json()["error"]["message"] == "诉求内容审核中，审核通过后才能分类"

    work(rq_app)
    [check] = checks(fake_wechat)
    assert (check["version"], check["openid"], check["scene"]) == (2, "dev-resident", 3)
    assert "晚上很黑" in check["content"] and "楼道灯坏了" in check["content"]
    passed = seen(client, as_("resident"), matter["id"]).get_json()
    assert (passed["text_check"], passed["text_check_label"], passed["text_check_note"]) == ("passed", None, None)
    assert listed(client, as_("council"), triage) == [matter["id"]]
    assert seen(client, as_("gridworker"), matter["id"]).status_code == 200
    assert client.post(f"{API}/matters/{matter['id']}/classify", json={"matter_class": "minor", "reason": "社区统筹"},
                       headers=as_("council")).status_code == 200
    public = seen(client, as_("neighbour"), matter["id"])
    assert public.status_code == 200 and public.get_json()["submitter_name"].endswith("**")


def test_a_risky_report_is_held_back_for_good_and_the_household_told_why(rq_app, as_, fake_wechat, places):
    """Recorded for household h1 by its building head (走访登记): the head and the household see it,
    and the staff; the council, the grid worker and the neighbours never do."""
    client = rq_app.test_client()
    fake_wechat.risky_words = {"违禁词"}
    resident_id = places["resident"]
    give_consent(rq_app, resident_id)
    reported = client.post(f"{API}/matters", json={**REPORT, "description": "含违禁词的描述",
                                                   "on_behalf_of_household_id": places["h1"]}, headers=as_("bhead"))
    assert reported.status_code == 201 and reported.get_json()["text_check"] == "checking"
    mid = reported.get_json()["id"]
    work(rq_app)

    for name in ("resident", "bhead", "staff"):
        held = seen(client, as_(name), mid).get_json()
        assert (held["status"], held["text_check"], held["text_check_label"]) == ("withdrawn", "risky", "未通过内容审核")
        assert held["text_check_note"] == "内容可能含有不适宜公开的信息，请修改后重新反映"
    last = held["timeline"][-1]
    assert (last["action"], last["status_from"], last["status_to"], last["actor_name"]) == (
        "hold_back", "submitted", "withdrawn", None)
    assert last["note"] == "内容可能含有不适宜公开的信息，请修改后重新反映"
    for name in ("council", "gridworker", "neighbour"):
        assert seen(client, as_(name), mid).status_code == 404, name
    community_url = f"{API}/communities/{places['community']}"
    assert listed(client, as_("council"), f"{community_url}/matters") == []
    assert listed(client, as_("staff"), f"{community_url}/matters") == [mid]
    today = date.today()
    period = f"from={today - timedelta(days=1)}&to={today + timedelta(days=1)}"
    stats = client.get(f"{community_url}/matter-stats?{period}", headers=as_("council")).get_json()
    assert stats["total"] == 0

    [notice] = client.get(f"{API}/notifications", headers=as_("resident")).get_json()["items"]
    assert notice["title"] == f"诉求 #{mid} 未通过内容审核"
    assert "楼道灯坏了" in notice["body"] and "请修改后重新反映" in notice["body"]
    assert client.get(f"{API}/notifications", headers=as_("bhead")).get_json()["items"][0]["title"] == notice["title"]
    [message] = fake_wechat.sent  # the resident's consent: the subscribe message, without the risky words
    assert message["touser"] == "dev-resident" and "违禁词" not in str(message["data"])
    assert message["page"] == f"pages/matter/matter?id={mid}"


def test_wechat_down_leaves_the_text_unchecked_and_the_report_shown(rq_app, as_, fake_wechat, places, caplog):
    """Failing open, as the check always has: a WeChat outage never keeps a report from the community."""
    client = rq_app.test_client()
    mid = client.post(f"{API}/matters", json=REPORT, headers=as_("resident")).get_json()["id"]
    as_("council")
    fake_wechat.delay = 1.5  # slower than the app's timeout
    with caplog.at_level(logging.WARNING, logger="app.matters.service.text_check"):
        work(rq_app)
    assert f"msgSecCheck gave no verdict on matter {mid}" in caplog.text
    view = seen(client, as_("resident"), mid).get_json()
    assert (view["status"], view["text_check"], view["text_check_label"]) == ("submitted", "unchecked", None)
    fake_wechat.delay = 0
    assert listed(client, as_("council"), f"{API}/communities/{places['community']}/triage-queue") == [mid]


def test_a_storm_of_reports_is_checked_in_batches_each_settled_by_its_own_verdict(rq_app, as_, fake_wechat):
    client = rq_app.test_client()
    fake_wechat.risky_words = {"违禁词"}
    ids = [client.post(f"{API}/matters", json={**REPORT, "description": "含违禁词" if n % 10 == 3 else f"第{n}条"},
                       headers=as_("resident")).get_json()["id"] for n in range(25)]
    assert queued(rq_app) == 2  # not one per report: the first, and one more for the full batch waiting
    work(rq_app)
    assert sorted(check["content"] for check in checks(fake_wechat)) == sorted(
        f"楼道灯坏了\n{'含违禁词' if n % 10 == 3 else f'第{n}条'}\n" for n in range(25))
    views = [seen(client, as_("resident"), mid).get_json() for mid in ids]
    assert [(view["text_check"], view["status"]) for view in views] == [
        ("risky", "withdrawn") if n % 10 == 3 else ("passed", "submitted") for n in range(25)]
    assert [view["timeline"][-1]["action"] for view in views if view["text_check"] == "risky"] == ["hold_back"] * 3


def test_a_batch_settles_only_what_is_still_checking_and_bumps_the_version(rq_app, as_, monkeypatch):
    """While WeChat answers a batch, the sweep's run settles one of its matters: the batch leaves
    that verdict alone; the other it settles as an ORM edit would, version and all."""
    client = rq_app.test_client()
    first, second = (client.post(f"{API}/matters", json=REPORT, headers=as_("resident")).get_json()["id"]
                     for _ in range(2))
    asked = text_check._verdict

    def meanwhile(matter_id, openid, text):
        if matter_id == first:  # another run settles it now, in its own transaction
            with db.engine.begin() as other:
                other.execute(update(Matter).where(Matter.id == first).values(
                    text_check="unchecked", version=Matter.version + 1))
        return asked(matter_id, openid, text)

    monkeypatch.setattr(text_check, "_verdict", meanwhile)
    with rq_app.app_context():
        text_check.check_reports([first, second])
        settled = db.session.execute(select(Matter.text_check, Matter.version)
                                     .where(Matter.id.in_([first, second])).order_by(Matter.id)).all()
    assert [tuple(row) for row in settled] == [("unchecked", 2), ("passed", 2)]


def test_the_sweep_checks_again_a_report_whose_job_was_lost(rq_app, as_, fake_wechat):
    client = rq_app.test_client()
    lost, fresh = (client.post(f"{API}/matters", json=REPORT, headers=as_("resident")).get_json()["id"]
                   for _ in range(2))
    rq_app.extensions["jobs"].connection.flushdb()  # Redis lost its data
    with rq_app.app_context():
        assert sweep_checking in rq_app.extensions["jobs"].housekeeping
        db.session.execute(update(Matter).where(Matter.id == lost).values(created_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()
        assert sweep_checking() == 1  # the fresh one's check may still be on its way
        assert sweep_checking() == 0  # the lost one's is now
    work(rq_app)
    assert len(checks(fake_wechat)) == 1
    assert [seen(client, as_("resident"), mid).get_json()["text_check"] for mid in (lost, fresh)] == [
        "passed", "checking"]


def test_without_text_or_without_wechat_there_is_nothing_to_wait_for(rq_app, as_, fake_wechat, app, places):
    client = rq_app.test_client()
    note = client.post(f"{API}/voice-notes", data={"file": (io.BytesIO(mp3(2)), "v.mp3")},
                       content_type="multipart/form-data", headers=as_("resident")).get_json()
    spoken = client.post(f"{API}/matters", json={"title": "", "category": "street_lamp", "voice_note_id": note["id"]},
                         headers=as_("resident"))
    assert spoken.status_code == 201 and spoken.get_json()["text_check"] == "passed"
    assert queued(rq_app) == 0 and checks(fake_wechat) == []

    plain = app.test_client()  # development: no WeChat to ask
    typed = plain.post(f"{API}/matters", json=REPORT, headers=login(plain, "resident")).get_json()
    assert typed["text_check"] == "unchecked"
    assert seen(plain, login(plain, "council"), typed["id"]).status_code == 200
