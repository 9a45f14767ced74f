"""Published reliabilities the reliable change index may use, each with its source.

Only values checked against their source (see the project's instrument notes) are listed.
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

__all__ = ["PublishedReliability", "published_reliability", "RELIABILITIES"]

_MILLER_TONIGAN = (
    "Miller, W. R. & Tonigan, J. S. (1996). Assessing drinkers' motivation for change: the "
    "Stages of Change Readiness and Treatment Eagerness Scale (SOCRATES). Psychology of "
    "Addictive Behaviors, 10, 81-89."
)
_VILSAINT = (
    "Vilsaint, C. L., Kelly, J. F., Bergman, B. G., Groshkova, T., Best, D. & White, W. (2017). "
    "Development and validation of a Brief Assessment of Recovery Capital (BARC-10) for "
    "alcohol and drug use disorder. Drug and Alcohol Dependence, 177, 71-76."
)
_RETEST = "test-retest (intraclass correlation)"
_SOCRATES_NOTE = (
    "Reported for the SOCRATES alcohol version; applied to the drug version (8D) in the same way "
    "as its norms usually are."
)


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


def _socrates(value: float) -> PublishedReliability:
    return PublishedReliability(
        value, _RETEST, "Miller & Tonigan 1996", _MILLER_TONIGAN, _SOCRATES_NOTE
    )


RELIABILITIES: dict[tuple[str, str], PublishedReliability] = {
    ("barc10", "total"): PublishedReliability(
        0.90,
        "internal consistency (Cronbach's alpha)",
        "Vilsaint et al. 2017",
        _VILSAINT,
        "No test-retest reliability is published for the BARC-10, so its internal consistency "
        "is used as the reliability in the index. Alpha says how well the items hang together "
        "at one time, not how stable scores are over time, so read the index with that in mind.",
    ),
    **{
        (instrument, scale): _socrates(value)
        for instrument in ("socrates8a", "socrates8d")
        for scale, value in (("recognition", 0.88), ("ambivalence", 0.82), ("taking_steps", 0.91))
    },
}


def published_reliability(instrument_id: str, scale_id: str) -> PublishedReliability | None:
    """The checked, published reliability of one scale, or ``None`` when there is none here."""
    return RELIABILITIES.get((instrument_id, scale_id))
