"""Participatory budgets, one module per use case: the 五议三不议 list (agenda), a round's life
(rounds: create, review, open the vote, close and count through app/budgets/rules.py, cancel, the
board), proposals and their review, the vote, funded projects (progress, sign-off, evaluation),
and the views. Who may do what is access.py; what the use cases share, common.py.

Services stage changes and never commit: the request, the job or the command owns the unit of
work (README: Architecture).
"""
from app.budgets.service.agenda import agenda_rules, create_rule, rule_view, update_rule
from app.budgets.service.projects import evaluate, post_update, sign_off
from app.budgets.service.proposals import propose, review, withdraw
from app.budgets.service.rounds import ballots_digest, board, cancel, close, create, open_voting, start_review
from app.budgets.service.views import (
    community_rounds,
    electors,
    get_project,
    get_visible,
    my_rounds,
    project_view,
    round_summaries,
    round_view,
)
from app.budgets.service.voting import cast

__all__ = [
    "agenda_rules", "ballots_digest", "board", "cancel", "cast", "close", "community_rounds", "create", "create_rule",
    "electors", "evaluate", "get_project", "get_visible", "my_rounds", "open_voting", "post_update", "project_view",
    "propose", "review", "round_summaries", "round_view", "rule_view", "sign_off", "start_review", "update_rule",
    "withdraw",
]
