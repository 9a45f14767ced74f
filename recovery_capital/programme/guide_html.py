"""The facilitator guide as one self-contained HTML page (prints on A4: each day, the notes
and each handout start a new page).

>>> from .guide_content import Guide, Heading, Bullets
>>> guide = Guide("G", [Heading("Day <1>", 1), Bullets("Ask", ("Why?",))])
>>> html = guide_html(guide)
>>> "<h1>Day &lt;1&gt;</h1>" in html, "<li>Why?</li>" in html
(True, True)
"""

from __future__ import annotations

from ..documents.html import esc
from .guide_content import Bullets, Guide, Heading, PageBreak, Paragraph, Table

__all__ = ["guide_html"]

_CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1b1b1b;
       max-width: 62rem; margin: 2rem auto; padding: 0 1.25rem; line-height: 1.5; }
h1 { color: #0b4f6c; font-size: 1.6rem; border-bottom: 3px solid #0b4f6c; }
h2 { color: #0b4f6c; font-size: 1.25rem; margin-top: 1.6rem; }
h3 { font-size: 1.08rem; margin: 1.4rem 0 0.2rem; background: #e8f0f3; padding: 0.2rem 0.4rem; }
h4 { font-size: 1rem; margin: 0.9rem 0 0.2rem; color: #5a3a00; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0; }
th, td { border: 1px solid #b9c3c9; padding: 0.3rem 0.5rem; text-align: left;
         vertical-align: top; white-space: pre-line; }
th { background: #e8f0f3; }
p.I { font-style: italic; color: #3a3a3a; }
p.B { font-weight: bold; }
.label { font-weight: bold; margin: 0.5rem 0 0.1rem; }
ul { margin-top: 0.1rem; }
hr.page { border: 0; margin: 0; break-after: page; }
@media print { body { max-width: none; margin: 0; } h1, h2, h3, h4 { break-after: avoid; } }
@page { size: A4; margin: 15mm; }
"""


def guide_html(guide: Guide) -> str:
    """The guide's blocks as an HTML document (every text escaped)."""
    parts = []
    for block in guide.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 4)
            parts.append(f"<h{level}>{esc(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            cls = f' class="{block.style}"' if block.style else ""
            size = f' style="font-size: {block.size}pt"' if block.size else ""
            parts.append(f"<p{cls}{size}>{esc(block.text)}</p>")
        elif isinstance(block, Bullets):
            items = "".join(f"<li>{esc(item)}</li>" for item in block.items)
            size = f' style="font-size: {block.size}pt"' if block.size else ""
            parts.append(
                f'<div{size}><p class="label">{esc(block.label)}</p><ul>{items}</ul></div>'
            )
        elif isinstance(block, Table):
            head = "".join(f"<th>{esc(h)}</th>" for h in block.headers)
            rows = "".join(
                "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>"
                for row in block.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(block, PageBreak):
            parts.append('<hr class="page">')
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{esc(guide.title)}: facilitator guide</title><style>{_CSS}</style></head>"
        f"<body>\n{body}\n</body></html>\n"
    )
