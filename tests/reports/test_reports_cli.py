"""The report, fhir and import commands, run as a person would run them."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from recovery_capital.cli import main
from recovery_capital.reports.cli import KEY_ENV


@pytest.fixture
def run(cohort, monkeypatch, capsys):
    monkeypatch.setenv(KEY_ENV, cohort.key)

    def run(*argv: str, cohort_args: bool = True) -> tuple[int, str, str]:
        extra = (
            [
                "--cohort",
                cohort.code,
                "--store",
                str(cohort.store.url),
                "--course",
                str(cohort.course),
            ]
            if cohort_args
            else []
        )
        code = main([*argv, *extra])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_evaluation_and_summary(run, tmp_path) -> None:
    code, out, _ = run("report", "evaluation", "-o", str(tmp_path / "e.html"))
    assert code == 0 and "Wrote" in out
    assert "fox-1" in (tmp_path / "e.html").read_text(encoding="utf-8")
    code, _, _ = run("report", "summary", "-o", str(tmp_path / "s.pdf"))
    assert code == 0 and (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF-")
    code, _, _ = run("report", "summary", "-o", str(tmp_path / "s.html"))
    page = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert code == 0 and "75%" in page and "fox-1" not in page


def test_progress_in_every_format(run, tmp_path) -> None:
    for name, start in (("p.html", b"<!DOCTYPE html>"), ("p.png", b"\x89PNG"), ("p.svg", b"<?xml")):
        code, _, err = run(
            "report",
            "progress",
            "--participant",
            "fox-1",
            "--instrument",
            "selfcheck",
            "-o",
            str(tmp_path / name),
        )
        assert code == 0, err
        assert (tmp_path / name).read_bytes().startswith(start)


def test_progress_with_a_stated_reference_needs_its_label(run, tmp_path) -> None:
    code, _, err = run(
        "report",
        "progress",
        "--participant",
        "fox-1",
        "--instrument",
        "selfcheck",
        "--reference-sd",
        "overall=0.5",
        "-o",
        str(tmp_path / "p.html"),
    )
    assert code == 1 and "--reference-label" in err


def test_certificates(run, tmp_path) -> None:
    code, _, _ = run(
        "report",
        "certificate",
        "--participant",
        "fox-1",
        "--name",
        "Sam Okafor",
        "-o",
        str(tmp_path / "c.pdf"),
    )
    assert code == 0 and (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF-")
    code, _, err = run(
        "report", "certificate", "--participant", "wren-3", "-o", str(tmp_path / "w.pdf")
    )
    assert code == 1 and "Still to do: Module 7: Looking back" in err
    assert not (tmp_path / "w.pdf").exists()
    code, out, _ = run("report", "certificate", "--all", "-o", str(tmp_path / "all"))
    assert code == 0 and "2 certificates made; 2 trainees have modules still to finish." in out
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [
        "certificate-fox-1.pdf",
        "certificate-owl-2.pdf",
    ]


def test_workbook_and_fhir(run, tmp_path) -> None:
    code, out, _ = run("report", "workbook", "-o", str(tmp_path / "w.xlsx"))
    assert code == 0 and "selfcheck 5" in out
    assert "codebook" in load_workbook(tmp_path / "w.xlsx").sheetnames
    code, out, _ = run("fhir", "responses", "--no-handles", "-o", str(tmp_path / "r.json"))
    assert code == 0 and "Wrote 5 QuestionnaireResponses" in out
    assert "fox-1" not in (tmp_path / "r.json").read_text()
    code, out, _ = run(
        "fhir",
        "questionnaires",
        "barc10",
        "urica",
        "-o",
        str(tmp_path / "q.json"),
        cohort_args=False,
    )
    assert code == 0 and len(json.loads((tmp_path / "q.json").read_text())["entry"]) == 2


def test_wrong_or_missing_key_is_refused(run, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(KEY_ENV, "WRONG-KEY-00")
    code, _, err = run("report", "evaluation", "-o", str(tmp_path / "e.html"))
    assert code == 1 and "does not open cohort" in err and not (tmp_path / "e.html").exists()
    monkeypatch.delenv(KEY_ENV)
    monkeypatch.setattr("sys.stdin", None)
    code, _, err = run("report", "evaluation", "-o", str(tmp_path / "e.html"))
    assert code == 1 and KEY_ENV in err


def test_wrong_file_type_or_place_is_named(run, tmp_path) -> None:
    code, _, err = run("report", "summary", "-o", str(tmp_path / "s.docx"))
    assert code == 1 and "must end in .html or .pdf" in err
    code, _, err = run("report", "summary", "-o", str(tmp_path / "no" / "such" / "s.html"))
    assert code == 1 and "Couldn't write" in err and "Traceback" not in err
    (tmp_path / "taken").write_text("a file, not a folder")
    code, _, err = run("report", "certificate", "--all", "-o", str(tmp_path / "taken"))
    assert code == 1 and "Couldn't make the folder" in err


def test_import_prints_or_writes(run, tmp_path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "id,"
        + ",".join(f"BARC_{i}" for i in range(1, 11))
        + "\nC1,"
        + ",".join(["5"] * 7 + ["4"] * 3)
        + "\n"
    )
    code, out, err = run("import", "barc10", str(source), cohort_args=False)
    assert code == 0 and "47" in out and "BARC_1→q1" in err
    code, out, _ = run(
        "import", "barc10", str(source), "-o", str(tmp_path / "out.csv"), cohort_args=False
    )
    assert code == 0 and "Scored 1 row into" in out
    code, _, err = run("import", "barc10", str(source), "--map", "nonsense", cohort_args=False)
    assert code == 1 and "NAME=VALUE" in err


def test_store_export_takes_the_richer_formats(run, cohort, tmp_path) -> None:
    code, out, _ = run(
        "export",
        "--format",
        "workbook",
        "-o",
        str(tmp_path / "w.xlsx"),
        "--cohort",
        cohort.code,
        "--store",
        str(cohort.store.url),
        cohort_args=False,
    )
    assert code == 0 and "Wrote 8 rows" in out
    code, out, _ = run(
        "export",
        "--format",
        "fhir",
        "-o",
        str(tmp_path / "f.json"),
        "--cohort",
        cohort.code,
        "--store",
        str(cohort.store.url),
        cohort_args=False,
    )
    assert code == 0 and "Wrote 6 FHIR resources" in out  # 1 Questionnaire + 5 responses
    code, _, err = run(
        "export",
        "--format",
        "fhir",
        "-o",
        str(tmp_path / "f.csv"),
        "--cohort",
        cohort.code,
        "--store",
        str(cohort.store.url),
        cohort_args=False,
    )
    assert code == 1 and "must end in .json" in err
