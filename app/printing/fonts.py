"""The Chinese font every PDF is set in.

`PDF_FONT` names a TrueType/OpenType file (or collection) holding Chinese glyphs; unset, the
machine's fonts are searched: fontconfig's list of fonts for Chinese (`fc-list :lang=zh`), then
the paths Debian's packages install to. A font is taken only if it has the glyphs of PROBE and
fpdf2 can embed it, so a PDF never comes out as empty boxes: without one the request answers
503 `pdf_font_missing` (the Makefile's `font` target installs fonts-wqy-microhei).
"""
import shutil
import subprocess
from dataclasses import dataclass

from flask import current_app
from fontTools.ttLib import TTFont
from fpdf import FPDF

from app.errors import ApiError

KNOWN_FONTS = (  # Debian: fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk, fonts-arphic-uming, fonts-droid-fallback
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
PROBE = "院坝社区表决结果公示会议通知纪要签到表入户码纸质选票赞成反对弃权012ABC"


@dataclass(frozen=True)
class Font:
    path: str
    index: int = 0  # the font's number inside a collection (.ttc)


_found = {}  # PDF_FONT setting → Font; only successes are kept, so a font installed later is found


def _fontconfig():
    if not shutil.which("fc-list"):
        return []
    try:
        listed = subprocess.run(["fc-list", "-f", "%{file}\t%{index}\n", ":lang=zh"], capture_output=True,
                                text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    fonts = []
    for line in sorted(listed.splitlines()):
        path, _, index = line.partition("\t")
        if path:
            fonts.append(Font(path, int(index) if index.isdigit() else 0))
    return fonts


def _usable(font):
    """Has the font every glyph of PROBE, and can fpdf2 embed it?"""
    try:
        with TTFont(font.path, fontNumber=font.index, lazy=True) as parsed:
            cmap = parsed.getBestCmap() or {}
        if any(ord(char) not in cmap for char in PROBE):
            return False
        FPDF().add_font("probe", fname=font.path, collection_font_number=font.index)
    except Exception:  # a missing, unreadable or unsupported file: not this one  # noqa: BLE001
        return False
    return True


def cjk_font():
    """The font to print with, or 503 `pdf_font_missing`."""
    setting = current_app.config.get("PDF_FONT")
    if setting not in _found:
        candidates = [Font(setting)] if setting else [*_fontconfig(), *(Font(path) for path in KNOWN_FONTS)]
        font = next((candidate for candidate in candidates if _usable(candidate)), None)
        if font is None:
            current_app.logger.error("no Chinese font for PDFs (PDF_FONT=%r); install fonts-wqy-microhei", setting)
            raise ApiError(503, "pdf_font_missing", "服务器缺少中文字体，暂时无法生成打印文件，请联系管理员")
        _found[setting] = font
    return _found[setting]
