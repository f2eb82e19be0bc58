"""app/media: image checks and cleaning (images built here with Pillow), and both storage
backends — the local directory, and S3 over real HTTP to moto's S3 server on 127.0.0.1."""
import hashlib
import io
import os
import secrets
import struct
import time
import warnings
import zlib

import boto3
import pytest
from flask import Flask
from moto.server import ThreadedMotoServer
from PIL import ExifTags, Image, ImageCms, ImageFile, ImageOps, features
from PIL.GifImagePlugin import GifImageFile
from PIL.PngImagePlugin import PngImageFile, PngInfo

from app.errors import ApiError, register_error_handlers
from app.media import (
    THUMBNAIL_SIZE, InvalidKey, LocalStorage, MediaNotFound, S3Storage, StorageUnavailable,
    get_storage, new_key, process_image,
)
from config import ConfigError
from config import TestingConfig as Settings  # a name pytest does not collect
from tests.conftest import unused_port

# ---------------------------------------------------------------- helpers


def encode(image, image_format, **options):
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def decode(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def noise(size):
    return Image.effect_noise(size, 80).convert("RGB")


def refused(data, **limits):
    with pytest.raises(ApiError) as caught:
        process_image(data, **limits)
    return caught.value


def bomb_png(width, height):
    """A valid 1-bit PNG of `width`×`height` black pixels: a few KB that decode to
    width×height pixels (Pillow holds a byte per pixel, and RGB three)."""
    def chunk(kind, body):
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def phone_jpeg():
    """A 300×200 landscape JPEG, red in the top-left corner, blue elsewhere, tagged
    orientation 6 (shown rotated 90° clockwise) and carrying GPS and camera EXIF."""
    image = Image.new("RGB", (300, 200), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 100, 60))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "YuanbaSecretCam"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (30.0, 43.0, 27.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (122.0, 27.0, 14.0),
    }
    return encode(image, "JPEG", exif=exif, quality=95)


# ---------------------------------------------------------------- images: what is kept


def test_phone_jpeg_is_turned_upright_and_loses_all_exif_including_gps():
    data = phone_jpeg()
    uploaded = decode(data).getexif()
    gps = uploaded.get_ifd(ExifTags.IFD.GPSInfo)
    assert gps[ExifTags.GPS.GPSLatitudeRef] == "N"  # the test's premise
    assert b"YuanbaSecretCam" in data

    result = process_image(data)

    stored = decode(result.original)
    assert result.content_type == "image/jpeg" and stored.format == "JPEG"
    assert (result.width, result.height) == stored.size == (200, 300)  # rotated: sides swapped
    # The red top-left corner of the sensor image is top-right once rotated clockwise.
    red, green, blue = stored.getpixel((190, 10))
    assert red > 200 and blue < 60
    red, green, blue = stored.getpixel((10, 10))
    assert blue > 200 and red < 60
    assert dict(stored.getexif()) == {} and "exif" not in stored.info
    for needle in (b"Exif", b"YuanbaSecretCam", b"GPS"):
        assert needle not in result.original and needle not in result.thumbnail
    assert decode(result.thumbnail).size == (200, 300)


def test_png_with_alpha_stays_png_with_alpha_and_its_thumbnail_is_white_there():
    image = Image.new("RGBA", (120, 80), (0, 128, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 60, 80))  # left half fully transparent
    info = PngInfo()
    info.add_text("Comment", "secret-address-3-201")

    result = process_image(encode(image, "PNG", pnginfo=info))

    stored = decode(result.original)
    assert result.content_type == "image/png" and stored.format == "PNG" and stored.mode == "RGBA"
    assert stored.getpixel((10, 10))[3] == 0 and stored.getpixel((100, 10)) == (0, 128, 0, 255)
    assert b"secret-address" not in result.original and "Comment" not in stored.info
    thumb = decode(result.thumbnail)
    assert thumb.format == "JPEG" and thumb.mode == "RGB"
    assert min(thumb.getpixel((10, 10))) > 245  # transparent → white, not black


def test_webp_stays_webp_without_its_exif_or_xmp():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "YuanbaSecretCam"
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret-xmp</x:xmpmeta>'
    data = encode(noise((160, 90)), "WEBP", exif=exif, xmp=xmp)
    assert b"YuanbaSecretCam" in data and b"secret-xmp" in data

    result = process_image(data)

    stored = decode(result.original)
    assert result.content_type == "image/webp" and stored.format == "WEBP"
    assert (result.width, result.height) == stored.size == (160, 90)
    assert b"YuanbaSecretCam" not in result.original and b"secret-xmp" not in result.original
    assert "exif" not in stored.info and "xmp" not in stored.info


def test_multi_frame_jpeg_from_a_phone_is_stored_as_one_plain_jpeg():
    first, second = Image.new("RGB", (64, 48), "red"), Image.new("RGB", (64, 48), "blue")
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    result = process_image(data)

    stored = decode(result.original)
    assert result.content_type == "image/jpeg" and stored.format == "JPEG"
    assert getattr(stored, "n_frames", 1) == 1 and stored.getpixel((5, 5))[0] > 200


@pytest.mark.parametrize("mode, image_format, content_type, stored_mode", [
    ("1", "PNG", "image/png", "RGB"),
    ("L", "JPEG", "image/jpeg", "RGB"),
    ("LA", "PNG", "image/png", "RGBA"),
    ("P", "PNG", "image/png", "RGB"),
    ("CMYK", "JPEG", "image/jpeg", "RGB"),
    ("RGBA", "WEBP", "image/webp", "RGBA"),
])
def test_every_mode_becomes_rgb_or_rgba(mode, image_format, content_type, stored_mode):
    result = process_image(encode(Image.new(mode, (40, 30)), image_format))
    stored = decode(result.original)
    assert result.content_type == content_type and stored.mode == stored_mode
    assert stored.size == (40, 30)


def test_palette_png_with_a_transparent_colour_keeps_its_transparency():
    image = Image.new("P", (20, 20), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(0, (0, 0, 10, 20))
    result = process_image(encode(image, "PNG", transparency=0))
    stored = decode(result.original)
    assert stored.mode == "RGBA" and stored.getpixel((2, 2))[3] == 0
    assert stored.getpixel((15, 2)) == (255, 0, 0, 255)


def test_sixteen_bit_grey_is_scaled_to_eight_bits_not_clipped_to_white():
    result = process_image(encode(Image.new("I;16", (8, 8), 40000), "PNG"))
    assert decode(result.original).getpixel((0, 0)) == (156, 156, 156)  # 40000 / 256


def swapped_primaries_profile():
    """sRGB with its red and blue primaries exchanged: pure red in it is pure blue in sRGB."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    entries = {}
    for index in range(struct.unpack(">I", profile[128:132])[0]):
        signature, offset, size = struct.unpack(">4sII", profile[132 + 12 * index:144 + 12 * index])
        entries[signature] = (index, offset, size)
    (red, *red_data), (blue, *blue_data) = entries[b"rXYZ"], entries[b"bXYZ"]
    struct.pack_into(">4sII", profile, 132 + 12 * red, b"rXYZ", *blue_data)
    struct.pack_into(">4sII", profile, 132 + 12 * blue, b"bXYZ", *red_data)
    return bytes(profile)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_colours_are_converted_to_srgb_before_the_profile_is_dropped(image_format):
    data = encode(Image.new("RGB", (16, 16), (255, 0, 0)), image_format,
                  icc_profile=swapped_primaries_profile(), quality=100)
    stored = decode(process_image(data).original)
    red, green, blue = stored.getpixel((8, 8))
    assert blue > 240 and red < 15 and "icc_profile" not in stored.info


def test_icc_profiles_are_applied_then_dropped_and_a_broken_one_is_ignored():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = Image.new("RGB", (30, 30), (200, 100, 50))
    for icc, image_format in [(srgb, "JPEG"), (srgb, "PNG"), (srgb, "WEBP"), (b"broken", "JPEG")]:
        result = process_image(encode(image, image_format, icc_profile=icc, quality=95))
        stored = decode(result.original)
        assert "icc_profile" not in stored.info and b"sRGB" not in result.original
        assert all(abs(a - b) <= 4 for a, b in zip(stored.getpixel((15, 15)), (200, 100, 50)))


def test_exif_that_pillow_cannot_apply_leaves_the_photo_unrotated_not_refused(monkeypatch):
    def broken(image, **kwargs):
        raise SyntaxError("corrupt EXIF")

    monkeypatch.setattr(ImageOps, "exif_transpose", broken)
    result = process_image(phone_jpeg())
    assert (result.width, result.height) == (300, 200)
    assert b"YuanbaSecretCam" not in result.original


def test_thumbnail_is_a_jpeg_at_most_400_px_and_never_enlarged():
    big = process_image(encode(noise((1200, 800)), "PNG"))
    thumb = decode(big.thumbnail)
    assert THUMBNAIL_SIZE == 400 and thumb.format == "JPEG"
    assert thumb.size == (400, 267)
    small = process_image(encode(noise((100, 50)), "JPEG"))
    assert decode(small.thumbnail).size == (100, 50)


def test_stored_original_is_capped_at_max_side():
    result = process_image(encode(noise((3000, 1000)), "PNG"), max_side=500)
    assert (result.width, result.height) == decode(result.original).size == (500, 167)


def test_large_phone_photo_is_decoded_reduced_and_capped_at_2560():
    image = Image.new("RGB", (6000, 4000), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 3000, 2000))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    result = process_image(encode(image, "JPEG", exif=exif))
    stored = decode(result.original)
    assert (result.width, result.height) == stored.size == (1707, 2560)
    assert stored.getpixel((1600, 100))[0] > 200 and stored.getpixel((100, 100))[2] > 200


def test_big_jpeg_is_decoded_at_a_reduced_scale(monkeypatch):
    decoded, transpose = [], ImageOps.exif_transpose
    monkeypatch.setattr(ImageOps, "exif_transpose",
                        lambda image, **kwargs: decoded.append(image.size) or transpose(image, **kwargs))
    result = process_image(encode(Image.new("RGB", (6000, 4000)), "JPEG"), max_side=1000)
    assert decoded == [(1500, 1000)]  # libjpeg at 1/4: still no side below max_side
    assert (result.width, result.height) == (1000, 667)


def test_sha256_is_that_of_the_stored_original():
    result = process_image(encode(noise((64, 64)), "PNG"))
    assert result.sha256 == hashlib.sha256(result.original).hexdigest()
    assert result.extension == "png" and result.thumbnail_content_type == "image/jpeg"


# ---------------------------------------------------------------- images: what is refused


@pytest.mark.parametrize("data", [
    b"",
    b"this is a letter, not a photo, saved as photo.jpg",
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,  # HEIC box, no image
    b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1avif" + b"\x00" * 64,  # AVIF box, no image
    b"\x89PNG\r\n\x1a\n" + os.urandom(200),
    b"\xff\xd8\xff\xe0" + os.urandom(200),
], ids=["empty", "text", "pdf", "heic-box", "avif-box", "png-signature", "jpeg-signature"])
def test_bytes_that_are_not_an_image_are_refused_with_422(data):
    error = refused(data)
    assert (error.status, error.code) == (422, "invalid_image")
    assert error.message == "图片无法识别，请换一张照片"
    assert {"jpeg", "png", "webp"} <= set(error.details["accepted"])


def test_truncated_jpeg_is_refused():
    data = encode(noise((400, 400)), "JPEG", quality=95)
    process_image(data)  # whole, it is fine
    error = refused(data[: len(data) * 6 // 10])
    assert (error.status, error.code) == (422, "invalid_image")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize("offset", [-20, -16], ids=["idat-data", "idat-crc-only"])
def test_png_with_a_corrupt_chunk_is_refused(offset):
    data = bytearray(encode(noise((50, 50)), "PNG"))
    data[offset] ^= 0xFF  # the last IDAT's data, or only its CRC (which verify() alone checks)
    error = refused(bytes(data))
    assert (error.status, error.code) == (422, "invalid_image")


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF", "ICO"]
                         + (["AVIF"] if features.check("avif") else []))
def test_images_in_other_formats_are_refused_whatever_pillow_could_decode(image_format):
    data = encode(Image.new("RGB", (32, 32), "red"), image_format)
    assert decode(data).format == image_format  # Pillow reads it …
    error = refused(data)  # … but we accept only JPEG, PNG and WebP
    assert (error.status, error.code) == (422, "invalid_image")


def test_other_decoders_never_see_the_bytes(monkeypatch):
    opened = []
    monkeypatch.setattr(GifImageFile, "_open", lambda self: opened.append(self))
    assert refused(encode(Image.new("RGB", (8, 8)), "GIF")).code == "invalid_image"
    assert opened == []


def test_more_bytes_than_the_limit_are_refused_with_413_before_decoding():
    data = encode(noise((64, 64)), "JPEG")
    assert process_image(data, max_bytes=len(data)).width == 64
    error = refused(data, max_bytes=len(data) - 1)
    assert (error.status, error.code) == (413, "image_too_large")
    assert error.details == {"max_bytes": len(data) - 1}
    error = refused(b"\x00" * (10 * 1024 * 1024 + 1))  # default 10 MiB, garbage or not
    assert (error.status, error.code) == (413, "image_too_large")
    assert "10 MB" in error.message


def test_decompression_bomb_is_refused_from_its_header_before_decoding(monkeypatch):
    data = bomb_png(8000, 6000)  # 48 MP, below Pillow's own 89 MP guard; a few KB
    assert len(data) < 20_000

    def no_decoding(self, *args):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    monkeypatch.setattr(PngImageFile, "verify", no_decoding)
    error = refused(data)  # default MEDIA_MAX_PIXELS: 40 MP
    assert (error.status, error.code) == (422, "image_too_large_pixels")
    assert error.details == {"max_pixels": 40_000_000}


def test_pixel_limit_boundary():
    exact = encode(Image.new("L", (100, 100)), "PNG")
    assert process_image(exact, max_pixels=10_000).width == 100
    error = refused(encode(Image.new("L", (101, 100)), "PNG"), max_pixels=10_000)
    assert error.code == "image_too_large_pixels"


def test_pillows_own_bomb_guard_also_answers_422_with_a_high_setting():
    error = refused(bomb_png(20000, 20000), max_pixels=10**9)  # 400 MP: DecompressionBombError
    assert (error.status, error.code) == (422, "image_too_large_pixels")


def test_bomb_warning_made_an_error_also_answers_422():
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        error = refused(bomb_png(10000, 10000), max_pixels=10**9)  # 100 MP: Pillow warns
    assert (error.status, error.code) == (422, "image_too_large_pixels")


def test_limits_come_from_the_app_settings():
    app = Flask(__name__)
    app.config.from_object(Settings())
    assert (app.config["MEDIA_MAX_BYTES"], app.config["MEDIA_MAX_PIXELS"],
            app.config["MEDIA_MAX_SIDE"]) == (10 * 1024 * 1024, 40_000_000, 2560)
    data = encode(noise((300, 200)), "PNG")
    app.config.update(MEDIA_MAX_SIDE=150)
    with app.app_context():
        assert (process_image(data).width, process_image(data).height) == (150, 100)
        app.config.update(MEDIA_MAX_BYTES=len(data) - 1)
        assert refused(data).status == 413
        app.config.update(MEDIA_MAX_BYTES=len(data), MEDIA_MAX_PIXELS=300 * 200 - 1)
        assert refused(data).code == "image_too_large_pixels"


# ---------------------------------------------------------------- keys


def test_new_key_is_unguessable_and_safe():
    key = new_key("matters/12", ".JPG")
    prefix, name = key.rsplit("/", 1)
    assert prefix == "matters/12" and name.endswith(".jpg") and len(name) == 32 + 4
    assert new_key("matters/12", "jpg") != new_key("matters/12", "jpg")
    assert "/" not in new_key("", "png")
    with pytest.raises(InvalidKey):
        new_key("../etc", "jpg")


UNSAFE_KEYS = ["", "../outside.jpg", "matters/../../outside.jpg", "/etc/passwd", "a//b.jpg",
               "a\\b.jpg", ".hidden", "matters/.tmp-x", "a/./b.jpg", "matters/", "名字.jpg",
               "a b.jpg", "a\nb", "x" * 513, None]


# ---------------------------------------------------------------- local storage


def test_local_storage_round_trip_overwrite_and_delete(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    storage.put("matters/12/a.jpg", b"first", "image/jpeg")
    assert storage.get("matters/12/a.jpg") == b"first"
    assert (tmp_path / "media" / "matters" / "12" / "a.jpg").read_bytes() == b"first"
    storage.put("matters/12/a.jpg", b"second", "image/jpeg")
    assert storage.get("matters/12/a.jpg") == b"second"
    assert os.listdir(tmp_path / "media" / "matters" / "12") == ["a.jpg"]  # no temp files left
    storage.delete("matters/12/a.jpg")
    storage.delete("matters/12/a.jpg")  # again: nothing to do, no error
    with pytest.raises(MediaNotFound) as caught:
        storage.get("matters/12/a.jpg")
    assert (caught.value.status, caught.value.code) == (404, "media_not_found")


def test_local_storage_directory_is_not_an_object(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.put("matters/12/a.jpg", b"x", "image/jpeg")
    with pytest.raises(MediaNotFound):
        storage.get("matters/12")
    storage.delete("matters/12")
    assert storage.get("matters/12/a.jpg") == b"x"


@pytest.mark.parametrize("key", UNSAFE_KEYS)
def test_local_storage_refuses_unsafe_keys(tmp_path, key):
    root = tmp_path / "media"
    (tmp_path / "outside.jpg").write_bytes(b"keep me")
    storage = LocalStorage(root)
    with pytest.raises(InvalidKey):
        storage.put(key, b"evil", "image/jpeg")
    with pytest.raises(InvalidKey):
        storage.get(key)
    with pytest.raises(InvalidKey):
        storage.delete(key)
    assert (tmp_path / "outside.jpg").read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["outside.jpg"]


def test_local_write_that_fails_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    storage = LocalStorage(tmp_path)
    storage.put("m/a.png", b"old", "image/png")

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(StorageUnavailable) as caught:
        storage.put("m/a.png", b"new", "image/png")
    assert (caught.value.status, caught.value.code) == (503, "media_storage_unavailable")
    assert storage.get("m/a.png") == b"old" and os.listdir(tmp_path / "m") == ["a.png"]


def test_storage_errors_answer_with_the_error_envelope(tmp_path):
    app = Flask(__name__)
    register_error_handlers(app)
    storage = LocalStorage(tmp_path)

    @app.get("/photo")
    def photo():
        return storage.get("matters/1/missing.jpg")

    response = app.test_client().get("/photo")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "media_not_found", "message": "图片不存在或已删除",
                                             "details": {}}}


# ---------------------------------------------------------------- S3 (moto's server, real HTTP)


@pytest.fixture(scope="module")
def s3_url():
    port = unused_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_url):
    name = f"yuanba-{secrets.token_hex(4)}"
    client = boto3.session.Session().client(
        "s3", endpoint_url=s3_url, aws_access_key_id="test", aws_secret_access_key="test",
        region_name="us-east-1")
    client.create_bucket(Bucket=name)
    return name, client


def test_s3_round_trip_through_a_real_s3_server(s3_url, bucket):
    name, client = bucket
    storage = S3Storage(name, s3_url, "test", "test")
    image = process_image(encode(noise((120, 90)), "PNG"))
    key = new_key("matters/12", image.extension)

    storage.put(key, image.original, image.content_type)

    assert storage.get(key) == image.original
    head = client.head_object(Bucket=name, Key=key)
    assert head["ContentType"] == "image/png" and head["ContentLength"] == len(image.original)
    storage.put(key, b"replaced", "image/png")
    assert storage.get(key) == b"replaced"
    storage.delete(key)
    storage.delete(key)  # again: S3 says nothing, neither do we
    with pytest.raises(MediaNotFound) as caught:
        storage.get(key)
    assert caught.value.status == 404
    assert client.list_objects_v2(Bucket=name)["KeyCount"] == 0


def test_s3_refuses_unsafe_keys_without_calling_s3(s3_url, bucket):
    name, client = bucket
    storage = S3Storage(name, s3_url, "test", "test")
    for key in UNSAFE_KEYS:
        with pytest.raises(InvalidKey):
            storage.put(key, b"evil", "image/jpeg")
    assert client.list_objects_v2(Bucket=name)["KeyCount"] == 0


def test_s3_missing_bucket_or_server_down_is_503_quickly(s3_url):
    storage = S3Storage("no-such-bucket", s3_url, "test", "test", max_attempts=1)
    with pytest.raises(StorageUnavailable):
        storage.put("a.jpg", b"x", "image/jpeg")
    down = S3Storage("b", f"http://127.0.0.1:{unused_port()}", "test", "test",
                     connect_timeout=1, read_timeout=1, max_attempts=2)
    started = time.monotonic()
    for call in (lambda: down.get("a.jpg"), lambda: down.put("a.jpg", b"x", "image/jpeg"),
                 lambda: down.delete("a.jpg")):
        with pytest.raises(StorageUnavailable) as caught:
            call()
        assert (caught.value.status, caught.value.code) == (503, "media_storage_unavailable")
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("style, url", [
    (None, "https://oss.example.test/photos/a.jpg"),  # auto: path style on a custom endpoint
    ("virtual", "https://photos.oss.example.test/a.jpg"),
])
def test_s3_addressing_style_comes_from_the_settings(tmp_path, style, url):
    app = _app(MEDIA_ROOT=str(tmp_path), MEDIA_S3_BUCKET="photos", MEDIA_S3_ACCESS_KEY="k",
               MEDIA_S3_ENDPOINT_URL="https://oss.example.test", MEDIA_S3_SECRET_KEY="s",
               MEDIA_S3_ADDRESSING_STYLE=style)
    sent = []

    class Captured(Exception):
        pass

    def capture(request, **kwargs):  # the request is stopped here: nothing leaves this machine
        sent.append(request.url)
        raise Captured

    get_storage(app).client.meta.events.register("before-send.s3.GetObject", capture)
    with pytest.raises(Captured):
        get_storage(app).get("a.jpg")
    assert sent == [url]


def test_s3_settings_are_checked():
    with pytest.raises(ConfigError, match="MEDIA_S3_SECRET_KEY"):
        S3Storage("b", "http://127.0.0.1:9", access_key="only-the-id")
    with pytest.raises(ConfigError, match="MEDIA_S3_ADDRESSING_STYLE"):
        S3Storage("b", "http://127.0.0.1:9", addressing_style="sideways")


# ---------------------------------------------------------------- the app's storage


def _app(**settings):
    app = Flask(__name__)
    app.config.from_object(Settings())
    app.config.update(settings)
    return app


def test_get_storage_is_the_local_directory_by_default_built_once(tmp_path):
    app = _app(MEDIA_ROOT=str(tmp_path / "media"), MEDIA_S3_BUCKET=None)
    with app.app_context():
        storage = get_storage()
        assert isinstance(storage, LocalStorage) and get_storage() is storage
        storage.put("a/b.jpg", b"x", "image/jpeg")
    assert app.extensions["media_storage"] is storage
    assert (tmp_path / "media" / "a" / "b.jpg").read_bytes() == b"x"
    assert get_storage(_app(MEDIA_ROOT=str(tmp_path), MEDIA_S3_BUCKET=None)) is not storage


def test_get_storage_is_s3_when_a_bucket_is_set(tmp_path, s3_url, bucket):
    name, client = bucket
    app = _app(MEDIA_ROOT=str(tmp_path), MEDIA_S3_BUCKET=name, MEDIA_S3_ENDPOINT_URL=s3_url,
               MEDIA_S3_ACCESS_KEY="test", MEDIA_S3_SECRET_KEY="test")
    storage = get_storage(app)
    assert isinstance(storage, S3Storage) and get_storage(app) is storage
    assert storage.client.meta.region_name == "us-east-1"
    storage.put("matters/1/t.jpg", b"thumb", "image/jpeg")
    assert client.get_object(Bucket=name, Key="matters/1/t.jpg")["Body"].read() == b"thumb"
    assert list(tmp_path.iterdir()) == []  # nothing went to the local directory
