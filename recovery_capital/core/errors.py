"""Errors the library raises, each naming what went wrong in words a user understands."""

from __future__ import annotations

__all__ = ["RecoveryCapitalError", "InvalidResponse", "DefinitionError", "UnknownInstrument"]

_SHOWN = 60  # characters of a value shown in a message


def shown(value: object) -> str:
    """A value as a message shows it: its repr, shortened when long, never failing.

    >>> shown(10**100)
    '100000000000000000000000000000000000000000000000000000000000... (101 characters)'
    >>> shown("Agree")
    "'Agree'"
    """
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - an object whose repr fails is still named
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}... ({len(text)} characters)"


class RecoveryCapitalError(Exception):
    """Base class for every error this package raises on purpose."""


class InvalidResponse(RecoveryCapitalError, ValueError):
    """An answer that the instrument does not allow.

    Carries ``item``, ``value`` and ``allowed`` so callers can point at the exact cell.

    >>> err = InvalidResponse("q3", 9, "1-6 or one of the option labels")
    >>> print(err)
    q3: 9 is not allowed (allowed: 1-6 or one of the option labels)
    """

    def __init__(
        self,
        item: str,
        value: object,
        allowed: str,
        *,
        row: object = None,
        problems: list[tuple[object, str, object]] | None = None,
    ) -> None:
        self.item = item
        self.value = value
        self.allowed = allowed
        self.row = row
        #: every bad cell found, as ``(row, item, value)``; the first is the one named above
        self.problems = list(problems) if problems else [(row, item, value)]
        where = f"row {row}, " if row is not None else ""
        message = f"{where}{item}: {shown(value)} is not allowed (allowed: {allowed})"
        if len(self.problems) > 1:
            message = f"{len(self.problems)} answers are not allowed; the first is {message}"
        super().__init__(message)


class DefinitionError(RecoveryCapitalError, ValueError):
    """A YAML definition or content file that does not follow its schema.

    ``problems`` lists every problem found as ``(path inside the file, message)``.

    >>> err = DefinitionError("barc10.yaml", [("items.0.id", "must look like q1, q2, ...")])
    >>> print(err)
    barc10.yaml: 1 problem
      - items.0.id: must look like q1, q2, ...
    """

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        lines = [f"{source}: {count} problem{'s' if count != 1 else ''}"]
        lines += [f"  - {path or '(top level)'}: {message}" for path, message in self.problems]
        super().__init__("\n".join(lines))


class UnknownInstrument(RecoveryCapitalError, KeyError):
    """An instrument id that no bundled or course definition provides."""

    def __init__(self, instrument_id: str, known: list[str]) -> None:
        self.instrument_id = instrument_id
        self.known = known
        super().__init__(instrument_id)

    def __str__(self) -> str:
        return f"unknown instrument {self.instrument_id!r}; known: {', '.join(self.known)}"
