"""Published reliabilities the reliable change index may use, each with its source.

The values live in the instrument definitions (a scale's ``reliability`` in its YAML file), so a
new instrument needs no Python: only values checked against their source are given there.
SOCRATES: test-retest intraclass correlations from Miller and Tonigan (1996). BARC-10: only
internal consistency (Cronbach's alpha) is published, so the index for BARC-10 uses alpha and
says so wherever it is shown.

>>> barc = published_reliability("barc10", "total")
>>> barc.value, barc.kind
(0.9, "internal consistency (Cronbach's alpha)")
>>> published_reliability("urica", "readiness") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..scoring.definitions import load_instrument

if TYPE_CHECKING:  # pragma: no cover
    from ..scoring.definitions import Instrument

__all__ = ["PublishedReliability", "published_reliability"]


@dataclass(frozen=True)
class PublishedReliability:
    """One scale's published reliability: the value, what kind it is and where it comes from."""

    value: float
    kind: str
    cited: str
    source: str
    note: str | None = None

    @property
    def described(self) -> str:
        """A sentence naming the value used, fit for a report.

        >>> published_reliability("socrates8a", "recognition").described
        'Reliability used: .88, test-retest (intraclass correlation) (Miller & Tonigan 1996).'
        """
        value = f"{self.value:.2f}".lstrip("0")
        return f"Reliability used: {value}, {self.kind} ({self.cited})."


def published_reliability(
    instrument: str | Instrument, scale_id: str
) -> PublishedReliability | None:
    """The checked, published reliability of one scale, or ``None`` when its definition gives
    none (or has no such scale)."""
    inst = load_instrument(instrument)
    if scale_id not in inst.scale_ids:
        return None
    found = inst.scale(scale_id).reliability
    if found is None:
        return None
    return PublishedReliability(found.value, found.kind, found.cited, found.source, found.note)
