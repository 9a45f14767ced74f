"""The `recovery-capital instruments` and `recovery-capital score` commands."""

from __future__ import annotations

import pandas as pd

from recovery_capital.cli import main


def test_instruments_lists_id_title_items_status_licence(capsys):
    assert main(["instruments"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["ID", "TITLE", "ITEMS", "STATUS", "LICENCE"]
    barc = next(line for line in out.splitlines() if line.startswith("barc10"))
    assert "BARC-10" in barc and " 10 " in barc and "provisional" in barc and "PhenX" in barc


def test_instruments_items_shows_prompts_and_answers(capsys):
    assert main(["instruments", "--items", "dast10"]) == 0
    out = capsys.readouterr().out
    assert "q3:" in out and "[reverse-keyed]" in out and "0=No; 1=Yes" in out


def test_score_file_to_csv_and_excel(tmp_path, capsys):
    source = tmp_path / "answers.csv"
    source.write_text(
        "person,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10\n"
        "A,5,5,5,5,5,5,5,4,4,4\nB,Agree,agree,6,6,6,6,6,6,6,6\n"
    )
    assert main(["score", "barc10", str(source), "-o", str(tmp_path / "out.csv")]) == 0
    out = pd.read_csv(tmp_path / "out.csv")
    assert out["person"].tolist() == ["A", "B"] and out["total"].tolist() == [47.0, 58.0]
    assert "Provisional" in capsys.readouterr().err
    assert main(["score", "barc10", str(source), "-o", str(tmp_path / "out.xlsx")]) == 0
    assert pd.read_excel(tmp_path / "out.xlsx")["total"].tolist() == [47.0, 58.0]


def test_bad_cells_are_listed_with_file_row_column_value(tmp_path, capsys):
    source = tmp_path / "answers.csv"
    source.write_text(
        "person,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10\nA,5,5,5,5,5,5,5,4,4,4\nB,1,9,1,1,1,1,1,1,1,maybe\n"
    )
    assert main(["score", "barc10", str(source)]) == 1
    err = capsys.readouterr().err
    assert f"{source}, row 3, column q2: '9'" in err
    assert f"{source}, row 3, column q10: 'maybe'" in err and "--coerce" in err
    assert main(["score", "barc10", str(source), "--coerce"]) == 0
    captured = capsys.readouterr()
    assert "treated as unanswered" in captured.out and "1 row(s) have warnings" in captured.err


def test_missing_file_unknown_instrument_and_missing_columns(tmp_path, capsys):
    assert main(["score", "barc10", str(tmp_path / "nope.csv")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["score", "barc11", str(tmp_path / "nope.csv")]) == 1
    assert "unknown instrument 'barc11'" in capsys.readouterr().err
    source = tmp_path / "short.csv"
    source.write_text("q1,q2\n1,2\n")
    assert main(["score", "barc10", str(source)]) == 1
    assert "missing: q3, q4" in capsys.readouterr().err


def test_audit_c_sex_column(tmp_path, capsys):
    source = tmp_path / "screen.csv"
    source.write_text("id,gender,q1,q2,q3\n1,F,2,1,0\n2,M,2,1,0\n")
    assert main(["score", "audit_c", str(source), "--sex-column", "gender"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Positive screen" in lines[1] and "Negative screen" in lines[2]


ROWS = (
    "person,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10\n"
    "Siân,5,5,5,5,5,5,5,4,4,4\n"
    "Zoë,Agree,agree,6,6,6,6,6,6,6,6\n"
)


def test_excel_utf16_tab_and_latin1_csv_files_are_read(tmp_path, capsys):
    """Excel's "Unicode Text" (UTF-16, tabs), "CSV" (Windows Latin-1) and "CSV UTF-8" (BOM)."""
    files = {
        "unicode.txt.csv": ROWS.replace(",", "\t").encode("utf-16"),
        "latin1.csv": ROWS.encode("cp1252"),
        "utf8bom.csv": ROWS.encode("utf-8-sig"),
        "semicolon.csv": ROWS.replace(",", ";").encode("utf-8"),
    }
    for name, data in files.items():
        source = tmp_path / name
        source.write_bytes(data)
        out = tmp_path / f"{name}.out.csv"
        assert main(["score", "barc10", str(source), "-o", str(out)]) == 0, name
        scored = pd.read_csv(out)
        assert scored["person"].tolist() == ["Siân", "Zoë"], name
        assert scored["total"].tolist() == [47.0, 58.0], name


def test_output_in_a_missing_folder_is_a_message_not_a_traceback(tmp_path, capsys):
    source = tmp_path / "answers.csv"
    source.write_text(ROWS)
    missing = tmp_path / "no" / "such" / "dir" / "o.csv"
    assert main(["score", "barc10", str(source), "-o", str(missing)]) == 1
    err = capsys.readouterr().err
    assert "does not exist" in err and str(missing.parent) in err and "Traceback" not in err
    assert main(["score", "barc10", str(source), "-o", str(tmp_path / "o.txt")]) == 1
    assert ".csv or .xlsx" in capsys.readouterr().err
