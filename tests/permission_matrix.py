"""The permission matrix (issue 7): for every endpoint, who gets what.

One row per endpoint (method + URL rule exactly as in `app.url_map`), plus a few extra rows
where the object matters: another household's private matter, another building's meeting,
another community's poll, meeting, matter or household. tests/test_permission_matrix.py builds
the world below through the real services and walks every row for every actor; a route without
a row, or a row without a route, fails the suite.

THE WORLD (names used in `on=` and `@references`)

    community A (东海社区): grid1 → cy1 → b1 (households h1, h3); grid2 → cy2 → b2 (household h2)
    community B (长生桥社区): gridB → cyB → bB (household hB)
    departments: cg (城管), zj (住建); volunteer team `team` of community A

    m_private   h1's private matter (私事), triaged, no handler yet
    m_new       h1's matter, just submitted (not classified: only the household and triage see it)
    m_major     h2's major matter (大事), assigned to department cg (so cg's liaison reaches it)
    m_done      h1's private matter, handled by the resident, resolved (awaiting evaluation)
    m_referred  h1's private matter, referred to the volunteer team (so its lead reaches it)
    m_other     community B's major matter
    meeting_b1  building 1's meeting, called by bhead, published, in two days (h1, h3 invited)
    meeting_b2  building 2's meeting, called by bhead2, published
    meeting_draft  a draft meeting of building 1 by bhead
    meeting_now building 1's meeting by bhead that started half an hour ago, minutes written
    meeting_closed  building 1's meeting by bhead, held two hours ago, minutes published (公示)
    meeting_other  community B's meeting by other_staff, published
    poll_a      community A's open household poll (h1, h2, h3 vote); h3 has a pending paper ballot
    poll_b      community B's open household poll
    poll_draft  community A's draft poll (by the owners' committee)
    poll_due    community A's open poll whose deadline has passed (may be closed by hand)
    poll_closed community A's closed poll in its 公示 period: the resident voted (receipt) and objected
    paper       the pending paper ballot on poll_a; objection: the resident's on poll_closed
    notification  one of the resident's notifications; join_code: a fresh code for h1
    ra_bhead2   bhead2's role assignment; ra_other_staff: other_staff's (an official role, community B)
    photo, sig  a photo of m_private (the resident's) and a valid signature for it
    voice       the voice note sent with m_private (the resident's); voice_major: with m_major (far's)
    u:<actor>   an actor's user id; my_photo: an unused photo the acting actor uploaded

NOTATION: "DEFAULT | STATUS: actors | STATUS: actors ..." — DEFAULT applies to every signed-in
actor not named; later segments override earlier ones; the anonymous caller gets 401 unless
named. STATUS is `ok` (2xx), 401, 403, 404 (hidden: the object's existence is not revealed),
409, 422, or `nf` (not forbidden: the outcome depends on state, but never 401/403). A 5xx is a
failure for every actor on every row. Groups: @A (everyone with a place in community A, admin
aside), @out (signed in but with no standing in community A).
"""
from dataclasses import dataclass, field

# Who acts. Residents are household heads; everyone else holds exactly the role named.
ACTORS = {
    "anon": "not signed in",
    "nobody": "signed in; no household, no role",
    "resident": "resident, head of h1 (building 1, grid 1, community A)",
    "neighbour": "resident, head of h3: another household in the same building",
    "far": "resident, head of h2: another household in another building and grid",
    "outsider": "resident, head of hB in community B",
    "bhead": "building head of b1",
    "bhead2": "building head of b2 (another building)",
    "grid": "grid worker of grid1",
    "council": "council member of community A",
    "committee": "owners' committee member of community A",
    "supervisor": "supervisor (监委会) of community A",
    "staff": "staff of community A",
    "other_staff": "staff of community B (another community)",
    "liaison": "liaison of department cg (m_major is referred to it)",
    "liaison2": "liaison of department zj (nothing referred to it)",
    "volunteer": "lead of community A's volunteer team",
    "admin": "admin",
}
SIGNED_IN = [name for name in ACTORS if name != "anon"]
GROUPS = {
    "@A": ["resident", "neighbour", "far", "bhead", "bhead2", "grid", "council", "committee", "supervisor",
           "staff", "volunteer"],
    "@out": ["nobody", "outsider", "other_staff", "liaison", "liaison2"],
}
STATUSES = {"ok", "nf", "401", "403", "404", "409", "422"}

# ---- request bodies ("@name" is a world reference, resolved when the request is sent) -------------------

ANSWER_YES = [{"question_id": "@poll_a_q", "choices": [0]}]
MATTER = {"title": "楼道灯不亮", "category": "street_lamp", "building_id": "@b1"}
MEETING = {"community_id": "@A", "kind": "building", "stage": "opinion", "title": "1幢楼道改造意见会",
           "place": "1幢楼下院坝", "starts_at": "@in_two_days", "scope_kind": "buildings", "scope_ids": ["@b1"]}
POLL = {"community_id": "@A", "title": "是否加装小区围墙", "electorate": "households", "rule": "majority",
        "closes_at": "@in_three_days", "questions": [{"text": "是否同意加装围墙", "kind": "yes_no"}]}
ROSTER = {"file": ("roster.csv", "网格,院落,楼栋,单元,房号,面积\n第一网格,海滨新村,1幢,1单元,909,66\n".encode())}
PHOTO = {"file": ("photo.jpg", "@jpeg")}
PUSH = "@push_query"          # a signed, current WeChat push query string
PUSH_FORGED = "@push_forged"  # signed with the wrong token


@dataclass(frozen=True)
class Row:
    method: str
    rule: str
    expect: str
    on: tuple = ()              # world names for the rule's <placeholders>, in order
    body: dict | None = None    # JSON body
    query: dict | str | None = None
    headers: dict | None = None
    files: dict | None = None   # multipart upload
    note: str = ""
    expected: dict = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "on", (self.on,) if isinstance(self.on, str) else tuple(self.on))
        object.__setattr__(self, "expected", parse(self.expect))

    @property
    def label(self):
        return f"{self.method} {self.rule}" + (f" [{', '.join(self.on)}]" if self.on else "") + \
            (f" ({self.note})" if self.note else "")


def parse(spec):
    """'403 | ok: staff admin | 404: @out' → {actor: expected status} for every actor."""
    default, *segments = [part.strip() for part in spec.split("|")]
    if default not in STATUSES:
        raise ValueError(f"{spec!r}: the first segment is the default status")
    expected = {name: default for name in SIGNED_IN} | {"anon": "401"}
    for segment in segments:
        status, _, names = segment.partition(":")
        status = status.strip()
        if status not in STATUSES:
            raise ValueError(f"{spec!r}: unknown status {status!r}")
        for name in names.split():
            for actor in GROUPS.get(name, [name]):
                if actor not in ACTORS:
                    raise ValueError(f"{spec!r}: unknown actor {actor!r}")
                expected[actor] = status
    return expected


A = "/api/v1"
MATRIX = [
    # ---- health, sign-in, me --------------------------------------------------------------------------------
    Row("GET", "/healthz", "ok | ok: anon"),
    Row("POST", f"{A}/auth/login", "ok | ok: anon", body={"code": "dev:matrix-newcomer"}),
    Row("GET", f"{A}/auth/dev-logins", "ok | ok: anon", note="the development login is on in tests"),
    Row("POST", f"{A}/auth/refresh", "ok"),
    Row("POST", f"{A}/auth/logout", "ok"),
    Row("POST", f"{A}/auth/logout-everywhere", "ok"),
    Row("POST", f"{A}/auth/console-logins", "ok | ok: anon", note="a browser asks for a code to show"),
    Row("GET", f"{A}/auth/console-logins/<login_id>", "ok | ok: anon", on="console_login",
        headers={"X-Console-Key": "@console_key"}, note="the browser that holds the key polls"),
    Row("GET", f"{A}/auth/console-logins/<login_id>", "404 | 404: anon", on="console_scanned",
        headers={"X-Console-Key": "@console_key"}, note="another browser's key"),
    Row("POST", f"{A}/auth/console-logins/<login_id>/scan", "ok", on="console_login",
        note="any signed-in phone may scan; confirming needs a role"),
    Row("POST", f"{A}/auth/console-logins/<login_id>/confirm", "409 | ok: staff", on="console_scanned",
        note="only whoever scanned it"),
    Row("POST", f"{A}/auth/console-logins/<login_id>/refuse", "409 | ok: staff", on="console_scanned",
        note="only whoever scanned it"),
    Row("GET", f"{A}/me", "ok"),
    Row("PATCH", f"{A}/me", "ok", body={"name": "新名字"}),
    Row("GET", f"{A}/privacy-notice", "ok | ok: anon"),
    Row("GET", f"{A}/me/export", "ok", note="one's own data only"),
    Row("POST", f"{A}/me/erase", "ok", body={"confirm": "注销账号"}, note="one's own account only"),

    # ---- communities and places -----------------------------------------------------------------------------
    Row("GET", f"{A}/communities", "ok", note="each sees their own communities"),
    Row("POST", f"{A}/communities", "403 | ok: admin", body={"name": "新社区"}),
    Row("GET", f"{A}/communities/<int:community_id>", "403 | ok: @A admin", on="A"),
    Row("GET", f"{A}/communities/<int:community_id>", "403 | ok: outsider other_staff admin", on="B",
        note="another community"),
    Row("POST", f"{A}/communities/<int:community_id>/grids", "403 | ok: staff admin", on="A", body={"name": "第三网格"}),
    Row("POST", f"{A}/grids/<int:grid_id>/courtyards", "403 | ok: staff admin", on="grid1", body={"name": "新院落"}),
    Row("POST", f"{A}/courtyards/<int:courtyard_id>/buildings", "403 | ok: staff admin", on="cy1",
        body={"name": "5幢"}),

    # ---- households -----------------------------------------------------------------------------------------
    Row("GET", f"{A}/buildings/<int:building_id>/households", "403 | ok: staff grid bhead council admin", on="b1"),
    Row("GET", f"{A}/buildings/<int:building_id>/households", "403 | ok: staff bhead2 council admin", on="b2",
        note="another building and grid"),
    Row("POST", f"{A}/buildings/<int:building_id>/households", "403 | ok: staff admin", on="b1",
        body={"room": "909", "floor_area": 50}),
    Row("GET", f"{A}/households/<int:household_id>", "403 | ok: resident staff grid bhead council admin", on="h1",
        note="its own members see it: the head names the voter"),
    Row("GET", f"{A}/households/<int:household_id>", "403 | ok: outsider other_staff admin", on="hB",
        note="another community's household (the outsider's own)"),
    Row("PATCH", f"{A}/households/<int:household_id>", "403 | ok: staff admin", on="h1",
        body={"head_name": "张秀英"}),
    Row("PUT", f"{A}/households/<int:household_id>/elder-mode", "403 | ok: resident staff grid bhead admin",
        on="h1", body={"elder_mode": True}, note="its members, and those who look after it; never a family helper"),
    Row("POST", f"{A}/households/<int:household_id>/join-codes", "403 | ok: staff grid bhead admin", on="h1",
        body={"as_head": False}),
    Row("POST", f"{A}/households/<int:household_id>/join-codes", "403 | ok: staff bhead2 admin", on="h2",
        body={"as_head": False}, note="another building and grid"),
    Row("POST", f"{A}/households/<int:household_id>/join-codes", "403 | ok: other_staff admin", on="hB",
        body={"as_head": False}, note="another community's household"),
    Row("GET", f"{A}/households/<int:household_id>/join-codes", "403 | ok: staff grid bhead admin", on="h1",
        note="outstanding codes, to revoke one"),
    Row("GET", f"{A}/households/<int:household_id>/join-codes", "403 | ok: staff bhead2 admin", on="h2",
        note="another building and grid"),
    Row("DELETE", f"{A}/join-codes/<int:code_id>", "403 | ok: staff grid bhead admin", on="join_code_id",
        note="an unused code for h1: whoever may issue it"),
    Row("POST", f"{A}/join-codes/slips.pdf", "403 | ok: staff grid bhead admin",
        body={"codes": [{"id": "@join_code_id", "code": "@join_code"}]}, note="codes just issued, as slips"),
    Row("POST", f"{A}/households/join", "ok | 409: resident neighbour far outsider", body={"code": "@join_code"},
        note="a valid code: anyone without a household joins"),
    Row("POST", f"{A}/households/<int:household_id>/members", "403 | ok: staff admin", on="h1",
        body={"user_id": "@u:nobody"}),
    Row("PUT", f"{A}/households/<int:household_id>/voter", "403 | ok: resident staff admin", on="h1",
        body={"user_id": None}, note="the head, not another household's head"),
    Row("DELETE", f"{A}/households/<int:household_id>/members/<int:user_id>", "403 | ok: staff admin",
        on=("h1", "u:resident")),
    Row("POST", f"{A}/communities/<int:community_id>/roster", "403 | ok: staff admin", on="A", files=ROSTER),
    Row("POST", f"{A}/households/<int:household_id>/helper-codes", "403 | ok: resident staff grid bhead admin",
        on="h1", body={"rights": ["receive_notices"], "consent_photo_id": "@my_photo"},
        note="子女代办: the head; those who look after h1, with a photo of the consent"),
    Row("POST", f"{A}/households/help", "ok | 409: resident", body={"code": "@helper_code"},
        note="a valid helper code for h1: anyone but its members"),
    Row("GET", f"{A}/households/<int:household_id>/helpers", "403 | ok: resident staff grid bhead admin", on="h1"),
    Row("DELETE", f"{A}/households/<int:household_id>/helpers/<int:helper_id>",
        "403 | ok: resident staff grid bhead admin", on=("h1", "helper_id"), note="the helper may too (not an actor)"),

    # ---- roles, departments, volunteer teams ----------------------------------------------------------------
    Row("GET", f"{A}/communities/<int:community_id>/role-assignments", "403 | ok: staff admin", on="A"),
    Row("GET", f"{A}/communities/<int:community_id>/council-members", "403 | ok: council staff admin", on="A",
        note="whose votes a council sitting records"),
    Row("GET", f"{A}/communities/<int:community_id>/grid-workers", "403 | ok: council staff admin", on="A",
        note="by name, for assigning a minor matter"),
    Row("GET", f"{A}/communities/<int:community_id>/people", "403 | ok: staff admin", on="A", query={"q": "1幢"},
        note="the staff's lookup for a first role grant"),
    Row("GET", f"{A}/communities/<int:community_id>/people", "403 | ok: other_staff admin", on="B",
        query={"q": "9幢"}, note="another community's people"),
    Row("POST", f"{A}/role-assignments", "403 | ok: staff admin",
        body={"user_id": "@u:nobody", "role": "building_head", "scope_id": "@b1"}),
    Row("POST", f"{A}/role-assignments", "403 | ok: admin", note="an official role: admins only",
        body={"user_id": "@u:nobody", "role": "staff", "scope_id": "@A"}),
    Row("POST", f"{A}/role-assignments", "403 | ok: other_staff admin", note="a role in another community",
        body={"user_id": "@u:nobody", "role": "building_head", "scope_id": "@bB"}),
    Row("DELETE", f"{A}/role-assignments/<int:assignment_id>", "403 | ok: staff admin", on="ra_bhead2"),
    Row("DELETE", f"{A}/role-assignments/<int:assignment_id>", "403 | ok: admin", on="ra_other_staff",
        note="an official role: admins only"),
    Row("GET", f"{A}/departments", "ok"),
    Row("POST", f"{A}/departments", "403 | ok: admin", body={"name": "水务"}),
    Row("GET", f"{A}/communities/<int:community_id>/volunteer-teams", "403 | ok: @A admin", on="A"),
    Row("POST", f"{A}/communities/<int:community_id>/volunteer-teams", "403 | ok: staff admin", on="A",
        body={"name": "新义工队"}),

    # ---- matters --------------------------------------------------------------------------------------------
    Row("GET", f"{A}/communities/<int:community_id>/matter-categories", "403 | ok: @A admin", on="A"),
    Row("POST", f"{A}/communities/<int:community_id>/matter-categories", "403 | ok: staff admin", on="A",
        body={"code": "parking", "name": "停车"}),
    Row("POST", f"{A}/matters", "ok | 403: nobody other_staff liaison liaison2 | 422: outsider", body=MATTER,
        note="in community A; the outsider's home is elsewhere"),
    Row("POST", f"{A}/matters", "403 | ok: staff grid bhead admin", note="走访登记 for h1",
        body={"title": "楼道灯不亮", "category": "street_lamp", "on_behalf_of_household_id": "@h1"}),
    Row("POST", f"{A}/matters", "403 | ok: staff bhead2 admin", note="走访登记 for h2, another building and grid",
        body={"title": "楼道灯不亮", "category": "street_lamp", "on_behalf_of_household_id": "@h2"}),
    Row("GET", f"{A}/matters/mine", "ok"),
    Row("GET", f"{A}/matters/assigned", "ok", note="a work list: empty for those who handle nothing"),
    Row("GET", f"{A}/matters/<int:matter_id>", "404 | ok: resident grid council staff admin", on="m_private",
        note="another household's private matter is hidden"),
    Row("GET", f"{A}/matters/<int:matter_id>", "404 | ok: resident grid council staff admin", on="m_new"),
    Row("GET", f"{A}/matters/<int:matter_id>", "ok | 404: nobody outsider other_staff liaison2", on="m_major",
        note="public in the community, and to the department it is referred to"),
    Row("GET", f"{A}/matters/<int:matter_id>", "404 | ok: outsider other_staff admin", on="m_other",
        note="another community's matter"),
    Row("GET", f"{A}/matters/<int:matter_id>", "404 | ok: resident grid council staff volunteer admin",
        on="m_referred", note="a private matter, to the team it is referred to"),
    Row("POST", f"{A}/matters/<int:matter_id>/classify", "404 | ok: council staff admin | 403: resident grid",
        on="m_new", body={"matter_class": "minor", "reason": "公共设施"}),
    Row("POST", f"{A}/matters/<int:matter_id>/reclassify", "404 | ok: council staff admin | 403: resident grid",
        on="m_private", body={"matter_class": "minor", "reason": "影响整栋楼"}),
    Row("POST", f"{A}/matters/<int:matter_id>/reclassify", "404 | ok: other_staff admin | 403: outsider",
        on="m_other", body={"matter_class": "minor", "reason": "影响整栋楼"}, note="another community's matter"),
    Row("POST", f"{A}/matters/<int:matter_id>/class-votes", "404 | ok: council staff admin | 403: resident grid",
        on="m_new", body={"votes": [{"user_id": "@u:council", "matter_class": "minor"}], "reason": "议事会表决"}),
    Row("POST", f"{A}/matters/<int:matter_id>/escalate",
        "403 | ok: staff admin | 404: nobody outsider other_staff liaison2", on="m_major", body={"note": "逾期未办，上报街道"}),
    Row("POST", f"{A}/matters/<int:matter_id>/assign", "404 | ok: council staff admin | 403: resident grid",
        on="m_private", body={"handler_type": "resident"}),
    Row("POST", f"{A}/matters/<int:matter_id>/progress",
        "403 | ok: staff liaison admin | 404: nobody outsider other_staff liaison2", on="m_major",
        body={"note": "已联系城管"}, note="the referred department's liaison handles it"),
    Row("POST", f"{A}/matters/<int:matter_id>/progress", "404 | ok: staff grid volunteer admin | 403: resident council",
        on="m_referred", body={"note": "已上门陪护"}, note="the referred team's lead handles it"),
    Row("POST", f"{A}/matters/<int:matter_id>/resolve",
        "403 | ok: staff liaison admin | 404: nobody outsider other_staff liaison2", on="m_major",
        body={"note": "已拆除"}),
    Row("POST", f"{A}/matters/<int:matter_id>/evaluate", "404 | ok: resident | 403: grid council staff admin",
        on="m_done", body={"satisfaction": 5}, note="only the household evaluates"),
    Row("POST", f"{A}/matters/<int:matter_id>/evaluate", "404 | ok: grid staff admin | 403: resident council",
        on="m_done", body={"satisfaction": 5, "on_behalf_of_household_id": "@h1"},
        note="代为评议 for h1: whoever looks after it and sees the matter"),
    Row("POST", f"{A}/matters/<int:matter_id>/withdraw", "404 | ok: resident | 403: grid council staff admin",
        on="m_new", body={}),
    Row("POST", f"{A}/matters/<int:matter_id>/merge", "404 | ok: council staff admin | 403: resident grid",
        on="m_new", body={"into_id": "@m_private"}),
    Row("POST", f"{A}/matters/<int:matter_id>/comments", "404 | ok: resident grid council staff admin",
        on="m_private", body={"note": "补充说明"}),
    Row("POST", f"{A}/matters/<int:matter_id>/comments", "ok | 404: nobody outsider other_staff liaison2",
        on="m_major", body={"note": "我也遇到了"}, note="a public matter: the community may comment"),
    Row("GET", f"{A}/communities/<int:community_id>/matters", "403 | ok: council staff admin", on="A"),
    Row("GET", f"{A}/communities/<int:community_id>/triage-queue", "403 | ok: council staff admin", on="A"),
    Row("GET", f"{A}/communities/<int:community_id>/triage-sheet", "403 | ok: council staff admin", on="A",
        query={"from": "@month_ago", "to": "@today"}),
    Row("GET", f"{A}/communities/<int:community_id>/matter-stats", "403 | ok: council staff admin", on="A",
        query={"from": "@month_ago", "to": "@today"}),
    Row("GET", f"{A}/communities/<int:community_id>/meeting-stats", "403 | ok: council staff admin", on="A",
        query={"from": "@month_ago", "to": "@today"}, note="attendance: who reads matter-stats"),
    Row("GET", f"{A}/communities/<int:community_id>/poll-stats", "403 | ok: @A admin", on="A",
        query={"from": "@month_ago", "to": "@today"}, note="closed polls' turnout, as each poll shows it"),
    Row("POST", f"{A}/photos", "ok", files=PHOTO),
    Row("GET", f"{A}/photos/<int:photo_id>", "ok | ok: anon", on="photo", query={"sig": "@sig"},
        note="the signed URL is the permission"),
    Row("GET", f"{A}/photos/<int:photo_id>", "403 | 403: anon", on="photo", query={"sig": "forged"},
        note="a forged signature"),
    Row("GET", f"{A}/photos/<int:photo_id>/thumbnail", "ok | ok: anon", on="photo", query={"sig": "@sig"}),
    Row("POST", f"{A}/voice-notes", "ok", files={"file": ("voice.mp3", "@mp3")}),
    Row("GET", f"{A}/voice-notes/<int:voice_note_id>", "404 | ok: resident grid council staff admin", on="voice",
        note="m_private's: whoever sees the matter in full"),
    Row("GET", f"{A}/voice-notes/<int:voice_note_id>", "404 | ok: far council staff liaison admin", on="voice_major",
        note="m_major's: public in the community, its voice is not"),

    # ---- meetings -------------------------------------------------------------------------------------------
    Row("POST", f"{A}/meetings", "403 | ok: bhead staff admin", body=MEETING, note="for building 1"),
    Row("POST", f"{A}/meetings", "403 | ok: bhead2 staff admin", body={**MEETING, "scope_ids": ["@b2"]},
        note="for building 2"),
    Row("POST", f"{A}/meetings", "403 | ok: staff admin", body={**MEETING, "kind": "council", "scope_kind": "council",
                                                                "scope_ids": []}, note="a council meeting"),
    Row("GET", f"{A}/meetings/mine", "ok"),
    Row("GET", f"{A}/communities/<int:community_id>/meetings", "403 | ok: staff admin", on="A"),
    Row("GET", f"{A}/communities/<int:community_id>/meetings", "403 | ok: other_staff admin", on="B",
        note="another community's calendar"),
    Row("GET", f"{A}/meetings/<int:meeting_id>", "404 | ok: @A admin", on="meeting_b1"),
    Row("GET", f"{A}/meetings/<int:meeting_id>", "404 | ok: outsider other_staff admin", on="meeting_other",
        note="another community's meeting"),
    Row("GET", f"{A}/meetings/<int:meeting_id>", "404 | ok: bhead staff admin", on="meeting_draft",
        note="a draft: only its organisers"),
    Row("POST", f"{A}/meetings/<int:meeting_id>/publish", "404 | ok: bhead staff admin", on="meeting_draft"),
    Row("POST", f"{A}/meetings/<int:meeting_id>/reschedule", "403 | ok: bhead staff admin | 404: @out",
        on="meeting_b1", body={"place": "社区活动室"}),
    Row("POST", f"{A}/meetings/<int:meeting_id>/cancel", "403 | ok: bhead staff admin | 404: @out",
        on="meeting_b1", body={"reason": "下雨改期"}),
    Row("POST", f"{A}/meetings/<int:meeting_id>/cancel", "403 | ok: bhead2 staff admin | 404: @out",
        on="meeting_b2", body={"reason": "下雨改期"}, note="another building's meeting"),
    Row("POST", f"{A}/meetings/<int:meeting_id>/cancel", "404 | ok: other_staff admin | 403: outsider",
        on="meeting_other", body={"reason": "下雨改期"}, note="another community's meeting"),
    Row("POST", f"{A}/meetings/<int:meeting_id>/reply", "404 | ok: resident neighbour", on="meeting_b1",
        body={"reply": "attend"}, note="invited households only"),
    Row("POST", f"{A}/meetings/<int:meeting_id>/reply", "403 | ok: bhead grid staff admin | 404: @out",
        on="meeting_b1", body={"reply": "attend", "on_behalf_of_household_id": "@h1"}, note="代办 for h1"),
    Row("GET", f"{A}/meetings/<int:meeting_id>/replies", "403 | ok: bhead staff admin | 404: @out", on="meeting_b1"),
    Row("GET", f"{A}/meetings/<int:meeting_id>/invitations", "403 | ok: bhead grid staff admin | 404: @out",
        on="meeting_b1", note="the organiser all; who acts for households, those"),
    Row("POST", f"{A}/meetings/<int:meeting_id>/resend", "403 | ok: bhead staff admin | 404: @out", on="meeting_b1"),
    Row("GET", f"{A}/meetings/<int:meeting_id>/checkin-code", "403 | ok: bhead staff admin | 404: @out",
        on="meeting_b1"),
    Row("POST", f"{A}/meetings/checkins", "404 | ok: resident neighbour", body={"scene": "@scene"},
        note="meeting_now's current code: invited households only"),
    Row("POST", f"{A}/meetings/<int:meeting_id>/manual-checkins", "403 | ok: bhead grid staff admin | 404: @out",
        on="meeting_now", body={"household_id": "@h1"}),
    Row("POST", f"{A}/meetings/<int:meeting_id>/minutes", "403 | ok: bhead staff admin | 404: @out",
        on="meeting_now", body={"minutes": "议定：更换楼道灯"}),
    Row("POST", f"{A}/meetings/<int:meeting_id>/publish-minutes", "403 | ok: bhead staff admin | 404: @out",
        on="meeting_now"),

    # ---- polls ----------------------------------------------------------------------------------------------
    Row("POST", f"{A}/polls", "403 | ok: staff committee admin", body=POLL),
    Row("POST", f"{A}/polls", "403 | ok: other_staff admin", body={**POLL, "community_id": "@B"},
        note="in another community"),
    Row("GET", f"{A}/polls/mine", "ok"),
    Row("GET", f"{A}/polls/rules", "ok"),
    Row("GET", f"{A}/communities/<int:community_id>/polls", "403 | ok: @A admin", on="A"),
    Row("GET", f"{A}/communities/<int:community_id>/polls", "403 | ok: outsider other_staff admin", on="B",
        note="another community's polls"),
    Row("GET", f"{A}/polls/<int:poll_id>", "404 | ok: @A admin", on="poll_a"),
    Row("GET", f"{A}/polls/<int:poll_id>", "404 | ok: outsider other_staff admin", on="poll_b",
        note="another community's poll"),
    Row("GET", f"{A}/polls/<int:poll_id>", "404 | ok: staff committee supervisor admin", on="poll_draft",
        note="a draft: those who run or supervise polls"),
    Row("PATCH", f"{A}/polls/<int:poll_id>", "404 | ok: staff committee admin | 403: supervisor",
        on="poll_draft", body={"title": "是否加装小区大门", "quorum_percent": 50}),
    Row("POST", f"{A}/polls/<int:poll_id>/publish", "404 | ok: staff committee admin | 403: supervisor",
        on="poll_draft"),
    Row("POST", f"{A}/polls/<int:poll_id>/cancel", "403 | ok: staff committee admin | 404: @out", on="poll_a",
        body={"reason": "议题有误"}),
    Row("POST", f"{A}/polls/<int:poll_id>/cancel", "404 | ok: other_staff admin | 403: outsider", on="poll_b",
        body={"reason": "议题有误"}, note="another community's poll"),
    Row("POST", f"{A}/polls/<int:poll_id>/ballots", "403 | ok: resident far | 409: neighbour | 404: @out",
        on="poll_a", body={"answers": ANSWER_YES}, note="h3's paper ballot is pending"),
    Row("POST", f"{A}/polls/<int:poll_id>/ballots", "404 | ok: outsider | 403: other_staff admin", on="poll_b",
        body={"answers": [{"question_id": "@poll_b_q", "choices": [0]}]}, note="another community's poll"),
    Row("GET", f"{A}/polls/<int:poll_id>/my-ballot", "404 | ok: neighbour", on="poll_a"),
    Row("GET", f"{A}/polls/<int:poll_id>/receipts/<receipt>", "404 | ok: @A admin", on=("poll_closed", "receipt")),
    Row("GET", f"{A}/polls/<int:poll_id>/board", "404 | ok: @A admin", on="poll_closed",
        note="the published ballots: whoever sees the poll, to recount it"),
    Row("GET", f"{A}/polls/<int:poll_id>/board", "404 | 409: resident neighbour far @A admin", on="poll_a",
        note="not before the close"),
    Row("POST", f"{A}/polls/<int:poll_id>/paper-ballots", "403 | ok: staff grid bhead admin | 404: @out",
        on="poll_a", body={"household_id": "@h1", "answers": ANSWER_YES, "photo_id": "@my_photo"}),
    Row("POST", f"{A}/polls/<int:poll_id>/paper-ballots", "404 | ok: other_staff admin | 403: outsider",
        on="poll_b", body={"household_id": "@hB", "answers": [{"question_id": "@poll_b_q", "choices": [0]}],
                           "photo_id": "@my_photo"}, note="another community's poll"),
    Row("GET", f"{A}/polls/<int:poll_id>/paper-ballots",
        "403 | ok: staff grid bhead bhead2 supervisor admin | 404: @out", on="poll_a",
        note="supervisors all; who enters ballots their own"),
    Row("POST", f"{A}/polls/<int:poll_id>/paper-ballots/<int:paper_id>/confirm",
        "403 | ok: supervisor admin | 404: @out", on=("poll_a", "paper")),
    Row("POST", f"{A}/polls/<int:poll_id>/paper-ballots/<int:paper_id>/reject",
        "403 | ok: supervisor admin | 404: @out", on=("poll_a", "paper"), body={"reason": "照片不清"}),
    Row("GET", f"{A}/polls/<int:poll_id>/electors", "403 | ok: staff committee supervisor admin | 404: @out",
        on="poll_a"),
    Row("GET", f"{A}/polls/<int:poll_id>/electors",
        "403 | ok: staff committee supervisor grid bhead admin | 404: @out", on="poll_a",
        query={"building_id": "@b1"}, note="one building: those who cover it"),
    Row("GET", f"{A}/polls/<int:poll_id>/electorate", "403 | ok: staff committee supervisor admin | 404: @out",
        on="poll_a"),
    Row("GET", f"{A}/polls/<int:poll_id>/electorate", "404 | ok: committee staff supervisor admin",
        on="poll_draft", note="a draft, weighed before publishing"),
    Row("GET", f"{A}/polls/<int:poll_id>/turnout", "403 | ok: staff committee supervisor admin | 404: @out",
        on="poll_a"),
    Row("GET", f"{A}/polls/<int:poll_id>/named-ballots", "403 | ok: supervisor admin | 404: @out", on="poll_closed"),
    Row("GET", f"{A}/polls/<int:poll_id>/events", "403 | ok: staff committee supervisor admin | 404: @out",
        on="poll_a"),
    Row("POST", f"{A}/polls/<int:poll_id>/close", "403 | ok: staff committee supervisor admin | 404: @out",
        on="poll_due"),
    Row("POST", f"{A}/polls/<int:poll_id>/recount", "403 | ok: supervisor admin | 404: @out", on="poll_closed"),
    Row("POST", f"{A}/polls/<int:poll_id>/objections", "403 | ok: resident neighbour far | 404: @out",
        on="poll_closed", body={"text": "计票有误"}, note="the electorate, during 公示"),
    Row("GET", f"{A}/polls/<int:poll_id>/objections", "404 | ok: @A admin", on="poll_closed"),
    Row("POST", f"{A}/polls/<int:poll_id>/objections/<int:objection_id>/answer",
        "403 | ok: supervisor admin | 404: @out", on=("poll_closed", "objection"), body={"answer": "已复核，无误"}),

    # ---- community money: budgets ---------------------------------------------------------------------------
    # World (tests/matrix_world.py): budget_fund (community A's, 100,000 元 granted), budget_fund_b (B's);
    # agenda_rule (A's 五议三不议); round_proposing with project_proposed (the resident's); round_reviewing
    # (one project accepted); round_voting (project_on_ballot and another; h1, h2, h3 vote); round_closed
    # with project_funded, project_completed (awaiting sign-off) and project_signed_off; round_b (B's).
    Row("GET", f"{A}/communities/<int:community_id>/agenda-rules", "403 | ok: @A admin", on="A"),
    Row("POST", f"{A}/communities/<int:community_id>/agenda-rules", "403 | ok: staff admin", on="A",
        body={"title": "涉及个人隐私的不议"}),
    Row("PATCH", f"{A}/agenda-rules/<int:rule_id>", "403 | ok: staff admin", on="agenda_rule", body={"active": False}),
    Row("POST", f"{A}/communities/<int:community_id>/budget-rounds", "403 | ok: staff admin", on="A",
        body={"title": "院坝微更新", "fund_id": "@budget_fund", "budget_fen": 100000, "rule": "equal_shares"}),
    Row("GET", f"{A}/communities/<int:community_id>/budget-rounds", "403 | ok: @A admin", on="A"),
    Row("GET", f"{A}/budget-rounds/mine", "ok"),
    Row("GET", f"{A}/budget-rounds/<int:round_id>", "404 | ok: @A admin", on="round_voting"),
    Row("GET", f"{A}/budget-rounds/<int:round_id>", "404 | ok: outsider other_staff admin", on="round_b",
        note="another community's round"),
    Row("POST", f"{A}/budget-rounds/<int:round_id>/review", "403 | ok: staff admin | 404: @out", on="round_proposing"),
    Row("POST", f"{A}/budget-rounds/<int:round_id>/open-voting", "403 | ok: staff admin | 404: @out",
        on="round_reviewing"),
    Row("POST", f"{A}/budget-rounds/<int:round_id>/close", "403 | ok: staff admin | 404: @out", on="round_voting"),
    Row("POST", f"{A}/budget-rounds/<int:round_id>/cancel", "403 | ok: staff admin | 404: @out", on="round_voting",
        body={"reason": "重新安排"}),
    Row("GET", f"{A}/budget-rounds/<int:round_id>/board", "404 | ok: @A admin", on="round_closed",
        note="every ballot without its household, to recount"),
    Row("GET", f"{A}/budget-rounds/<int:round_id>/board", "404 | 409: @A admin", on="round_voting",
        note="not before the close"),
    Row("POST", f"{A}/budget-rounds/<int:round_id>/ballot", "403 | ok: resident neighbour far | 404: @out",
        on="round_voting", body={"project_ids": ["@project_on_ballot"]}, note="the electorate's households"),
    Row("POST", f"{A}/budget-rounds/<int:round_id>/ballot", "403 | ok: bhead grid staff admin | 404: @out",
        on="round_voting", body={"project_ids": ["@project_on_ballot"], "on_behalf_of_household_id": "@h1"},
        note="代办 for h1"),
    Row("GET", f"{A}/budget-rounds/<int:round_id>/electors", "403 | ok: bhead bhead2 grid staff admin | 404: @out",
        on="round_voting", note="the electors whoever looks after households may enter a ballot for"),
    Row("POST", f"{A}/budget-rounds/<int:round_id>/projects",
        "403 | ok: resident neighbour far council staff admin | 404: @out", on="round_proposing",
        body={"title": "楼道扶手"}, note="residents of the scope, the council, staff"),
    Row("GET", f"{A}/budget-projects/<int:project_id>", "404 | ok: @A admin", on="project_on_ballot"),
    Row("POST", f"{A}/budget-projects/<int:project_id>/withdraw", "403 | ok: resident | 404: @out",
        on="project_proposed", note="its proposer"),
    Row("POST", f"{A}/budget-projects/<int:project_id>/review", "403 | ok: council staff admin | 404: @out",
        on="project_proposed", body={"decision": "accept", "reason": "可行", "cost_fen": 50000}),
    Row("POST", f"{A}/budget-projects/<int:project_id>/updates", "403 | ok: staff committee admin | 404: @out",
        on="project_funded", body={"text": "已开工", "percent": 20}),
    Row("POST", f"{A}/budget-projects/<int:project_id>/sign-off", "403 | ok: supervisor admin | 404: @out",
        on="project_completed", body={"accepted": True}),
    Row("POST", f"{A}/budget-projects/<int:project_id>/evaluations", "403 | ok: resident neighbour far | 404: @out",
        on="project_signed_off", body={"rating": 5}, note="the round's households"),
    Row("POST", f"{A}/budget-projects/<int:project_id>/evaluations", "403 | ok: bhead grid staff admin | 404: @out",
        on="project_signed_off", body={"rating": 5, "on_behalf_of_household_id": "@h1"}, note="代为评议 for h1"),

    # ---- community money: funds -----------------------------------------------------------------------------
    # World (tests/matrix_world.py): fund (community A's 院坝自筹金: a grant, entry_contribution — h1's cash, taken
    # by bhead —, a spending, all recorded last month); statement (last month's, published); fund_month_open
    # (the month before, not yet published); budget_fund_b is community B's.
    Row("POST", f"{A}/communities/<int:community_id>/funds", "403 | ok: staff committee admin", on="A",
        body={"name": "楼道基金", "suggested_fen": 5000}),
    Row("GET", f"{A}/communities/<int:community_id>/funds", "403 | ok: @A admin", on="A"),
    Row("GET", f"{A}/funds/<int:fund_id>", "404 | ok: @A admin", on="fund"),
    Row("GET", f"{A}/funds/<int:fund_id>", "404 | ok: outsider other_staff admin", on="budget_fund_b",
        note="another community's fund"),
    Row("GET", f"{A}/funds/<int:fund_id>/entries", "404 | 403: @A | ok: staff committee supervisor admin", on="fund"),
    Row("POST", f"{A}/funds/<int:fund_id>/entries", "404 | 403: @A | ok: resident bhead grid staff admin", on="fund",
        body={"kind": "contribution", "amount_fen": 10000, "occurred_on": "@today", "household_id": "@h1",
              "paid_by": "cash", "photo_id": "@my_photo"}, note="h1's contribution: its own, or taken for it"),
    Row("POST", f"{A}/funds/<int:fund_id>/entries", "404 | 403: @A | ok: staff committee admin", on="fund",
        body={"kind": "grant", "amount_fen": 10000, "occurred_on": "@today", "counterparty": "街道办"}, note="a grant"),
    Row("POST", f"{A}/funds/<int:fund_id>/entries", "404 | 403: @A | ok: staff committee admin", on="fund",
        body={"kind": "spending", "amount_fen": 100, "occurred_on": "@today", "photo_id": "@my_photo"},
        note="a spending"),
    Row("GET", f"{A}/fund-entries/<int:entry_id>", "404 | ok: resident staff committee supervisor admin",
        on="entry_contribution", note="h1's contribution: its household and the ledger's readers"),
    Row("POST", f"{A}/fund-entries/<int:entry_id>/corrections", "404 | 403: resident supervisor | ok: staff committee admin",
        on="entry_contribution", body={"amount_fen": 5000, "reason": "实收50元"}),
    Row("GET", f"{A}/contributions/mine", "ok"),
    Row("GET", f"{A}/funds/<int:fund_id>/contributors",
        "404 | 403: @A | ok: bhead bhead2 grid staff committee supervisor admin", on="fund",
        note="the ledger's readers, and collectors for their households"),
    Row("GET", f"{A}/budget-projects/<int:project_id>/spending", "404 | ok: @A admin", on="project_funded"),
    Row("POST", f"{A}/funds/<int:fund_id>/statements", "404 | 403: @A | ok: staff committee admin", on="fund",
        body={"kind": "month", "month": "@fund_month_open"}),
    Row("POST", f"{A}/funds/<int:fund_id>/statements", "404 | 403: @A | ok: staff committee admin", on="budget_fund",
        body={"kind": "project", "project_id": "@project_completed"}, note="a completed project's statement"),
    Row("GET", f"{A}/funds/<int:fund_id>/statements", "404 | ok: @A admin", on="fund"),
    Row("GET", f"{A}/fund-statements/<int:statement_id>", "404 | ok: @A admin", on="statement"),
    Row("POST", f"{A}/fund-statements/<int:statement_id>/confirmations", "404 | 403: @A | ok: supervisor admin",
        on="statement", body={"agrees": True}),
    Row("GET", f"{A}/fund-statements/<int:statement_id>/statement.xlsx",
        "404 | 403: @A | ok: staff committee supervisor admin", on="statement", note="households named"),
    Row("GET", f"{A}/fund-statements/<int:statement_id>/statement.pdf", "404 | ok: @A admin", on="statement",
        note="the public version"),

    # ---- printing (PDF) -------------------------------------------------------------------------------------
    Row("GET", f"{A}/polls/<int:poll_id>/result.pdf", "404 | ok: @A admin", on="poll_closed"),
    Row("GET", f"{A}/polls/<int:poll_id>/result.pdf", "404 | 409: @A admin", on="poll_a",
        note="not before the close"),
    Row("GET", f"{A}/polls/<int:poll_id>/paper-ballots.pdf", "403 | ok: staff grid bhead bhead2 admin | 404: @out",
        on="poll_a", note="those who enter paper ballots, for the households they cover"),
    Row("GET", f"{A}/meetings/<int:meeting_id>/notice.pdf", "404 | ok: @A admin", on="meeting_b1"),
    Row("GET", f"{A}/meetings/<int:meeting_id>/notice.pdf", "404 | 409: bhead staff admin", on="meeting_draft",
        note="a draft is not yet called"),
    Row("GET", f"{A}/meetings/<int:meeting_id>/sign-in-sheet.pdf", "403 | ok: bhead staff admin | 404: @out",
        on="meeting_b1"),
    Row("GET", f"{A}/meetings/<int:meeting_id>/minutes.pdf", "404 | ok: @A admin", on="meeting_closed"),
    Row("GET", f"{A}/meetings/<int:meeting_id>/minutes.pdf", "404 | 409: @A admin", on="meeting_now",
        note="not before the minutes are published"),

    # ---- the audit log ------------------------------------------------------------------------------------
    Row("GET", f"{A}/communities/<int:community_id>/audit-entries", "403 | ok: staff supervisor admin", on="A"),
    Row("GET", f"{A}/communities/<int:community_id>/audit-entries", "403 | ok: other_staff admin", on="B",
        note="another community's log"),
    Row("GET", f"{A}/audit/verify", "403 | ok: staff supervisor other_staff admin",
        note="the chain check: anyone who reads some community's log"),

    # ---- notifications --------------------------------------------------------------------------------------
    Row("GET", f"{A}/notifications", "ok"),
    Row("GET", f"{A}/notifications/unread-count", "ok"),
    Row("POST", f"{A}/notifications/<int:notification_id>/read", "404 | ok: resident", on="notification",
        note="someone else's notification is hidden"),
    Row("POST", f"{A}/notifications/read-all", "ok", body={}),
    Row("GET", f"{A}/notifications/consents", "ok"),
    Row("POST", f"{A}/notifications/consents", "ok", body={"results": {"unknown-template": "accept"}}),
    Row("GET", f"{A}/notifications/preferences", "ok"),
    Row("PUT", f"{A}/notifications/preferences", "ok", body={"kind": "matter_comment", "wechat": True}),
    Row("GET", f"{A}/notifications/households/<int:household_id>/sms-consent", "403 | ok: resident staff grid bhead admin",
        on="h1", note="its members, and those who act for it"),
    Row("GET", f"{A}/notifications/households/<int:household_id>/sms-consent", "403 | ok: outsider other_staff admin",
        on="hB", note="another community's household"),
    Row("PUT", f"{A}/notifications/households/<int:household_id>/sms-consent", "403 | ok: resident staff grid bhead admin",
        on="h1", body={"phone": "13912345678", "evidence": "written"}),
    Row("DELETE", f"{A}/notifications/households/<int:household_id>/sms-consent",
        "403 | ok: resident staff grid bhead admin", on="h1"),

    # ---- WeChat's callbacks: the signature is the permission ------------------------------------------------
    Row("GET", f"{A}/wechat/push", "ok | ok: anon", query=PUSH),
    Row("GET", f"{A}/wechat/push", "403 | 403: anon", query=PUSH_FORGED, note="a forged signature"),
    Row("POST", f"{A}/wechat/push", "ok | ok: anon", query=PUSH, body={"MsgType": "event", "Event": "other"}),
    Row("POST", f"{A}/wechat/push", "403 | 403: anon", query=PUSH_FORGED, body={"MsgType": "event", "Event": "other"},
        note="a forged signature"),
]
