"""FHIR export: a ``Questionnaire`` per instrument and a ``QuestionnaireResponse`` per submission.

A service's record system can import these. Resources are built with the ``fhir.resources``
models, so each one is validated as it is made. The installed ``fhir.resources`` (version 8)
offers FHIR R5 by default and R4B, not plain R4; R4B (4.3.0) is used because its
Questionnaire and QuestionnaireResponse are the R4 ones (an R5 questionnaire item would use
type ``coding`` where R4 systems expect ``choice``).

* Each item is a ``choice`` question with one ``answerOption`` per response option:
  ``valueCoding`` with ``code`` = the scored value and ``display`` = its label, plus the
  ``ordinalValue`` extension holding the number.
* Scores travel as a read-only group ``scores`` (one ``decimal`` item per scale, ``score.<id>``,
  and ``score.band`` for the band), so a response stays valid against its questionnaire.
* Canonical URLs are ``<base>:questionnaire:<id>`` for a ``urn:`` base (the default,
  ``urn:recovery-capital``) or ``<base>/Questionnaire/<id>`` for an ``http(s)`` base.

>>> import recovery_capital as rc
>>> q = questionnaire(rc.load_instrument("dast10"))
>>> q.url, q.item[0].type, q.item[0].answerOption[1].valueCoding.code
('urn:recovery-capital:questionnaire:dast10', 'choice', '1')
"""

from __future__ import annotations

import json
import math
import os
import re
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from ..scoring.definitions import Instrument, load_instrument
from ..scoring.engine import score
from .errors import ReportError

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store

__all__ = [
    "DEFAULT_BASE",
    "FHIR_RELEASE",
    "ORDINAL_VALUE",
    "canonical_url",
    "cohort_bundle",
    "definitions_bundle",
    "fhir_id",
    "questionnaire",
    "questionnaire_response",
    "write_bundle",
]

FHIR_RELEASE = "R4B (4.3.0)"
DEFAULT_BASE = "urn:recovery-capital"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9.\-]+")


def fhir_id(text: str) -> str:
    """A FHIR resource id (letters, digits, '-' and '.', at most 64) made from ``text``.

    >>> fhir_id("audit_c"), fhir_id("K7P2Q-12")
    ('audit-c', 'K7P2Q-12')
    """
    cleaned = _ID_UNSAFE.sub("-", str(text)).strip("-")[:64]
    if not cleaned:
        raise ReportError(f"{text!r} has no letters or digits to make a FHIR id from.")
    return cleaned


def canonical_url(instrument_id: str, base: str = DEFAULT_BASE) -> str:
    """The questionnaire's canonical URL under ``base``.

    >>> canonical_url("audit_c", "https://records.example.org/fhir/")
    'https://records.example.org/fhir/Questionnaire/audit-c'
    """
    if base.startswith("urn:"):
        return f"{base}:questionnaire:{fhir_id(instrument_id)}"
    if not re.match(r"^https?://\S+$", base):
        raise ReportError(f"The FHIR base {base!r} should be a urn: name or an http(s) address.")
    return f"{base.rstrip('/')}/Questionnaire/{fhir_id(instrument_id)}"


def _name(instrument_id: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", instrument_id) if p]
    name = "".join(p[:1].upper() + p[1:] for p in parts)
    return name if name[:1].isalpha() else f"Q{name}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _full_url(key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def questionnaire(instrument: Instrument, *, base: str = DEFAULT_BASE) -> Questionnaire:
    """The instrument definition as a FHIR Questionnaire (validated on construction)."""
    items: list[dict[str, Any]] = []
    for number, item in enumerate(instrument.items, start=1):
        entry: dict[str, Any] = {
            "linkId": item.id,
            "prefix": f"{number}.",
            "text": item.prompt,
            "type": "choice",
            "required": False,
            "answerOption": [
                {
                    "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.value}],
                    "valueCoding": {"code": _number(option.value), "display": option.label},
                }
                for option in item.options or ()
            ],
        }
        items.append(entry)
    score_items: list[dict[str, Any]] = [
        {"linkId": f"score.{scale.id}", "text": scale.label, "type": "decimal", "readOnly": True}
        for scale in instrument.scales
    ]
    if instrument.primary_band is not None:
        score_items.append(
            {"linkId": "score.band", "text": "Band", "type": "string", "readOnly": True}
        )
    items.append(
        {
            "linkId": "scores",
            "text": "Scores (calculated)",
            "type": "group",
            "readOnly": True,
            "item": score_items,
        }
    )
    description = instrument.citation
    if instrument.provisional_warning:
        description += f"\n\n{instrument.provisional_warning}"
    return Questionnaire.model_validate(
        {
            "resourceType": "Questionnaire",
            "id": fhir_id(instrument.id),
            "url": canonical_url(instrument.id, base),
            "version": instrument.version,
            "name": _name(instrument.id),
            "title": instrument.title,
            "status": "active",
            "subjectType": ["Patient"],
            "publisher": "recovery-capital",
            "description": description,
            "purpose": instrument.prompt_source,
            "copyright": instrument.licence,
            "item": items,
        }
    )


def questionnaire_response(
    instrument: Instrument,
    answers: Mapping[str, Any],
    *,
    submission_id: int,
    cohort: str,
    authored: datetime,
    handle: str | None = None,
    stored_band: str | None = None,
    base: str = DEFAULT_BASE,
) -> QuestionnaireResponse:
    """One submission as a QuestionnaireResponse, with its scores in the ``scores`` group.

    The answers are scored again with ``instrument``. A band that depends on a respondent
    detail given at the time (AUDIT-C: sex) cannot be worked out again, so ``stored_band``
    (the band stored with the submission) fills it in. ``handle`` becomes the subject's
    identifier; leave it out to export without it.
    """
    result = score(instrument, {k: v for k, v in answers.items() if k in instrument.item_ids})
    items: list[dict[str, Any]] = []
    for item in instrument.items:
        value = result.answers.get(item.id)
        if value is None:
            continue
        label = next((o.label for o in item.options or () if o.value == value), None)
        items.append(
            {
                "linkId": item.id,
                "text": item.prompt,
                "answer": [{"valueCoding": {"code": _number(value), "display": label}}],
            }
        )
    score_items = [
        {"linkId": f"score.{scale_id}", "answer": [{"valueDecimal": value}]}
        for scale_id, value in result.scales.items()
        if value is not None and math.isfinite(value)
    ]
    band = result.band or stored_band
    if band is not None and instrument.primary_band is not None:
        score_items.append({"linkId": "score.band", "answer": [{"valueString": band}]})
    if score_items:
        items.append({"linkId": "scores", "item": score_items})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": fhir_id(f"{cohort}-{submission_id}"),
        "identifier": {
            "system": f"{DEFAULT_BASE}:cohort:{cohort}:submission",
            "value": str(submission_id),
        },
        "questionnaire": f"{canonical_url(instrument.id, base)}|{instrument.version}",
        "status": "completed" if not result.missing else "in-progress",
        # FHIR wants a timezone with any time of day; the store keeps UTC.
        "authored": (
            authored if authored.tzinfo else authored.replace(tzinfo=timezone.utc)
        ).isoformat(),
        "item": items,
    }
    if handle is not None:
        resource["subject"] = {
            "identifier": {
                "system": f"{DEFAULT_BASE}:cohort:{cohort}:participant",
                "value": handle,
            },
            "display": handle,
        }
    return QuestionnaireResponse.model_validate(resource)


def _bundle(resources: list[tuple[str, Any]]) -> Bundle:
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": _full_url(key), "resource": resource.model_dump(exclude_none=True)}
                for key, resource in resources
            ],
        }
    )


def definitions_bundle(
    instrument_ids: list[str],
    *,
    base: str = DEFAULT_BASE,
    course_dir: str | os.PathLike[str] | None = None,
) -> Bundle:
    """A Bundle of Questionnaires, one per instrument id.

    >>> [e.resource.name for e in definitions_bundle(["audit_c", "barc10"]).entry]
    ['AuditC', 'Barc10']
    """
    resources = []
    for instrument_id in instrument_ids:
        inst = load_instrument(instrument_id, course_dir=course_dir)
        resources.append((canonical_url(inst.id, base), questionnaire(inst, base=base)))
    return _bundle(resources)


def cohort_bundle(
    store: Store,
    code: str,
    *,
    base: str = DEFAULT_BASE,
    include_handles: bool = True,
    course_dir: str | os.PathLike[str] | None = None,
) -> Bundle:
    """Every questionnaire submission of a cohort, with the Questionnaires they answer.

    >>> from recovery_capital.store import Store
    >>> store = Store("sqlite://")
    >>> code = store.create_cohort("Spring 2027").code
    >>> from recovery_capital import score
    >>> answers = {f"q{i}": 0 for i in range(1, 11)}
    >>> _ = store.submit(code, "fox-12", "m5-dast10", answers, result=score("dast10", answers))
    >>> [e.resource.get_resource_type() for e in cohort_bundle(store, code).entry]
    ['Questionnaire', 'QuestionnaireResponse']
    """
    from ..store.exporting import exportable
    from ..store.keys import normalise_code

    cohort = normalise_code(code)
    rows = store.responses(cohort)
    rows = rows[rows["instrument"].notna()].copy()
    for column in ("answers", "scores", "handle"):  # text no JSON file can hold, as U+FFFD
        rows[column] = rows[column].map(exportable)
    if course_dir is None:
        from ..content.model import course_dir as find_course_dir

        course_dir = find_course_dir()
    instruments: dict[str, Instrument] = {}
    resources: list[tuple[str, Any]] = []
    for instrument_id in dict.fromkeys(rows["instrument"]):
        inst = instruments[instrument_id] = load_instrument(instrument_id, course_dir=course_dir)
        resources.append((canonical_url(inst.id, base), questionnaire(inst, base=base)))
    for row in rows.itertuples(index=False):
        inst = instruments[row.instrument]
        response = questionnaire_response(
            inst,
            row.answers or {},
            submission_id=int(row.submission_id),
            cohort=cohort,
            authored=row.time.to_pydatetime(),
            handle=row.handle if include_handles else None,
            stored_band=(row.scores or {}).get("band"),
            base=base,
        )
        resources.append(
            (f"{DEFAULT_BASE}:cohort:{cohort}:submission:{row.submission_id}", response)
        )
    return _bundle(resources)


def write_bundle(bundle: Bundle, path: str | os.PathLike[str]) -> Path:
    """Write a Bundle as FHIR JSON (UTF-8, indented) to ``path``, owner-only.

    >>> import tempfile, os
    >>> path = write_bundle(definitions_bundle(["dast10"]), os.path.join(tempfile.mkdtemp(),
    ...                                                                  "q.json"))
    >>> json.loads(path.read_text())["resourceType"]
    'Bundle'
    """
    target = Path(path)
    text = json.dumps(
        json.loads(bundle.model_dump_json(exclude_none=True)), indent=2, ensure_ascii=False
    )
    from ..store.files import private_file

    try:
        with private_file(target, "w", encoding="utf-8", errors="replace") as out:
            out.write(text + "\n")
    except OSError as exc:
        raise ReportError(f"Couldn't write {target}: {exc.strerror or exc}.") from None
    return target
