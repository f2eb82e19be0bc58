"""Family helpers (子女代办, issue 20): the household's head — or its building head on the head's
written consent, with a photo of it — links a relative's account with stated rights; the relative
acts for the household within them, every act marked, and nothing after the link is revoked. A
helper is never a member: tried here as an adversary would — voting, being counted, reading other
households."""
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.models_base import utcnow
from app.notifications.models import Notification
from tests.conftest import login
from tests.factories import jpeg_with_gps, poll_body

API = "/api/v1"
ALL = ["report_and_follow", "reply_meetings", "receive_notices"]


def post(client, name, path, body=None):
    return client.post(f"{API}{path}", json=body if body is not None else {}, headers=login(client, name))


def get(client, name, path, **query):
    return client.get(f"{API}{path}", query_string=query, headers=login(client, name))


def status(response, expected, code=None):
    body = response.get_json(silent=True)
    assert response.status_code == expected, body
    if code:
        assert body["error"]["code"] == code, body
    return body


def link(client, world, issuer, rights, relative, **extra):
    code = status(post(client, issuer, f"/households/{world['h1']}/helper-codes", {"rights": rights, **extra}), 201)
    return status(post(client, relative, "/households/help", {"code": code["code"]}), 200)


def notices(app, user_id):
    with app.app_context():
        return db.session.scalars(select(Notification.body).where(Notification.user_id == user_id)
                                  .order_by(Notification.id)).all()


@pytest.fixture
def world(app, client, places):
    for name, shown in (("son", "张小明"), ("daughter", "张小红"), ("resident", "张秀英")):
        assert client.patch(f"{API}/me", json={"name": shown}, headers=login(client, name)).status_code == 200
    with app.app_context():
        from app.auth.service import find_or_create_user
        places["son"] = find_or_create_user("dev-son").id
        places["daughter"] = find_or_create_user("dev-daughter").id
    return places


def test_the_head_links_a_relative_who_acts_within_the_rights_and_not_after_revoking(app, client, world):
    code = status(post(client, "resident", f"/households/{world['h1']}/helper-codes",
                       {"rights": ["report_and_follow", "reply_meetings", "receive_notices"]}), 201)
    assert len(code["code"]) == 8 and sorted(code["rights"]) == sorted(ALL)
    status(post(client, "resident", "/households/help", {"code": code["code"]}), 409, "own_household")
    helper = status(post(client, "son", "/households/help", {"code": code["code"].lower()}), 200)
    assert (helper["household_id"], helper["granted_as"], helper["name"]) == (world["h1"], "head", "张小明")
    status(post(client, "daughter", "/households/help", {"code": code["code"]}), 410, "helper_code_expired")
    status(post(client, "daughter", "/households/help", {"code": "ZZZZZZZZ"}), 404, "helper_code_invalid")
    assert any("张小明已绑定为本户的家属代办人" in body for body in notices(app, world["resident"]))
    me = get(client, "son", "/me").get_json()
    assert me["household"] is None  # never a member
    assert me["helping"] == [{"helper_id": helper["id"], "household_id": world["h1"],
                              "community_id": world["community"], "address": "1幢1单元101", "rights": ALL}]
    # living elsewhere, the son reads his mother's community's categories to file her report
    assert status(get(client, "son", f"/communities/{world['community']}/matter-categories"), 200)["items"]
    status(get(client, "son", f"/communities/{world['other_community']}/matter-categories"), 403)

    # reports for the household and follows it; the household sees who
    matter = status(post(client, "son", "/matters", {"title": "妈妈家楼道灯坏了", "category": "street_lamp",
                                                     "on_behalf_of_household_id": world["h1"]}), 201)
    line = get(client, "resident", f"/matters/{matter['id']}").get_json()["timeline"][0]
    assert (line["note"], line["on_behalf_label"]) == ("家属代为登记", "由张小明（家属）代办")
    own = status(post(client, "resident", "/matters", {"title": "阳台漏水", "category": "other"}), 201)
    assert {m["id"] for m in get(client, "son", "/matters/mine").get_json()["items"]} == {matter["id"], own["id"]}
    assert status(get(client, "son", f"/matters/{own['id']}"), 200)["submitter_name"]  # followed in full
    assert status(post(client, "council", f"/matters/{own['id']}/classify",
                       {"matter_class": "private", "reason": "自家事务"}), 200)
    assert any("阳台漏水" in body for body in notices(app, world["son"]))  # receive_notices

    # answers a meeting for the household, and sees it among their meetings
    meeting = status(post(client, "staff", "/meetings", {
        "community_id": world["community"], "kind": "courtyard", "title": "院坝会：加装路灯", "place": "院坝",
        "starts_at": (utcnow() + timedelta(days=2)).isoformat(), "scope_kind": "community",
        "scope_ids": [world["community"]]}), 201)
    status(post(client, "staff", f"/meetings/{meeting['id']}/publish"), 200)
    assert meeting["id"] in [m["id"] for m in get(client, "son", "/meetings/mine").get_json()["items"]]
    assert get(client, "son", f"/meetings/{meeting['id']}").get_json()["can"]["reply_for"] is True
    status(post(client, "son", f"/meetings/{meeting['id']}/reply",
                {"reply": "attend", "on_behalf_of_household_id": world["h1"]}), 200)
    assert get(client, "resident", f"/meetings/{meeting['id']}").get_json()["my_reply_on_behalf"] == \
        "由张小明（家属）代办"
    # but is never signed in for it by hand, nor enters its ballots
    status(post(client, "son", f"/meetings/{meeting['id']}/manual-checkins", {"household_id": world["h1"]}), 403,
           "not_authorized_by_household")

    # told of the household's polls and may read them, but never votes: not even a proxy ballot
    poll = status(post(client, "staff", "/polls", poll_body(world)), 201)
    status(post(client, "staff", f"/polls/{poll['id']}/publish"), 200)
    seen = status(get(client, "son", f"/polls/{poll['id']}"), 200)
    assert seen["can_vote"] is False and seen["can_enter_paper"] is False
    answers = [{"question_id": seen["questions"][0]["id"], "choices": [0]}]
    status(post(client, "son", f"/polls/{poll['id']}/ballots", {"answers": answers}), 403, "not_in_electorate")
    status(post(client, "son", f"/polls/{poll['id']}/paper-ballots",
                {"household_id": world["h1"], "answers": answers, "photo_id": 1}), 403)

    # the head revokes: every act is refused from now on, and the follow ends
    status(client.delete(f"{API}/households/{world['h1']}/helpers/{helper['id']}", headers=login(client, "resident")),
           204)
    status(post(client, "son", "/matters", {"title": "还有一件事", "category": "other",
                                            "on_behalf_of_household_id": world["h1"]}), 403, "not_acting_for_household")
    status(post(client, "son", f"/meetings/{meeting['id']}/reply",
                {"reply": "decline", "on_behalf_of_household_id": world["h1"]}), 404)  # no longer theirs to see
    status(get(client, "son", f"/matters/{matter['id']}"), 404)  # even the one they reported
    assert get(client, "son", "/matters/mine").get_json()["items"] == []
    assert get(client, "son", "/me").get_json()["helping"] == []
    [kept] = get(client, "son", "/me/export").get_json()["helping"]  # his data: the link, and that it ended
    assert kept["household_id"] == world["h1"] and kept["revoked_at"] is not None
    status(client.delete(f"{API}/households/{world['h1']}/helpers/{helper['id']}", headers=login(client, "resident")),
           404)
    actions = [e["action"] for e in get(client, "staff", f"/communities/{world['community']}/audit-entries",
                                        action="household.").get_json()["items"]]
    assert actions[-3:] == ["household.helper_code_issue", "household.helper_link", "household.helper_revoke"]


def test_a_helper_acts_only_within_the_rights_given_and_may_leave(client, world):
    helper = link(client, world, "resident", ["reply_meetings"], "daughter")
    status(post(client, "daughter", "/matters", {"title": "楼道灯坏了", "category": "street_lamp",
                                                 "on_behalf_of_household_id": world["h1"]}), 403,
           "not_authorized_by_household")
    assert get(client, "daughter", "/me").get_json()["helping"][0]["rights"] == ["reply_meetings"]
    status(get(client, "daughter", f"/communities/{world['community']}/matter-categories"), 403)
    # the helper, the household and whoever looks after it see the list; nobody else
    for name in ("resident", "bhead", "staff"):
        assert [h["id"] for h in status(get(client, name, f"/households/{world['h1']}/helpers"), 200)["items"]] == \
            [helper["id"]]
    for name in ("daughter", "nobody", "other-staff"):
        status(get(client, name, f"/households/{world['h1']}/helpers"), 403)
    status(client.delete(f"{API}/households/{world['h1']}/helpers/{helper['id']}", headers=login(client, "nobody")),
           403)
    status(client.delete(f"{API}/households/{world['h1']}/helpers/{helper['id']}", headers=login(client, "daughter")),
           204)
    assert get(client, "daughter", "/me").get_json()["helping"] == []
    son = link(client, world, "resident", ["report_and_follow"], "son")
    assert status(get(client, "son", f"/communities/{world['community']}/matter-categories"), 200)["items"]
    status(client.delete(f"{API}/households/{world['h1']}/helpers/{son['id']}", headers=login(client, "resident")), 204)
    status(get(client, "son", f"/communities/{world['community']}/matter-categories"), 403)


def test_who_may_issue_a_code_and_the_building_heads_needs_the_written_consent(client, world):
    status(post(client, "nobody", f"/households/{world['h1']}/helper-codes", {"rights": ALL}), 403)
    status(post(client, "other-staff", f"/households/{world['h1']}/helper-codes", {"rights": ALL}), 403)
    status(post(client, "bhead", f"/households/{world['h2']}/helper-codes", {"rights": ALL}), 403)
    missing = status(post(client, "bhead", f"/households/{world['h1']}/helper-codes", {"rights": ALL}), 422)
    assert "户主书面同意的照片" in missing["error"]["message"]
    status(post(client, "resident", f"/households/{world['h1']}/helper-codes", {"rights": []}), 422)
    status(post(client, "resident", f"/households/{world['h1']}/helper-codes", {"rights": ["vote"]}), 422)
    upload = client.post(f"{API}/photos", data={"file": (io.BytesIO(jpeg_with_gps()), "consent.jpg")},
                         content_type="multipart/form-data", headers=login(client, "bhead"))
    consent = upload.get_json()["id"]
    status(post(client, "gridworker", f"/households/{world['h1']}/helper-codes",
                {"rights": ALL, "consent_photo_id": consent}), 422)  # not their photo
    helper = link(client, world, "bhead", ["report_and_follow"], "son", consent_photo_id=consent)
    assert helper["granted_as"] == "building_head"
    [seen] = get(client, "bhead", f"/households/{world['h1']}/helpers").get_json()["items"]
    assert seen["consent_photo"]["id"] == consent
    [shown] = get(client, "resident", f"/households/{world['h1']}/helpers").get_json()["items"]
    assert shown["consent_photo"] is None
    status(post(client, "bhead", f"/households/{world['h1']}/helper-codes",
                {"rights": ALL, "consent_photo_id": consent}), 422)  # one consent, one link
    status(post(client, "son", "/households/help", {"code": status(post(
        client, "resident", f"/households/{world['h1']}/helper-codes", {"rights": ALL}), 201)["code"]}), 409,
        "already_helping")


def test_a_helper_is_never_a_member_votes_nowhere_and_reads_no_other_household(app, client, world):
    """The son lives in h2 (its head) and helps his mother's h1: he votes for h2 alone, is counted
    once, and reaches nothing of h1 that his rights do not name."""
    with app.app_context():
        from app.community import service as community
        from app.community.models import Household
        community.add_member(db.session.get(Household, world["h2"]), db.session.get(User, world["son"]), is_head=True)
        db.session.commit()
    link(client, world, "resident", ALL, "son")
    private = status(post(client, "staff", "/matters", {
        "title": "楼下邻居家水管漏水", "category": "other", "on_behalf_of_household_id": world["h1"]}), 201)
    assert post(client, "council", f"/matters/{private['id']}/classify",
                {"matter_class": "private", "reason": "自家事务"}).status_code == 200
    status(get(client, "son", f"/matters/{private['id']}"), 200)  # h1's, which he follows
    status(get(client, "son", f"/households/{world['h1']}"), 403)  # but not its flags and members
    status(get(client, "son", f"/buildings/{world['b1']}/households"), 403)

    for electorate in ("households", "residents"):
        poll = status(post(client, "staff", "/polls", poll_body(world, electorate=electorate)), 201)
        status(post(client, "staff", f"/polls/{poll['id']}/publish"), 200)
        weighed = get(client, "staff", f"/polls/{poll['id']}/electorate").get_json()
        assert weighed["voters"] == 2, weighed  # h1 and h2; or the resident and the son, each once
        question = get(client, "staff", f"/polls/{poll['id']}").get_json()["questions"][0]["id"]
        answers = [{"question_id": question, "choices": [0]}]
        status(post(client, "son", f"/polls/{poll['id']}/paper-ballots",
                    {"household_id": world["h1"], "answers": answers, "photo_id": 1}), 403,
               "not_authorized_by_household")
        status(post(client, "son", f"/polls/{poll['id']}/ballots", {"answers": answers}), 201)  # his own, h2's
        assert get(client, "resident", f"/polls/{poll['id']}").get_json()["household_voted"] is False
        assert get(client, "son", f"/polls/{poll['id']}").get_json()["household_voted"] is True

    meeting = status(post(client, "staff", "/meetings", {
        "community_id": world["community"], "kind": "courtyard", "title": "院坝会", "place": "院坝",
        "starts_at": (utcnow() + timedelta(days=2)).isoformat(), "scope_kind": "community",
        "scope_ids": [world["community"]]}), 201)
    published = status(post(client, "staff", f"/meetings/{meeting['id']}/publish"), 200)
    assert published["invited"] == 2  # households, the helper adds none
    status(post(client, "son", f"/meetings/{meeting['id']}/reply", {"reply": "attend"}), 200)  # for h2
    assert get(client, "resident", f"/meetings/{meeting['id']}").get_json()["my_reply"] is None


def resolved_matter(client, title):
    """A matter of h1 its resident reported, resolved by the committee: ready to be evaluated."""
    mid = status(post(client, "resident", "/matters", {"title": title, "category": "street_lamp"}), 201)["id"]
    status(post(client, "council", f"/matters/{mid}/classify", {"matter_class": "minor", "reason": "公共照明"}), 200)
    status(post(client, "staff", f"/matters/{mid}/assign", {"handler_type": "committee"}), 200)
    status(post(client, "staff", f"/matters/{mid}/resolve", {"note": "已更换灯泡"}), 200)
    return mid


def published_meeting(client, world, title):
    meeting = status(post(client, "staff", "/meetings", {
        "community_id": world["community"], "kind": "courtyard", "title": title, "place": "院坝",
        "starts_at": (utcnow() + timedelta(days=2)).isoformat(), "scope_kind": "community",
        "scope_ids": [world["community"]]}), 201)
    status(post(client, "staff", f"/meetings/{meeting['id']}/publish"), 200)
    return meeting["id"]


def test_every_act_of_a_helper_is_marked_in_the_audit_log_as_a_family_helper(client, world):
    helper = link(client, world, "resident", ALL, "son")
    reported = status(post(client, "son", "/matters", {"title": "妈妈家楼道灯坏了", "category": "street_lamp",
                                                       "on_behalf_of_household_id": world["h1"]}), 201)
    rated = resolved_matter(client, "单元门口路灯坏了")
    status(post(client, "son", f"/matters/{rated}/evaluate",
                {"satisfaction": 5, "comment": "妈妈说亮了", "on_behalf_of_household_id": world["h1"]}), 200)
    assert get(client, "resident", f"/matters/{rated}").get_json()["timeline"][-1]["on_behalf_label"] == \
        "由张小明（家属）代办"
    meeting = published_meeting(client, world, "院坝会：加装路灯")
    status(post(client, "son", f"/meetings/{meeting}/reply",
                {"reply": "attend", "on_behalf_of_household_id": world["h1"]}), 200)
    marked = {"by_user_id": world["son"], "household_id": world["h1"], "as": "helper", "helper_id": helper["id"]}
    for action, target in (("matter.recorded_for", reported["id"]), ("matter.evaluated_for", rated),
                           ("meeting.reply_for", meeting)):
        [entry] = get(client, "staff", f"/communities/{world['community']}/audit-entries",
                      action=action).get_json()["items"]
        assert (entry["actor_id"], entry["target_id"], entry["household_id"], entry["details"]["acting"]) == \
            (world["son"], target, world["h1"], marked), action


def test_after_revoking_a_helper_hears_nothing_and_may_evaluate_nothing(app, client, world):
    helper = link(client, world, "resident", ALL, "son")
    rated = resolved_matter(client, "单元门口路灯坏了")
    published_meeting(client, world, "院坝会：加装路灯")
    reported = status(post(client, "son", "/matters", {"title": "楼道灯坏了", "category": "street_lamp",
                                                       "on_behalf_of_household_id": world["h1"]}), 201)
    heard = notices(app, world["son"])
    assert any("加装路灯" in body for body in heard)  # the household's meeting notice, while linked

    status(client.delete(f"{API}/households/{world['h1']}/helpers/{helper['id']}", headers=login(client, "resident")),
           204)
    heard = notices(app, world["son"])  # the revocation itself is told to him
    status(post(client, "son", f"/matters/{rated}/evaluate",
                {"satisfaction": 1, "on_behalf_of_household_id": world["h1"]}), 404)  # no longer theirs to see
    assert get(client, "resident", f"/matters/{rated}").get_json()["satisfaction"] is None
    published_meeting(client, world, "院坝会：修缮围墙")
    own = status(post(client, "resident", "/matters", {"title": "阳台漏水", "category": "other"}), 201)
    status(post(client, "council", f"/matters/{own['id']}/classify", {"matter_class": "private", "reason": "自家事务"}),
           200)
    status(post(client, "council", f"/matters/{reported['id']}/classify",
                {"matter_class": "minor", "reason": "公共照明"}), 200)
    assert notices(app, world["son"]) == heard  # neither the meeting nor a matter, not even the one he reported
    assert any("修缮围墙" in body for body in notices(app, world["resident"]))


def test_a_helper_who_erases_their_account_helps_no_more(client, world):
    link(client, world, "resident", ALL, "son")
    assert client.post(f"{API}/me/erase", json={"confirm": "注销账号"}, headers=login(client, "son")).status_code == 204
    assert get(client, "resident", f"/households/{world['h1']}/helpers").get_json()["items"] == []
