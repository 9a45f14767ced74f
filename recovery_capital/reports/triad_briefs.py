"""Printable briefs for a triad real-play: one page each for speaker, listener and observer.

Built from a ``kind: triad`` content file (``assets/content/triads/``) on the course's own
PDF page builder, so an educator changes the briefs by editing YAML. The observer's page has a
tally grid for those who would rather count on paper than tap on a screen; its behaviours and
their MITI 4.2.1 fair/good thresholds come from :mod:`recovery_capital.scoring.miti`.

>>> from recovery_capital.content.model import parse_content
>>> triad = parse_content({"kind": "triad", "id": "m4-t", "title": "Real-play", "minutes": 10,
...     "roles": {"speaker": {"brief": "Talk about a change."},
...               "listener": {"brief": "Use **OARS**."},
...               "observer": {"brief": "Count."}},
...     "topics": ["Getting more exercise"]})
>>> pdf = briefs_pdf(triad)
>>> pdf[:5], "Getting more exercise" in briefs_text(triad)
(b'%PDF-', True)
"""

from __future__ import annotations

import re

from ..content.model import TriadContent
from ..documents.pdf import ReportPDF
from ..scoring import miti

__all__ = ["briefs_pdf", "briefs_text", "TALLY_ROWS"]

#: What the observer counts, in the order of the tally (MITI 4.2.1 behaviour codes).
TALLY_ROWS: tuple[tuple[str, str], ...] = (
    ("question", "Questions (open or closed)"),
    ("simple_reflection", "Simple reflections"),
    ("complex_reflection", "Complex reflections"),
    ("affirm", "Affirmations"),
    ("seeking_collaboration", "Seeking collaboration (MI-adherent)"),
    ("emphasizing_autonomy", "Emphasising autonomy (MI-adherent)"),
    ("persuade", "Persuading without permission (MI-non-adherent)"),
    ("confront", "Confronting (MI-non-adherent)"),
)

_ROLE_TITLES = (
    ("speaker", "Speaker"),
    ("listener", "Listener"),
    ("observer", "Observer"),
)


def _plain(markdown_text: str) -> list[str]:
    """Markdown as plain paragraphs for print: emphasis marks dropped, list items bulleted."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", markdown_text.strip()):
        lines = []
        for line in block.splitlines():
            line = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), line)
            line = re.sub(r"(?<!\w)[*_](\S.*?\S|\S)[*_](?!\w)", r"\1", line)
            line = re.sub(r"^\s*[-*+]\s+", "\u2022 ", line)
            line = re.sub(r"^#+\s+", "", line)
            lines.append(line.strip())
        paragraphs.append("\n".join(lines) if any(x.startswith("\u2022") for x in lines)
                          else " ".join(lines))  # fmt: skip
    return [p for p in paragraphs if p]


def _thresholds() -> list[list[str]]:
    rows = []
    labels = {
        "reflection_to_question": "Reflections per question",
        "percent_complex_reflections": "Complex reflections (% of reflections)",
        "technical_global": "Technical global (1-5)",
        "relational_global": "Relational global (1-5)",
    }
    for name, label in labels.items():
        fair, good = (f"{float(value):g}" for value in miti.THRESHOLDS[name])
        rows.append([label, fair, good])
    return rows


def briefs_text(triad: TriadContent) -> str:
    """Everything the briefs say, as plain text (the PDF's text equivalent)."""
    pdf = _build(triad)
    return "\n".join(pdf.written)


def briefs_pdf(triad: TriadContent) -> bytes:
    """The three briefs as one A4 PDF, a page per role."""
    return _build(triad).to_bytes()


def _build(triad: TriadContent) -> ReportPDF:
    pdf = ReportPDF(triad.title, footer=f"{triad.title} - recovery-capital course")
    for number, (role, title) in enumerate(_ROLE_TITLES):
        if number:
            pdf.add_page()
        pdf.heading(f"{triad.title}: the {title.lower()}'s brief", 15, space_before=0)
        pdf.paragraph(
            f"Three of you take turns: speaker, listener and observer. Each practice lasts "
            f"{triad.minutes} minutes, then five minutes of feedback, then swap roles.",
            style="I",
        )
        for paragraph in _plain(getattr(triad.roles, role).brief):
            pdf.paragraph(paragraph, 10)
        if role == "speaker" and triad.topics:
            pdf.heading("Topics you might choose", 11)
            for topic in triad.topics:
                pdf.paragraph(f"\u2022 {topic}", 10)
        if role == "observer":
            pdf.heading("Tally", 11)
            pdf.table(
                ["Behaviour", "Tally marks", "Total"],
                [[label, "", ""] for _, label in TALLY_ROWS],
                widths=[78, 78, 22],
                size=9,
            )
            pdf.heading("Fair and good (MITI 4.2.1, expert guidance, not norms)", 11)
            pdf.table(["Summary", "Fair from", "Good from"], _thresholds(), widths=[98, 40, 40])
        if triad.debrief:
            pdf.heading("Feedback afterwards", 11)
            for question in triad.debrief:
                pdf.paragraph(f"\u2022 {question}", 10)
    return pdf
