"""Checking an uploaded voice note (语音): a short recording in a format WeChat's RecorderManager
writes — MP3, or AAC in an MP4 container (.m4a).

Like a photo, an upload is audio only if it parses as one: its file name and MIME type come
from the client and prove nothing. The first bytes must be those of an accepted container
(an ID3 tag or an MPEG audio frame; an MP4 `ftyp` box), then mutagen must read its stream
(MPEG layer III frames in sync; an MP4 sound track coded as AAC, `mp4a`) and its duration.
The bytes are stored as recorded: nothing is decoded, so no codec sees untrusted input.

Limits (overridable per call): MAX_BYTES, and a duration from MIN_SECONDS to MAX_SECONDS — a
recorder stopped at the limit may write a frame past it, hence the small GRACE_SECONDS.
"""
import hashlib
import io
import logging
from dataclasses import dataclass

from mutagen import MutagenError
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

from app.errors import ApiError

log = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024   # 60 s at WeChat's highest mp3 bit rate for speech (96 kbps) is 720 KB
MAX_SECONDS = 60
MIN_SECONDS = 1
GRACE_SECONDS = 0.5
ACCEPTED = ("mp3", "m4a")
CONTENT_TYPES = {"mp3": "audio/mpeg", "m4a": "audio/mp4"}


@dataclass(frozen=True)
class CheckedAudio:
    """What to store: the upload's bytes, what they are and how long they play."""

    data: bytes
    extension: str      # "mp3" or "m4a", for `storage.new_key(prefix, ext)`
    duration_ms: int
    sha256: str

    @property
    def content_type(self):
        return CONTENT_TYPES[self.extension]


def check_audio(data, *, max_bytes=MAX_BYTES, max_seconds=MAX_SECONDS):
    """Check an uploaded voice note; return a CheckedAudio or raise ApiError: 422 `voice_empty`
    (no bytes), 413 `voice_too_large`, 422 `invalid_voice` (not MP3 or M4A/AAC), 422
    `voice_too_short` (under MIN_SECONDS) or `voice_too_long` (over max_seconds)."""
    if not data:
        raise ApiError(422, "voice_empty", "录音是空的，请重新录一段")
    if len(data) > max_bytes:
        raise ApiError(413, "voice_too_large", f"录音文件太大，请录一段不超过 {max_seconds} 秒的语音",
                       {"max_bytes": max_bytes})
    extension = _container(data)
    try:
        seconds = _mp3_seconds(data) if extension == "mp3" else _m4a_seconds(data)
    except (MutagenError, ValueError) as exc:  # mutagen's errors on bytes that are not what they claim
        log.info("voice note refused: %s: %s", type(exc).__name__, exc)
        raise _invalid() from None
    if seconds < MIN_SECONDS:
        raise ApiError(422, "voice_too_short", f"录音太短（不到 {MIN_SECONDS} 秒），请按住按钮说完再松开",
                       {"min_seconds": MIN_SECONDS, "seconds": round(seconds, 1)})
    if seconds > max_seconds + GRACE_SECONDS:
        raise ApiError(422, "voice_too_long", f"语音最长 {max_seconds} 秒，请说得简短些，或者分开写成文字",
                       {"max_seconds": max_seconds, "seconds": round(seconds, 1)})
    return CheckedAudio(data=data, extension=extension, duration_ms=round(seconds * 1000),
                        sha256=hashlib.sha256(data).hexdigest())


def _container(data):
    """"mp3" or "m4a" from the first bytes, else 422."""
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "mp3"
    if data[4:8] == b"ftyp":
        return "m4a"
    raise _invalid()


def _mp3_seconds(data):
    info = MP3(io.BytesIO(data)).info
    # sketchy: mutagen found no run of frames in sync (nor a VBR header), only something that
    # looked like one frame — random bytes do that
    if info.sketchy or info.layer != 3:
        raise ValueError(f"not MPEG layer III in sync (layer {info.layer}, sketchy {info.sketchy})")
    return info.length


def _m4a_seconds(data):
    info = MP4(io.BytesIO(data)).info
    if not info.codec.startswith("mp4a"):
        raise ValueError(f"not AAC in MP4 (codec {info.codec!r})")
    return info.length


def _invalid():
    return ApiError(422, "invalid_voice", "录音无法识别，请在小程序里重新录一段",
                    {"accepted": list(ACCEPTED)})
