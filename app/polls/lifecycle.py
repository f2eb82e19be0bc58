"""Polls' personal data and housekeeping. Whether the person's household voted, and their
objections, are exported and stay in the poll's record: a count must not change when someone
leaves (ballots belong to the household, not the person). The workers catch up on openings and
closings whose scheduled job was lost."""
from sqlalchemy import select

from app import lifecycle
from app.polls.models import Objection, PollElector
from app.polls.service import catch_up


def export(user):
    return {
        "poll_participation": lifecycle.rows(select(PollElector.poll_id, PollElector.voted_at)
                                             .where(PollElector.user_id == user.id)),
        "objections": lifecycle.rows(select(Objection.poll_id, Objection.text, Objection.created_at, Objection.answer)
                                     .where(Objection.user_id == user.id)),
    }


lifecycle.personal_data("polls", "poll_electors", "poll_objections", "poll_paper_ballots", export=export)
lifecycle.housekeeping(catch_up)
