"""The errors reports raise: each message says what is wrong and what to do about it."""

from __future__ import annotations

from ..core.errors import RecoveryCapitalError

__all__ = ["ReportError", "NotComplete"]


class ReportError(RecoveryCapitalError, ValueError):
    """A report that cannot be made from what was asked or what is stored.

    >>> print(ReportError("No BARC-10 answers from fox-12 yet."))
    No BARC-10 answers from fox-12 yet.
    """


class NotComplete(ReportError):
    """A certificate asked for before every module is complete; ``missing`` names the modules.

    >>> err = NotComplete("fox-12", ["Module 3: Motivation"])
    >>> err.missing
    ['Module 3: Motivation']
    """

    def __init__(self, handle: str, missing: list[str]) -> None:
        self.handle = handle
        self.missing = list(missing)
        listed = "; ".join(self.missing)
        super().__init__(
            f"{handle} has not finished every module yet, so there is no certificate to make. "
            f"Still to do: {listed}."
        )
