"""One access rule for every output that names participants (docs/security.md): the cohort's
trainer key, whichever command writes it; and what is written is private to its owner."""

from __future__ import annotations

import stat

import pytest

from recovery_capital.cli import main
from recovery_capital.store.access import KEY_ENV

OUTPUTS = [
    ("export", "x.csv", []),
    ("export", "x.xlsx", []),
    ("export", "w.xlsx", ["--format", "workbook"]),
    ("export", "f.json", ["--format", "fhir"]),
    ("report workbook", "r.xlsx", []),
    ("fhir responses", "r.json", []),
    ("report evaluation", "e.html", []),
]


def run(cohort, command: str, output, extra: list[str]) -> int:
    argv = [*command.split(), *extra, "-o", str(output), "--cohort", cohort.code,
            "--store", str(cohort.store.url)]  # fmt: skip
    if command.startswith(("report", "fhir")):
        argv += ["--course", str(cohort.course)]
    return main(argv)


@pytest.mark.parametrize(
    ("command", "name", "extra"), OUTPUTS, ids=[f"{c} {n}" for c, n, _ in OUTPUTS]
)
def test_no_handle_bearing_output_without_the_trainer_key(
    cohort, tmp_path, monkeypatch, capsys, command: str, name: str, extra: list[str]
) -> None:
    target = tmp_path / name
    monkeypatch.delenv(KEY_ENV, raising=False)
    assert run(cohort, command, target, extra) == 1
    assert "needs the trainer key" in capsys.readouterr().err and not target.exists()
    monkeypatch.setenv(KEY_ENV, "WRNG-WRNG-WRNG-WRNG")
    assert run(cohort, command, target, extra) == 1
    assert "does not open cohort" in capsys.readouterr().err and not target.exists()
    monkeypatch.setenv(KEY_ENV, cohort.key)
    assert run(cohort, command, target, extra) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # owner-only, like the store


def test_a_reissued_link_needs_the_key_and_replaces_the_old_one(
    cohort, monkeypatch, capsys
) -> None:
    store = cohort.store
    place = store.enrol(cohort.code)
    argv = ["cohort", "reissue-link", cohort.code, place.handle, "--store", str(store.url),
            "--url", "https://course.example/rc/"]  # fmt: skip
    monkeypatch.delenv(KEY_ENV, raising=False)
    assert main(argv) == 1 and "needs the trainer key" in capsys.readouterr().err
    monkeypatch.setenv(KEY_ENV, cohort.key)
    assert main(argv) == 0
    out = capsys.readouterr().out
    link = next(line.strip() for line in out.splitlines() if "secret=" in line)
    assert link.startswith(f"https://course.example/rc/?cohort={cohort.code}&secret=")
    assert store.identify(cohort.code, link.split("secret=")[1]) == place.handle
    with pytest.raises(Exception, match="doesn't open a place"):
        store.identify(cohort.code, place.secret)


def test_the_trainer_can_close_a_cohort_to_new_joiners(cohort, monkeypatch, capsys) -> None:
    from recovery_capital.store import JoinRefused

    monkeypatch.setenv(KEY_ENV, cohort.key)
    store_args = ["--store", str(cohort.store.url)]
    assert main(["cohort", "close", cohort.code, *store_args]) == 0
    assert "closed to new joiners" in capsys.readouterr().out
    with pytest.raises(JoinRefused):
        cohort.store.enrol(cohort.code)
    assert main(["cohort", "list", *store_args]) == 0
    listed = capsys.readouterr().out
    assert any(line.startswith(cohort.code) and "(closed to new joiners)" in line
               for line in listed.splitlines())  # fmt: skip
    assert main(["cohort", "open", cohort.code, *store_args]) == 0
    assert cohort.store.enrol(cohort.code).handle
