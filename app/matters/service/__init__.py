"""The rules of a matter's life, a module per use case: reporting (categories, submission),
triage (三事分流: classify, vote, reclassify, assign, merge), handling (progress, resolve, due
dates, escalation), residents (evaluate, withdraw, comment) and views (what one reads).

Every status change goes through `state.transition`, which consults TRANSITIONS (models.py);
who may do what to a matter, and what its view offers, is `app/matters/access.py`.
"""
from app.matters.service.handling import check_move, escalate, local_today, post_progress, resolve, warn_overdue
from app.matters.service.reporting import add_category, categories, fast_submit, submit
from app.matters.service.residents import comment, evaluate, withdraw
from app.matters.service.triage import assign, classify, classify_by_vote, merge, reclassify
from app.matters.service.views import (
    brief, category_info, category_name, community_matters, matter_view, my_matters, triage_queue, work_list,
)

__all__ = [
    "add_category", "assign", "brief", "categories", "category_info", "category_name",
    "check_move", "classify", "classify_by_vote", "comment", "community_matters", "escalate", "evaluate", "fast_submit",
    "local_today", "matter_view", "merge", "my_matters", "post_progress", "reclassify", "resolve", "submit",
    "triage_queue", "warn_overdue", "withdraw", "work_list",
]
