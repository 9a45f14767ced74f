"""A small PDF page builder on fpdf2, with fonts that cover every character people type.

fpdf2's built-in fonts know only Latin-1, so a name like "Zoë Nowak-Łukasz" would fail: the
pages use DejaVu Sans, which ships with matplotlib (already a dependency), so no font has to
be installed. Every string written is also kept in :attr:`ReportPDF.written`, which lets a test
check what a page says without a PDF text extractor.

>>> pdf = ReportPDF("Summary", footer="Made by recovery-capital")
>>> pdf.heading("Zoë's cohort")
>>> pdf.paragraph("Two thirds finished.")
>>> data = pdf.to_bytes()
>>> data[:5], pdf.written[:2]
(b'%PDF-', ["Zoë's cohort", 'Two thirds finished.'])
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

__all__ = ["ReportPDF", "FONT_DIR"]

FAMILY = "DejaVu"
INK = (27, 27, 27)
ACCENT = (11, 79, 108)
MUTED = (74, 74, 74)


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


FONT_DIR = _font_dir()


class ReportPDF(FPDF):
    """An A4 page (portrait by default) with headings, paragraphs, tables and images."""

    def __init__(
        self,
        title: str,
        *,
        footer: str = "",
        orientation: str = "portrait",
        footer_from_bottom: float = 12,
    ) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.footer_text = footer
        self.footer_from_bottom = footer_from_bottom
        self.written: list[str] = []
        for style, name in (
            ("", "DejaVuSans.ttf"),
            ("B", "DejaVuSans-Bold.ttf"),
            ("I", "DejaVuSans-Oblique.ttf"),
        ):
            self.add_font(FAMILY, style, str(FONT_DIR / name))
        self.set_title(title)
        self.set_creator("recovery-capital")
        self.set_lang("en-GB")
        self.set_margins(16, 14, 16)
        self.set_auto_page_break(True, margin=16)
        self.add_page()
        self.set_text_color(*INK)

    def footer(self) -> None:
        """Small grey footer: the footer text and the page number."""
        self.set_y(-self.footer_from_bottom)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.footer_text}   Page {self.page_no()}", align="C")
        self.set_text_color(*INK)

    def _write(self, text: str) -> str:
        self.written.append(text)
        return text

    def heading(
        self,
        text: str,
        size: float = 13,
        *,
        colour: tuple[int, int, int] = ACCENT,
        align: str = "L",
        space_before: float = 3,
    ) -> None:
        """A bold heading line."""
        self.ln(space_before)
        self.set_font(FAMILY, "B", size)
        self.set_text_color(*colour)
        self.multi_cell(
            0, size * 0.5, self._write(text), align=align, new_x="LMARGIN", new_y="NEXT"
        )
        self.set_text_color(*INK)
        self.ln(1)

    def paragraph(
        self,
        text: str,
        size: float = 9.5,
        *,
        style: str = "",
        align: str = "L",
        colour: tuple[int, int, int] = INK,
    ) -> None:
        """Wrapped text."""
        self.set_font(FAMILY, style, size)
        self.set_text_color(*colour)
        self.multi_cell(
            0, size * 0.48, self._write(text), align=align, new_x="LMARGIN", new_y="NEXT"
        )
        self.set_text_color(*INK)
        self.ln(1.2)

    def table(  # type: ignore[override]
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        align: Sequence[str] | None = None,
        size: float = 8.5,
    ) -> None:
        """A table with a shaded header row; ``align`` per column ("L", "R", "C")."""
        self.set_font(FAMILY, "", size)
        aligns = list(align or ["L"] * len(headers))
        heading = FontFace(emphasis="BOLD", fill_color=(232, 240, 243))
        with super().table(
            col_widths=tuple(widths),
            text_align=tuple(aligns),
            headings_style=heading,
            line_height=size * 0.5,
            borders_layout="SINGLE_TOP_LINE",
            padding=0.8,
            first_row_as_headings=True,
            width=sum(widths),
        ) as grid:
            for values in [headers, *rows]:
                row = grid.row()
                for value in values:
                    row.cell(self._write(str(value)))
        self.ln(2)

    def text_at(self, x: float, y: float, width: float, text: str, size: float = 10) -> None:
        """One centred line of text in a box ``width`` mm wide at (x, y)."""
        self.set_font(FAMILY, "", size)
        self.set_xy(x, y)
        self.cell(width, size * 0.5, self._write(text), align="C")

    def png(self, data: bytes, *, width: float, alt_text: str) -> None:
        """A PNG image ``width`` mm wide, centred, with its alt text for screen readers."""
        self._write(alt_text)
        x = (self.w - width) / 2
        self.image(io.BytesIO(data), x=x, w=width, alt_text=alt_text)
        self.ln(2)

    def to_bytes(self) -> bytes:
        """The finished PDF."""
        return bytes(self.output())
