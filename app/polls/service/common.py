"""What the polls' use cases share: the audit trail, the scheduled jobs' names, telling the
electorate, the share lock votes hold, and labels for households and people."""
from sqlalchemy import select

from app.audit import service as audit
from app.community.models import Building, Household
from app.community.service import people_named
from app.extensions import db
from app.models_base import utcnow
from app.polls import access
from app.polls.models import Poll, PollElector


def event(poll, actor, action, household_id=None, note="", **details):
    """A line of the poll's audit trail, in the chained audit log (app/audit)."""
    audit.record(actor, f"poll.{action}", "poll", poll.id, community_id=poll.community_id,
                 household_id=household_id, note=note, **details)


def job_id(poll, label):
    return f"poll-{poll.id}-{label}"


def elector_users(poll, only=None):
    """Users to tell (a SELECT for `notify`): members of elector households and elector persons
    (`only`: a filter on PollElector)."""
    return people_named(PollElector, PollElector.poll_id == poll.id, only)


def payload(poll, note, **extra):
    return {"title": poll.title, "closes_at": poll.closes_at, "note": note, "poll_id": poll.id,
            "body": f"{poll.title}：{note}", **extra}


def page_path(poll):
    """The poll's page in the mini-program, for notifications."""
    return f"pages/poll/poll?id={poll.id}"


def lock_open(poll):
    """Hold the poll row in share mode for the rest of the transaction (closing takes it
    exclusively) and check that voting is open."""
    status, closes_at = db.session.execute(select(Poll.status, Poll.closes_at).where(Poll.id == poll.id)
                                           .with_for_update(read=True)).one()
    access.check_voting_open(status, closes_at, utcnow())


def household_labels(ids):
    rows = db.session.execute(select(Household.id, Building.name, Household.unit, Household.room, Household.head_name)
                              .join(Building, Building.id == Household.building_id).where(Household.id.in_(ids)))
    return {h: f"{b}{u}{r}" + (f"（{n}）" if n else "") for h, b, u, r, n in rows}

