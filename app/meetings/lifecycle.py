"""Meetings' personal data: the person's replies and sign-ins. Both stay in the meeting's
record (a headcount must not change when someone leaves); so does who organized a meeting."""
from sqlalchemy import select

from app import lifecycle
from app.meetings.models import Invitation


def export(user):
    return {"meeting_replies": lifecycle.rows(
        select(Invitation.meeting_id, Invitation.reply, Invitation.people, Invitation.replied_at, Invitation.present,
               Invitation.checked_in_at).where(Invitation.replied_by_id == user.id))}


lifecycle.personal_data("meetings", "meeting_invitations", export=export)
