"""Set allocation: sizes within one of each other and 5-7, stable, late joiners placed, mixed
by area and role; and the ``sets`` command that does it for a cohort."""

from __future__ import annotations

import pytest

from recovery_capital.cli import main
from recovery_capital.programme.sets import Trainee, allocate
from recovery_capital.store import Store

AREAS = ("Leeds", "Cardiff", "Glasgow", "Belfast")
ROLES = ("AMHP", "Care coordinator", "Team manager")


def cohort(size: int) -> list[Trainee]:
    return [Trainee(f"t{i:02d}", AREAS[i % 4], ROLES[i % 3]) for i in range(size)]


@pytest.mark.parametrize("size", range(5, 61))
def test_sizes_are_within_one_and_five_to_seven_when_the_cohort_allows(size: int) -> None:
    sets = allocate(cohort(size))
    sizes = [len(members) for members in sets.values()]
    assert sum(sizes) == size and max(sizes) - min(sizes) <= 1
    assert max(sizes) <= 7
    if size >= 10:  # two sets of five or more
        assert min(sizes) >= 5, sizes
    assert sorted(h for hs in sets.values() for h in hs) == [t.handle for t in cohort(size)]


def test_a_set_mixes_areas_and_roles() -> None:
    trainees = cohort(30)
    by_handle = {t.handle: t for t in trainees}
    for members in allocate(trainees).values():
        assert len({by_handle[h].area for h in members}) >= 3
        assert len({by_handle[h].role for h in members}) >= 2


def test_sets_are_stable_and_a_late_joiner_goes_to_the_smallest_set() -> None:
    first = allocate(cohort(30))
    existing = {h: n for n, hs in first.items() for h in hs}
    again = allocate(cohort(30), existing)
    assert again == first
    late = [*cohort(30), Trainee("late", "Leeds", "AMHP")]
    placed = allocate(late, existing)
    for number, members in placed.items():
        assert [h for h in members if h != "late"] == first[number]
    sizes = sorted(len(m) for m in placed.values())
    assert sizes == [6, 6, 6, 6, 7]
    home = next(n for n, hs in placed.items() if "late" in hs)
    # among the equally small sets, the one with fewest from Leeds and fewest AMHPs
    leeds = {n: sum(h.startswith("t") and int(h[1:]) % 4 == 0 for h in hs)
             for n, hs in first.items()}  # fmt: skip
    assert leeds[home] == min(leeds.values())


def test_the_sets_command_places_moves_and_names_facilitators(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    store = Store(url)
    created = store.create_cohort("Spring 2027")
    for trainee in cohort(30):
        store.join(created.code, trainee.handle)
    details = tmp_path / "details.csv"
    details.write_text("handle,area,role\n" + "".join(
        f"{t.handle},{t.area},{t.role}\n" for t in cohort(30)))  # fmt: skip
    monkeypatch.setenv("RECOVERY_CAPITAL_TRAINER_KEY", created.trainer_key)
    assert main(["sets", "--cohort", created.code, "--store", url, "--details", str(details)]) == 0
    printed = capsys.readouterr().out
    assert printed.count("6 people") == 5 and "t00 (Leeds, AMHP)" in printed
    keys = printed.split("Set keys")[1]
    assert keys.count("  Set ") == 5  # five set keys, shown once
    assert "set-1 t" in printed.split("Who brings a question")[1]  # the presenter rota
    sets = store.learning_sets(created.code)
    store.join(created.code, "late-joiner")
    assert main(["sets", "--cohort", created.code, "--store", url, "--move", "t00=2",
                 "--facilitator", "2=Ama Boateng"]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    after = {s.number: s.members for s in store.learning_sets(created.code)}
    assert "t00" in after[2] and "Set 2 (Ama Boateng)" in printed
    assert sum("late-joiner" in members for members in after.values()) == 1
    moved = {h for s in sets for h in s.members} - {"t00"}
    assert all(any(h in after[s.number] for s in sets if h in s.members) for h in moved)
    assert "Set 2:" in printed.split("Set keys")[1]  # the facilitator's new key


def test_the_sets_command_needs_the_trainer_key(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    created = Store(url).create_cohort("Spring 2027")
    monkeypatch.setenv("RECOVERY_CAPITAL_TRAINER_KEY", "WRONG-KEY")
    assert main(["sets", "--cohort", created.code, "--store", url]) == 1
    assert "trainer key does not open" in capsys.readouterr().err
