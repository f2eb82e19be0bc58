"""Turning an uploaded photo into what we store: checked, upright, stripped, bounded in size.

An upload is an image only if Pillow decodes it as one of the accepted formats: its file
name and MIME type come from the client and prove nothing. Pillow is only asked about those
formats (`formats=`), so the dozens of other decoders it carries (EPS, TIFF, PSD, …) never
see untrusted bytes. Everything that leaves here is re-encoded from pixels: no EXIF (GPS,
camera, time), XMP, comments or ICC profile survives (an embedded profile is applied first,
converting to sRGB, so colours stay right without it).

Limits (settings, overridable per call): MEDIA_MAX_BYTES, MEDIA_MAX_PIXELS (checked from the
header, before any pixel is decoded) and MEDIA_MAX_SIDE (the stored original's longest side).
"""
import hashlib
import io
import logging
from dataclasses import dataclass

from flask import current_app, has_app_context
from PIL import Image, ImageCms, ImageOps

from app.errors import ApiError

log = logging.getLogger(__name__)

THUMBNAIL_SIZE = 400
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_SIDE = 2560
QUALITY = 85
THUMBNAIL_QUALITY = 80

# Decoded format → format the original is stored in. MPO is Pillow's name for a JPEG that
# carries extra frames, as many phones write them; HEIF appears only when a plugin
# (pillow-heif) has registered it, and is stored as JPEG, which every WeChat client shows.
STORED_AS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "JPEG"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
SIXTEEN_BIT_GREY = {"I", "I;16", "I;16B", "I;16L", "I;16N"}


@dataclass(frozen=True)
class ProcessedImage:
    """What to store. `original` and `thumbnail` are fresh encodings carrying no metadata;
    `width`, `height` and `sha256` (hex) describe `original`."""

    original: bytes
    thumbnail: bytes
    content_type: str
    width: int
    height: int
    sha256: str
    thumbnail_content_type = "image/jpeg"

    @property
    def extension(self):
        """File extension matching `content_type`, for `storage.new_key(prefix, ext)`."""
        return EXTENSIONS[self.content_type]


def process_image(data, *, max_bytes=None, max_pixels=None, max_side=None):
    """Check and clean an uploaded image; return a ProcessedImage or raise ApiError:
    413 `image_too_large` (more bytes than MEDIA_MAX_BYTES), 422 `image_too_large_pixels`
    (more pixels than MEDIA_MAX_PIXELS: a decompression bomb or an absurd photo), 422
    `invalid_image` (not an image, truncated, or a format we do not accept)."""
    max_bytes, max_pixels, max_side = _limits(max_bytes, max_pixels, max_side)
    if len(data) > max_bytes:
        raise ApiError(413, "image_too_large",
                       f"图片太大，请选择不超过 {max_bytes / 1048576:g} MB 的照片",
                       {"max_bytes": max_bytes})
    try:
        image, stored_format = _decode(data, max_pixels, max_side)
        image = _clean(image, stored_format, max_side)
        original = _encode(image, stored_format, QUALITY)
        thumbnail = _encode(_thumbnail(image), "JPEG", THUMBNAIL_QUALITY)
    except ApiError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard (its limit, or its warning made an error by a warnings filter).
        raise _too_many_pixels(max_pixels) from None
    except Exception as exc:  # noqa: BLE001 - Pillow's decoders raise many types on hostile bytes
        log.info("image refused: %s: %s", type(exc).__name__, exc)
        raise _invalid() from None
    return ProcessedImage(original=original, thumbnail=thumbnail,
                          content_type=CONTENT_TYPES[stored_format], width=image.width,
                          height=image.height, sha256=hashlib.sha256(original).hexdigest())


def accepted_formats():
    """Pillow format names we decode: HEIF only if a plugin registered it in this process."""
    return ["JPEG", "PNG", "WEBP"] + (["HEIF"] if "HEIF" in Image.OPEN else [])


def _limits(max_bytes, max_pixels, max_side):
    """A call's own limits, else the app's settings, else the defaults (outside an app)."""
    config = current_app.config if has_app_context() else {}

    def pick(value, name, default):
        return value if value is not None else config.get(name, default)

    return (pick(max_bytes, "MEDIA_MAX_BYTES", DEFAULT_MAX_BYTES),
            pick(max_pixels, "MEDIA_MAX_PIXELS", DEFAULT_MAX_PIXELS),
            pick(max_side, "MEDIA_MAX_SIDE", DEFAULT_MAX_SIDE))


def _decode(data, max_pixels, max_side):
    """Open (header only), check format and size, verify, then reopen and decode: Pillow's
    verify() leaves the image unusable, and the size check must precede any decoding."""
    formats = accepted_formats()
    with Image.open(io.BytesIO(data), formats=formats) as probe:
        _check_header(probe, max_pixels)
        probe.verify()
    image = Image.open(io.BytesIO(data), formats=formats)
    _check_header(image, max_pixels)
    # JPEG only: let libjpeg decode at 1/2, 1/4 or 1/8 scale while both sides stay at least
    # max_side: a photo about to be scaled down anyway never sits in memory at full size.
    image.draft(None, (max_side, max_side))
    image.load()  # raises on truncated data (ImageFile.LOAD_TRUNCATED_IMAGES stays False)
    return image, STORED_AS[image.format]


def _check_header(image, max_pixels):
    if image.format not in STORED_AS:
        raise _invalid()
    if image.width * image.height > max_pixels:
        raise _too_many_pixels(max_pixels)


def _clean(image, stored_format, max_side):
    """Upright, in sRGB and a mode the stored format holds, no larger than max_side."""
    try:  # in place: a 40 MP photo is not copied for nothing when it is already upright
        ImageOps.exif_transpose(image, in_place=True)
    except Exception as exc:  # noqa: BLE001 - garbled EXIF: still a photo, keep it unrotated
        log.info("EXIF orientation ignored: %s: %s", type(exc).__name__, exc)
    mode = "RGBA" if stored_format != "JPEG" and image.has_transparency_data else "RGB"
    image = _to_srgb(image, mode)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    image.info = {}  # nothing of the upload's metadata travels on
    return image


def _to_srgb(image, mode):
    """Convert to `mode` (RGB or RGBA), applying an embedded ICC profile if there is one
    (iPhones write Display P3, print files CMYK); a broken profile is ignored."""
    if image.mode in SIXTEEN_BIT_GREY:  # scale to 8 bits; convert() would clip to white
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode not in (mode, "CMYK", "L"):  # the profile's colour space is theirs
        image = image.convert(mode)
    icc = image.info.get("icc_profile")
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")  # per call: no LittleCMS handle shared by threads
            return ImageCms.profileToProfile(image, profile, srgb, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
            log.info("ICC profile ignored: %s", exc)
    return image if image.mode == mode else image.convert(mode)


def _thumbnail(image):
    thumb = image.copy()
    thumb.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)  # never enlarges
    if thumb.mode == "RGBA":  # JPEG has no alpha: transparent parts become white
        background = Image.new("RGB", thumb.size, "white")
        background.paste(thumb, mask=thumb.getchannel("A"))
        thumb = background
    return thumb


def _encode(image, image_format, quality):
    buffer = io.BytesIO()
    options = {} if image_format == "PNG" else {"quality": quality}
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def _invalid():
    allowed = ["jpeg", "png", "webp"] + (["heic"] if "HEIF" in Image.OPEN else [])
    return ApiError(422, "invalid_image", "图片无法识别，请换一张照片", {"accepted": allowed})


def _too_many_pixels(max_pixels):
    return ApiError(422, "image_too_large_pixels", "图片尺寸太大，请换一张照片",
                    {"max_pixels": max_pixels})
