"""Importing another system's answer file: column matching, labels, encodings and errors."""

from __future__ import annotations

import pytest

from recovery_capital import InvalidResponse
from recovery_capital.reports.errors import ReportError
from recovery_capital.reports.importer import import_responses, match_item_columns
from recovery_capital.scoring.definitions import load_instrument


def test_numbered_columns_and_labels_are_scored(tmp_path) -> None:
    header = "Client ID;Date;" + ";".join(f"Item {n:02d}" for n in range(1, 11))
    rows = [
        "C-01;2027-03-01;" + ";".join(["Agree"] * 7 + ["4"] * 3),
        "C-02;2027-03-02;" + ";".join(["6"] * 10),
    ]
    path = tmp_path / "barc.csv"
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode("cp1252"))
    scored = import_responses(path, "barc10")
    assert scored["Client ID"].tolist() == ["C-01", "C-02"]
    assert scored["total"].tolist() == [47.0, 60.0]
    assert scored.attrs["columns"]["Item 10"] == "q10"


def test_explicit_mapping_wins(tmp_path) -> None:
    path = tmp_path / "dast.csv"
    names = [
        "used drugs",
        "more than one",
        "able to stop",
        "blackouts",
        "guilty",
        "complained",
        "neglected family",
        "illegal activities",
        "withdrawal",
        "medical problems",
    ]
    path.write_text(",".join(f'"{n}"' for n in names) + "\n" + ",".join(["no"] * 10) + "\n")
    mapping = {name: f"q{i}" for i, name in enumerate(names, start=1)}
    scored = import_responses(path, "dast10", mapping=mapping)
    assert scored["total"].tolist() == [1.0]  # item 3: "no" scores 1


def test_q_columns_in_any_case_are_used_as_they_are() -> None:
    inst = load_instrument("audit_c")
    assert match_item_columns(["Q1", "q2", "Q3", "sex"], inst) == {
        "Q1": "q1",
        "q2": "q2",
        "Q3": "q3",
    }


def test_context_column_reaches_the_score(tmp_path) -> None:
    path = tmp_path / "auditc.csv"
    path.write_text("id,gender,ac_1,ac_2,ac_3\nA,female,2,1,0\nB,male,2,1,0\n")
    scored = import_responses(path, "audit_c", context={"sex": "gender"})
    assert scored["band"].astype(str).tolist()[0] == "Positive screen"
    assert scored["band"].astype(str).tolist()[1] != "Positive screen"


def test_problems_are_named(tmp_path) -> None:
    inst = load_instrument("barc10")
    with pytest.raises(ReportError, match="q3, q4"):
        match_item_columns(["q1", "q2"], inst)
    with pytest.raises(ReportError, match="does not have"):
        match_item_columns(["q1"], inst, {"nope": "q1"})
    with pytest.raises(ReportError, match="not an item"):
        match_item_columns(["a"], inst, {"a": "q11"})
    with pytest.raises(ReportError, match="More than one set"):
        match_item_columns([f"a{i}" for i in range(1, 11)] + [f"b{i}" for i in range(1, 11)], inst)
    with pytest.raises(ReportError, match="no file"):
        import_responses(tmp_path / "missing.csv", "barc10")
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(f"q{i}" for i in range(1, 11)) + "\n" + ",".join(["9"] * 10) + "\n")
    with pytest.raises(InvalidResponse, match="q1"):
        import_responses(bad, "barc10")
    coerced = import_responses(bad, "barc10", errors="coerce")
    assert "not allowed" in coerced["warnings"][0]
