"""What each mutating endpoint writes to the audit log (issue 18): the decision, one row per
operation, so no endpoint skips it. tests/test_audit_coverage.py sends each row's request in the
permission matrix's world (tests/matrix_world.py) and checks the log gained exactly the entry
named here, or nothing; a POST, PUT, PATCH or DELETE without a row fails the suite.

An act of those who run the community (staff, council, supervisors, building heads, admins)
writes an entry, as does anything that changes who votes for a household or how much its vote
weighs. A person's own act (a report, a reply, a ballot, reading a notification) writes none:
it is kept where it belongs (the matter's timeline, the replies, the board), and a ballot in
the log would undo the secret ballot.

Each row sends the first matrix row with the same method, rule and note (its world names and
body) as `actor`, unless the row gives its own body. `target` is (target_type, world name);
the world name "new" is the id the response returns. `community` is the world name of the
community whose log shows the entry ("new": the one created; None: no community's).
"""
from dataclasses import dataclass, replace

from tests.permission_matrix import A, MATRIX


@dataclass(frozen=True)
class Op:
    method: str
    rule: str
    actor: str
    action: str | None = None       # the entry written; None: none, and `why` says why
    target: tuple = ()
    community: str | None = "A"
    why: str = ""
    note: str = ""                  # the matrix row's note, where the rule has several rows
    body: dict | None = None        # instead of the matrix row's

    def __post_init__(self):
        if (self.action is None) == (not self.why):
            raise ValueError(f"{self.label}: either an action or why none")
        if self.action and len(self.target) != 2:
            raise ValueError(f"{self.label}: the target is (type, world name)")

    @property
    def label(self):
        return f"{self.method} {self.rule} as {self.actor}" + (f" ({self.note})" if self.note else "")

    @property
    def row(self):
        """The permission matrix's row whose request this sends, with this row's body if it has one."""
        row = next(row for row in MATRIX if (row.method, row.rule) == (self.method, self.rule)
                   and (not self.note or row.note == self.note))
        return row if self.body is None else replace(row, body=self.body)


def none(method, rule, actor, why, **kwargs):
    return Op(method, rule, actor, why=why, **kwargs)


OWN_ACCOUNT = "one's own account, not an administrative act"
HOUSEHOLD_PATCH = {"floor_area": 95.5, "developer_held": True, "head_phone": "13900001111", "head_name": "王建华"}

OPERATIONS = [
    # ---- sign-in and one's own account ---------------------------------------------------------------------
    none("POST", f"{A}/auth/login", "anon", "signing in: " + OWN_ACCOUNT),
    none("POST", f"{A}/auth/refresh", "resident", "renewing one's session: " + OWN_ACCOUNT),
    none("POST", f"{A}/auth/logout", "resident", "ending one's session: " + OWN_ACCOUNT),
    none("POST", f"{A}/auth/logout-everywhere", "staff", "ending all one's sessions: " + OWN_ACCOUNT),
    none("POST", f"{A}/auth/console-logins", "anon", "a browser asks for a sign-in code; nobody is signed in yet"),
    none("POST", f"{A}/auth/console-logins/<login_id>/scan", "staff", "scanning a sign-in code: " + OWN_ACCOUNT),
    none("POST", f"{A}/auth/console-logins/<login_id>/confirm", "staff",
         "signing in at a desk, like /auth/login: " + OWN_ACCOUNT),
    none("POST", f"{A}/auth/console-logins/<login_id>/refuse", "staff", "refusing a sign-in: " + OWN_ACCOUNT),
    none("PATCH", f"{A}/me", "resident", "one's own name: " + OWN_ACCOUNT),
    Op("POST", f"{A}/me/erase", "resident", "user.erase", ("user", "u:resident"), community=None,
       note="one's own account only"),

    # ---- places ---------------------------------------------------------------------------------------------
    Op("POST", f"{A}/communities", "admin", "community.create", ("community", "new"), community="new"),
    Op("POST", f"{A}/communities/<int:community_id>/grids", "staff", "grid.create", ("grid", "new")),
    Op("POST", f"{A}/grids/<int:grid_id>/courtyards", "staff", "courtyard.create", ("courtyard", "new")),
    Op("POST", f"{A}/courtyards/<int:courtyard_id>/buildings", "staff", "building.create", ("building", "new")),

    # ---- households: who votes for one, and how much its vote weighs ---------------------------------------
    Op("POST", f"{A}/buildings/<int:building_id>/households", "staff", "household.create", ("household", "new")),
    Op("PATCH", f"{A}/households/<int:household_id>", "staff", "household.update", ("household", "h1"),
       body=HOUSEHOLD_PATCH),
    Op("PUT", f"{A}/households/<int:household_id>/elder-mode", "bhead", "household.update", ("household", "h1"),
       body={"elder_mode": True}),
    Op("POST", f"{A}/households/<int:household_id>/join-codes", "bhead", "household.join_code_issue",
       ("household", "h1")),
    Op("DELETE", f"{A}/join-codes/<int:code_id>", "bhead", "household.join_code_revoke", ("household", "h1")),
    Op("POST", f"{A}/households/join", "nobody", "household.join", ("household", "h1")),
    none("POST", f"{A}/join-codes/slips.pdf", "bhead",
         "prints codes just issued (their issue is audited) as slips; changes nothing"),
    Op("POST", f"{A}/households/<int:household_id>/members", "staff", "household.member_add", ("household", "h1")),
    Op("PUT", f"{A}/households/<int:household_id>/voter", "resident", "household.voter_designate",
       ("household", "h1")),
    Op("DELETE", f"{A}/households/<int:household_id>/members/<int:user_id>", "staff", "household.member_remove",
       ("household", "h1")),
    Op("POST", f"{A}/communities/<int:community_id>/roster", "staff", "community.roster_import", ("community", "A")),
    Op("POST", f"{A}/households/<int:household_id>/helper-codes", "bhead", "household.helper_code_issue",
       ("household", "h1")),
    Op("POST", f"{A}/households/help", "nobody", "household.helper_link", ("household", "h1")),
    Op("DELETE", f"{A}/households/<int:household_id>/helpers/<int:helper_id>", "resident", "household.helper_revoke",
       ("household", "h1")),

    # ---- roles, departments, volunteer teams ----------------------------------------------------------------
    Op("POST", f"{A}/role-assignments", "staff", "role.grant", ("user", "u:nobody")),
    Op("DELETE", f"{A}/role-assignments/<int:assignment_id>", "staff", "role.revoke", ("user", "u:bhead2")),
    Op("POST", f"{A}/departments", "admin", "department.create", ("department", "new"), community=None),
    Op("POST", f"{A}/communities/<int:community_id>/volunteer-teams", "staff", "volunteer_team.create",
       ("volunteer_team", "new")),

    # ---- matters --------------------------------------------------------------------------------------------
    Op("POST", f"{A}/communities/<int:community_id>/matter-categories", "staff", "matter_category.create",
       ("community", "A")),
    none("POST", f"{A}/matters", "resident", "a household's own report: its timeline records it",
         note="in community A; the outsider's home is elsewhere"),
    Op("POST", f"{A}/matters", "grid", "matter.recorded_for", ("matter", "new"), note="走访登记 for h1"),
    Op("POST", f"{A}/matters/<int:matter_id>/classify", "council", "matter.classify", ("matter", "m_new")),
    Op("POST", f"{A}/matters/<int:matter_id>/reclassify", "council", "matter.reclassify", ("matter", "m_private")),
    Op("POST", f"{A}/matters/<int:matter_id>/class-votes", "council", "matter.classify", ("matter", "m_new")),
    Op("POST", f"{A}/matters/<int:matter_id>/escalate", "staff", "matter.escalate", ("matter", "m_major")),
    Op("POST", f"{A}/matters/<int:matter_id>/assign", "council", "matter.assign", ("matter", "m_private")),
    Op("POST", f"{A}/matters/<int:matter_id>/progress", "liaison", "matter.progress", ("matter", "m_major"),
       note="the referred department's liaison handles it"),
    Op("POST", f"{A}/matters/<int:matter_id>/resolve", "liaison", "matter.resolve", ("matter", "m_major")),
    none("POST", f"{A}/matters/<int:matter_id>/evaluate", "resident",
         "the household's own evaluation: its timeline records it", note="only the household evaluates"),
    Op("POST", f"{A}/matters/<int:matter_id>/evaluate", "grid", "matter.evaluated_for", ("matter", "m_done"),
       note="代为评议 for h1: whoever looks after it and sees the matter"),
    none("POST", f"{A}/matters/<int:matter_id>/withdraw", "resident",
         "the household withdraws its own report: its timeline records it"),
    Op("POST", f"{A}/matters/<int:matter_id>/merge", "council", "matter.merge", ("matter", "m_new")),
    none("POST", f"{A}/matters/<int:matter_id>/comments", "grid", "a comment: kept in the matter's timeline"),
    none("POST", f"{A}/photos", "resident", "an upload: attaching it to a matter or a ballot is the act"),
    none("POST", f"{A}/voice-notes", "resident", "an upload: sending it with a report is the act"),

    # ---- meetings -------------------------------------------------------------------------------------------
    none("POST", f"{A}/meetings", "bhead", "a draft only its organisers see: publishing it is audited",
         note="for building 1"),
    Op("POST", f"{A}/meetings/<int:meeting_id>/publish", "bhead", "meeting.publish", ("meeting", "meeting_draft")),
    Op("POST", f"{A}/meetings/<int:meeting_id>/reschedule", "bhead", "meeting.reschedule",
       ("meeting", "meeting_b1")),
    Op("POST", f"{A}/meetings/<int:meeting_id>/cancel", "bhead", "meeting.cancel", ("meeting", "meeting_b1")),
    none("POST", f"{A}/meetings/<int:meeting_id>/reply", "resident", "a household's own reply: the replies keep it",
         note="invited households only"),
    Op("POST", f"{A}/meetings/<int:meeting_id>/reply", "bhead", "meeting.reply_for", ("meeting", "meeting_b1"),
       note="代办 for h1"),
    none("POST", f"{A}/meetings/<int:meeting_id>/resend", "bhead", "sends the same invitations again: changes nothing"),
    none("POST", f"{A}/meetings/checkins", "resident", "a household signs itself in: the attendance keeps it"),
    Op("POST", f"{A}/meetings/<int:meeting_id>/manual-checkins", "bhead", "meeting.check_in_by_hand",
       ("meeting", "meeting_now")),
    Op("POST", f"{A}/meetings/<int:meeting_id>/minutes", "bhead", "meeting.record_minutes",
       ("meeting", "meeting_now")),
    Op("POST", f"{A}/meetings/<int:meeting_id>/publish-minutes", "bhead", "meeting.publish_minutes",
       ("meeting", "meeting_now")),

    # ---- polls ----------------------------------------------------------------------------------------------
    Op("POST", f"{A}/polls", "committee", "poll.created", ("poll", "new")),
    Op("PATCH", f"{A}/polls/<int:poll_id>", "committee", "poll.edited", ("poll", "poll_draft")),
    Op("POST", f"{A}/polls/<int:poll_id>/publish", "committee", "poll.opened", ("poll", "poll_draft")),
    Op("POST", f"{A}/polls/<int:poll_id>/cancel", "staff", "poll.cancelled", ("poll", "poll_a")),
    none("POST", f"{A}/polls/<int:poll_id>/ballots", "resident",
         "a household's own ballot: an entry would undo the secret ballot; the electors list shows who voted",
         note="h3's paper ballot is pending"),
    Op("POST", f"{A}/polls/<int:poll_id>/paper-ballots", "bhead", "poll.paper_entered", ("poll", "poll_a")),
    Op("POST", f"{A}/polls/<int:poll_id>/paper-ballots/<int:paper_id>/confirm", "supervisor", "poll.paper_confirmed",
       ("poll", "poll_a")),
    Op("POST", f"{A}/polls/<int:poll_id>/paper-ballots/<int:paper_id>/reject", "supervisor", "poll.paper_rejected",
       ("poll", "poll_a")),
    Op("POST", f"{A}/polls/<int:poll_id>/close", "staff", "poll.closed", ("poll", "poll_due")),
    Op("POST", f"{A}/polls/<int:poll_id>/recount", "supervisor", "poll.recounted", ("poll", "poll_closed")),
    Op("POST", f"{A}/polls/<int:poll_id>/objections", "resident", "poll.objection_lodged", ("poll", "poll_closed")),
    Op("POST", f"{A}/polls/<int:poll_id>/objections/<int:objection_id>/answer", "supervisor",
       "poll.objection_answered", ("poll", "poll_closed")),

    # ---- community money: budgets ---------------------------------------------------------------------------
    Op("POST", f"{A}/communities/<int:community_id>/agenda-rules", "staff", "agenda_rule.created",
       ("agenda_rule", "new")),
    Op("PATCH", f"{A}/agenda-rules/<int:rule_id>", "staff", "agenda_rule.updated", ("agenda_rule", "agenda_rule")),
    Op("POST", f"{A}/communities/<int:community_id>/budget-rounds", "staff", "budget_round.created",
       ("budget_round", "new")),
    Op("POST", f"{A}/budget-rounds/<int:round_id>/review", "staff", "budget_round.reviewing",
       ("budget_round", "round_proposing")),
    Op("POST", f"{A}/budget-rounds/<int:round_id>/open-voting", "staff", "budget_round.voting_opened",
       ("budget_round", "round_reviewing")),
    Op("POST", f"{A}/budget-rounds/<int:round_id>/close", "staff", "budget_round.closed",
       ("budget_round", "round_voting")),
    Op("POST", f"{A}/budget-rounds/<int:round_id>/cancel", "staff", "budget_round.cancelled",
       ("budget_round", "round_voting")),
    none("POST", f"{A}/budget-rounds/<int:round_id>/ballot", "resident",
         "a household's own ballot: the ballot keeps it, by name, for the supervisors",
         note="the electorate's households"),
    Op("POST", f"{A}/budget-rounds/<int:round_id>/ballot", "bhead", "budget_round.ballot_entered_for",
       ("budget_round", "round_voting"), note="代办 for h1"),
    none("POST", f"{A}/budget-rounds/<int:round_id>/projects", "resident",
         "a proposal: the project keeps its proposer; its review is the audited act",
         note="residents of the scope, the council, staff"),
    none("POST", f"{A}/budget-projects/<int:project_id>/withdraw", "resident",
         "the proposer withdraws their own proposal: the project keeps its status"),
    Op("POST", f"{A}/budget-projects/<int:project_id>/review", "council", "budget_project.reviewed",
       ("budget_project", "project_proposed")),
    Op("POST", f"{A}/budget-projects/<int:project_id>/updates", "committee", "budget_project.updated",
       ("budget_project", "project_funded")),
    Op("POST", f"{A}/budget-projects/<int:project_id>/sign-off", "supervisor", "budget_project.signed_off",
       ("budget_project", "project_completed")),
    none("POST", f"{A}/budget-projects/<int:project_id>/evaluations", "resident",
         "a household's own evaluation: the project's evaluations keep it", note="the round's households"),
    Op("POST", f"{A}/budget-projects/<int:project_id>/evaluations", "bhead", "budget_project.evaluated_for",
       ("budget_project", "project_signed_off"), note="代为评议 for h1"),

    # ---- community money: funds -----------------------------------------------------------------------------
    # Every ledger entry is audited, a household's own contribution included: money, not a ballot.
    Op("POST", f"{A}/communities/<int:community_id>/funds", "staff", "fund.created", ("fund", "new")),
    Op("POST", f"{A}/funds/<int:fund_id>/entries", "resident", "fund_entry.contribution", ("fund_entry", "new"),
       note="h1's contribution: its own, or taken for it"),
    Op("POST", f"{A}/funds/<int:fund_id>/entries", "bhead", "fund_entry.contribution", ("fund_entry", "new"),
       note="h1's contribution: its own, or taken for it"),
    Op("POST", f"{A}/funds/<int:fund_id>/entries", "staff", "fund_entry.grant", ("fund_entry", "new"), note="a grant"),
    Op("POST", f"{A}/funds/<int:fund_id>/entries", "committee", "fund_entry.spending", ("fund_entry", "new"),
       note="a spending"),
    Op("POST", f"{A}/fund-entries/<int:entry_id>/corrections", "committee", "fund_entry.correction",
       ("fund_entry", "new")),
    Op("POST", f"{A}/funds/<int:fund_id>/statements", "staff", "fund_statement.published", ("fund_statement", "new")),
    Op("POST", f"{A}/funds/<int:fund_id>/statements", "committee", "fund_statement.published",
       ("fund_statement", "new"), note="a completed project's statement"),
    Op("POST", f"{A}/fund-statements/<int:statement_id>/confirmations", "supervisor", "fund_statement.confirmed",
       ("fund_statement", "statement")),

    # ---- notifications and WeChat ---------------------------------------------------------------------------
    none("POST", f"{A}/notifications/<int:notification_id>/read", "resident", "marks one's notification read"),
    none("POST", f"{A}/notifications/read-all", "resident", "marks one's notifications read"),
    none("POST", f"{A}/notifications/consents", "resident", "one's own consent to WeChat messages"),
    none("PUT", f"{A}/notifications/preferences", "resident", "which reminders one wants on WeChat: " + OWN_ACCOUNT),
    Op("PUT", f"{A}/notifications/households/<int:household_id>/sms-consent", "bhead", "household.sms_consent_set",
       ("household", "h1")),
    Op("DELETE", f"{A}/notifications/households/<int:household_id>/sms-consent", "resident",
       "household.sms_consent_remove", ("household", "h1")),
    none("POST", f"{A}/wechat/push", "anon", "WeChat's callback about subscriptions, not an act of a person"),
]
