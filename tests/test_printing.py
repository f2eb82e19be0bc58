"""Paper for the notice board and the door (issue 20): each PDF is rendered with pypdfium2 and
read back — its text holds the Chinese a person would read (title, names, counts, codes), the
title's glyphs are drawn (ink, and different characters look different: no empty boxes), and
its QR codes decode (zxing-cpp) to what the app accepts: the check-in code signs in, the ballot
code names the household when its paper ballot is entered."""
import io
import logging
from datetime import timedelta

import pypdfium2 as pdfium
import pytest
import zxingcpp
from sqlalchemy import select, update

from app.community import service as community
from app.extensions import db
from app.meetings.models import Meeting
from app.models_base import utcnow
from config import ConfigError
from tests.conftest import login
from tests.factories import jpeg_with_gps, pass_deadline, poll_body

API = "/api/v1"


# ---- reading a PDF as a person would ------------------------------------------------------------------

def pdf(response):
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/pdf"
    return pdfium.PdfDocument(response.data)


def text(document):
    return "\n".join(page.get_textpage().get_text_bounded() for page in document)


def glyph(page, image, index, scale):
    """The rendered pixels of character `index`: its box, cut from the page image, in grey."""
    left, bottom, right, top = page.get_textpage().get_charbox(index)
    height = page.get_height()
    return image.crop((int(left * scale), int((height - top) * scale),
                       int(right * scale) + 1, int((height - bottom) * scale) + 1)).convert("L")


def assert_drawn(document, words, page_number=0, scale=3):
    """Each character of `words` (found on the page) is drawn in ink, and no two of them look
    alike — a missing glyph renders as the same empty box (or nothing) every time."""
    page = document[page_number]
    textpage = page.get_textpage()
    found = textpage.get_text_bounded().find(words)
    assert found >= 0, words
    image = page.render(scale=scale).to_pil()
    shapes = []
    for index in range(found, found + len(words)):
        pixels = glyph(page, image, index, scale)
        dark = sum(pixels.histogram()[:128])
        assert dark > 0.05 * pixels.width * pixels.height, f"{words[index - found]!r} is not drawn"
        shapes.append(pixels.resize((24, 24)).point(lambda v: 255 if v >= 128 else 0).tobytes())
    assert len(set(shapes)) == len(set(words)), f"the glyphs of {words!r} look alike: empty boxes?"


def qr_codes(document, page_number=0):
    image = document[page_number].render(scale=3).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image)]


# ---- the world -------------------------------------------------------------------------------------------

@pytest.fixture
def people(app, places):
    """places, plus a supervisor, a second household in building 1 (with its head), and a join code."""
    from app.auth.service import find_or_create_user
    from app.community.models import Building, Role

    with app.app_context():
        supervisor = find_or_create_user("dev-supervisor")
        community.grant_role(None, supervisor, Role.SUPERVISOR, places["community"])
        h3 = community.create_household(db.session.get(Building, places["b1"]), unit="1单元", room="102",
                                        floor_area=70, head_name="王大爷")
        neighbour = find_or_create_user("dev-neighbour")
        community.add_member(h3, neighbour, is_head=True)
        db.session.commit()
        return {**places, "h3": h3.id, "supervisor": supervisor.id}


def open_poll(client, people, **fields):
    created = client.post(f"{API}/polls", json=poll_body(people, **fields), headers=login(client, "staff"))
    assert created.status_code == 201, created.get_json()
    published = client.post(f"{API}/polls/{created.get_json()['id']}/publish", headers=login(client, "staff"))
    assert published.status_code == 200, published.get_json()
    return published.get_json()


def photo_id(client, name):
    response = client.post(f"{API}/photos", data={"file": (io.BytesIO(jpeg_with_gps()), "paper.jpg")},
                           content_type="multipart/form-data", headers=login(client, name))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def answers(poll, choice=0):
    return [{"question_id": poll["questions"][0]["id"], "choices": [choice]}]


def meeting(client, people, starts_in=timedelta(days=2), **fields):
    body = {"community_id": people["community"], "kind": "courtyard", "stage": "opinion",
            "title": "海滨新村加装电梯意见会", "place": "1幢楼下院坝", "description": "听取各户对加装电梯的意见",
            "starts_at": (utcnow() + starts_in).isoformat(), "scope_kind": "buildings", "scope_ids": [people["b1"]],
            "agenda": [{"text": "介绍加装电梯方案"}, {"text": "各户发表意见"}], **fields}
    created = client.post(f"{API}/meetings", json=body, headers=login(client, "bhead"))
    assert created.status_code == 201, created.get_json()
    return created.get_json()


# ---- polls ---------------------------------------------------------------------------------------------

def test_the_result_is_posted_once_the_poll_is_closed(app, client, people):
    poll = open_poll(client, people)
    assert client.post(f"{API}/polls/{poll['id']}/ballots", json={"answers": answers(poll)},
                       headers=login(client, "resident")).status_code == 201
    early = client.get(f"{API}/polls/{poll['id']}/result.pdf", headers=login(client, "resident"))
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "poll_not_closed"
    pass_deadline(app, poll)
    closed = client.post(f"{API}/polls/{poll['id']}/close", headers=login(client, "staff")).get_json()

    document = pdf(client.get(f"{API}/polls/{poll['id']}/result.pdf", headers=login(client, "neighbour")))
    words = text(document)
    for expected in ("东海社区表决结果公示", "是否加装小区围墙", "一户一票", "实名投票", "过半数",
                     "投票人 3", "参与 1", "有效票 1 张", "1. 是否同意加装围墙", "【通过】", "赞成", "反对", "弃权",
                     "居民监督委员会", "公示期至"):
        assert expected in words, expected
    assert closed["result"]["ballots_digest"] in words.replace("\n", "").replace("\r", "")
    assert_drawn(document, "表决结果公示")
    other = client.get(f"{API}/polls/{poll['id']}/result.pdf", headers=login(client, "other-staff"))
    assert other.status_code == 404  # another community's poll is not shown, on paper either


def test_paper_ballots_carry_a_code_that_names_the_household_when_scanned(app, client, people, caplog):
    caplog.set_level(logging.DEBUG)
    poll, other_poll = open_poll(client, people), open_poll(client, people, title="是否更换单元门")
    assert client.get(f"{API}/polls/{poll['id']}/paper-ballots.pdf",
                      headers=login(client, "resident")).status_code == 403
    document = pdf(client.get(f"{API}/polls/{poll['id']}/paper-ballots.pdf", headers=login(client, "bhead")))
    assert len(document) == 2  # building 1's two households, a page each; building 2's is not the head's
    words = text(document)
    for expected in ("东海社区纸质选票", "是否加装小区围墙", "海滨新村1幢1单元101", "张秀英", "海滨新村1幢1单元102",
                     "王大爷", "1. 是否同意加装围墙（单选）", "赞成", "反对", "弃权", "投票人签字"):
        assert expected in words, expected
    assert "渔港小区" not in words
    assert_drawn(document, "纸质选票")
    code = qr_codes(document, 0)[0]
    assert code in words and code.startswith(f"{poll['id']}-{people['h1']}-")
    everyone = pdf(client.get(f"{API}/polls/{poll['id']}/paper-ballots.pdf", headers=login(client, "staff")))
    assert len(everyone) == 3  # staff: every household

    def enter(ballot_code, household_id=None, target=poll):
        body = {"ballot_code": ballot_code, "photo_id": photo_id(client, "bhead"), "answers": answers(target, 1)}
        if household_id is not None:
            body["household_id"] = household_id
        return client.post(f"{API}/polls/{target['id']}/paper-ballots", json=body, headers=login(client, "bhead"))

    elsewhere = enter(code, target=other_poll)
    assert elsewhere.status_code == 422 and elsewhere.get_json()["error"]["code"] == "ballot_code_other_poll"
    forged = enter(code[:-1] + ("A" if code[-1] != "A" else "B"))
    assert forged.status_code == 422 and forged.get_json()["error"]["code"] == "invalid_ballot_code"
    moved = enter(f"{poll['id']}-{people['h3']}-{code.rsplit('-', 1)[1]}")  # another household, same letters
    assert moved.status_code == 422 and moved.get_json()["error"]["code"] == "invalid_ballot_code"
    assert enter(code, household_id=people["h3"]).status_code == 422  # the code and the choice disagree
    entered = enter(code.lower())
    assert entered.status_code == 201, entered.get_json()
    assert entered.get_json()["household_id"] == people["h1"]
    assert entered.get_json()["household"] == "1幢1单元101（张秀英）"
    with app.app_context():  # derived when printed and scanned, kept nowhere (README: Secrecy)
        stored = [str(row) for table in db.metadata.sorted_tables for row in db.session.execute(select(table))]
    assert not [row for row in stored if code.rsplit("-", 1)[1] in row]
    assert code.rsplit("-", 1)[1] not in caplog.text  # nor logged, refused or entered

    again = pdf(client.get(f"{API}/polls/{poll['id']}/paper-ballots.pdf", headers=login(client, "bhead")))
    assert len(again) == 1 and "张秀英" not in text(again)  # a ballot waits for h1: not printed again
    one = client.get(f"{API}/polls/{poll['id']}/paper-ballots.pdf?building_id={people['b2']}",
                     headers=login(client, "bhead"))
    assert one.status_code == 409 and one.get_json()["error"]["code"] == "no_ballots_to_print"
    pass_deadline(app, poll)
    assert client.get(f"{API}/polls/{poll['id']}/paper-ballots.pdf",
                      headers=login(client, "bhead")).status_code == 409  # the vote is over


# ---- meetings ------------------------------------------------------------------------------------------

def test_the_notice_goes_up_once_the_meeting_is_called(client, people):
    called = meeting(client, people)
    draft = client.get(f"{API}/meetings/{called['id']}/notice.pdf", headers=login(client, "bhead"))
    assert draft.status_code == 409 and draft.get_json()["error"]["code"] == "meeting_not_published"
    assert client.post(f"{API}/meetings/{called['id']}/publish", headers=login(client, "bhead")).status_code == 200
    document = pdf(client.get(f"{API}/meetings/{called['id']}/notice.pdf", headers=login(client, "resident")))
    words = text(document)
    for expected in ("会议通知", "海滨新村加装电梯意见会", "听取各户对加装电梯的意见", "地点：1幢楼下院坝", "院坝会",
                     "1. 介绍加装电梯方案", "2. 各户发表意见", "东海社区"):
        assert expected in words, expected
    assert_drawn(document, "会议通知")


def test_the_sign_in_sheet_lists_the_invited_and_its_code_signs_in(app, client, people):
    called = meeting(client, people, starts_in=timedelta(minutes=20))
    assert client.post(f"{API}/meetings/{called['id']}/publish", headers=login(client, "bhead")).status_code == 200
    assert client.post(f"{API}/meetings/{called['id']}/reply", json={"reply": "attend", "people": 2},
                       headers=login(client, "neighbour")).status_code == 200
    assert client.get(f"{API}/meetings/{called['id']}/sign-in-sheet.pdf",
                      headers=login(client, "resident")).status_code == 403
    document = pdf(client.get(f"{API}/meetings/{called['id']}/sign-in-sheet.pdf", headers=login(client, "bhead")))
    words = text(document)
    for expected in ("海滨新村加装电梯意见会 签到表", "海滨新村1幢1单元101", "张秀英", "未回复", "王大爷", "参加（2人）",
                     "到会人签名", "邀请 2 户（人），已签到 0"):
        assert expected in words, expected
    assert_drawn(document, "签到表")
    [scene] = qr_codes(document)
    assert f"签到码 {scene}" in words
    signed = client.post(f"{API}/meetings/checkins", json={"scene": scene}, headers=login(client, "resident"))
    assert signed.status_code == 200 and signed.get_json()["present"] is True
    after = text(pdf(client.get(f"{API}/meetings/{called['id']}/sign-in-sheet.pdf", headers=login(client, "staff"))))
    assert "已签到 1" in after and "✓" in after


def test_the_minutes_are_printed_once_published(app, client, people):
    called = meeting(client, people, starts_in=timedelta(minutes=20))
    assert client.post(f"{API}/meetings/{called['id']}/publish", headers=login(client, "bhead")).status_code == 200
    with app.app_context():
        db.session.execute(update(Meeting).where(Meeting.id == called["id"])
                           .values(starts_at=utcnow() - timedelta(minutes=30)))
        db.session.commit()
    recorded = client.post(f"{API}/meetings/{called['id']}/minutes", headers=login(client, "bhead"), json={
        "minutes": "到会各户同意加装电梯，费用按楼层分摊。", "decisions": [{"text": "委托社区联系住建部门论证方案"}]})
    assert recorded.status_code == 200, recorded.get_json()
    early = client.get(f"{API}/meetings/{called['id']}/minutes.pdf", headers=login(client, "resident"))
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "minutes_not_published"
    assert client.post(f"{API}/meetings/{called['id']}/publish-minutes",
                       headers=login(client, "bhead")).status_code == 200
    document = pdf(client.get(f"{API}/meetings/{called['id']}/minutes.pdf", headers=login(client, "resident")))
    words = text(document)
    for expected in ("东海社区会议纪要公示", "海滨新村加装电梯意见会", "到会各户同意加装电梯，费用按楼层分摊。",
                     "1. 委托社区联系住建部门论证方案", "应到 2 户（人），实到 0 户（人）", "公示日期"):
        assert expected in words, expected
    assert_drawn(document, "会议纪要公示")


# ---- join codes ------------------------------------------------------------------------------------------

def issue(client, name, household_id, as_head=False):
    response = client.post(f"{API}/households/{household_id}/join-codes", json={"as_head": as_head},
                           headers=login(client, name))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_join_codes_just_issued_print_as_slips_and_nothing_else_does(app, client, people):
    first, second = issue(client, "bhead", people["h1"]), issue(client, "bhead", people["h3"], as_head=True)
    codes = [{"id": first["id"], "code": first["code"]}, {"id": second["id"], "code": second["code"]}]
    slips = client.post(f"{API}/join-codes/slips.pdf", json={"codes": codes}, headers=login(client, "bhead"))
    document = pdf(slips)
    words = text(document)
    for expected in ("东海社区", "海滨新村1幢1单元101", "户主：张秀英", "海滨新村1幢1单元102", f"{first['code'][:4]} "
                     f"{first['code'][4:]}", "凭此码加入本户", "凭此码加入后成为户主", "只能用一次", "绑定我家"):
        assert expected in words, expected
    assert_drawn(document, "入户码")
    assert sorted(qr_codes(document)) == sorted([first["code"], second["code"]])

    def refused(body, name="bhead"):
        return client.post(f"{API}/join-codes/slips.pdf", json={"codes": body}, headers=login(client, name))

    wrong = refused([{"id": first["id"], "code": second["code"]}])
    assert wrong.status_code == 422 and "入户码" in wrong.get_json()["error"]["message"]
    assert refused(codes, name="other-staff").status_code == 403  # not a household they may issue for
    assert refused([{"id": first["id"], "code": "ABCDEFGH"}], name="other-staff").status_code == 403  # no oracle
    h2_code = issue(client, "staff", people["h2"])
    assert refused([{"id": h2_code["id"], "code": h2_code["code"]}]).status_code == 403  # another building
    joined = client.post(f"{API}/households/join", json={"code": first["code"]}, headers=login(client, "newcomer"))
    assert joined.status_code == 200
    spent = refused(codes[:1])
    assert spent.status_code == 422 and spent.get_json()["error"]["code"] == "join_code_expired"
    assert refused([]).status_code == 422


# ---- the font -------------------------------------------------------------------------------------------

def test_a_font_that_is_not_there_is_refused_at_start(make_app):
    with pytest.raises(ConfigError, match="PDF_FONT must be a font file that exists"):
        make_app(PDF_FONT="/nonexistent/font.ttf")


def test_without_a_chinese_font_the_answer_is_a_clear_503(make_app, places):
    app = make_app(PDF_FONT="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # no Chinese: empty boxes
    client = app.test_client()
    called = meeting(client, places)
    client.post(f"{API}/meetings/{called['id']}/publish", headers=login(client, "bhead"))
    response = client.get(f"{API}/meetings/{called['id']}/notice.pdf", headers=login(client, "bhead"))
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "pdf_font_missing"
    assert "中文字体" in response.get_json()["error"]["message"]


def test_every_pdf_is_documented_as_one(client):
    spec = client.get("/api/openapi.json").get_json()
    for path, method in [("/api/v1/polls/{poll_id}/result.pdf", "get"), ("/api/v1/polls/{poll_id}/paper-ballots.pdf", "get"),
                         ("/api/v1/meetings/{meeting_id}/notice.pdf", "get"),
                         ("/api/v1/meetings/{meeting_id}/sign-in-sheet.pdf", "get"),
                         ("/api/v1/meetings/{meeting_id}/minutes.pdf", "get"), ("/api/v1/join-codes/slips.pdf", "post")]:
        content = spec["paths"][path][method]["responses"]["200"]["content"]
        assert content == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}, path
