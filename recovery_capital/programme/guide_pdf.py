"""The facilitator guide as an A4 PDF, laid out with the reports' page builder.

>>> from .guide_content import Guide, Heading, Bullets, Table
>>> guide = Guide("G", [Heading("Day 1", 1), Bullets("Ask", ("Why?",)),
...                     Table(("Time", "What"), (("09:30", "Welcome"),), (0.3, 0.7))])
>>> pdf = guide_pdf_document(guide)
>>> pdf.written[:3], pdf.to_bytes()[:5]
(['Day 1', 'Ask', '\u2022 Why?'], b'%PDF-')
"""

from __future__ import annotations

from ..documents.pdf import ACCENT, FAMILY, MUTED, ReportPDF
from .guide_content import Bullets, Guide, Heading, PageBreak, Paragraph, Table

__all__ = ["guide_pdf", "guide_pdf_document"]

_SIZES = {1: 15.0, 2: 12.0, 3: 10.5, 4: 9.5}
_LABEL = (90, 58, 0)


def guide_pdf_document(guide: Guide) -> ReportPDF:
    """The laid-out guide (``written`` holds every string on it)."""
    pdf = ReportPDF(f"{guide.title}: facilitator guide", footer=f"{guide.title}: facilitator guide")
    started = False
    for block in guide.blocks:
        if isinstance(block, PageBreak):
            if started:
                pdf.add_page()
            continue
        started = True
        if isinstance(block, Heading):
            size = _SIZES.get(block.level, 9.5)
            if pdf.get_y() > pdf.h - 40:  # never a heading alone at the foot of a page
                pdf.add_page()
            colour = _LABEL if block.level == 4 else ACCENT
            pdf.heading(
                block.text,
                size,
                colour=colour,
                space_before=1 if pdf.get_y() < 20 else (4 if block.level < 3 else 2),
            )
            if block.level == 3:
                pdf.set_draw_color(*ACCENT)
                pdf.line(pdf.l_margin, pdf.get_y() - 0.8, pdf.w - pdf.r_margin, pdf.get_y() - 0.8)
        elif isinstance(block, Paragraph):
            pdf.paragraph(
                block.text,
                block.size or 9,
                style=block.style,
                colour=MUTED if block.style == "I" else (27, 27, 27),
            )
        elif isinstance(block, Bullets):
            size = block.size or 9
            if pdf.get_y() > pdf.h - 30:
                pdf.add_page()
            pdf.set_font(FAMILY, "B", size)
            pdf.multi_cell(0, size * 0.49, pdf._write(block.label), new_x="LMARGIN",
                           new_y="NEXT", align="L")  # fmt: skip
            pdf.set_font(FAMILY, "", size)
            for item in block.items:
                pdf.set_x(pdf.l_margin + 3)
                pdf.multi_cell(pdf.w - pdf.l_margin - pdf.r_margin - 3, size * 0.48,
                               pdf._write(f"\u2022 {item}"), new_x="LMARGIN", new_y="NEXT",
                               align="L")  # fmt: skip
            pdf.ln(size * 0.14)
        elif isinstance(block, Table):
            width = pdf.w - pdf.l_margin - pdf.r_margin
            pdf.table(
                block.headers, block.rows, widths=[share * width for share in block.widths], size=8
            )
    return pdf


def guide_pdf(guide: Guide) -> bytes:
    """The guide as PDF bytes."""
    return guide_pdf_document(guide).to_bytes()
