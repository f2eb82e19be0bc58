"""Voice notes (语音) of matters: upload (checked by app/media/audio), attach to a report, play.

A resident who would rather speak than type records up to 60 seconds on the phone; the report
may then carry text, a voice note or both. A voice is the person: unlike a photo, a voice note
is never handed out by a signed URL that works for whoever holds it. The mini-program fetches
it with wx.downloadFile, which sends the Authorization header, and plays the downloaded file,
so every playback is checked against who asks: the uploader before it is attached, afterwards
whoever sees the matter in full (its household, those who triage or handle it) — never a
neighbour who sees the matter's public face, and never in a list. Kept as photos are: with its
matter in the community's record; unattached ones go when the account is erased.
"""
from flask import url_for
from sqlalchemy import select

from app.errors import ApiError, invalid
from app.extensions import db
from app.matters import access, photos
from app.matters.models import Matter, VoiceNote
from app.media import MediaNotFound, get_storage, new_key
from app.media.audio import check_audio

NOT_FOUND = "语音不存在或无权收听"


def upload(user, data):
    """Check and store a recording; the row waits, owned by `user`, to be attached."""
    audio = check_audio(data)
    key = new_key(f"voice/{user.id}", audio.extension)
    get_storage().put(key, audio.data, audio.content_type)
    note = VoiceNote(uploader_id=user.id, key=key, content_type=audio.content_type, duration_ms=audio.duration_ms,
                     size=len(audio.data), sha256=audio.sha256)
    db.session.add(note)
    db.session.flush()
    return note


def attach(user, voice_note_id, matter):
    """Tie the user's unattached voice note to the matter; 422 if it is not theirs or already used."""
    if voice_note_id is not None and not photos.claim(VoiceNote, user, [voice_note_id], matter):
        raise invalid("voice_note_id", "语音不存在或已使用，请重新录一段")


def voice_view(note):
    """What a view shows of a voice note: how long it plays and where to fetch it (with a token)."""
    return {"id": note.id, "duration_ms": note.duration_ms, "content_type": note.content_type,
            "url": url_for("matters.voice_note_file", voice_note_id=note.id, _external=True)}


def may_play(user, note):
    """The uploader while it waits to be attached; then whoever sees its matter in full."""
    if note.matter_id is None:
        return note.uploader_id == user.id
    return access.view_level(user, db.session.get(Matter, note.matter_id)) == access.FULL


def playable_file(user, voice_note_id):
    """(bytes, content type) of a voice note `user` may play; 404 otherwise, so that whether a
    matter has a voice note is as private as the voice itself."""
    note = db.session.get(VoiceNote, voice_note_id)
    if note is None or not may_play(user, note):
        raise ApiError(404, "not_found", NOT_FOUND)
    try:
        return get_storage().get(note.key), note.content_type
    except MediaNotFound:
        raise ApiError(404, "media_not_found", "语音文件已删除") from None


def of_matters(matter_ids):
    """matter id → voice_view, for the matters that have one (one query)."""
    if not matter_ids:
        return {}
    return {note.matter_id: voice_view(note)
            for note in db.session.scalars(select(VoiceNote).where(VoiceNote.matter_id.in_(matter_ids)))}
