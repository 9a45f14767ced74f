"""FHIR export: valid R4B resources for every instrument and every stored submission."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

import recovery_capital as rc
from recovery_capital import score
from recovery_capital.reports.errors import ReportError
from recovery_capital.reports.fhir import (
    ORDINAL_VALUE,
    canonical_url,
    cohort_bundle,
    definitions_bundle,
    fhir_id,
    questionnaire,
    questionnaire_response,
    write_bundle,
)
from recovery_capital.store import Store


@pytest.mark.parametrize("instrument_id", rc.list_instruments())
def test_every_instrument_becomes_a_valid_questionnaire(instrument_id: str) -> None:
    inst = rc.load_instrument(instrument_id)
    resource = questionnaire(inst)
    again = Questionnaire.model_validate_json(resource.model_dump_json())
    assert again.id == fhir_id(inst.id) and again.version == inst.version
    questions = [item for item in again.item if item.type == "choice"]
    assert [q.linkId for q in questions] == list(inst.item_ids)
    for question, item in zip(questions, inst.items):
        codes = [(o.valueCoding.code, o.valueCoding.display) for o in question.answerOption]
        assert codes == [(f"{o.value:g}", o.label) for o in item.options]
        assert question.answerOption[0].extension[0].url == ORDINAL_VALUE
    scores = next(item for item in again.item if item.linkId == "scores")
    assert [s.linkId for s in scores.item][: len(inst.scales)] == [
        f"score.{s.id}" for s in inst.scales
    ]


def test_response_carries_answers_and_scores() -> None:
    inst = rc.load_instrument("barc10")
    response = questionnaire_response(
        inst,
        {f"q{i}": 5 for i in range(1, 11)},
        submission_id=7,
        cohort="K7P2Q",
        authored=datetime(2027, 3, 1, 10, 0, tzinfo=timezone.utc),
        handle="fox-12",
    )
    data = json.loads(response.model_dump_json(exclude_none=True))
    assert data["questionnaire"] == "urn:recovery-capital:questionnaire:barc10|" + inst.version
    assert data["status"] == "completed" and data["subject"]["identifier"]["value"] == "fox-12"
    first = data["item"][0]
    assert first["answer"][0]["valueCoding"] == {"code": "5", "display": "Agree"}
    scores = {i["linkId"]: i["answer"][0] for i in data["item"][-1]["item"]}
    assert scores["score.total"] == {"valueDecimal": 50.0}
    assert "valueString" in scores["score.band"]


def test_unanswered_items_are_left_out_and_marked_in_progress() -> None:
    inst = rc.load_instrument("dast10")
    response = questionnaire_response(
        inst, {"q1": 1}, submission_id=1, cohort="K7P2Q", authored=datetime(2027, 3, 1)
    )
    assert response.status == "in-progress" and response.subject is None
    assert str(response.authored).startswith("2027-03-01")
    assert [item.linkId for item in response.item] == ["q1"]  # no scores: total is missing


def test_cohort_bundle_with_and_without_handles(tmp_path) -> None:
    store = Store("sqlite://")
    code = store.create_cohort("FHIR group").code
    answers = {"q1": 2, "q2": 1, "q3": 0}
    scored = score("audit_c", answers, context={"sex": "female"})
    store.submit(code, "fox-1", "m5-audit-c", answers, result=scored)
    store.submit(code, "fox-1", "m5-poll", {"choice": "a"})
    bundle = cohort_bundle(store, code)
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds == ["Questionnaire", "QuestionnaireResponse"]
    response = bundle.entry[1].resource
    band = next(i for i in response.item[-1].item if i.linkId == "score.band")
    assert band.answer[0].valueString == "Positive screen"  # from the stored, sex-aware band
    assert response.subject.display == "fox-1"
    anonymous = cohort_bundle(store, code, include_handles=False)
    assert "fox-1" not in anonymous.model_dump_json()
    path = write_bundle(bundle, tmp_path / "cohort.json")
    assert Bundle.model_validate_json(path.read_text()).type == "collection"
    assert (
        QuestionnaireResponse.model_validate(
            json.loads(path.read_text())["entry"][1]["resource"]
        ).status
        == "completed"
    )


def test_definitions_bundle_and_urls() -> None:
    bundle = definitions_bundle(["barc10", "audit_c"], base="https://records.example.org/fhir")
    assert [e.resource.url for e in bundle.entry] == [
        "https://records.example.org/fhir/Questionnaire/barc10",
        "https://records.example.org/fhir/Questionnaire/audit-c",
    ]
    assert len({e.fullUrl for e in bundle.entry}) == 2
    with pytest.raises(ReportError, match="urn: name or an http"):
        canonical_url("barc10", "ftp://x")
    with pytest.raises(ReportError):
        fhir_id("__")
