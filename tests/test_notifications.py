"""Notifications: the outbox, the inbox API, consents, WeChat delivery (jobs run inline here;
tests/test_jobs.py runs them through a real rq worker)."""
import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.notifications import service
from app.notifications.models import Notification, WeChatStatus
from app.notifications.tasks import DeliveryDeferred, deliver
from app.notifications.templates import (
    DEFAULT_FIELDS,
    NotificationKind,
    Template,
    fit_value,
    load_templates,
    message_data,
)
from config import ConfigError
from tests.conftest import counting_statements, login
from tests.factories import TEMPLATES, consent_left, give_consent, make_users, notification_of

@pytest.fixture
def notify_app(make_app, fake_wechat):
    """WeChat configured (the fake) with two subscribe templates; jobs inline."""
    return make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret",
                    WECHAT_API_BASE=fake_wechat.url, WECHAT_TIMEOUT=1.0, WECHAT_TEMPLATES=TEMPLATES)


def notify_matter(app, user_ids, title="您反映的路灯问题已受理", commit=True):
    with app.app_context():
        service.notify(user_ids, "matter_status",
                       {"title": title, "status": "处理中", "note": "网格员明天上门查看",
                        "time": datetime(2026, 11, 21, 7, 5, tzinfo=timezone.utc)},
                       page="pages/index/index")
        if commit:
            db.session.commit()
        else:
            db.session.rollback()


# ---- the formatter ---------------------------------------------------------------------------

@pytest.mark.parametrize("key, value, expected", [
    ("thing1", "小区东门路灯坏了三个星期晚上老人出门很不方便", "小区东门路灯坏了三个星期晚上老人出门很…"),
    ("thing2", "短标题", "短标题"),
    ("thing3", "第一行\n第二行\t\x07结束", "第一行 第二行 结束"),
    ("thing4", "", "无"),
    ("phrase1", "处理中", "处理中"),
    ("phrase2", "已转交(区住建委)办理", "已转交区住"),
    ("phrase3", "done", "有更新"),
    ("name1", "欧阳娜娜娜娜娜娜娜娜娜", "欧阳娜娜娜娜娜娜娜娜"),
    ("name2", "Zhang Xiuying Grandmother", "Zhang Xiuying Grandm"),
    ("name3", "楼栋长2号", "楼栋长号"),
    ("time1", datetime(2026, 11, 21, 7, 5, tzinfo=timezone.utc), "2026年11月21日 15:05"),
    ("time2", "2026-11-21T23:30:00+00:00", "2026年11月22日 07:30"),
    ("date1", "2026-11-21T23:30:00+00:00", "2026年11月22日"),
    ("character_string1", "编号 A-12/3 号", "A-12/3"),
    ("number1", "共 1,234.5 户", "1234.5"),
    ("amount1", "12000", "12000.00元"),
    ("phone_number1", "138 1234 5678", "13812345678"),
])
def test_values_are_fitted_to_wechat_limits(key, value, expected):
    assert fit_value(key, value) == expected


@pytest.mark.parametrize("kind", list(DEFAULT_FIELDS))
def test_every_default_field_fits_whatever_the_payload(kind):
    """A long, odd payload still yields values WeChat accepts for each type."""
    template = Template(kind, "t", DEFAULT_FIELDS[kind])
    payload = {field: "超长的内容" * 30 + "\n\x00abc123" for field in DEFAULT_FIELDS[kind].values()}
    for key, value in message_data(template, payload).items():
        text = value["value"]
        assert text and "\n" not in text and "\x00" not in text
        limit = {"thing": 20, "phrase": 5, "name": 10}.get(key.rstrip("0123456789"))
        if limit:
            assert len(text) <= limit, (key, text)
        if key.startswith("phrase"):
            assert all("\u4e00" <= char <= "\u9fff" for char in text)


def test_template_settings_map_fields_and_refuse_mistakes():
    loaded = load_templates({"poll_result": "tmpl-poll", "poll_result_fields": "thing5=title, phrase9=outcome"})
    assert loaded[NotificationKind.POLL_RESULT] == Template(
        NotificationKind.POLL_RESULT, "tmpl-poll", {"thing5": "title", "phrase9": "outcome"})
    assert load_templates({"matter_status": "x"})[NotificationKind.MATTER_STATUS].fields == \
        DEFAULT_FIELDS[NotificationKind.MATTER_STATUS]
    for raw, fragment in [
        ({"matter_stat": "x"}, "no such notification kind"),
        ({"notice": "x"}, "inbox only"),
        ({"matter_status": "x", "matter_status_fields": "thing1"}, "key=field"),
        ({"matter_status": "x", "matter_status_fields": "colour1=title"}, "no known type"),
        ({"matter_status_fields": "thing1=title"}, "without WECHAT_TEMPLATE_MATTER_STATUS"),
    ]:
        with pytest.raises(ConfigError, match=fragment):
            load_templates(raw)


def test_app_refuses_to_start_with_a_mistyped_template_setting(make_app):
    with pytest.raises(ConfigError, match="WECHAT_TEMPLATE_MATTER_STATS"):
        make_app(WECHAT_TEMPLATES={"matter_stats": "x"})


# ---- the outbox --------------------------------------------------------------------------------

def test_notification_exists_only_if_the_change_committed(notify_app, fake_wechat):
    resident, = make_users(notify_app, "resident")
    give_consent(notify_app, resident)
    notify_matter(notify_app, [resident], commit=False)
    assert notification_of(notify_app, resident) is None
    assert fake_wechat.sent == []
    assert consent_left(notify_app, resident) == 1

    notify_matter(notify_app, [resident])
    row = notification_of(notify_app, resident)
    assert row.wechat_status == WeChatStatus.SENT and row.sent_at is not None
    assert consent_left(notify_app, resident) == 0
    [message] = fake_wechat.sent
    assert message["touser"] == "dev-resident" and message["template_id"] == "tmpl-matter"
    assert message["page"] == "pages/index/index"
    assert message["data"] == {"thing1": {"value": "您反映的路灯问题已受理"}, "phrase2": {"value": "处理中"},
                               "time3": {"value": "2026年11月21日 15:05"},
                               "thing4": {"value": "网格员明天上门查看"}}


def test_without_consent_or_template_the_notification_stays_in_the_inbox(notify_app, fake_wechat):
    with_consent, without, = make_users(notify_app, "a", "b")
    give_consent(notify_app, with_consent)
    notify_matter(notify_app, [with_consent, without])
    assert notification_of(notify_app, without).wechat_status == WeChatStatus.NONE
    assert notification_of(notify_app, without).wechat_note == "no_consent"
    with notify_app.app_context():
        service.notify([with_consent], "notice", {"title": "公示：院坝会纪要", "body": "详见公告栏"})
        db.session.commit()
    notice = notification_of(notify_app, with_consent)
    assert (notice.kind, notice.wechat_status, notice.wechat_note) == ("notice", "none", "no_template")
    assert [m["touser"] for m in fake_wechat.sent] == ["dev-a"]  # one consent, one message
    notify_matter(notify_app, [with_consent])  # consent spent: inbox only now
    assert len(fake_wechat.sent) == 1
    assert notification_of(notify_app, with_consent).wechat_note == "no_consent"


def test_without_wechat_credentials_everything_is_inbox_only(app):
    resident, = make_users(app, "resident")
    give_consent(app, resident)
    notify_matter(app, [resident])
    row = notification_of(app, resident)
    assert (row.wechat_status, row.wechat_note, row.template_id) == ("none", "no_template", None)


def test_notify_needs_a_title_and_a_known_kind(app):
    with app.app_context():
        with pytest.raises(ValueError):
            service.notify([1], "matter_status", {"body": "no title"})
        with pytest.raises(ValueError):
            service.notify([1], "gossip", {"title": "x"})


def test_fan_out_costs_the_same_statements_for_many_recipients(notify_app, fake_wechat):
    """Notifying a whole community: batched inserts, one delivery job per 100 consenting
    recipients; the statement count does not follow the number of households."""
    users = make_users(notify_app, *[f"h{n}" for n in range(2100)])
    consenting = users[::700]  # 3 of them
    for user_id in consenting:
        give_consent(notify_app, user_id)

    def statements_for(recipients):
        with counting_statements(notify_app) as seen, notify_app.app_context():
            service.notify(recipients, "matter_status", {"title": "停水通知", "status": "已发布"})
            notify_statements = len(seen)
            db.session.commit()
        return notify_statements

    # per batch of 1,000: a consent read, the rows to send (with ids back), the inbox-only rows
    assert statements_for(users[:10]) <= 1 + 3
    assert statements_for(users) <= 1 + 3 * 3
    with notify_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 2110
    assert sorted(m["touser"] for m in fake_wechat.sent) == sorted(f"dev-h{n}" for n in (0, 700, 1400))


# ---- the inbox API -----------------------------------------------------------------------------

def test_inbox_lists_newest_first_and_marks_read(app, client):
    headers = login(client, "resident")
    other = login(client, "neighbour")
    resident, neighbour = make_users(app, "resident", "neighbour")
    with app.app_context():
        for n in range(5):
            service.notify([resident], "notice", {"title": f"通知{n}"}, page=f"pages/p{n}")
        service.notify([neighbour], "notice", {"title": "别人的"})
        db.session.commit()

    first = client.get("/api/v1/notifications?limit=3", headers=headers).get_json()
    assert [item["title"] for item in first["items"]] == ["通知4", "通知3", "通知2"]
    assert first["items"][0]["page"] == "pages/p4" and first["items"][0]["read_at"] is None
    rest = client.get(f"/api/v1/notifications?limit=3&cursor={first['next_cursor']}", headers=headers).get_json()
    assert [item["title"] for item in rest["items"]] == ["通知1", "通知0"] and rest["next_cursor"] is None
    assert client.get("/api/v1/notifications/unread-count", headers=headers).get_json() == {"unread": 5}

    newest = first["items"][0]["id"]
    read = client.post(f"/api/v1/notifications/{newest}/read", headers=headers)
    assert read.status_code == 200 and read.get_json()["read_at"]
    assert client.post(f"/api/v1/notifications/{newest}/read", headers=other).status_code == 404
    unread = client.get("/api/v1/notifications?unread=true", headers=headers).get_json()["items"]
    assert [item["title"] for item in unread] == ["通知3", "通知2", "通知1", "通知0"]

    # "all read" covers what the user has seen; one that arrived since stays unread
    seen_up_to = unread[0]["id"]
    with app.app_context():
        service.notify([resident], "notice", {"title": "新到的"})
        db.session.commit()
    result = client.post("/api/v1/notifications/read-all", json={"up_to_id": seen_up_to}, headers=headers)
    assert result.get_json() == {"marked": 4, "unread": 1}
    assert client.post("/api/v1/notifications/read-all", json={}, headers=headers).get_json() == \
        {"marked": 1, "unread": 0}
    assert client.get("/api/v1/notifications/unread-count", headers=other).get_json() == {"unread": 1}


def test_inbox_refuses_bad_input(client):
    headers = login(client, "resident")
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.get("/api/v1/notifications?limit=1000", headers=headers).status_code == 422
    assert client.post("/api/v1/notifications/999/read", headers=headers).status_code == 404
    response = client.post("/api/v1/notifications/read-all", json={"up_to_id": "x"}, headers=headers)
    assert response.status_code == 422 and response.get_json()["error"]["code"]


@pytest.mark.parametrize("status, note, label", [
    ("none", "no_template", "只在消息里，不发微信提醒"),
    ("none", "no_consent", "未发送微信提醒：未订阅"),
    ("pending", None, "微信提醒发送中"),
    ("sending", None, "微信提醒发送中"),
    ("pending", "wechat_unavailable", "微信提醒稍后再发"),
    ("pending", "45009 quota reached", "微信提醒稍后再发"),
    ("sent", None, "已发送微信提醒"),
    ("sent", "no_answer", "微信提醒可能已发送（微信未确认）"),
    ("none", "switched_off", "只在消息里：未开启这类微信提醒"),
    ("none", "reminded_today", "只在消息里：今天已提醒过这件诉求"),
    ("failed", "wechat_unavailable", "未发送微信提醒：发送失败"),
    ("failed", "45009 quota reached", "未发送微信提醒：发送失败"),
    ("rejected", "no_openid", "未发送微信提醒：未绑定微信"),
    ("rejected", "43101 user refused", "未发送微信提醒：未订阅"),
    ("rejected", "40003 bad openid", "未发送微信提醒：未绑定微信"),
    ("rejected", "47003 bad template value", "未发送微信提醒：发送失败"),
    ("rejected", "40037 refused", "未发送微信提醒：发送失败"),
])
def test_each_delivery_state_is_told_to_the_resident_in_words(status, note, label):
    assert service.wechat_label(status, note) == label


def test_the_inbox_says_whether_each_message_reached_wechat(notify_app, fake_wechat):
    client = notify_app.test_client()
    headers = wechat_login(client, fake_wechat, "resident")
    with notify_app.app_context():
        resident = db.session.scalar(select(User.id).where(User.openid == "o-resident"))
    give_consent(notify_app, resident, count=2)
    notify_matter(notify_app, [resident], title="已送到微信")
    fake_wechat.send_answers = ["http500"]
    notify_matter(notify_app, [resident], title="微信出错")
    notify_matter(notify_app, [resident], title="又送到微信")  # the failed one's consent came back
    notify_matter(notify_app, [resident], title="次数用完")
    with notify_app.app_context():
        service.notify([resident], "notice", {"title": "公示"})
        db.session.commit()

    items = client.get("/api/v1/notifications", headers=headers).get_json()["items"]
    assert [(item["title"], item["wechat_label"]) for item in items] == [
        ("公示", "只在消息里，不发微信提醒"), ("次数用完", "未发送微信提醒：未订阅"), ("又送到微信", "已发送微信提醒"),
        ("微信出错", "未发送微信提醒：发送失败"), ("已送到微信", "已发送微信提醒")]
    read = client.post(f"/api/v1/notifications/{items[0]['id']}/read", headers=headers).get_json()
    assert read["wechat_label"] == "只在消息里，不发微信提醒"


# ---- consents ----------------------------------------------------------------------------------

def wechat_login(client, fake_wechat, name):
    fake_wechat.codes[f"code-{name}"] = {"openid": f"o-{name}"}
    token = client.post("/api/v1/auth/login", json={"code": f"code-{name}"}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_consents_are_counted_per_template(notify_app, fake_wechat):
    client = notify_app.test_client()
    headers = wechat_login(client, fake_wechat, "resident")
    listed = client.get("/api/v1/notifications/consents", headers=headers).get_json()["items"]
    assert {(item["kind"], item["template_id"], item["remaining"]) for item in listed} == {
        ("matter_status", "tmpl-matter", 0), ("meeting_invitation", "tmpl-meeting", 0)}
    assert {item["label"] for item in listed} == {"诉求进度提醒", "会议邀请"}

    def report(results, key):
        response = client.post("/api/v1/notifications/consents", json={"results": results},
                               headers={**headers, "Idempotency-Key": key})
        assert response.status_code == 200, response.get_json()
        return {item["template_id"]: item["remaining"] for item in response.get_json()["items"]}

    assert report({"tmpl-matter": "accept", "tmpl-meeting": "reject", "tmpl-retired": "accept"}, "k1") == \
        {"tmpl-matter": 1, "tmpl-meeting": 0}
    assert report({"tmpl-matter": "accept", "tmpl-meeting": "accept"}, "k2") == {"tmpl-matter": 2, "tmpl-meeting": 1}
    # a phone retrying the same report does not count it twice
    assert report({"tmpl-matter": "accept", "tmpl-meeting": "accept"}, "k2") == {"tmpl-matter": 2, "tmpl-meeting": 1}
    assert report({"tmpl-meeting": "ban", "tmpl-matter": "filter"}, "k3") == {"tmpl-matter": 2, "tmpl-meeting": 0}


@pytest.mark.parametrize("body", [{}, {"results": {}}, {"results": {"tmpl-matter": "yes"}},
                                  {"results": ["tmpl-matter"]}])
def test_consent_report_refuses_malformed_results(notify_app, fake_wechat, body):
    client = notify_app.test_client()
    response = client.post("/api/v1/notifications/consents", json=body,
                           headers=wechat_login(client, fake_wechat, "resident"))
    assert response.status_code == 422
    assert "error" in response.get_json()


# ---- delivery: WeChat's answers -----------------------------------------------------------------

@pytest.mark.parametrize("answer, status, note, consent_after", [
    ({"errcode": -1, "errmsg": "system busy"}, "failed", "wechat_unavailable", 2),
    ({"errcode": 45009, "errmsg": "quota"}, "failed", "45009 quota reached", 2),
    ("http500", "failed", "wechat_unavailable", 2),
    (("slow", 1.5), "sent", "no_answer", 1),  # WeChat may have it: never sent again, consent spent
    ({"errcode": 43101, "errmsg": "user refuse"}, "rejected", "43101 user refused", 0),
    ({"errcode": 40003, "errmsg": "invalid openid"}, "rejected", "40003 bad openid", 1),
    ({"errcode": 47003, "errmsg": "argument invalid"}, "rejected", "47003 bad template value", 2),
])
def test_each_wechat_answer_is_recorded_and_the_inbox_copy_kept(notify_app, fake_wechat, answer, status,
                                                                  note, consent_after):
    """Inline there is no later retry, so a passing fault is final: consent given back, the job
    failed. 43101 means WeChat holds no consent: ours is cleared. 40003: nothing to give back to."""
    resident, = make_users(notify_app, "resident")
    give_consent(notify_app, resident, count=2)
    fake_wechat.send_answers = [answer]
    notify_matter(notify_app, [resident])
    row = notification_of(notify_app, resident)
    assert (row.wechat_status, row.wechat_note) == (status, note)
    assert row.title == "您反映的路灯问题已受理" and row.read_at is None
    assert consent_left(notify_app, resident) == consent_after
    assert fake_wechat.sent == []


def test_expired_token_is_refreshed_and_the_send_retried_once(notify_app, fake_wechat):
    resident, = make_users(notify_app, "resident")
    give_consent(notify_app, resident, count=2)
    notify_matter(notify_app, [resident])
    fake_wechat.expire_token()
    notify_matter(notify_app, [resident])
    assert notification_of(notify_app, resident).wechat_status == "sent"
    assert len(fake_wechat.sent) == 2
    fetches = [body for _, path, _, body in fake_wechat.requests if path == "/cgi-bin/stable_token"]
    assert [body["force_refresh"] for body in fetches] == [False, False]


def test_revoked_token_is_force_refreshed(notify_app, fake_wechat):
    resident, = make_users(notify_app, "resident")
    give_consent(notify_app, resident, count=2)
    notify_matter(notify_app, [resident])
    fake_wechat.revoke_token()  # a plain fetch keeps answering the revoked token
    notify_matter(notify_app, [resident])
    assert notification_of(notify_app, resident).wechat_status == "sent"
    fetches = [body for _, path, _, body in fake_wechat.requests if path == "/cgi-bin/stable_token"]
    assert [body["force_refresh"] for body in fetches] == [False, False, True]
    assert fake_wechat.current_token == "token-2"


def test_a_token_refused_twice_is_not_retried_in_a_loop(notify_app, fake_wechat):
    resident, = make_users(notify_app, "resident")
    give_consent(notify_app, resident)
    fake_wechat.send_answers = [{"errcode": 40001, "errmsg": "invalid credential"}] * 5
    notify_matter(notify_app, [resident])
    row = notification_of(notify_app, resident)
    assert (row.wechat_status, row.wechat_note) == ("failed", "wechat_unavailable")
    sends = [path for _, path, _, _ in fake_wechat.requests if path == "/cgi-bin/message/subscribe/send"]
    assert len(sends) == 2 and len(fake_wechat.send_answers) == 3


# ---- delivery is idempotent --------------------------------------------------------------------

def test_running_a_delivery_again_sends_nothing_more(notify_app, fake_wechat):
    resident, = make_users(notify_app, "resident")
    give_consent(notify_app, resident, count=5)
    notify_matter(notify_app, [resident])
    notification_id = notification_of(notify_app, resident).id
    with notify_app.app_context():
        deliver([notification_id])
        deliver([notification_id])
    assert len(fake_wechat.sent) == 1
    assert consent_left(notify_app, resident) == 4


def test_a_delivery_interrupted_after_its_claim_is_never_sent_twice(notify_app, fake_wechat):
    """A worker killed between claiming and recording the send leaves `sending`: a rerun of the
    job must not send again (WeChat may already have the message)."""
    resident, = make_users(notify_app, "resident")
    give_consent(notify_app, resident, count=5)
    with notify_app.app_context():
        service.notify([resident], "matter_status", {"title": "已办结"})
        db.session.flush()
        row = db.session.scalars(select(Notification)).one()
        row.wechat_status, row.consent_spent = WeChatStatus.SENDING, True
        notification_id = row.id
        db.session.info.clear()  # the job the commit would enqueue died with the worker
        db.session.commit()
    with notify_app.app_context():
        deliver([notification_id])
    assert fake_wechat.sent == []
    assert notification_of(notify_app, resident).wechat_status == "sending"


def test_concurrent_runs_of_one_delivery_send_one_message(notify_app, fake_wechat):
    resident, = make_users(notify_app, "resident")
    give_consent(notify_app, resident, count=5)
    with notify_app.app_context():
        service.notify([resident], "matter_status", {"title": "已办结"})
        db.session.info.clear()  # deliver by hand below, from two workers at once
        db.session.commit()
        notification_id = db.session.scalar(select(Notification.id))
    fake_wechat.delay = 0.2  # every run is inside its send when the others try to claim
    errors = []

    def run():
        try:
            with notify_app.app_context():
                deliver([notification_id])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(fake_wechat.sent) == 1
    assert consent_left(notify_app, resident) == 4


def test_a_deferred_batch_leaves_the_rest_for_the_retry(notify_app, fake_wechat):
    """WeChat down mid-batch: the job stops asking (no timeout per household) and raises so rq
    retries it; inline it is the last attempt, so the untried ones are marked failed."""
    users = make_users(notify_app, "a", "b", "c")
    for user_id in users:
        give_consent(notify_app, user_id)
    with notify_app.app_context():
        service.notify(users, "matter_status", {"title": "停电通知"})
        db.session.info.clear()
        db.session.commit()
        ids = list(db.session.scalars(select(Notification.id).order_by(Notification.id)))
    fake_wechat.send_answers = [None, {"errcode": -1, "errmsg": "busy"}]  # first one goes through
    with notify_app.app_context(), pytest.raises(DeliveryDeferred):
        deliver(ids)
    with notify_app.app_context():
        states = [db.session.get(Notification, nid).wechat_status for nid in ids]
    assert states == ["sent", "failed", "failed"]
    sends = [path for _, path, _, _ in fake_wechat.requests if path == "/cgi-bin/message/subscribe/send"]
    assert len(sends) == 2
    assert [consent_left(notify_app, user_id) for user_id in users] == [0, 1, 1]
