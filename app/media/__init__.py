"""Photos and voice notes: checking uploads (and cleaning images), and storing the bytes.

A library with no routes, models or database: `app/matters/` owns the photo and voice-note
rows, who may see them and the HTTP that serves them, and calls in here.

- `images.process_image(data)` decodes the upload with Pillow (never trusting its name or
  MIME type), refuses what is too big, not an image or a decompression bomb with an
  `ApiError` 4xx, turns it upright, drops every piece of metadata (EXIF with GPS, XMP, ICC
  after converting to sRGB) and makes a JPEG thumbnail.
- `audio.check_audio(data)` checks a voice note: MP3 or M4A (AAC) by its first bytes and by
  mutagen reading its stream, 1–60 seconds, at most 2 MB; stored as recorded.
- `storage.get_storage()` is the app's one `Storage`: a local directory (`MEDIA_ROOT`) by
  default, S3-compatible object storage when `MEDIA_S3_BUCKET` is set. `new_key()` names
  objects.
"""
from app.media.images import THUMBNAIL_SIZE, ProcessedImage, process_image
from app.media.storage import (
    InvalidKey, LocalStorage, MediaNotFound, S3Storage, Storage, StorageUnavailable,
    build_storage, get_storage, new_key,
)

__all__ = [
    "THUMBNAIL_SIZE", "ProcessedImage", "process_image",
    "InvalidKey", "LocalStorage", "MediaNotFound", "S3Storage", "Storage", "StorageUnavailable",
    "build_storage", "get_storage", "new_key",
]
