"""What ``recovery-capital check`` found, and how it is printed: grouped by file, each problem
with its line (or notebook cell), wrapped to fit an 80-column terminal, then a short summary.

>>> report = CheckReport(findings=[
...     Finding("assets/content/quizzes/m1-quiz.yaml", 14, "questions.0.options: needs at "
...             "least 2 entries"),
...     Finding("modules/02-capital.ipynb", None, "no module title", "warning", where="cell 1"),
... ], checked={"content file": 3, "notebook": 2})
>>> print(format_report(report))
assets/content/quizzes/m1-quiz.yaml
  line 14: questions.0.options: needs at least 2 entries
modules/02-capital.ipynb
  cell 1: warning: no module title
<BLANKLINE>
Checked 3 content files, 2 notebooks.
1 error in 1 file, 1 warning. Fix the errors before trainees use the course.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import Literal

from .yaml_lines import YamlLines, line_in_path

__all__ = ["Finding", "CheckReport", "format_report", "yaml_findings"]

WIDTH = 80
# Words YAML 1.1 turns into true/false, a common surprise in answer options ("Yes", "No").
_YAML_BOOLEANS = {"yes", "no", "on", "off", "y", "n", "true", "false"}


@dataclass(frozen=True)
class Finding:
    """One problem: the file (relative to the course folder), where in it, and what is wrong.

    ``line`` is a 1-based line for YAML files; ``where`` names another kind of place (a
    notebook cell). A finding with neither is about the whole file.
    """

    file: str
    line: int | None
    message: str
    severity: Literal["error", "warning"] = "error"
    where: str = ""

    @property
    def place(self) -> str:
        """``line 14``, ``cell 3`` or ``""`` (the whole file)."""
        if self.where:
            return self.where
        return f"line {self.line}" if self.line is not None else ""


@dataclass
class CheckReport:
    """Everything one check found, plus how much it looked at (``checked``: a singular noun
    such as ``"notebook"`` -> how many)."""

    findings: list[Finding] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when nothing would stop the course working for trainees."""
        return not self.errors

    def sort(self) -> None:
        """Order findings by file (in the order files were first named), then by position."""
        first = {name: i for i, name in reversed(list(enumerate(f.file for f in self.findings)))}

        def position(finding: Finding) -> tuple[int, int]:
            numbers = re.findall(r"\d+", finding.where)
            place = int(numbers[0]) if numbers else finding.line
            return first[finding.file], -1 if place is None else place

        self.findings.sort(key=position)

    def add(self, finding: Finding) -> None:
        """Record ``finding`` unless the very same one is already recorded."""
        if finding not in self.findings:
            self.findings.append(finding)


def yaml_findings(file: str, text: str, problems: list[tuple[str, str]]) -> list[Finding]:
    """Findings for the problems a YAML file's loader named, each at its line (``text`` is the
    file's text); every kind of file (content, instruments, course.yaml, the programme) is
    reported through here, so a problem reads the same wherever it is.

    >>> text = "kind: poll\\noptions: [Yes, 'No']\\n"
    >>> for f in yaml_findings("p.yaml", text, [("options.0", "Input should be a valid string"),
    ...                                         ("line 2, column 9", "YAML syntax: ...")]):
    ...     print(f.place, "|", f.message[-50:])
    line 2 | ads Yes as true or false: put it in quotes, "Yes")
    line 2, column 9 | YAML syntax: ...
    """
    lines = YamlLines(text)
    found = []
    for where, message in problems:
        line = lines.line_of(where)
        if line_in_path(where) is not None:  # a YAML reader's "line 5, column 3"
            found.append(Finding(file, line, message, where=where))
            continue
        if where:
            written = lines.scalar_at(where)
            if written is not None and written.lower() in _YAML_BOOLEANS:
                message += (f" (YAML reads {written} as true or false: put it in quotes, "
                            f'"{written}")')  # fmt: skip
            message = f"{where}: {message}"
        found.append(Finding(file, line, message))
    return found


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _wrap(text: str, width: int, indent: str, hang: str) -> list[str]:
    return textwrap.wrap(
        text, width=width, initial_indent=indent, subsequent_indent=hang,
        break_long_words=True, break_on_hyphens=False,
    ) or [indent.rstrip()]  # fmt: skip


def format_report(report: CheckReport, width: int = WIDTH) -> str:
    """The report as text no wider than ``width`` (every line, however long a path is)."""
    lines: list[str] = []
    files = list(dict.fromkeys(f.file for f in report.findings))
    for name in files:
        lines += _wrap(name, width, "", "    ")
        for finding in (f for f in report.findings if f.file == name):
            label = "warning: " if finding.severity == "warning" else ""
            place = f"{finding.place}: " if finding.place else ""
            lines += _wrap(f"{place}{label}{finding.message}", width, "  ", "      ")
    if lines:
        lines.append("")
    for note in report.notes:
        lines += _wrap(note, width, "", "  ")
    if report.checked:
        parts = [_plural(count, what) for what, count in report.checked.items()]
        lines += _wrap("Checked " + ", ".join(parts) + ".", width, "", "")
    errors, warnings = report.errors, report.warnings
    error_files = len({f.file for f in errors})
    if errors:
        verdict = f"{_plural(len(errors), 'error')} in {_plural(error_files, 'file')}"
        if warnings:
            verdict += f", {_plural(len(warnings), 'warning')}"
        verdict += ". Fix the errors before trainees use the course."
    elif warnings:
        verdict = f"No errors; {_plural(len(warnings), 'warning')} worth a look."
    else:
        verdict = "No problems found: the course is ready."
    lines += _wrap(verdict, width, "", "")
    return "\n".join(lines)
