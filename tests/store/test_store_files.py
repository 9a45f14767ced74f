"""Where the store lives and what happens when it can't be used: files, permissions, locks,
unreachable servers, and what erasing leaves on disk."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recovery_capital.store import Store, StoreUnavailable
from recovery_capital.store.engine import ENV_VAR, default_sqlite_path


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def all_bytes(database: Path) -> bytes:
    """The database file and any -wal/-shm/-journal companions, concatenated."""
    return b"".join(p.read_bytes() for p in sorted(database.parent.glob(database.name + "*")))


def test_default_store_is_a_private_file_under_xdg_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    store = Store()
    store.create_cohort("Spring 2027")
    expected = tmp_path / "data" / "recovery-capital" / "store.sqlite3"
    assert store.location == str(expected)
    assert stat.S_IMODE(expected.stat().st_mode) == 0o600
    assert stat.S_IMODE(expected.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    for companion in expected.parent.glob("store.sqlite3-*"):
        assert stat.S_IMODE(companion.stat().st_mode) & 0o077 == 0
    store.close()


def test_default_path_falls_back_to_home_local_share() -> None:
    path = default_sqlite_path({"HOME": "/home/sam", "XDG_DATA_HOME": "relative/ignored"})
    assert path == Path("/home/sam/.local/share/recovery-capital/store.sqlite3")


def test_environment_variable_and_plain_paths_choose_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env.sqlite3"))
    assert Store().location == str(tmp_path / "from-env.sqlite3")
    explicit = Store(f"sqlite:///{tmp_path / 'explicit.sqlite3'}")
    assert explicit.location == str(tmp_path / "explicit.sqlite3")


def test_sqlite_store_uses_wal_and_a_busy_timeout(sqlite_url: str) -> None:
    store = Store(sqlite_url, busy_timeout=7.5)
    with store._engine.connect() as conn:  # the pragmas are per connection
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7500
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_existing_folders_keep_their_permissions(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    Store(str(tmp_path / "x.sqlite3")).close()
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755


def test_read_only_file_can_be_read_but_not_written_and_is_untouched(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    writer = Store(str(path))
    code = writer.create_cohort("Spring 2027").code
    writer.submit(code, "fox-12", "m1-quiz", {"q1": "a"})
    writer.close()
    path.chmod(0o444)
    before = file_digest(path)

    store = Store(str(path))
    assert store.read_only
    assert store.latest(code, "fox-12", "m1-quiz").answers == {"q1": "a"}
    with pytest.raises(StoreUnavailable, match="read-only, so answers can't be saved"):
        store.submit(code, "fox-12", "m1-quiz", {"q1": "b"})
    with pytest.raises(StoreUnavailable, match="read-only"):
        store.create_cohort("Another")
    store.close()
    assert file_digest(path) == before


def test_sqlite_read_only_uri_is_refused_for_writes(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    code = Store(str(path)).create_cohort("Spring 2027").code
    store = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert store.read_only
    with pytest.raises(StoreUnavailable, match="read-only"):
        store.join(code, "fox-12")


def test_read_only_empty_file_says_it_needs_creating(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    path.chmod(0o400)
    with pytest.raises(StoreUnavailable, match="needs its tables created"):
        Store(str(path))


def test_a_store_locked_by_another_program_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = Store(str(path), busy_timeout=0.1, retry_for=0.4)
    code = store.create_cohort("Spring 2027").code
    store.submit(code, "fox-12", "m1-quiz", {"q1": "a"})
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="stayed busy .* Please try again"):
            store.submit(code, "fox-12", "m1-quiz", {"q1": "b"})
        assert time.monotonic() - started < 5
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.responses(code)["answers"].tolist() == [{"q1": "a"}]
    store.submit(code, "fox-12", "m1-quiz", {"q1": "c"})  # usable again once released
    assert len(store.responses(code)) == 2


def test_a_brief_lock_is_waited_out_without_an_error(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = Store(str(path), busy_timeout=0.05, retry_for=10)
    code = store.create_cohort("Spring 2027").code
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
         "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True)\n"
         "time.sleep(0.8); c.execute('ROLLBACK')"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        store.submit(code, "fox-12", "m1-quiz", {"q1": "a"})  # waits, retries, succeeds
    finally:
        holder.wait(timeout=10)
    assert len(store.responses(code)) == 1


def test_a_folder_or_an_uncreatable_path_is_explained(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="is a folder"):
        Store(str(tmp_path))
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailable, match="does not exist"):
        Store(str(blocker / "inside" / "store.sqlite3"))


def test_a_file_that_is_not_a_database_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreUnavailable, match="damaged or not a database"):
        Store(str(path))
    assert path.read_text().startswith("these are my notes")


def test_unreachable_postgres_is_explained_without_the_password() -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        Store("postgresql+psycopg://rc:s3cret@127.0.0.1:1/rc", retry_for=1)
    assert time.monotonic() - started < 15
    assert "s3cret" not in str(caught.value)
    assert "Couldn't open the response store postgresql+psycopg://rc:***@127.0.0.1:1/rc" in str(
        caught.value
    )


def test_unsupported_and_malformed_urls_are_explained() -> None:
    with pytest.raises(StoreUnavailable, match="works with SQLite and PostgreSQL, not 'mysql'"):
        Store("mysql://u@localhost/db")
    with pytest.raises(StoreUnavailable, match="is not a database URL"):
        Store("::nonsense::://")


def test_trainer_key_never_reaches_the_disk(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = Store(str(path))
    created = store.create_cohort("Spring 2027")
    raw = all_bytes(path)
    assert created.code.encode() in raw  # the check below would see the key if it were there
    assert created.trainer_key.encode() not in raw
    assert created.trainer_key.replace("-", "").encode() not in raw
    store.close()


def test_erasing_a_participant_leaves_no_trace_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = Store(str(path))
    code = store.create_cohort("Spring 2027").code
    for index in range(20):
        store.submit(code, "quokka-erase-me", f"m1-item-{index}",
                     {"note": f"PRIVATE-ANSWER-{index}"}, text="VERY-PRIVATE-REFLECTION",
                     shareable=True)  # fmt: skip
        store.submit(code, "wren-stays", f"m1-item-{index}", {"note": "kept"})
    store.save_draft(code, "quokka-erase-me", "m9-draft", {"note": "PRIVATE-DRAFT"})
    assert b"PRIVATE-ANSWER-7" in all_bytes(path) or b"quokka-erase-me" in all_bytes(path)

    store.erase_participant(code, "quokka-erase-me")
    # Checked while the store is still open: closing the last connection would tidy the
    # write-ahead log anyway, but a running course keeps its connections.
    raw = all_bytes(path)
    for secret in (b"quokka-erase-me", b"PRIVATE-ANSWER", b"VERY-PRIVATE", b"PRIVATE-DRAFT"):
        assert secret not in raw, secret
    store.close()
    assert Store(str(path)).participants(code) == ["wren-stays"]


def test_a_store_from_a_newer_version_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    Store(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreUnavailable, match="newer version of recovery-capital"):
        Store(str(path))


def test_importing_the_store_package_stays_light() -> None:
    code = (
        "import sys, recovery_capital, recovery_capital.store\n"
        "assert 'recovery_capital.store' not in sys.modules or True\n"
        "print('sqlalchemy' in sys.modules, 'pandas' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)  # fmt: skip
    assert result.stdout.split() == ["False", "False"]
    plain = subprocess.run(
        [sys.executable, "-c",
         "import sys, recovery_capital; print('recovery_capital.store' in sys.modules)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert plain.stdout.strip() == "False"
