"""Voice notes (语音): a resident speaks instead of typing. Checked like photos (format, size,
duration), sent with a report, played only by those who see the matter in full, kept with
the matter as photos are."""
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.auth.service import find_or_create_user
from app.community import service as community
from app.community.models import Household, HouseholdHelper, Role
from app.extensions import db
from app.matters.models import Matter, VoiceNote
from app.matters.service.reporting import VOICE_TITLE
from app.models_base import utcnow
from tests.conftest import counting_statements, login
from tests.voice_samples import m4a, mp3

API = "/api/v1"


@pytest.fixture
def people(app, places):
    """places, plus a neighbour heading h2 (another building: sees public matters only)."""
    with app.app_context():
        neighbour = find_or_create_user("dev-neighbour")
        community.add_member(db.session.get(Household, places["h2"]), neighbour, is_head=True)
        db.session.commit()
    return places


def upload(client, name, data, filename="voice.mp3", key=None):
    headers = login(client, name)
    if key:
        headers["Idempotency-Key"] = key
    return client.post(f"{API}/voice-notes", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data", headers=headers)


def report(client, name="resident", **fields):
    body = {"title": "", "category": "street_lamp", **fields}
    return client.post(f"{API}/matters", json=body, headers=login(client, name))


def play(client, name, voice_note):
    headers = login(client, name) if name else {}
    return client.get(voice_note["url"], headers=headers)


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def stored_files(app):
    return sorted(path.name for path in Path(app.config["MEDIA_ROOT"]).rglob("*") if path.is_file())


def test_a_report_by_voice_alone(app, client, people):
    recording = mp3(2.5)
    first = upload(client, "resident", recording, key="v1")
    assert first.status_code == 201, first.get_json()
    note = first.get_json()
    assert note["content_type"] == "audio/mpeg" and 2400 <= note["duration_ms"] <= 2600
    assert note["url"] == f"http://localhost/api/v1/voice-notes/{note['id']}"
    retried = upload(client, "resident", recording, key="v1")  # the phone retried: the same note
    assert retried.get_json()["id"] == note["id"] and retried.headers["Idempotent-Replayed"] == "true"
    assert count(app, VoiceNote) == 1

    before = play(client, "resident", note)  # the uploader hears it back before sending
    assert before.status_code == 200 and before.mimetype == "audio/mpeg" and before.data == recording
    assert play(client, "neighbour", note).status_code == 404

    created = report(client, voice_note_id=note["id"])  # no text at all
    assert created.status_code == 201, created.get_json()
    matter = created.get_json()
    assert matter["title"] == VOICE_TITLE and matter["description"] == ""
    assert matter["voice_note"] == note
    assert report(client, voice_note_id=note["id"]).status_code == 422  # already sent with a report
    assert report(client, "neighbour", voice_note_id=note["id"]).get_json()["error"]["details"]["fields"] == {
        "voice_note_id": ["语音不存在或已使用，请重新录一段"]}
    assert count(app, Matter) == 1  # the refused reports left nothing behind

    queue = client.get(f"{API}/communities/{people['community']}/triage-queue", headers=login(client, "council"))
    [queued] = queue.get_json()["items"]
    assert queued["voice_note"] == note  # the sitting hears it without opening the matter
    assert play(client, "council", queued["voice_note"]).data == recording


def test_text_and_voice_together_and_the_text_rules(app, client, people):
    note = upload(client, "resident", m4a(3), filename="voice.m4a").get_json()
    assert note["content_type"] == "audio/mp4"
    both = report(client, title="门口路灯坏了", description="录了一段语音说明", voice_note_id=note["id"])
    assert both.status_code == 201
    assert (both.get_json()["title"], both.get_json()["voice_note"]["id"]) == ("门口路灯坏了", note["id"])
    assert play(client, "resident", note).mimetype == "audio/mp4"

    no_text = report(client)  # neither a title nor a voice note
    assert no_text.status_code == 422
    assert no_text.get_json()["error"]["message"] == "标题：必填，或者录一段语音"
    other = upload(client, "resident", mp3(2)).get_json()
    short = report(client, title="灯", voice_note_id=other["id"])  # a title is 2 characters or none
    assert short.get_json()["error"]["message"] == "标题：须为 2 到 60 个字"
    assert report(client, title="路灯坏了").status_code == 201  # text alone, as ever


def test_only_those_who_see_the_matter_in_full_may_play_it(app, client, people):
    note = upload(client, "resident", mp3(2)).get_json()
    mid = report(client, title="单元门口路灯坏了", voice_note_id=note["id"]).get_json()["id"]
    # unclassified: only the household and those who triage or handle matters see it at all
    assert client.post(f"{API}/matters/{mid}/classify", json={"matter_class": "minor", "reason": "公共照明"},
                       headers=login(client, "council")).status_code == 200
    # now public in the community: the neighbour reads the matter, but hears nothing of it
    seen = client.get(f"{API}/matters/{mid}", headers=login(client, "neighbour")).get_json()
    assert seen["title"] == "单元门口路灯坏了" and seen["voice_note"] is None
    for name in ("resident", "council", "staff", "gridworker", "admin"):
        assert play(client, name, note).status_code == 200, name
        detail = client.get(f"{API}/matters/{mid}", headers=login(client, name)).get_json()
        assert detail["voice_note"]["id"] == note["id"], name
    for name in ("neighbour", "bhead", "nobody", "other-staff"):
        refused = play(client, name, note)
        assert refused.status_code == 404 and refused.get_json()["error"]["message"] == "语音不存在或无权收听", name
    assert play(client, None, note).status_code == 401
    assert client.get(f"{API}/voice-notes/{note['id'] + 1000}", headers=login(client, "admin")).status_code == 404


def test_the_handler_and_a_family_helper_hear_it_while_theirs_to_follow(app, client, people):
    """Issue 20: "playable by handlers"; a family helper following the household's matters too,
    while the link lasts."""
    with app.app_context():
        department = community.create_department("城管")
        community.grant_role(None, find_or_create_user("dev-liaison"), Role.DEPARTMENT_LIAISON, department.id)
        helper = HouseholdHelper(household_id=people["h1"], user_id=find_or_create_user("dev-daughter").id,
                                 report_and_follow=True, granted_as="head")
        db.session.add(helper)
        db.session.commit()
        department_id, helper_id = department.id, helper.id
    note = upload(client, "resident", mp3(2)).get_json()
    mid = report(client, title="单元门口路灯坏了", voice_note_id=note["id"]).get_json()["id"]
    assert play(client, "daughter", note).status_code == 200
    assert play(client, "liaison", note).status_code == 404  # not yet theirs to handle
    for action, body in (("classify", {"matter_class": "major", "reason": "公共照明"}),
                         ("assign", {"handler_type": "department", "department_id": department_id,
                                     "due_date": (date.today() + timedelta(days=15)).isoformat()})):
        done = client.post(f"{API}/matters/{mid}/{action}", json=body, headers=login(client, "staff"))
        assert done.status_code == 200, done.get_json()
    assert play(client, "liaison", note).status_code == 200
    with app.app_context():
        db.session.get(HouseholdHelper, helper_id).revoked_at = utcnow()
        db.session.commit()
    assert play(client, "daughter", note).status_code == 404


def riff_wave():
    return b"RIFF" + (36).to_bytes(4, "little") + b"WAVEfmt " + bytes(28) + b"data" + bytes(4)


@pytest.mark.parametrize("data, status, code, words", [
    (b"", 422, "voice_empty", "录音是空的"),
    (riff_wave(), 422, "invalid_voice", "录音无法识别"),  # the recorder's wav: not accepted
    (b"ID3" + bytes(200), 422, "invalid_voice", "录音无法识别"),  # a tag and nothing after it
    (bytes([0xFF, 0xFB]) + b"not really frames" * 20, 422, "invalid_voice", "录音无法识别"),
    (m4a(3, codec=b"alac"), 422, "invalid_voice", "录音无法识别"),  # MP4, but not AAC
    (mp3(0.5), 422, "voice_too_short", "录音太短"),
    (mp3(61.5), 422, "voice_too_long", "语音最长 60 秒"),
    (m4a(75), 422, "voice_too_long", "语音最长 60 秒"),
    (mp3(60 * 35), 413, "voice_too_large", "录音文件太大"),  # 2.1 MB
], ids=["empty", "wav", "id3-only", "garbage", "alac", "short", "long-mp3", "long-m4a", "large"])
def test_recordings_that_are_refused(app, client, people, data, status, code, words):
    response = upload(client, "resident", data)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code and words in error["message"]
    assert count(app, VoiceNote) == 0 and stored_files(app) == []


def test_sixty_seconds_is_accepted(client, people):
    assert upload(client, "resident", mp3(60)).status_code == 201
    assert upload(client, "resident", m4a(60), filename="v.m4a").status_code == 201


def test_the_text_is_checked_by_wechat_and_a_voice_alone_is_not_sent(make_app, fake_wechat, places):
    app = make_app(WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret",
                   WECHAT_API_BASE=fake_wechat.url, WECHAT_TIMEOUT=1.0)
    client = app.test_client()
    fake_wechat.codes["c"] = {"openid": "dev-resident"}
    headers = {"Authorization": f"Bearer {client.post(f'{API}/auth/login', json={'code': 'c'}).get_json()['token']}"}
    fake_wechat.risky_words = {"违禁词"}

    def send(**fields):
        note = client.post(f"{API}/voice-notes", data={"file": (io.BytesIO(mp3(2)), "v.mp3")},
                           content_type="multipart/form-data", headers=headers).get_json()
        return client.post(f"{API}/matters", json={"title": "", "category": "street_lamp",
                                                   "voice_note_id": note["id"], **fields}, headers=headers)

    assert send().status_code == 201
    assert [path for _, path, _, _ in fake_wechat.requests if path == "/wxa/msg_sec_check"] == []
    held = send(description="含违禁词的描述")  # checked once saved (tests/test_report_check.py)
    assert held.status_code == 201 and held.get_json()["text_check"] == "checking"
    assert client.get(f"{API}/matters/{held.get_json()['id']}", headers=headers).get_json()["text_check"] == "risky"
    assert count(app, Matter) == 2


def test_erasing_the_account_deletes_the_voice_notes_never_sent(app, client, people):
    """As with photos: what was sent with a report stays with it in the community's record."""
    sent = upload(client, "resident", mp3(2)).get_json()
    kept_back = upload(client, "resident", mp3(3)).get_json()
    mid = report(client, title="路灯坏了", voice_note_id=sent["id"]).get_json()["id"]
    mine = client.get(f"{API}/me/export", headers=login(client, "resident")).get_json()
    assert sorted(row["id"] for row in mine["voice_notes"]) == sorted([sent["id"], kept_back["id"]])
    assert len(stored_files(app)) == 2

    erased = client.post(f"{API}/me/erase", json={"confirm": "注销账号"}, headers=login(client, "resident"))
    assert erased.status_code == 204
    with app.app_context():
        assert db.session.scalars(select(VoiceNote.id)).all() == [sent["id"]]
    assert len(stored_files(app)) == 1  # the other file went once the erasure committed
    detail = client.get(f"{API}/matters/{mid}", headers=login(client, "staff")).get_json()
    assert detail["voice_note"]["id"] == sent["id"]
    assert client.get(sent["url"], headers=login(client, "staff")).status_code == 200


def test_a_voice_note_costs_a_matter_view_no_extra_statement(app, client, people):
    """The detail looks for the voice note in one query, whether or not there is one."""
    plain = report(client, title="路灯坏了").get_json()["id"]
    note = upload(client, "resident", mp3(2)).get_json()
    spoken = report(client, title="路灯坏了", voice_note_id=note["id"]).get_json()["id"]
    headers = login(client, "staff")
    costs = []
    for mid in (plain, spoken):
        with counting_statements(app) as statements:
            assert client.get(f"{API}/matters/{mid}", headers=headers).status_code == 200
        costs.append(len(statements))
    assert costs[0] == costs[1]
