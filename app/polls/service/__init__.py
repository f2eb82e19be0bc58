"""Polls, one module per use case: drafting, opening (the electorate is frozen), voting, paper
and proxy ballots, closing (the result is computed by app/polls/rules.py, frozen and published
as 公示, and recounted), objections, and the views. Who may do what to a poll is
app/polls/access.py; what the use cases share, common.py.

Services stage changes and never commit: the request, the job or the command owns the unit of
work (README: Architecture).
"""
from app.polls.service.closing import close, close_due, compute_result, compute_results, recount
from app.polls.service.drafting import check_publish, create, edit, publish
from app.polls.service.objections import answer_objection, get_objection, lodge_objection, objection_views, objections
from app.polls.service.opening import cancel, catch_up, open_scheduled, remind
from app.polls.service.paper import confirm_paper, enter_paper, get_paper, paper_ballots, paper_views, reject_paper
from app.polls.service.views import (
    community_polls,
    electorate,
    electors,
    events,
    get_visible,
    my_polls,
    named_ballots,
    poll_view,
    poll_views,
    rule_book,
    turnout,
    turnout_over_time,
)
from app.polls.service.voting import ballot_view, board, cast, check_receipt, fast_cast, my_ballot

__all__ = [
    "answer_objection", "ballot_view", "board", "cancel", "cast", "catch_up", "check_publish", "check_receipt",
    "close", "close_due", "community_polls", "compute_result", "compute_results", "confirm_paper", "create",
    "edit", "electorate", "electors", "enter_paper", "events", "fast_cast", "get_objection", "get_paper", "get_visible", "lodge_objection", "my_ballot",
    "my_polls", "named_ballots", "objection_views", "objections", "open_scheduled", "paper_ballots", "paper_views",
    "poll_view", "poll_views", "publish", "recount", "reject_paper", "remind", "rule_book",
    "turnout", "turnout_over_time",
]
