"""Photos of matters: upload (cleaned by app/media), attach, and serve by signed URL; and what
photos and voice notes (app/matters/voice.py) share: `claim` ties uploads to a matter, `discard`
deletes one.

The mini-program's <image> cannot send an Authorization header, so a photo is served by a URL
signed for that photo and valid for an hour. URLs are only handed to someone allowed to see
the matter (or to the uploader, before it is attached), so the signature is the permission.

With WeChat configured each upload is also sent to WeChat's image check (mediaCheckAsync); its
verdict arrives on the message push endpoint and a risky photo is hidden from every view.
"""
from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from app import wechat
from app.errors import ApiError, invalid
from app.extensions import db
from app.jobs import queue, task
from app.matters.models import MatterPhoto
from app.media import get_storage, new_key, process_image

PER_SUBMISSION = 9       # photos with one submission or one update
PER_MATTER = 40          # all photos of one matter, updates included
URL_TTL_SECONDS = 3600


def upload(user, data):
    """Clean and store an uploaded image; the row waits, owned by `user`, to be attached."""
    image = process_image(data)
    storage = get_storage()
    key = new_key(f"photos/{user.id}", image.extension)
    thumbnail_key = key.rsplit(".", 1)[0] + "-thumb.jpg"
    storage.put(key, image.original, image.content_type)
    storage.put(thumbnail_key, image.thumbnail, image.thumbnail_content_type)
    photo = MatterPhoto(uploader_id=user.id, key=key, thumbnail_key=thumbnail_key,
                        content_type=image.content_type, width=image.width, height=image.height,
                        size=len(image.original), sha256=image.sha256)
    db.session.add(photo)
    db.session.flush()
    if current_app.config["WECHAT_APPID"]:
        photo.check_trace_id = wechat.check_media_async(user.openid, photo_view(photo)["url"])
    db.session.flush()
    return photo


def apply_media_verdict(trace_id, suggest):
    """WeChat's verdict on an image: `risky` hides the photo everywhere. True if one matched."""
    photo = db.session.scalar(select(MatterPhoto).filter_by(check_trace_id=trace_id))
    if photo is None:
        return False
    if suggest == "risky":
        photo.hidden = True
    db.session.flush()
    return True


def claim(model, user, ids, matter, **values):
    """Tie the user's unattached uploads of `model` (MatterPhoto, VoiceNote) to `matter`, with
    `values`; the ids taken. One conditional UPDATE: two requests sent at once with one upload
    cannot both take it, and one not theirs or already used is simply not among the ids."""
    return set(db.session.scalars(update(model).where(
        model.id.in_(ids), model.uploader_id == user.id, model.matter_id.is_(None))
        .values(matter_id=matter.id, **values).returning(model.id)))


def attach(user, photo_ids, matter, event=None):
    """Tie the user's unattached photos to a matter (and a timeline line); 422 for any photo
    that is not theirs, already used, or over the limits."""
    if not photo_ids:
        return
    ids = list(dict.fromkeys(photo_ids))
    if len(ids) > PER_SUBMISSION:
        raise invalid("photo_ids", f"每次最多 {PER_SUBMISSION} 张照片")
    already = db.session.scalar(select(func.count()).select_from(MatterPhoto).filter_by(matter_id=matter.id))
    if already + len(ids) > PER_MATTER:
        raise invalid("photo_ids", f"一件诉求最多 {PER_MATTER} 张照片")
    taken = claim(MatterPhoto, user, ids, matter, event_id=event.id if event is not None else None)
    if len(taken) != len(ids):  # the request rolls back what was taken
        raise invalid("photo_ids", "照片不存在或已使用，请重新上传", unusable=sorted(set(ids) - taken))


def unused(user):
    """Conditions for `user`'s own uploads that nothing uses yet: attached to no matter and named
    by no other row. The other uses are read from the schema (every foreign key to a photo: a
    paper ballot, a helper's written consent, a ledger entry's receipt, a project's progress), so
    a new one is covered without anyone remembering to add it here."""
    own = MatterPhoto.__table__
    others = [fk.parent for table in db.metadata.tables.values() if table is not own
              for fk in table.foreign_keys if fk.column.table is own]
    return [MatterPhoto.uploader_id == user.id, MatterPhoto.matter_id.is_(None),
            *(MatterPhoto.id.not_in(select(column).where(column.is_not(None))) for column in others)]


def discard(upload):
    """Delete a photo or voice note: its row in the caller's transaction, its files once that
    commits (a job, retried while storage is unavailable)."""
    db.session.delete(upload)
    queue.enqueue_after_commit(delete_files, upload.storage_keys)


@task
def delete_files(keys):
    storage = get_storage()
    for key in keys:
        storage.delete(key)


def _signer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="matter-photo")


def photo_view(photo):
    """The photo with URLs signed for whoever receives this view."""
    signature = _signer().dumps(photo.id)
    return {"id": photo.id, "width": photo.width, "height": photo.height,
            "url": url_for("matters.photo_file", photo_id=photo.id, sig=signature, _external=True),
            "thumbnail_url": url_for("matters.photo_thumbnail", photo_id=photo.id, sig=signature,
                                     _external=True)}


def signed_file(photo_id, signature, thumbnail=False):
    """(bytes, content type) of a photo for a valid, unexpired signature naming it."""
    try:
        signed_id = _signer().loads(signature, max_age=URL_TTL_SECONDS)
    except SignatureExpired:
        raise ApiError(403, "link_expired", "图片链接已过期，请刷新页面") from None
    except BadSignature:
        raise ApiError(403, "forbidden", "没有权限查看这张图片") from None
    photo = db.session.get(MatterPhoto, photo_id)
    if signed_id != photo_id or photo is None:
        raise ApiError(403, "forbidden", "没有权限查看这张图片")
    if photo.hidden:
        raise ApiError(404, "not_found", "图片未通过内容安全检查，已隐藏")
    if thumbnail:
        return get_storage().get(photo.thumbnail_key), "image/jpeg"
    return get_storage().get(photo.key), photo.content_type
