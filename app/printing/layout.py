"""The page every printed document shares: A4, the Chinese font, a heading, paragraphs that wrap
between any two characters (Chinese has no spaces to wrap at), tables, QR codes, page numbers;
and the HTTP answer that carries the PDF."""
import io
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import segno
from flask import Response, current_app
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from app.community.models import Building, Courtyard, Household
from app.printing.fonts import cjk_font

PDF = "application/pdf"
FAMILY = "cjk"
MARGIN = 18  # mm, left and right
HEADINGS = FontFace(emphasis="", fill_color=(230, 230, 230))  # one weight of the font: shaded, not bold
# A household's address as printed (海滨新村1幢1单元101), in SQL: select it joined to its building and courtyard.
ADDRESS = Courtyard.name + Building.name + Household.unit + Household.room


class Sheet(FPDF):
    """An A4 sheet in the Chinese font; `footer` (optional) is printed at the foot of every page
    with the page number."""

    def __init__(self, footer=""):
        super().__init__(format="A4")
        font = cjk_font()
        self.add_font(FAMILY, fname=font.path, collection_font_number=font.index)
        self.set_margins(MARGIN, 16, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.footer_text = footer
        self.set_font(FAMILY, size=11)
        self.set_creator("院坝 Yuanba")

    def footer(self):
        self.set_y(-13)
        self.set_font(FAMILY, size=8)
        self.set_text_color(90)
        self.cell(0, 5, f"{self.footer_text}　第 {self.page_no()}/{{nb}} 页".strip("　"), align=Align.C)
        self.set_text_color(0)

    def heading(self, text, size=20):
        self.set_font(FAMILY, size=size)
        self.multi_cell(0, size * 0.5, text, align=Align.C, wrapmode=WrapMode.CHAR,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)
        self.set_font(FAMILY, size=11)

    def para(self, text, size=11, align=Align.L, gap=1.5):
        self.set_font(FAMILY, size=size)
        self.multi_cell(0, size * 0.5, text, align=align, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)
        self.ln(gap)
        self.set_font(FAMILY, size=11)

    def grid(self, header, rows, widths, size=10, line_height=6):
        """A table with a header row repeated on every page."""
        self.set_font(FAMILY, size=size)
        with self.table(col_widths=widths, line_height=line_height, text_align="LEFT", wrapmode=WrapMode.CHAR,
                        first_row_as_headings=True, headings_style=HEADINGS) as table:
            for cells in [header, *rows]:
                row = table.row()
                for cell in cells:
                    row.cell(str(cell))
        self.ln(3)
        self.set_font(FAMILY, size=11)

    def qr(self, data, x, y, size):
        """A QR code of `data`, `size` mm square, its top left corner at (x, y)."""
        image = io.BytesIO()
        segno.make(data, error="m").save(image, kind="png", scale=8, border=2)
        self.image(image, x=x, y=y, w=size, h=size)

    def corner_qr(self, data, size, caption):
        """A QR code of `data` in the top right corner of the page's text, `caption` under it;
        returns the space it takes (width, height) for `beside`. The cursor stays where it was."""
        top = self.get_y()
        self.qr(data, x=self.w - MARGIN - size, y=top, size=size)
        self.set_xy(self.w - MARGIN - size - 8, top + size)
        self.set_font(FAMILY, size=8)
        self.multi_cell(size + 16, 4, caption, align=Align.C)
        self.set_xy(self.l_margin, top)
        self.set_font(FAMILY, size=11)
        return size + 8, size + 4 * (caption.count("\n") + 1) + 2

    @contextmanager
    def beside(self, corner):
        """Text set to the left of what `corner_qr` placed, and below it afterwards."""
        width, height = corner
        top = self.get_y()
        self.set_right_margin(MARGIN + width)
        try:
            yield
        finally:
            self.set_right_margin(MARGIN)
            self.set_y(max(self.get_y(), top + height))

    def box(self, x, y, size=4.5):
        """A tick box."""
        self.rect(x, y, size, size)

    def to_bytes(self):
        return bytes(self.output())


def local(moment, time=True):
    """A stored (UTC) time in the community's zone, as a notice board reads it: 2026年12月3日 19:30."""
    if moment is None:
        return ""
    moment = moment.astimezone(ZoneInfo(current_app.config["TIME_ZONE"]))
    return f"{moment.year}年{moment.month}月{moment.day}日" + (f" {moment:%H:%M}" if time else "")


def pdf_response(data, filename):
    """The PDF, shown in the browser (inline) and saved under `filename` (ASCII)."""
    return Response(data, mimetype=PDF, headers={"Content-Disposition": f'inline; filename="{filename}"',
                                                 "Cache-Control": "no-store"})
