"""Matters' personal data: what the person reported, their timeline entries, photos and voice
notes. The matters and entries stay in the community's record, with the photos and voice notes
sent with them; those never attached to a matter go. Housekeeping: reports whose text check
was lost with Redis's data are checked again (service/text_check.py)."""
from sqlalchemy import select

from app import lifecycle
from app.extensions import db
from app.matters.models import Matter, MatterEvent, MatterPhoto, VoiceNote
from app.matters.photos import discard, unused
from app.matters.service.text_check import sweep_checking
from app.privacy.service import ERASED_NAME


def export(user):
    return {
        "matters": lifecycle.rows(select(Matter.id, Matter.title, Matter.description, Matter.category, Matter.status,
                                         Matter.place_text, Matter.latitude, Matter.longitude, Matter.created_at,
                                         Matter.satisfaction, Matter.evaluation_comment)
                                  .where(Matter.submitter_id == user.id).order_by(Matter.id)),
        "matter_timeline_entries": lifecycle.rows(select(MatterEvent.matter_id, MatterEvent.action, MatterEvent.note,
                                                         MatterEvent.created_at)
                                                  .where(MatterEvent.actor_id == user.id).order_by(MatterEvent.id)),
        "photos": lifecycle.rows(select(MatterPhoto.id, MatterPhoto.matter_id, MatterPhoto.width, MatterPhoto.height,
                                        MatterPhoto.created_at).where(MatterPhoto.uploader_id == user.id)),
        "voice_notes": lifecycle.rows(select(VoiceNote.id, VoiceNote.matter_id, VoiceNote.duration_ms,
                                             VoiceNote.created_at).where(VoiceNote.uploader_id == user.id)),
    }


def erase(user):
    """Photos and voice notes never used go (the files once this commits); a paper ballot's
    photo, a helper's written consent, a receipt or a project's progress photo is evidence and stays. In the votes a council sitting recorded, the person's
    name becomes ERASED_NAME: the vote counted and stays, whose it was does not."""
    sittings = db.session.scalars(select(MatterEvent).where(MatterEvent.data["by_vote"].as_boolean().is_(True)))
    for event in sittings:
        votes = event.data.get("votes", [])
        if any(vote.get("user_id") == user.id for vote in votes):
            event.data = {**event.data, "votes": [{**vote, "name": ERASED_NAME} if vote.get("user_id") == user.id
                                                  else vote for vote in votes]}
    unattached = [*db.session.scalars(select(MatterPhoto).where(*unused(user))),
        *db.session.scalars(select(VoiceNote).where(VoiceNote.uploader_id == user.id, VoiceNote.matter_id.is_(None)))]
    for upload in unattached:
        discard(upload)


lifecycle.personal_data("matters", "matter_events", "matter_photos", "matter_voice_notes", export=export,
                        erase=erase)
lifecycle.housekeeping(sweep_checking)
