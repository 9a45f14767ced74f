"""The command line as a person runs it: each command in its own process, from a shell's
point of view (its exit code, what it prints, what it says when something is missing)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(*argv: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ)
    environment.pop("RECOVERY_CAPITAL_COURSE_DIR", None)
    environment.pop("RECOVERY_CAPITAL_TRAINER_KEY", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "recovery_capital.cli", *argv],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_cohort_key_reissue_prints_a_new_key_and_the_old_one_stops_working(tmp_path):
    store = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    made = run("cohort", "create", "Spring 2027", "--store", store, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    code = re.search(r"Join code.*:\s+(\w+)", made.stdout).group(1)
    old_key = re.search(r"Trainer key.*:\s+(\S+)", made.stdout).group(1)

    asked = run("cohort", "key", code, "--store", store, cwd=tmp_path)
    assert asked.returncode == 2 and "--reissue" in asked.stdout and old_key not in asked.stdout

    reissued = run("cohort", "key", code, "--reissue", "--store", store, cwd=tmp_path)
    assert reissued.returncode == 0, reissued.stderr
    new_key = re.search(r"New trainer key for cohort \w+ .*:\s+(\S+)", reissued.stdout).group(1)
    assert new_key != old_key

    target = tmp_path / "out.csv"
    argv = ("export", "--cohort", code, "-o", str(target), "--store", store)
    refused = run(*argv, cwd=tmp_path, RECOVERY_CAPITAL_TRAINER_KEY=old_key)
    assert refused.returncode == 1 and "does not open cohort" in refused.stderr
    assert not target.exists()
    opened = run(*argv, cwd=tmp_path, RECOVERY_CAPITAL_TRAINER_KEY=new_key)
    assert opened.returncode == 0 and target.is_file(), opened.stderr


def test_report_summary_outside_the_course_says_where_it_looked_and_what_to_give(tmp_path):
    store = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    made = run("cohort", "create", "Spring 2027", "--store", store, cwd=tmp_path)
    code = re.search(r"Join code.*:\s+(\w+)", made.stdout).group(1)
    key = re.search(r"Trainer key.*:\s+(\S+)", made.stdout).group(1)
    argv = ("report", "summary", "--cohort", code, "--store", store)

    lost = run(*argv, "-o", str(tmp_path / "s.html"), cwd=tmp_path,
               RECOVERY_CAPITAL_TRAINER_KEY=key)  # fmt: skip
    assert lost.returncode == 1
    assert f"No course here: {tmp_path.resolve()} has no modules/" in lost.stderr
    assert "--course DIR" in lost.stderr and "Traceback" not in lost.stderr

    given = run(*argv, "--course", str(REPO), "-o", str(tmp_path / "s.html"), cwd=tmp_path,
                RECOVERY_CAPITAL_TRAINER_KEY=key)  # fmt: skip
    assert given.returncode == 0, given.stderr
    assert f"Course: {REPO} (given with --course)" in given.stderr

    inside = run(*argv, "-o", str(tmp_path / "t.html"), cwd=REPO / "modules",
                 RECOVERY_CAPITAL_TRAINER_KEY=key)  # fmt: skip
    assert inside.returncode == 0, inside.stderr
    assert f"Course: {REPO} (found from the current folder)" in inside.stderr


def test_every_notebook_is_saved_with_cell_ids():
    """nbformat warns (MissingIDFieldWarning) on every read of a notebook without them."""
    import json

    notebooks = [p for p in REPO.glob("**/*.ipynb") if ".venv" not in p.parts]
    assert notebooks
    for path in notebooks:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        assert (notebook["nbformat"], notebook["nbformat_minor"]) >= (4, 5), path
        ids = [cell.get("id") for cell in notebook["cells"]]
        assert all(ids) and len(set(ids)) == len(ids), path


def test_new_course_new_module_and_check_print_no_notebook_warnings(tmp_path):
    course = tmp_path / "course"
    made = run("new-course", str(course), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    added = run("new-module", str(course), "Working with housing services", cwd=tmp_path)
    checked = run("check", str(course), "--no-run", cwd=tmp_path)
    for done in (made, added, checked):
        assert "MissingIDFieldWarning" not in done.stderr + done.stdout
        assert "Traceback" not in done.stderr
    assert added.returncode == 0, added.stderr
    import json

    for path in (course / "modules").glob("*.ipynb"):
        assert all(cell.get("id") for cell in json.loads(path.read_text())["cells"]), path
