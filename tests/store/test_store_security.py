"""A trainee's answers are theirs (issue 15), at the store: personal secrets, joining, text
that every export can hold, durable and verified erasure, owner-only files.

Each test runs on a SQLite file and, where it takes ``store``/``store_url``, on PostgreSQL.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import stat
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import update

from recovery_capital import score as rc_score
from recovery_capital.store import (
    InvalidHandle,
    InvalidInput,
    JoinRefused,
    Store,
    StoreUnavailable,
    UnknownParticipant,
)
from recovery_capital.store import store as store_module
from recovery_capital.store.models import Submission


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------- personal secrets


def test_only_the_secret_opens_a_participant(store: Store, code: str) -> None:
    place = store.enrol(code)
    store.save_draft(code, place.handle, "m0-note", {"note": "mine"}, secret=place.secret)
    assert store.identify(code, place.secret) == place.handle
    assert store.latest(code, place.handle, "m0-note", secret=place.secret).answers == {
        "note": "mine"
    }
    for wrong in ("A" * 24, place.secret[:-1] + ("x" if place.secret[-1] != "x" else "y"), ""):
        with pytest.raises(UnknownParticipant, match="doesn't open a place"):
            store.identify(code, wrong)
        assert store.latest(code, place.handle, "m0-note", secret=wrong) is None
    other = store.create_cohort("Other").code  # a secret opens its own cohort only
    with pytest.raises(UnknownParticipant):
        store.identify(other, place.secret)


def test_the_secret_is_stored_only_as_a_hash(sqlite_url: str) -> None:
    store = Store(sqlite_url)
    code = store.create_cohort("Spring").code
    place = store.enrol(code)
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    store.close()
    with sqlite3.connect(path) as conn:
        stored = conn.execute("SELECT secret_hash FROM participants").fetchall()
    assert stored[0][0] and place.secret not in stored[0][0]
    assert place.secret.encode() not in path.read_bytes()
    assert place.secret not in repr(place)


def test_a_reissued_link_replaces_the_old_one(store: Store, code: str) -> None:
    place = store.enrol(code)
    new = store.reissue_link(code, place.handle.upper())  # any letter case finds them
    assert store.identify(code, new) == place.handle
    with pytest.raises(UnknownParticipant):
        store.save_draft(code, place.handle, "m0-note", {"n": 1}, secret=place.secret)
    with pytest.raises(UnknownParticipant, match="Nobody with the handle"):
        store.reissue_link(code, "nobody-1")


def test_a_participant_from_before_personal_links_gets_one_by_reissue(store: Store) -> None:
    code = store.create_cohort("Old").code
    store.join(code, "fox-12")  # joined the old way: no secret yet
    secret = store.reissue_link(code, "fox-12")
    assert store.identify(code, secret) == "fox-12"


def test_joining_never_hands_over_an_existing_participant(store: Store) -> None:
    code = store.create_cohort("Chosen", chosen_handles=True).code
    first = store.enrol(code, "Sam-7")
    for same in ("Sam-7", "sam-7", " SAM-7 "):
        with pytest.raises(InvalidHandle, match="already uses the handle"):
            store.enrol(code, same)
    assert store.participants(code) == [first.handle]


def test_handles_are_made_up_unless_the_cohort_allows_chosen_ones(store: Store) -> None:
    code = store.create_cohort("Default").code
    place = store.enrol(code)
    word, number = place.handle.split("-")
    assert word.isalpha() and number.isdigit()
    with pytest.raises(InvalidHandle, match="given a made-up handle"):
        store.enrol(code, "Sam-7")
    chosen = store.create_cohort("Chosen", chosen_handles=True).code
    assert store.cohort(chosen).chosen_handles and not store.cohort(code).chosen_handles
    for name in ("My Real Name", "jane.smith", "Jane_Smith", "jane smith"):
        with pytest.raises(InvalidHandle, match="looks like a real name"):
            store.enrol(chosen, name)
    for address in ("jane.smith@example.org", "sam@nhs.net"):
        with pytest.raises(InvalidHandle, match="looks like an e-mail address"):
            store.enrol(chosen, address)
    assert store.enrol(chosen, "otter-7").handle == "otter-7"
    assert store.participants(chosen) == ["otter-7"]


def test_a_closed_cohort_takes_no_new_joiners_but_keeps_its_people(store: Store, code: str) -> None:
    place = store.enrol(code)
    store.set_joins_open(code, False)
    with pytest.raises(JoinRefused, match="closed to new joiners"):
        store.enrol(code)
    store.submit(code, place.handle, "m0-note", {"n": 1}, secret=place.secret)  # still works
    store.set_joins_open(code, True)
    assert store.enrol(code).handle


def test_one_cohort_fills_no_faster_than_a_room_needs(
    store: Store, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "JOINS_PER_COHORT_PER_MINUTE", 35)
    for _ in range(35):  # a room of 30 and a few who joined twice
        store.enrol(code)
    with pytest.raises(JoinRefused, match="wait a minute"):
        store.enrol(code)
    assert len(store.participants(code)) == 35
    assert store.enrol(store.create_cohort("Next door").code).handle  # other cohorts unaffected


def test_join_codes_are_eight_characters_and_old_five_character_ones_still_work(
    store: Store,
) -> None:
    from recovery_capital.store import keys

    code = store.create_cohort("New").code
    assert len(code) == 8 and store.cohort(keys.show_code(code).lower()).code == code
    store._add_cohort("Old", keys.hash_key(keys.new_trainer_key()), "K7P2Q")
    assert store.cohort("k7p2q").name == "Old"


# ---------------------------------------------------------------- text at the boundary

BAD_TEXT = [("vertical tab", "my\x0bnote", "control character (U+000B)"),
            ("lone surrogate", "broken \ud800 emoji", "broken character (U+D800"),
            ("NUL", "a\x00b", "U+0000"),
            ("noncharacter", "x\uffff", "U+FFFF")]  # fmt: skip


@pytest.mark.parametrize(("what", "text", "message"), BAD_TEXT, ids=[b[0] for b in BAD_TEXT])
def test_text_no_export_can_hold_is_refused_in_every_field(
    store: Store, code: str, what: str, text: str, message: str
) -> None:
    attempts = [
        lambda: store.submit(code, "fox-12", "m1-r", {"note": "ok"}, text=text),
        lambda: store.submit(code, "fox-12", "m1-r", {"note": text}),
        lambda: store.save_draft(code, "fox-12", "m1-r", {text: "value"}),
        lambda: store.save_draft(code, "fox-12", "m1-r", {"list": ["fine", {"deep": text}]}),
        lambda: store.submit(code, "fox-12", "m1-r", {"q": 1}, scores={"band": text}),
    ]
    if "\x0b" not in text:  # in a cohort name it is a space (next test)
        attempts.append(lambda: store.create_cohort(f"Cohort {text}"))
    for attempt in attempts:
        with pytest.raises(InvalidInput, match=re.escape(message)):
            attempt()
    assert store.responses(code, include_drafts=True).empty


def test_a_cohort_name_has_its_odd_spaces_normalised(store: Store) -> None:
    assert store.create_cohort("Spring\x0b 2027\t").name == "Spring 2027"


def test_tabs_newlines_and_every_script_are_kept_as_typed(store: Store, code: str) -> None:
    text = "Line one\n\tindented\r\nZoë, Łódź, देवनागरी, 😀 and ' quotes"
    store.submit(code, "fox-12", "m1-r", {"note": text}, text=text)
    latest = store.latest(code, "fox-12", "m1-r")
    assert latest.text == text and latest.answers == {"note": text}


def _plant_unstorable(store: Store, code: str) -> None:
    """Put what an older version let through straight into the database."""
    answers = {f"q{i}": 5 for i in range(1, 11)}
    store.submit(code, "fox-12", "m2-barc10", answers, result=rc_score("barc10", answers))
    store.submit(code, "fox-12", "m1-r", {"note": "clean"}, text="clean")
    store.submit(code, "wren-3", "m1-r", {"note": "clean"}, text="clean")

    def plant(conn) -> None:
        # The answers are JSON, which carries a lone surrogate as an escape; a text column
        # can't take one at all, so the free text gets the control characters only.
        conn.execute(
            update(Submission)
            .where(Submission.activity_id == "m1-r")
            .values(text="tab\x0bhere", answers={"note": "vt\x0b \ud800", "k\x01": "v"})
        )

    store._write(plant)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_every_export_handles_whatever_the_store_holds(
    store: Store, code: str, tmp_path: Path, suffix: str
) -> None:
    from recovery_capital.reports.fhir import cohort_bundle, write_bundle
    from recovery_capital.reports.workbook import write_workbook

    _plant_unstorable(store, code)
    target = tmp_path / f"out{suffix}"
    assert store.export(code, target) == 3
    frame = pd.read_csv(target) if suffix == ".csv" else pd.read_excel(target)
    notes = [t for t in frame["text"].tolist() if isinstance(t, str) and t.startswith("tab")]
    assert len(notes) == 2 and all("\ufffd" in t for t in notes)
    planted = [t for t in frame["answer.note"].tolist() if isinstance(t, str) and t != "clean"]
    assert len(planted) == 2 and all("\ufffd" in t for t in planted)
    counts = write_workbook(store, code, tmp_path / "book.xlsx")
    assert counts["activities"] == 2 and counts["barc10"] == 1
    path = write_bundle(cohort_bundle(store, code), tmp_path / "bundle.json")
    assert json.loads(path.read_text(encoding="utf-8"))["resourceType"] == "Bundle"
    for written in (target, tmp_path / "book.xlsx", path):
        assert mode(written) == 0o600


# ---------------------------------------------------------------- erasure


def test_an_open_page_cannot_recreate_an_erased_participant(store: Store, code: str) -> None:
    from recovery_capital.session.context import Context

    place = store.enrol(code)
    page = Context(store, code, place.handle, secret=place.secret)
    page.store.save_draft(code, place.handle, "m0-r", {"note": "before"})
    report = store.erase(code, place.handle)
    assert report.rows_removed == 1 and report.complete
    for _ in range(3):  # the tab's next autosaves and its submit
        with pytest.raises(UnknownParticipant):
            page.store.save_draft(code, place.handle, "m0-r", {"note": "after"})
        with pytest.raises(UnknownParticipant):
            page.store.submit(code, place.handle, "m0-r", {"note": "after"})
    assert page.store.latest(code, place.handle, "m0-r") is None
    assert store.participants(code) == []
    assert store.verify_erasure(code, place.handle).complete


def test_erasure_with_a_concurrent_reader_says_the_log_still_holds_copies(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.sqlite3"
    store = Store(str(path))
    code = store.create_cohort("Spring").code
    for index in range(30):
        store.submit(code, "quokka-9", f"m1-{index}", {"note": f"ERASE-ME-{index}"},
                     text="ERASE-ME-TEXT")  # fmt: skip
    store.submit(code, "wren-3", "m1-0", {"note": "kept"})
    reader = sqlite3.connect(path)  # another program in the middle of reading the store
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM submissions").fetchall()
    try:
        report = store.erase(code, "quokka-9", wait=0.5)
        assert report.rows_removed == 30 and not report.complete
        stuck = {place for place, clean, _ in report.places if not clean}
        assert "log checkpoint" in stuck and "write-ahead log" in stuck
        assert store.participants(code) == ["wren-3"]  # the rows themselves are gone
    finally:
        reader.rollback()
        reader.close()
    later = store.verify_erasure(code, "quokka-9", traces=("ERASE-ME-TEXT",))
    assert later.complete, later.places
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"ERASE-ME" not in raw and b"quokka-9" not in raw


def test_the_erase_command_reports_where_the_data_no_longer_is(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from recovery_capital.cli import main

    store = Store(sqlite_url)
    code = store.create_cohort("Spring").code
    store.submit(code, "fox-12", "m1-r", {"note": "x"}, text="Something private")
    argv = ["erase", "--cohort", code, "--participant", "fox-12", "--yes", "--store", sqlite_url]
    assert main(argv) == 0
    out = capsys.readouterr().out
    for place in ("database rows", "log checkpoint", "database file", "write-ahead log"):
        assert f"gone: {place}" in out
    assert main(["verify-erasure", "--cohort", code, "--participant", "fox-12",
                 "--store", sqlite_url]) == 0  # fmt: skip
    store.join(code, "fox-12")
    assert main(["verify-erasure", "--cohort", code, "--participant", "fox-12",
                 "--store", sqlite_url]) == 1  # fmt: skip
    assert "STILL THERE: database rows" in capsys.readouterr().out


def test_the_store_logs_no_handles_or_secrets(
    store: Store, code: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    place = store.enrol(code)
    store.save_draft(code, place.handle, "m0-r", {"note": "x"}, secret=place.secret)
    store.reissue_link(code, place.handle)
    store.erase(code, place.handle)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert place.handle not in logged and place.secret not in logged


# ---------------------------------------------------------------- files


def test_the_store_and_its_log_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = Store(str(path))
    store.submit(store.create_cohort("Spring").code, "fox-12", "m1-r", {"note": "x"})
    for name in ("store.sqlite3", "store.sqlite3-wal", "store.sqlite3-shm"):
        assert mode(tmp_path / name) == 0o600, name
    store.close()


def test_a_store_restored_with_loose_permissions_is_made_private(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "store.sqlite3"
    Store(str(path)).create_cohort("Spring")
    for name in ("store.sqlite3", "store.sqlite3-wal", "store.sqlite3-shm"):
        if (tmp_path / name).exists():
            os.chmod(tmp_path / name, 0o644)  # as `cp` under a usual umask leaves it
    caplog.set_level(logging.WARNING)
    Store(str(path)).close()
    assert mode(path) == 0o600
    assert "could be read by other users" in caplog.text


def test_a_store_path_in_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    typo = tmp_path / "wokshop" / "store.sqlite3"
    with pytest.raises(StoreUnavailable, match="does not exist"):
        Store(str(typo))
    assert not typo.parent.exists()


def test_the_migration_keeps_every_answer_and_stays_open_to_joiners(store_url: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from recovery_capital.store.migrations import alembic_config

    engine = create_engine(store_url)
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":  # as the store's own connections have it
            conn.exec_driver_sql("PRAGMA foreign_keys = ON")
        command.upgrade(alembic_config(conn), "0001")
        when = "'2026-11-01 09:00:00'"
        conn.exec_driver_sql(
            "INSERT INTO cohorts (id, code, name, trainer_key_hash, created_at) "
            f"VALUES (1, 'K7P2Q', 'Old', 'x', {when})"
        )
        conn.exec_driver_sql(
            "INSERT INTO participants (id, cohort_id, handle, handle_key, created_at) "
            f"VALUES (1, 1, 'fox-12', 'fox-12', {when})"
        )
        conn.exec_driver_sql(
            "INSERT INTO submissions (id, cohort_id, participant_id, activity_id, kind, "
            "answers, shareable, created_at) "
            f"VALUES (1, 1, 1, 'm1-r', 'submission', '{{\"note\": \"kept\"}}', false, {when})"
        )
    engine.dispose()
    store = Store(store_url)
    info = store.cohort("K7P2Q")
    assert info.joins_open and not info.chosen_handles
    assert (info.participants, info.submissions) == (1, 1)
    assert store.latest("K7P2Q", "fox-12", "m1-r").answers == {"note": "kept"}
    assert store.identify("K7P2Q", store.reissue_link("K7P2Q", "fox-12")) == "fox-12"
    store.close()
