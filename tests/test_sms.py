"""The SMS channel (issue 20, item 5): households' consent, which notices go by SMS and to whom,
per-household limits, and delivery through the real Tencent Cloud SDK to a fake provider on
127.0.0.1 (tests/fake_sms.py), inline and through a real rq worker."""
import logging
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text, update

from app.audit.models import AuditEntry
from app.auth.service import find_or_create_user
from app.community import service as community
from app.community.models import Household
from app.extensions import db
from app.models_base import utcnow
from app.notifications import service, sms_provider
from app.notifications.models import SmsConsent, SmsMessage
from app.notifications.tasks import deliver, sweep
from config import ConfigError
from tests.conftest import login, make_due, work
from tests.factories import PHONE, consent, give_consent, sms_settings
from tests.fake_sms import SDK_APP_ID

API = "/api/v1"
MASKED = "139****5678"


@pytest.fixture
def sms_app(make_app, fake_sms, places):
    """SMS on (the fake), WeChat off: no member of any household gets a WeChat message."""
    return make_app(**sms_settings(fake_sms))


@pytest.fixture
def rq_sms_app(make_app, fake_sms, places, connection):
    return make_app(**sms_settings(fake_sms), JOBS_INLINE=False, REDIS_CLIENT=connection)


def invite(app, user_ids, title="1幢楼道改造意见会"):
    with app.app_context():
        service.notify(user_ids, "meeting_invitation",
                       {"title": title, "time": datetime(2026, 11, 21, 7, 0, tzinfo=timezone.utc),
                        "place": "1幢楼下院坝", "body": "请回复是否参加"}, page="pages/meeting/meeting?id=1")
        db.session.commit()


def invite_unsent(app, user_ids, title="1幢楼道改造意见会"):
    """invite(), but the job its commit would enqueue is lost (a worker died, Redis lost it):
    the test runs delivery itself. The ids of the notifications."""
    with app.app_context():
        service.notify(user_ids, "meeting_invitation", {"title": title, "place": "1幢楼下院坝"})
        db.session.info.clear()
        db.session.commit()
        return db.session.scalars(select(SmsMessage.notification_id).order_by(SmsMessage.id)).all()


def texts(app):
    with app.app_context():
        return db.session.scalars(select(SmsMessage).order_by(SmsMessage.id)).all()


# ---- consent ----------------------------------------------------------------------------------

def test_a_resident_consents_for_their_household_and_the_number_is_kept_sealed(sms_app, places):
    client = sms_app.test_client()
    resident = login(client, "resident")
    url = f"{API}/notifications/households/{places['h1']}/sms-consent"
    assert client.get(url, headers=resident).get_json()["consented"] is False

    answer = client.put(url, json={"phone": "+86 139 1234 5678"}, headers=resident)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() | {"consented_at": None} == {
        "household_id": places["h1"], "consented": True, "phone": MASKED, "evidence": "self",
        "evidence_label": "本人在小程序中同意", "consented_at": None}
    assert client.get(url, headers=login(client, "bhead")).get_json()["phone"] == MASKED
    with sms_app.app_context():  # nowhere in clear: not the table, not the audit log
        stored = db.session.execute(text("SELECT * FROM sms_consents")).one()
        logged = db.session.execute(text("SELECT details FROM audit_entries")).scalars().all()
        assert PHONE not in str(stored) and "5678" not in str(stored)
        assert PHONE not in str(logged)
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "household.sms_consent_set")).one()
        assert entry.details == {"evidence": "self", "on_behalf": False}

    assert client.delete(url, headers=resident).get_json()["consented"] is False
    with sms_app.app_context():
        assert db.session.scalar(select(SmsConsent)) is None


def test_a_building_head_enters_consent_only_with_how_it_was_given(sms_app, places):
    client = sms_app.test_client()
    bhead = login(client, "bhead")
    url = f"{API}/notifications/households/{places['h1']}/sms-consent"
    refused = client.put(url, json={"phone": PHONE}, headers=bhead)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "consent_evidence_required"
    entered = client.put(url, json={"phone": PHONE, "evidence": "written"}, headers=bhead)
    assert entered.status_code == 200 and entered.get_json()["evidence_label"] == "书面同意"
    for name in ("nobody", "far", "council"):  # not their household, no standing to act for it
        assert client.put(url, json={"phone": PHONE, "evidence": "written"}, headers=login(client, name)).status_code == 403
        assert client.get(url, headers=login(client, name)).status_code == 403
    landline = client.put(url, json={"phone": "028-12345678", "evidence": "written"}, headers=bhead)
    assert landline.status_code == 422 and "手机号码" in landline.get_json()["error"]["message"]
    assert client.get(f"{API}/notifications/households/999999/sms-consent", headers=bhead).status_code == 404


def test_consent_goes_with_the_account_of_the_resident_who_gave_it(sms_app, places):
    client = sms_app.test_client()
    resident = login(client, "resident")
    client.put(f"{API}/notifications/households/{places['h1']}/sms-consent", json={"phone": PHONE}, headers=resident)
    assert client.post(f"{API}/me/erase", json={"confirm": "注销账号"}, headers=resident).status_code == 204
    with sms_app.app_context():
        assert db.session.scalar(select(SmsConsent)) is None


def test_settings_are_checked_at_start(make_app, fake_sms):
    for overrides, fragment in [
        ({"SMS_PROVIDER": "carrier-pigeon"}, "SMS_PROVIDER"),
        ({"SMS_SECRET_KEY": None}, "SMS_SECRET_KEY"),
        ({"SMS_TEMPLATES": {"notice": "1"}}, "not sent by SMS"),
        ({"SMS_TEMPLATES": "{not json"}, "JSON"),
        ({"SMS_SIGN_NAME": None, "SMS_TEMPLATES": {"meeting_invitation": "1"}}, "SMS_SIGN_NAME"),
        ({"SMS_DAILY_LIMIT": 0}, "SMS_DAILY_LIMIT"),
    ]:
        with pytest.raises(ConfigError, match=fragment):
            make_app(**sms_settings(fake_sms, **overrides))


# ---- who gets an SMS --------------------------------------------------------------------------

def test_a_household_off_wechat_gets_the_notice_by_sms_through_the_sdk(sms_app, fake_sms, places, caplog):
    consent(sms_app, places["h1"])
    caplog.set_level(logging.DEBUG)
    invite(sms_app, [places["resident"]], title="关于1幢楼道改造加装扶手的意见征集会议")
    [request] = fake_sms.requests
    assert request["signature_ok"]  # TC3-HMAC-SHA256 over the body with our secret key
    [message] = texts(sms_app)
    assert request["body"] == {
        "PhoneNumberSet": [f"+86{PHONE}"], "SmsSdkAppId": SDK_APP_ID, "TemplateId": "1000001", "SignName": "东海社区",
        "TemplateParamSet": ["关于1幢楼道改造加装扶…", "11月21日15:00", "1幢楼下院坝"],
        "SessionContext": f"sms-{message.id}"}
    assert all(len(param) <= 12 for param in request["body"]["TemplateParamSet"])
    assert (message.status, message.attempts, message.provider_ref) == ("sent", 1, "serial-1")
    assert PHONE not in caplog.text


def test_no_sms_without_consent_or_for_notices_that_do_not_deserve_one(sms_app, fake_sms, places):
    invite(sms_app, [places["resident"]])  # no consent yet
    consent(sms_app, places["h1"])
    with sms_app.app_context():
        service.notify([places["resident"]], "notice", {"title": "公示：院坝会纪要"})
        service.notify([places["resident"]], "matter_status", {"title": "路灯", "status": "办理中"})
        db.session.commit()
    assert fake_sms.requests == [] and texts(sms_app) == []
    with sms_app.app_context():
        service.notify([places["resident"]], "matter_status", {"title": "路灯", "status": "已办结"})
        db.session.commit()
    assert [r["body"]["TemplateParamSet"] for r in fake_sms.requests] == [["路灯", "已办结"]]


def test_a_notice_without_an_approved_template_is_recorded_not_sent(sms_app, fake_sms, places):
    consent(sms_app, places["h1"])
    with sms_app.app_context():
        service.notify([places["resident"]], "poll_closing", {"title": "加装围墙表决", "note": "即将截止"})
        db.session.commit()
    assert fake_sms.requests == []
    assert [(m.status, m.note) for m in texts(sms_app)] == [("dropped", "no_template")]


def test_one_sms_per_household_and_none_where_a_member_gets_it_on_wechat(make_app, fake_sms, fake_wechat, places):
    app = make_app(**sms_settings(fake_sms), WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret",
                   WECHAT_API_BASE=fake_wechat.url, WECHAT_TIMEOUT=1.0,
                   WECHAT_TEMPLATES={"meeting_invitation": "tmpl-meeting"})
    with app.app_context():
        h1, h2 = db.session.get(Household, places["h1"]), db.session.get(Household, places["h2"])
        spouse, far = find_or_create_user("dev-spouse"), find_or_create_user("dev-far")
        community.add_member(h1, spouse)
        community.add_member(h2, far, is_head=True)
        db.session.commit()
        ids = {"spouse": spouse.id, "far": far.id}
    consent(app, places["h1"])
    consent(app, places["h2"], phone="13700001111")
    give_consent(app, ids["far"], "tmpl-meeting")  # h2's head subscribed on WeChat
    invite(app, [places["resident"], ids["spouse"], ids["far"]])
    assert [m["touser"] for m in fake_wechat.sent] == ["dev-far"]
    assert [r["body"]["PhoneNumberSet"] for r in fake_sms.requests] == [[f"+86{PHONE}"]]  # h1 once, h2 not
    [message] = texts(app)
    assert message.household_id == places["h1"]


# ---- limits and failures ----------------------------------------------------------------------

def test_the_daily_limit_drops_the_excess_with_its_reason(sms_app, fake_sms, places):
    consent(sms_app, places["h1"])
    for n in range(3):
        invite(sms_app, [places["resident"]], title=f"会议{n}")
    assert len(fake_sms.sent) == 2
    assert [(m.status, m.note) for m in texts(sms_app)] == [("sent", None), ("sent", None), ("dropped", "daily_limit")]
    with sms_app.app_context():
        assert sweep() == 0  # dropped for good: nothing left to requeue


def test_a_permanent_refusal_is_recorded_and_not_retried(rq_sms_app, fake_sms, places):
    consent(rq_sms_app, places["h1"])
    fake_sms.answers = [("refused", "InvalidParameterValue.IncorrectPhoneNumber")]
    invite(rq_sms_app, [places["resident"]])
    work(rq_sms_app)
    assert make_due(rq_sms_app) == []  # no retry scheduled
    [message] = texts(rq_sms_app)
    assert (message.status, message.note, message.attempts) == ("rejected", "InvalidParameterValue.IncorrectPhoneNumber", 1)
    assert len(fake_sms.requests) == 1


@pytest.mark.parametrize("trouble", ["throttled", "internal", "http500"])
def test_a_transient_failure_is_retried_with_backoff_and_delivered_once(rq_sms_app, fake_sms, places, trouble):
    consent(rq_sms_app, places["h1"])
    fake_sms.answers = [trouble]
    invite(rq_sms_app, [places["resident"]])
    work(rq_sms_app)
    [message] = texts(rq_sms_app)
    assert (message.status, message.attempts) == ("pending", 1) and fake_sms.sent == []
    assert len(make_due(rq_sms_app)) == 1  # rq's retry, brought forward
    work(rq_sms_app)
    with rq_sms_app.app_context():
        deliver([message.notification_id])  # a job requeued by hand, or a sweep racing it
        sweep()
    [message] = texts(rq_sms_app)
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(fake_sms.sent) == 1 and len(fake_sms.requests) == 2


def test_an_unanswered_send_is_never_sent_again(make_app, fake_sms, places):
    app = make_app(**sms_settings(fake_sms, SMS_TIMEOUT=0.3))
    consent(app, places["h1"])
    fake_sms.answers = [("slow", 1.0)]
    invite(app, [places["resident"]])
    [message] = texts(app)
    assert (message.status, message.note) == ("sent", "no_answer")
    with app.app_context():
        deliver([message.notification_id])
    assert len(fake_sms.requests) == 1


def test_an_unreachable_provider_fails_after_the_last_try_and_a_withdrawn_consent_drops(
        make_app, fake_sms, places, free_port, rq_sms_app):
    down = make_app(**sms_settings(fake_sms, SMS_ENDPOINT=f"http://127.0.0.1:{free_port}"))
    consent(down, places["h1"])
    invite(down, [places["resident"]])  # inline: the only try is the last
    assert [(m.status, m.note) for m in texts(down)] == [("failed", "unreachable")]

    invite(rq_sms_app, [places["resident"]], title="另一次会议")
    rq_sms_app.test_client().delete(f"{API}/notifications/households/{places['h1']}/sms-consent",
                                    headers=login(rq_sms_app.test_client(), "resident"))
    work(rq_sms_app)
    assert [(m.status, m.note) for m in texts(rq_sms_app)][-1] == ("dropped", "no_consent")
    assert fake_sms.requests == []


class WorkerKilled(BaseException):
    """The worker's process killed (SIGKILL): nothing after this point runs, nothing catches it."""


def test_a_worker_killed_after_the_provider_took_the_sms_never_sends_it_again(sms_app, fake_sms, places,
                                                                              monkeypatch):
    """The provider accepted, the worker died before recording it: reruns of the job (rq's
    retry, a requeue by hand) and the sweep leave the claim alone while its lease runs; then the
    sweep settles it as unconfirmed and nothing sends it a second time."""
    consent(sms_app, places["h1"])
    [notification_id] = invite_unsent(sms_app, [places["resident"]])
    send = sms_provider.send

    def send_then_die(*args, **kwargs):
        send(*args, **kwargs)
        raise WorkerKilled()

    monkeypatch.setattr(sms_provider, "send", send_then_die)
    with sms_app.app_context(), pytest.raises(WorkerKilled):
        deliver([notification_id])
    monkeypatch.undo()
    assert len(fake_sms.sent) == 1
    with sms_app.app_context():
        deliver([notification_id])
        assert sweep() == 0  # a claim within its lease is nobody's to requeue
    assert [(m.status, m.attempts) for m in texts(sms_app)] == [("sending", 1)]
    with sms_app.app_context():
        db.session.execute(update(SmsMessage).values(claimed_at=utcnow() - timedelta(minutes=16)))
        db.session.commit()
        sweep()
        deliver([notification_id])
    assert [(m.status, m.note, m.attempts) for m in texts(sms_app)] == [("sent", "no_answer", 1)]
    assert len(fake_sms.requests) == 1


def test_the_sweep_sends_an_sms_copy_whose_job_was_lost(sms_app, fake_sms, places):
    """Only the SMS copy is on its way (WeChat is off here): the sweep finds it by itself."""
    consent(sms_app, places["h1"])
    [notification_id] = invite_unsent(sms_app, [places["resident"]])
    with sms_app.app_context():
        assert sweep() == 0  # a fresh row: its job may still be on its way
        db.session.execute(update(SmsMessage).values(created_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
        assert sweep() == 1
    assert [(m.notification_id, m.status) for m in texts(sms_app)] == [(notification_id, "sent")]
    assert len(fake_sms.sent) == 1


def test_workers_sending_to_one_household_at_once_keep_its_daily_limit(make_app, fake_sms, places):
    """Four notices' jobs run at once for a household with one SMS left today: one is sent, the
    others dropped — the limit is counted under a lock on the household's consent (PostgreSQL in
    CI; SQLite serialises its writers anyway)."""
    app = make_app(**sms_settings(fake_sms, SMS_DAILY_LIMIT=1))
    consent(app, places["h1"])
    ids = [invite_unsent(app, [places["resident"]], title=f"会议{n}")[-1] for n in range(4)]
    start, errors = threading.Barrier(len(ids)), []

    def run(notification_id):
        try:
            start.wait(10)
            with app.app_context():
                deliver([notification_id])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(notification_id,)) for notification_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(fake_sms.sent) == 1
    assert sorted((m.status, m.note) for m in texts(app)) == [("dropped", "daily_limit")] * 3 + [("sent", None)]
