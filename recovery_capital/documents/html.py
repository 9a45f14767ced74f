"""Self-contained HTML report pages: inline styles, charts embedded as images, text escaped.

Every piece of text goes through :func:`esc` (or a helper that calls it), so a handle, a
cohort name or a question can never add markup. A page prints on A4 as it looks on screen.

>>> cells = table(["Area", "Mean"], [["<b>Role</b>", 3.5]])
>>> "<td>&lt;b&gt;Role&lt;/b&gt;</td>" in cells, '<td class="num">3.5</td>' in cells
(True, True)
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Iterable, Sequence
from datetime import datetime

__all__ = [
    "esc",
    "fmt",
    "fmt_date",
    "fmt_percent",
    "fmt_signed",
    "page",
    "paragraph",
    "section",
    "table",
]

_CSS = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1b1b1b;
       max-width: 60rem; margin: 2rem auto; padding: 0 1.25rem; line-height: 1.5; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; color: #0b4f6c; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 2px solid #0b4f6c; color: #0b4f6c; }
h3 { font-size: 1.1rem; margin-top: 1.4rem; }
.subtitle { color: #444; margin-top: 0; }
table { border-collapse: collapse; margin: 0.75rem 0; width: 100%; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border: 1px solid #b9c3c9; padding: 0.35rem 0.55rem; text-align: left;
         vertical-align: top; }
th { background: #e8f0f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.note { background: #fff8e5; border-left: 4px solid #b26b00; padding: 0.5rem 0.8rem; }
.quiet { color: #4a4a4a; font-size: 0.95rem; }
figure { margin: 1rem 0; }
img.rc-chart { border: 1px solid #dde3e6; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
               table, figure { break-inside: avoid; } }
@page { size: A4; margin: 16mm; }
"""


def esc(text: object) -> str:
    """Escape any value for HTML text or an attribute.

    >>> esc('<script>"x"</script>')
    '&lt;script&gt;&quot;x&quot;&lt;/script&gt;'
    """
    return html.escape("" if text is None else str(text), quote=True)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt(value: float | None, places: int = 2, *, trim: bool = False) -> str:
    """A number with ``places`` decimals, a dash when missing; ``trim`` shows whole numbers
    without decimals (for scores), while tables of means keep every row alike.

    >>> fmt(1.5), fmt(2.0), fmt(2.0, trim=True), fmt(None), fmt(0.123456, 3)
    ('1.50', '2.00', '2', '–', '0.123')
    """
    if _missing(value):
        return "–"
    assert value is not None
    if trim and float(value).is_integer():
        return str(int(value))
    return f"{value:.{places}f}"


def fmt_signed(value: float | None, places: int = 2, *, trim: bool = False) -> str:
    """Like :func:`fmt`, with a plus sign for a rise and a true minus sign for a fall.

    >>> fmt_signed(0.5), fmt_signed(-1.25), fmt_signed(0), fmt_signed(3.0, trim=True)
    ('+0.50', '−1.25', '0.00', '+3')
    """
    if _missing(value):
        return "–"
    assert value is not None
    text = fmt(abs(value), places, trim=trim)
    if value > 0:
        return f"+{text}"
    return f"−{text}" if value < 0 else text


def fmt_percent(value: float | None) -> str:
    """A percentage rounded to a whole number.

    >>> fmt_percent(33.333), fmt_percent(None)
    ('33%', '–')
    """
    return "–" if _missing(value) else f"{value:.0f}%"


def fmt_date(moment: datetime | None) -> str:
    """A date as people write it, e.g. ``5 Mar 2027``.

    >>> fmt_date(datetime(2027, 3, 5))
    '5 Mar 2027'
    """
    return "–" if moment is None else f"{moment.day} {moment:%b %Y}"


def paragraph(text: object, cls: str | None = None) -> str:
    """``<p>`` with escaped text."""
    attribute = f' class="{esc(cls)}"' if cls else ""
    return f"<p{attribute}>{esc(text)}</p>"


def section(heading: str, *parts: str) -> str:
    """An ``<section>`` with an ``<h2>`` heading (escaped) and already-built HTML parts."""
    return f"<section><h2>{esc(heading)}</h2>{''.join(parts)}</section>"


def _cell(value: object) -> str:
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return f'<td class="num">{esc(value)}</td>'
    return f"<td>{esc(value)}</td>"


def table(
    headers: Sequence[str] | None,
    rows: Iterable[Sequence[object]],
    *,
    caption: str | None = None,
    numeric: Iterable[int] = (),
) -> str:
    """A table with header cells (``headers=None``: a two-column list whose first cells are row
    headers); numbers (and the columns listed in ``numeric``, for pre-formatted numbers) align
    right. Every value is escaped."""
    right = set(numeric)
    body = []
    for row in rows:
        cells = [
            f'<th scope="row">{esc(v)}</th>'
            if headers is None and index == 0
            else f'<td class="num">{esc(v)}</td>'
            if index in right
            else _cell(v)
            for index, v in enumerate(row)
        ]
        body.append(f"<tr>{''.join(cells)}</tr>")
    title = f"<caption>{esc(caption)}</caption>" if caption else ""
    head = ""
    if headers is not None:
        names = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
        head = f"<thead><tr>{names}</tr></thead>"
    return f"<table>{title}{head}<tbody>{''.join(body)}</tbody></table>"


def page(title: str, body: str, *, subtitle: str | None = None) -> str:
    """A complete HTML document: escaped title, inline CSS, ``body`` inside ``<main>``.

    >>> doc = page("Report <1>", "<p>Hi</p>", subtitle="Cohort K7P2Q")
    >>> doc.startswith("<!DOCTYPE html>") and "<h1>Report &lt;1&gt;</h1>" in doc
    True
    """
    sub = paragraph(subtitle, "subtitle") if subtitle else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head>"
        f"<body><main><h1>{esc(title)}</h1>{sub}{body}</main></body></html>\n"
    )
