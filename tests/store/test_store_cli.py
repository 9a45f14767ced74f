"""The store's commands, run through the real ``recovery-capital`` entry point."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from recovery_capital.cli import main
from recovery_capital.store import Store
from recovery_capital.store.cli import run_erase


def create(store_url: str, capsys: pytest.CaptureFixture[str], name: str = "Spring 2027"):
    assert main(["cohort", "create", name, "--store", store_url]) == 0
    out = capsys.readouterr().out
    code = re.search(r"Join code.*:\s+(\w{8})$", out, re.M).group(1)
    key = re.search(r"Trainer key.*:\s+([\w-]+)$", out, re.M).group(1)
    return code, key, out


def test_cohort_create_prints_code_and_key_once(store_url: str, capsys) -> None:
    code, key, out = create(store_url, capsys)
    assert "shown only this once" in out
    assert Store(store_url).verify_trainer_key(code, key)


def test_cohort_list_shows_each_cohort_with_counts(store_url: str, capsys) -> None:
    assert main(["cohort", "list", "--store", store_url]) == 0
    assert "No cohorts yet" in capsys.readouterr().out
    code, _key, _out = create(store_url, capsys, "Tuesday group")
    Store(store_url).submit(code, "fox-12", "m1-quiz", {"q1": "a"})
    assert main(["cohort", "list", "--store", store_url]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(code))
    assert line.split()[-4:] == ["1", "1", "Tuesday", "group"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_writes_the_file(
    store_url: str, capsys, tmp_path: Path, suffix: str, monkeypatch
) -> None:
    code, key, _out = create(store_url, capsys)
    monkeypatch.setenv("RECOVERY_CAPITAL_TRAINER_KEY", key)
    store = Store(store_url)
    store.submit(code, "fox-12", "m1-quiz", {"q1": "a"})
    store.submit(code, "wren-3", "m1-quiz", {"q1": "b"})
    target = tmp_path / f"out{suffix}"
    assert main(["export", "--cohort", code.lower(), "-o", str(target), "--store", store_url]) == 0
    assert f"Wrote 2 rows to {target}" in capsys.readouterr().out
    frame = pd.read_csv(target) if suffix == ".csv" else pd.read_excel(target)
    assert frame["answer.q1"].tolist() == ["a", "b"]


def test_export_problems_are_one_clear_line(
    store_url: str, capsys, tmp_path: Path, monkeypatch
) -> None:
    code, key, _out = create(store_url, capsys)
    monkeypatch.setenv("RECOVERY_CAPITAL_TRAINER_KEY", key)
    assert main(["export", "--cohort", "ZZZZZ", "-o", str(tmp_path / "x.csv"),
                 "--store", store_url]) == 1  # fmt: skip
    assert "That trainer key does not open cohort ZZZZZ" in capsys.readouterr().err
    assert main(["export", "--cohort", code, "-o", str(tmp_path / "x.txt"),
                 "--store", store_url]) == 1  # fmt: skip
    assert ".csv or .xlsx" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_erase_with_yes_removes_the_participant(store_url: str, capsys) -> None:
    code, _key, _out = create(store_url, capsys)
    store = Store(store_url)
    store.submit(code, "fox-12", "m1-quiz", {"q1": "a"})
    store.save_draft(code, "fox-12", "m2-quiz", {"q1": "a"})
    store.submit(code, "wren-3", "m1-quiz", {"q1": "b"})
    argv = ["erase", "--cohort", code, "--participant", "fox-12", "--yes", "--store", store_url]
    assert main(argv) == 0
    assert "2 answer rows and the participant record" in capsys.readouterr().out
    assert store.participants(code) == ["wren-3"]
    assert main(argv) == 1
    assert "nobody with the handle 'fox-12'" in capsys.readouterr().err


@pytest.mark.parametrize(("typed", "erased"), [("yes\n", True), ("no\n", False), ("", False)])
def test_erase_asks_first(store_url: str, capsys, typed: str, erased: bool) -> None:
    code, _key, _out = create(store_url, capsys)
    Store(store_url).submit(code, "fox-12", "m1-quiz", {"q1": "a"})
    parser_args = ["erase", "--cohort", code, "--participant", "fox-12", "--store", store_url]
    from recovery_capital.cli import build_parser

    args = build_parser().parse_args(parser_args)
    assert run_erase(args, stdin=io.StringIO(typed)) == (0 if erased else 1)
    out = capsys.readouterr().out
    assert "can't be undone" in out
    assert ("Nothing was erased" in out) is not erased
    assert Store(store_url).participants(code) == ([] if erased else ["fox-12"])


STORE_COMMANDS_ONLY = (
    "import argparse, sys\n"
    "from recovery_capital.store.cli import register\n"
    "parser = argparse.ArgumentParser(prog='recovery-capital')\n"
    "register(parser.add_subparsers())\n"
    "args = parser.parse_args(sys.argv[1:])\n"
    "sys.exit(args.func(args))\n"
)


def test_erase_with_no_input_at_all_erases_nothing(sqlite_url: str, capsys) -> None:
    code, _key, _out = create(sqlite_url, capsys)
    Store(sqlite_url).submit(code, "fox-12", "m1-quiz", {"q1": "a"})
    result = subprocess.run(
        [sys.executable, "-c", STORE_COMMANDS_ONLY, "erase", "--cohort", code,
         "--participant", "fox-12", "--store", sqlite_url],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Nothing was erased" in result.stdout
    assert Store(sqlite_url).participants(code) == ["fox-12"]


def test_bad_handle_or_store_is_a_message_not_a_traceback(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    code, _key, _out = create(url, capsys)
    assert main(["erase", "--cohort", code, "--participant", "<b>x</b>", "--yes",
                 "--store", url]) == 1  # fmt: skip
    assert "A handle can only use" in capsys.readouterr().err
    assert main(["cohort", "list", "--store", "mysql://u@h/db"]) == 1
    err = capsys.readouterr().err
    assert "works with SQLite and PostgreSQL" in err and "Traceback" not in err


def test_every_store_command_sets_func_and_takes_store() -> None:
    from recovery_capital.cli import build_parser

    parser = build_parser()
    for argv in (["cohort", "create", "x"], ["cohort", "list"],
                 ["export", "--cohort", "K7P2Q", "-o", "x.csv"],
                 ["erase", "--cohort", "K7P2Q", "--participant", "fox-12"]):  # fmt: skip
        args = parser.parse_args([*argv, "--store", "sqlite://"])
        assert callable(args.func) and args.store == "sqlite://"
