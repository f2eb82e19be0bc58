"""Tiny voice notes for the tests, written frame by frame (no encoder on the machine): what
WeChat's RecorderManager writes, as far as the app looks — MP3 frames in sync, or AAC in an
MP4 container — silent, of any length."""
import struct

# MPEG-2 layer III, no CRC; 8 kbit/s, 16 kHz, mono: a frame is 72 * 8000 / 16000 = 36 bytes of
# header, 9 of side info (all zero: no coded audio, so silence) and padding, and plays 576 samples.
MP3_FRAME = bytes([0xFF, 0xF3, 0x18, 0xC0]) + bytes(32)
MP3_FRAME_SECONDS = 576 / 16000

AAC_RATE = 16000
AAC_FRAME_SAMPLES = 1024
SILENT_AAC_FRAME = bytes([0x21, 0x10, 0x04, 0x60, 0x8C, 0x1C])  # AAC-LC, mono: one frame of silence


def mp3(seconds):
    return MP3_FRAME * round(seconds / MP3_FRAME_SECONDS)


def _box(name, *parts):
    payload = b"".join(parts)
    return struct.pack(">I", 8 + len(payload)) + name + payload


def _full(name, *parts, version=0, flags=0):
    return _box(name, struct.pack(">I", (version << 24) | flags), *parts)


def _descriptor(tag, payload):
    return bytes([tag, len(payload)]) + payload


def m4a(seconds, codec=b"mp4a"):
    """An .m4a of `seconds`: ftyp, moov (one sound track, its sample tables) and mdat."""
    frames = max(1, round(seconds * AAC_RATE / AAC_FRAME_SAMPLES))
    duration = frames * AAC_FRAME_SAMPLES
    mdat = _box(b"mdat", SILENT_AAC_FRAME * frames)
    ftyp = _box(b"ftyp", b"M4A ", struct.pack(">I", 0), b"M4A mp42isom")
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _full(b"mvhd", struct.pack(">4I", 0, 0, AAC_RATE, duration), struct.pack(">IH", 0x10000, 0x100),
                 bytes(10), matrix, bytes(24), struct.pack(">I", 2))
    tkhd = _full(b"tkhd", struct.pack(">5I", 0, 0, 1, 0, duration), bytes(8), struct.pack(">hhH", 0, 0, 0x100),
                 bytes(2), matrix, struct.pack(">II", 0, 0), flags=3)
    mdhd = _full(b"mdhd", struct.pack(">4IHH", 0, 0, AAC_RATE, duration, 0x55C4, 0))
    hdlr = _full(b"hdlr", bytes(4), b"soun", bytes(12), b"SoundHandler\x00")
    audio_specific = bytes([0x14, 0x08])  # AAC-LC, 16 kHz, one channel
    decoder = _descriptor(0x04, bytes([0x40, 0x15]) + bytes(3) + struct.pack(">II", 8000, 8000)
                          + _descriptor(0x05, audio_specific))
    esds = _full(b"esds", _descriptor(0x03, struct.pack(">HB", 1, 0) + decoder + _descriptor(0x06, b"\x02")))
    entry = _box(codec, bytes(6), struct.pack(">H", 1), bytes(8), struct.pack(">HHHHI", 1, 16, 0, 0, AAC_RATE << 16),
                 esds)
    stbl_parts = [
        _full(b"stsd", struct.pack(">I", 1), entry),
        _full(b"stts", struct.pack(">III", 1, frames, AAC_FRAME_SAMPLES)),
        _full(b"stsc", struct.pack(">IIII", 1, 1, frames, 1)),
        _full(b"stsz", struct.pack(">II", len(SILENT_AAC_FRAME), frames)),
    ]

    def moov(chunk_offset):
        stbl = _box(b"stbl", *stbl_parts, _full(b"stco", struct.pack(">II", 1, chunk_offset)))
        dinf = _box(b"dinf", _full(b"dref", struct.pack(">I", 1), _full(b"url ", flags=1)))
        minf = _box(b"minf", _full(b"smhd", bytes(4)), dinf, stbl)
        return _box(b"moov", mvhd, _box(b"trak", tkhd, _box(b"mdia", mdhd, hdlr, minf)))

    before_samples = len(ftyp) + len(moov(0)) + 8  # moov's size does not depend on the offset; mdat's header
    return ftyp + moov(before_samples) + mdat
