"""The response store: the one thing trainees' kernels and the trainer's dashboard share.

Voila gives every browser tab its own kernel, so every answer a trainer should see, and every
answer a trainee should find again after a reload, goes through one :class:`Store`. It is a
small class over SQLAlchemy: a SQLite file on one machine, PostgreSQL for a hub of machines.
No SQL lives outside this package.

>>> from recovery_capital.store import Store
>>> store = Store("sqlite://")                     # in memory, for this example
>>> cohort = store.create_cohort("Spring 2027")
>>> handle = store.join(cohort.code, "fox-12")
>>> draft_id = store.save_draft(cohort.code, handle, "m1-reflection", {"note": "I notice"})
>>> store.latest(cohort.code, handle, "m1-reflection").submitted
False
>>> submission_id = store.submit(cohort.code, handle, "m1-reflection", {"note": "I noticed"},
...                              request_id="click-1")
>>> store.submit(cohort.code, handle, "m1-reflection", {"note": "I noticed"},
...              request_id="click-1") == submission_id      # a double click stores once
True
>>> store.latest(cohort.code, handle, "m1-reflection").answers
{'note': 'I noticed'}
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from sqlalchemy import delete, func, inspect, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import IntegrityError

from . import keys, queries
from .engine import (
    WRITE,
    default_sqlite_path,
    describe_url,
    is_sqlite_file,
    make_engine,
    resolve_url,
    run_with_retries,
)
from .errors import (
    InvalidHandle,
    InvalidInput,
    JoinRefused,
    StoreUnavailable,
    UnknownCohort,
    UnknownParticipant,
    UnknownSubmission,
)
from .handles import check_chosen_handle, generate_handle, handle_key, validate_handle
from .migrations import HEAD_REVISION, REVISIONS, VERSION_TABLE, upgrade
from .models import (
    MODERATION_STATES,
    ActivityStateRow,
    Cohort,
    Participant,
    Submission,
    as_utc,
    utcnow,
)
from .programme_store import ProgrammeStoreMixin
from .records import (
    ActivityState,
    CohortInfo,
    CreatedCohort,
    ErasureReport,
    FreeText,
    Latest,
    Membership,
)
from .statements import HotStatements, dialect_insert
from .validation import (
    check_activity_id,
    check_answers,
    check_cohort_name,
    check_label,
    check_request_id,
    check_scores,
    check_text,
    check_version,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Store"]

T = TypeVar("T")
log = logging.getLogger(__name__)

SUPPORTED_BACKENDS = ("sqlite", "postgresql")
PRACTICE_NAME = "Practice (on your own)"
_MIGRATION_LOCK = 0x52435354  # any fixed number: PostgreSQL advisory lock for migrations
_SCORE_KEYS_STORED_ELSEWHERE = {"answers", "instrument", "version"}
#: At most this many people join one cohort in any minute (a room of 30 joins in well under).
JOINS_PER_COHORT_PER_MINUTE = 90
_LINK_REFUSED = (
    "This personal link doesn't open a place in cohort {code}: it may have been replaced by a "
    "new one, or the answers it held were erased. Ask your trainer for your personal link, "
    "or join again as someone new."
)


class Scored(Protocol):
    """What the store needs of a questionnaire's score: a scoring ``ScoreResult`` has it.

    The store takes a score made elsewhere rather than scoring itself, so it needs to know
    nothing of instruments (``docs/architecture.md``).
    """

    instrument: str
    version: str

    def to_dict(self) -> dict[str, Any]:
        """The score as plain data (answers, instrument, version, scales, band, ...)."""
        ...


class _StaleParticipant(Exception):
    """A cached participant id no longer exists (erased by another process)."""


def _check_flag(value: object, what: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InvalidInput(f"{what} must be True or False (got {value!r}).")


def _schema_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(sql_text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


class Store(ProgrammeStoreMixin):
    """Cohorts, pseudonymous participants, their drafts and submissions, and live poll state.

    Parameters
    ----------
    url
        A SQLAlchemy URL (``sqlite:///path``, ``postgresql+psycopg://user@host/db``) or a file
        path. Default: ``$RECOVERY_CAPITAL_STORE``, else
        ``$XDG_DATA_HOME/recovery-capital/store.sqlite3`` (``~/.local/share/...``).
    busy_timeout
        Seconds one SQLite statement waits for another writer before the store retries.
    retry_for
        Seconds the store keeps retrying a write that lost a race before giving up with a
        :class:`~recovery_capital.store.errors.StoreUnavailable` saying it stayed busy.

    Notes
    -----
    * The schema is created or upgraded (Alembic) when the store opens.
    * Submissions are append-only. Drafts are scratch copies: saving a draft or a submission
      removes the participant's older drafts of the same activity, so at most one draft per
      person and activity remains, and only while it is newer than their last submission.
    * A ``request_id`` is unique per cohort and participant: sending the same one again (a
      double click, a retry after a dropped connection) returns the first row's id.
    * Errors are :mod:`recovery_capital.store.errors` classes with messages fit to show.

    Examples
    --------
    >>> store = Store("sqlite://")
    >>> cohort = store.create_cohort("Tuesday group")
    >>> store.verify_trainer_key(cohort.code, cohort.trainer_key)
    True
    >>> store.join(cohort.code, "Sam")
    'Sam'
    """

    PRACTICE_CODE: ClassVar[str] = keys.PRACTICE_CODE

    def __init__(
        self, url: str | URL | None = None, *, busy_timeout: float = 10.0, retry_for: float = 30.0
    ) -> None:
        self.url = resolve_url(url)
        backend = self.url.get_backend_name()
        # Only the default location's folders are made; a typed path must name a folder
        # that exists, so a typo can't quietly start an empty store.
        default = str(self.url.database) == str(default_sqlite_path())
        if backend not in SUPPORTED_BACKENDS:
            raise StoreUnavailable(
                f"The response store works with SQLite and PostgreSQL, not {backend!r} "
                f"({describe_url(self.url)})."
            )
        self._engine, self.read_only = make_engine(
            self.url, busy_timeout=busy_timeout, create_folders=default and backend == "sqlite"
        )
        self._writer = self._engine.execution_options(**WRITE)
        self._retry_for = retry_for
        self._sql = HotStatements(self._engine.dialect.name)
        self._cohort_ids: dict[str, int] = {}
        # (cohort id, handle key) -> (participant id, handle), filled after commits only.
        self._participant_ids: dict[tuple[int, str], tuple[int, str]] = {}
        try:
            self._ensure_schema()
        except BaseException:
            self._engine.dispose()
            raise

    # ------------------------------------------------------------------ plumbing

    def __repr__(self) -> str:
        return f"Store({describe_url(self.url)!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every pooled connection (the store can still be used; it reconnects)."""
        self._engine.dispose()

    @property
    def location(self) -> str:
        """Where the answers are kept, fit to show (a file path, or a URL without password).

        >>> Store("sqlite://").location
        'sqlite://'
        """
        return describe_url(self.url)

    def _read(self, work: Callable[[Connection], T]) -> T:
        def attempt() -> T:
            with self._engine.begin() as conn:
                return work(conn)

        return run_with_retries(attempt, url=self.url, retry_for=self._retry_for)

    def _write(self, work: Callable[[Connection], T]) -> T:
        if self.read_only:
            raise StoreUnavailable(
                f"The response store {self.location} is read-only, so answers can't be saved. "
                "Ask whoever runs the course to make the file writable."
            )

        def attempt() -> T:
            with self._writer.begin() as conn:
                return work(conn)

        return run_with_retries(attempt, url=self.url, retry_for=self._retry_for)

    def _insert(self, model: type) -> Any:
        """An INSERT that understands ON CONFLICT on both supported back-ends."""
        return dialect_insert(self._engine.dialect.name, model.__table__)

    def _ensure_schema(self) -> None:
        current = self._read(_schema_revision)
        if current == HEAD_REVISION:
            return
        if current is not None and current not in REVISIONS:
            raise StoreUnavailable(
                f"The response store {self.location} was written by a newer version of "
                f"recovery-capital (schema {current}). Upgrade this installation to use it."
            )
        if self.read_only:
            raise StoreUnavailable(
                f"The response store {self.location} is read-only and needs its tables "
                "created or upgraded first. Open it once with write access."
            )

        def migrate(conn: Connection) -> None:
            if conn.dialect.name == "postgresql":
                conn.execute(
                    sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                )
            if _schema_revision(conn) != HEAD_REVISION:  # another process may have done it
                log.info("upgrading the response store at %s", self.location)
                upgrade(conn)

        self._write(migrate)

    def _cohort_id(self, code: object) -> int:
        normalised = keys.normalise_code(code)
        cached = self._cohort_ids.get(normalised)
        if cached is not None:
            return cached
        found = self._find_cohort(normalised)
        if found is None and normalised == self.PRACTICE_CODE:
            self.ensure_practice_cohort()
            return self._cohort_id(normalised)
        if found is None:
            raise UnknownCohort(
                f"No cohort here has the join code {normalised}. Check the code with your trainer."
            )
        self._cohort_ids[normalised] = found
        return found

    def _find_cohort(self, normalised_code: str) -> int | None:
        cached = self._cohort_ids.get(normalised_code)
        if cached is not None:
            return cached
        return self._read(
            lambda conn: conn.execute(
                select(Cohort.id).where(Cohort.code == normalised_code)
            ).scalar()
        )

    def _participant(
        self, conn: Connection, cohort_id: int, handle: str, *, create: bool
    ) -> tuple[int, str] | None:
        lookup = {"cohort_id": cohort_id, "handle_key": handle_key(handle)}
        row = conn.execute(self._sql.find_participant, lookup).first()
        if row is not None or not create:
            return None if row is None else (row.id, row.handle)
        new_id = conn.execute(
            self._sql.add_participant,
            {**lookup, "handle": handle, "secret_hash": None, "created_at": utcnow()},
        ).scalar()
        if new_id is not None:
            return new_id, handle
        row = conn.execute(self._sql.find_participant, lookup).one()  # someone was quicker
        return row.id, row.handle

    # ------------------------------------------------------------------ cohorts

    def create_cohort(self, name: str, *, chosen_handles: bool = False) -> CreatedCohort:
        """Create a cohort; returns its join code and its trainer key (shown only this once).

        By default everyone who joins is given a made-up handle; with ``chosen_handles``
        trainees may choose one (names and e-mail addresses are still refused).

        >>> created = Store("sqlite://").create_cohort("Spring 2027")
        >>> len(created.code), created.name
        (8, 'Spring 2027')
        """
        cleaned = check_cohort_name(name)
        chosen = _check_flag(chosen_handles, "chosen_handles") or False
        trainer_key = keys.new_trainer_key()
        return CreatedCohort(
            code=self._add_cohort(cleaned, keys.hash_key(trainer_key), chosen_handles=chosen),
            name=cleaned,
            trainer_key=trainer_key,
        )

    def _add_cohort(
        self, name: str, key_hash: str, code: str | None = None, *, chosen_handles: bool = False
    ) -> str:
        def work(conn: Connection) -> str:
            for _ in range(100):
                candidate = code or keys.new_join_code()
                insert = (
                    self._insert(Cohort)
                    .values(
                        code=candidate,
                        name=name,
                        trainer_key_hash=key_hash,
                        created_at=utcnow(),
                        joins_open=True,
                        chosen_handles=chosen_handles,
                    )
                    .on_conflict_do_nothing(index_elements=["code"])
                    .returning(Cohort.id)
                )
                if conn.execute(insert).scalar() is not None or code is not None:
                    return candidate
            raise StoreUnavailable("Couldn't find an unused join code; please try again.")

        return self._write(work)

    def ensure_practice_cohort(self) -> str:
        """Create the local practice cohort if it is missing; returns its code.

        The practice cohort is where a trainee lands outside a workshop. Its trainer key is
        random and never shown, so no trainer view opens on it.

        >>> Store("sqlite://").ensure_practice_cohort()
        'PRACTICE'
        """
        if self._find_cohort(self.PRACTICE_CODE) is None:
            unknowable = keys.hash_key(keys.new_trainer_key())
            self._add_cohort(PRACTICE_NAME, unknowable, self.PRACTICE_CODE, chosen_handles=True)
        return self.PRACTICE_CODE

    def verify_trainer_key(self, code: object, key: object) -> bool:
        """Whether ``key`` is the trainer key of cohort ``code`` (slow hash, constant time).

        An unknown or malformed code answers False, after the same amount of work.

        >>> store = Store("sqlite://")
        >>> cohort = store.create_cohort("Spring 2027")
        >>> store.verify_trainer_key(cohort.code, "WRONG-KEY0")
        False
        >>> store.verify_trainer_key("ZZZZZ", cohort.trainer_key)   # no such cohort
        False
        """
        try:
            normalised = keys.normalise_code(code)
        except UnknownCohort:
            return keys.verify_key(key, None)
        stored = self._read(
            lambda conn: conn.execute(
                select(Cohort.trainer_key_hash).where(Cohort.code == normalised)
            ).scalar()
        )
        return keys.verify_key(key, stored)

    def reissue_trainer_key(self, code: object) -> str:
        """Give cohort ``code`` a new trainer key and return it; the old key stops working.

        Only a one-way hash of a key is kept, so a lost key cannot be shown again: whoever
        can open the store itself (as ``recovery-capital cohort key --reissue`` does) may
        make a new one. The practice cohort's key stays unknowable.

        >>> store = Store("sqlite://")
        >>> cohort = store.create_cohort("Spring 2027")
        >>> new = store.reissue_trainer_key(cohort.code)
        >>> store.verify_trainer_key(cohort.code, new)
        True
        >>> store.verify_trainer_key(cohort.code, cohort.trainer_key)
        False
        """
        cohort_id = self._cohort_id(code)
        if keys.normalise_code(code) == self.PRACTICE_CODE:
            raise UnknownCohort("The practice cohort has no trainer key to give out.")
        trainer_key = keys.new_trainer_key()
        digest = keys.hash_key(trainer_key)
        self._write(
            lambda conn: conn.execute(
                update(Cohort).where(Cohort.id == cohort_id).values(trainer_key_hash=digest)
            )
        )
        return trainer_key

    def cohorts(self) -> list[CohortInfo]:
        """Every cohort, oldest first, with how many participants and submissions it has.

        >>> store = Store("sqlite://")
        >>> _ = store.create_cohort("Spring 2027")
        >>> [(c.name, c.participants) for c in store.cohorts()]
        [('Spring 2027', 0)]
        """
        return self._read(lambda conn: queries.cohort_infos(conn, None))

    def cohort(self, code: object) -> CohortInfo:
        """One cohort's name, creation time and counts.

        >>> store = Store("sqlite://")
        >>> store.cohort(store.create_cohort("Spring 2027").code).name
        'Spring 2027'
        """
        cohort_id = self._cohort_id(code)
        return self._read(lambda conn: queries.cohort_infos(conn, cohort_id))[0]

    # ------------------------------------------------------------------ participants

    def join(self, code: object, handle: str | None = None) -> str:
        """Join cohort ``code`` as ``handle`` (or a generated one); returns the handle to use.

        Joining again with the same handle, in any letter case, is the same participant, so a
        trainee who comes back finds their answers.

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> store.join(code, "Sam") == store.join(code, "sam")
        True
        >>> store.join(code).count("-")        # generated, e.g. "otter-37"
        1
        """
        cohort_id = self._cohort_id(code)
        if handle is not None:
            chosen = validate_handle(handle)
            result = self._write(
                lambda conn: self._participant(conn, cohort_id, chosen, create=True)
            )
            assert result is not None  # create=True always yields a participant
            return result[1]
        return self._write(lambda conn: self._join_generated(conn, cohort_id))

    def _join_generated(
        self, conn: Connection, cohort_id: int, secret_digest: str | None = None
    ) -> str:
        taken = set(
            conn.execute(
                select(Participant.handle_key).where(Participant.cohort_id == cohort_id)
            ).scalars()
        )
        for attempt in range(200):
            candidate = generate_handle()
            if attempt >= 50:  # a very large cohort: widen the numbers
                candidate = f"{candidate.split('-')[0]}-{100 + attempt * 37 % 9900}"
            if handle_key(candidate) in taken:
                continue
            insert = (
                self._insert(Participant)
                .values(
                    cohort_id=cohort_id,
                    handle=candidate,
                    handle_key=handle_key(candidate),
                    secret_hash=secret_digest,
                    created_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=["cohort_id", "handle_key"])
                .returning(Participant.id)
            )
            if conn.execute(insert).scalar() is not None:
                return candidate
            taken.add(handle_key(candidate))
        raise StoreUnavailable("Couldn't find a free handle; please choose one yourself.")

    # ------------------------------------------------------------------ personal links

    def enrol(self, code: object, handle: str | None = None) -> Membership:
        """A new participant in cohort ``code`` with a personal secret: how a trainee joins.

        The secret (``.secret``) goes in the trainee's personal link; it is the only key to
        their answers (:meth:`identify`). Without ``handle`` they are given a made-up one.
        A chosen ``handle`` is allowed only where the cohort allows chosen handles, must not
        look like a name or e-mail address, and must not be taken: joining never hands
        anyone an existing participant. Refused with :class:`JoinRefused` when the trainer
        has closed the cohort to new joiners, or when more than
        :data:`JOINS_PER_COHORT_PER_MINUTE` people joined it in the last minute.

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> place = store.enrol(code)
        >>> store.identify(code, place.secret) == place.handle
        True
        >>> store.enrol(code, "Sam-7")
        Traceback (most recent call last):
        ...
        recovery_capital.store.errors.InvalidHandle: In this cohort everyone is given a \
made-up handle, so there is no need to choose one: leave the handle empty.
        """
        cohort_id = self._cohort_id(code)
        normalised = keys.normalise_code(code)
        chosen = None if handle is None or not str(handle).strip() else handle
        secret = keys.new_secret()
        digest = keys.secret_hash(secret)

        def work(conn: Connection) -> str:
            settings = conn.execute(
                select(Cohort.joins_open, Cohort.chosen_handles).where(Cohort.id == cohort_id)
            ).one()
            if not settings.joins_open:
                raise JoinRefused(
                    f"Cohort {keys.show_code(normalised)} is closed to new joiners. If you "
                    "joined before, open your personal link; otherwise ask your trainer."
                )
            since = utcnow().timestamp() - 60
            recent = conn.execute(
                select(Participant.created_at)
                .where(Participant.cohort_id == cohort_id)
                .order_by(Participant.id.desc())
                .limit(JOINS_PER_COHORT_PER_MINUTE)
            ).scalars()
            times = [as_utc(moment).timestamp() for moment in recent]
            if len(times) >= JOINS_PER_COHORT_PER_MINUTE and min(times) > since:
                raise JoinRefused(
                    "A lot of people are joining this cohort at once. Please wait a minute "
                    "and try again."
                )
            if chosen is None:
                picked = self._join_generated(conn, cohort_id, digest)
                return picked
            if not settings.chosen_handles:
                raise InvalidHandle(
                    "In this cohort everyone is given a made-up handle, so there is no need "
                    "to choose one: leave the handle empty."
                )
            cleaned = check_chosen_handle(chosen)
            new_id = conn.execute(
                self._sql.add_participant,
                {
                    "cohort_id": cohort_id,
                    "handle_key": handle_key(cleaned),
                    "handle": cleaned,
                    "secret_hash": digest,
                    "created_at": utcnow(),
                },
            ).scalar()
            if new_id is None:
                raise InvalidHandle(
                    f"Someone in this cohort already uses the handle {cleaned!r}. Please "
                    "choose another, or leave it empty to be given one."
                )
            return cleaned

        return Membership(cohort=normalised, handle=self._write(work), secret=secret)

    def identify(self, code: object, secret: object) -> str:
        """The handle whose personal secret ``secret`` is, in cohort ``code``.

        Raises :class:`UnknownParticipant` for a secret that is wrong, malformed, replaced
        (:meth:`reissue_link`) or erased, with one message for all of them.

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> store.identify(code, "x" * 24)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        recovery_capital.store.errors.UnknownParticipant: This personal link doesn't open ...
        """
        cohort_id = self._cohort_id(code)
        found = self._read(lambda conn: self._by_secret(conn, cohort_id, secret))
        if found is None:
            raise UnknownParticipant(_LINK_REFUSED.format(code=keys.normalise_code(code)))
        return found[1]

    def _by_secret(self, conn: Connection, cohort_id: int, secret: object) -> Any:
        digest = keys.secret_hash(secret)
        if digest is None:
            return None
        return conn.execute(
            self._sql.find_by_secret, {"cohort_id": cohort_id, "secret_hash": digest}
        ).first()

    def reissue_link(self, code: object, handle: str) -> str:
        """Give ``handle`` a new personal secret and return it; their old link stops working.

        For a trainee who lost their link, or joined before links carried a secret.

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> old = store.enrol(code)
        >>> new = store.reissue_link(code, old.handle)
        >>> store.identify(code, new) == old.handle
        True
        """
        cohort_id = self._cohort_id(code)
        chosen = validate_handle(handle)
        secret = keys.new_secret()

        def work(conn: Connection) -> None:
            changed = conn.execute(
                update(Participant)
                .where(
                    Participant.cohort_id == cohort_id,
                    Participant.handle_key == handle_key(chosen),
                )
                .values(secret_hash=keys.secret_hash(secret))
            )
            if changed.rowcount == 0:
                raise UnknownParticipant(
                    f"Nobody with the handle {chosen!r} has joined cohort "
                    f"{keys.normalise_code(code)}."
                )

        self._write(work)
        return secret

    def set_joins_open(self, code: object, joins_open: bool) -> None:
        """Open or close cohort ``code`` to new joiners (people already in it keep working).

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> store.set_joins_open(code, False)
        >>> store.cohort(code).joins_open
        False
        """
        flag = _check_flag(joins_open, "joins_open")
        if flag is None:
            raise InvalidInput("joins_open must be True or False (got None).")
        cohort_id = self._cohort_id(code)
        self._write(
            lambda conn: conn.execute(
                update(Cohort).where(Cohort.id == cohort_id).values(joins_open=flag)
            )
        )

    def participants(self, code: object) -> list[str]:
        """The handles in cohort ``code``, in the order they joined.

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> _ = store.join(code, "wren-3"), store.join(code, "Sam")
        >>> store.participants(code)
        ['wren-3', 'Sam']
        """
        cohort_id = self._cohort_id(code)
        return self._read(
            lambda conn: list(
                conn.execute(
                    select(Participant.handle)
                    .where(Participant.cohort_id == cohort_id)
                    .order_by(Participant.id)
                ).scalars()
            )
        )

    def erase_participant(self, code: object, handle: str) -> int:
        """Erase a participant: every draft and submission, and the participant record.

        Returns how many answer rows (drafts and submissions) were removed; :meth:`erase`
        also says where the data was looked for afterwards.

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> _ = store.submit(code, "fox-12", "m1-quiz", {"q1": "a"})
        >>> store.erase_participant(code, "fox-12"), store.participants(code)
        (1, [])
        """
        return self.erase(code, handle).rows_removed

    def erase(self, code: object, handle: str, *, wait: float = 5.0) -> ErasureReport:
        """Erase a participant and report where their data no longer is.

        The rows go in one transaction, which also removes the secret, so a page still open
        on their personal link can't save again (it is told the link no longer opens a place).
        SQLite overwrites freed space (``secure_delete``) and its write-ahead log is
        checkpointed and truncated, waiting up to ``wait`` seconds for programs that are
        reading; the database and log files are then searched for the erased text. If another
        program keeps a read open, the report says the log still holds copies (run
        :meth:`verify_erasure` again later). PostgreSQL vacuums the tables.

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> _ = store.submit(code, "fox-12", "m1-quiz", {"q1": "a"}, text="Mine")
        >>> report = store.erase(code, "fox-12")
        >>> report.rows_removed, report.complete
        (1, True)
        """
        cohort_id = self._cohort_id(code)
        chosen = validate_handle(handle)

        def work(conn: Connection) -> tuple[int, list[str]]:
            found = self._participant(conn, cohort_id, chosen, create=False)
            if found is None:
                raise UnknownParticipant(
                    f"Nobody with the handle {chosen!r} has joined cohort "
                    f"{keys.normalise_code(code)}."
                )
            traces = [found[1]]
            for text, answers in conn.execute(
                select(Submission.text, Submission.answers).where(
                    Submission.participant_id == found[0]
                )
            ):
                traces.extend(_traces(text))
                traces.extend(_traces(answers))
            removed = conn.execute(delete(Submission).where(Submission.participant_id == found[0]))
            conn.execute(delete(Participant).where(Participant.id == found[0]))
            return removed.rowcount, traces

        removed, traces = self._write(work)
        self._participant_ids.pop((cohort_id, handle_key(chosen)), None)
        places = [("database rows", True, "no answers or participant record left")]
        places.extend(self._scrub(wait, traces))
        report = ErasureReport(keys.normalise_code(code), chosen, removed, tuple(places))
        if not report.complete:
            log.warning("an erasure is not complete yet: %s", "; ".join(
                detail for _place, clean, detail in report.places if not clean
            ))  # fmt: skip
        return report

    def verify_erasure(
        self, code: object, handle: str, *, wait: float = 5.0, traces: tuple[str, ...] = ()
    ) -> ErasureReport:
        """Check that ``handle`` is gone from cohort ``code``: rows, database file and log.

        The files are searched for the handle and for ``traces`` (text that was erased).

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> store.verify_erasure(code, "fox-12").complete
        True
        """
        cohort_id = self._cohort_id(code)
        chosen = validate_handle(handle)

        def count(conn: Connection) -> int:
            found = self._participant(conn, cohort_id, chosen, create=False)
            if found is None:
                return -1
            return conn.execute(
                select(func.count()).where(Submission.participant_id == found[0])
            ).scalar_one()

        rows = self._read(count)
        if rows >= 0:
            places = [("database rows", False, f"{chosen} is still in the cohort, with {rows} "
                       "answer rows: erase them first")]  # fmt: skip
        else:
            places = [("database rows", True, "no answers or participant record left")]
        places.extend(self._scrub(wait, [chosen, *traces]))
        return ErasureReport(keys.normalise_code(code), chosen, 0, tuple(places))

    def _scrub(self, wait: float, traces: list[str]) -> list[tuple[str, bool, str]]:
        """Push erased data out of the places it lingers after a DELETE, and check them."""
        if self._engine.dialect.name != "sqlite":
            try:
                autocommit = self._engine.execution_options(isolation_level="AUTOCOMMIT")
                with autocommit.connect() as conn:
                    conn.exec_driver_sql("VACUUM submissions, participants")
            except Exception as exc:  # the erase itself is committed; say what is left
                return [("database storage", False, f"VACUUM failed ({type(exc).__name__}): "
                         "old row versions stay on disk until PostgreSQL vacuums")]  # fmt: skip
            return [(
                "database storage", True,
                "tables vacuumed; PostgreSQL's own write-ahead log and backups are outside "
                "this program and age out on their own schedule",
            )]  # fmt: skip
        if not is_sqlite_file(self.url):
            return []
        checkpoint = self._checkpoint(wait)
        database = Path(str(self.url.database))
        wal = Path(f"{database}-wal")
        places = [checkpoint]
        for place, path in (("database file", database), ("write-ahead log", wal)):
            found = _file_holds(path, traces)
            places.append(
                (place, not found, f"{path}: " + ("still holds erased text" if found else
                                                  "no erased text found"))
            )  # fmt: skip
        return places

    def _checkpoint(self, wait: float) -> tuple[str, bool, str]:
        """Checkpoint and truncate the SQLite log, checking that it really happened."""
        deadline = time.monotonic() + wait
        result: tuple[int, int, int] | None = None
        try:
            with self._engine.connect() as conn:
                raw = conn.connection.driver_connection
                raw.execute(f"PRAGMA busy_timeout = {max(int(wait * 1000) // 5, 50)}")
                try:
                    while True:
                        result = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                        if result is None or result[0] == 0 or time.monotonic() >= deadline:
                            break
                        time.sleep(0.1)
                finally:
                    raw.execute("PRAGMA busy_timeout = 10000")
        except Exception as exc:
            return ("log checkpoint", False, f"the checkpoint failed ({type(exc).__name__})")
        if result is not None and result[0] != 0:
            return (
                "log checkpoint", False,
                "another program is reading the store, so its write-ahead log could not be "
                "emptied; copies stay there until it finishes. Run verify-erasure again once "
                "the course server is idle or stopped",
            )  # fmt: skip
        return ("log checkpoint", True, "write-ahead log checkpointed and emptied")

    # ------------------------------------------------------------------ answers

    def save_draft(
        self,
        code: object,
        handle: str,
        activity_id: str,
        answers: Mapping[str, Any],
        request_id: str | None = None,
        *,
        text: str | None = None,
        shareable: bool | None = None,
        secret: str | None = None,
    ) -> int:
        """Save work in progress (called on every change); returns the draft's id.

        Older drafts of the same activity by the same person are removed in the same step.
        With ``secret`` (a trainee's page always passes it) the participant is the one that
        secret opens, and nothing is saved if it opens none (:class:`UnknownParticipant`:
        erased, or their link was reissued); without it, ``handle`` is looked up or added.

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> first = store.save_draft(code, "fox-12", "m3-ruler", {"importance": 6})
        >>> second = store.save_draft(code, "fox-12", "m3-ruler", {"importance": 7})
        >>> store.latest(code, "fox-12", "m3-ruler").answers
        {'importance': 7}
        """
        return self._save(
            code,
            handle,
            activity_id,
            answers,
            kind="draft",
            request_id=request_id,
            text=text,
            shareable=shareable,
            secret=secret,
        )

    def submit(
        self,
        code: object,
        handle: str,
        activity_id: str,
        answers: Mapping[str, Any],
        scores: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        text: str | None = None,
        *,
        result: Scored | None = None,
        shareable: bool | None = None,
        secret: str | None = None,
    ) -> int:
        """Store a submission; returns its id (the first one's, for a repeated request id).

        ``result`` is the questionnaire's score, made by the caller with
        :func:`recovery_capital.score` (the store stores scores; it does not compute them): its
        instrument and version get their own columns and the rest of ``result.to_dict()``
        (``scales``, ``band``, ``bands``, ``missing``, ``warnings``, ...; not the answers) is
        stored as the scores, in place of any ``scores`` given. ``text`` is free text for the
        trainer's moderation list;
        ``shareable`` (default: ``answers["shareable"]`` if it is True, else False) is the
        trainee's own choice whether the trainer may show it to the group. ``secret``
        works as for :meth:`save_draft`.

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> from recovery_capital import score
        >>> answers = {f"q{i}": 5 for i in range(1, 11)}
        >>> scored = score("barc10", answers)
        >>> sid = store.submit(code, "fox-12", "m2-barc10", answers, result=scored)
        >>> store.latest(code, "fox-12", "m2-barc10").scores["scales"]
        {'total': 50.0}
        """
        return self._save(
            code,
            handle,
            activity_id,
            answers,
            kind="submission",
            request_id=request_id,
            text=text,
            shareable=shareable,
            scores=scores,
            result=result,
            secret=secret,
        )

    def _save(
        self,
        code: object,
        handle: str,
        activity_id: str,
        answers: Mapping[str, Any],
        *,
        kind: str,
        request_id: str | None,
        text: str | None,
        shareable: bool | None,
        scores: Mapping[str, Any] | None = None,
        result: Scored | None = None,
        secret: str | None = None,
    ) -> int:
        cohort_id = self._cohort_id(code)
        chosen = validate_handle(handle)
        values: dict[str, Any] = {
            "cohort_id": cohort_id,
            "activity_id": check_activity_id(activity_id),
            "kind": kind,
            "answers": check_answers(answers),
            "request_id": check_request_id(request_id),
            "instrument": check_label(result and result.instrument, "instrument id"),
            "instrument_version": check_version(result and result.version),
        }
        free_text = check_text(text)
        shared = _check_flag(shareable, "shareable")
        if shared is None:
            shared = values["answers"].get("shareable") is True
        values.update(text=free_text, shareable=shared)
        values["moderation"] = "pending" if free_text is not None and kind == "submission" else None
        if result is not None:  # the answers, instrument and version have their own columns
            computed = result.to_dict()
            kept = {k: v for k, v in computed.items() if k not in _SCORE_KEYS_STORED_ELSEWHERE}
            values["scores"] = check_scores(kept) or {}
        else:
            values["scores"] = check_scores(scores)

        cache_key = (cohort_id, handle_key(chosen))
        by_secret = secret is not None

        def work(conn: Connection) -> tuple[int, tuple[int, str]]:
            if by_secret:  # looked up every time: a reissued or erased link stops at once
                cached = None
                row = self._by_secret(conn, cohort_id, secret)
                if row is None:
                    raise UnknownParticipant(_LINK_REFUSED.format(code=keys.normalise_code(code)))
                found: tuple[int, str] | None = (row.id, row.handle)
            else:
                cached = self._participant_ids.get(cache_key)
                found = cached or self._participant(conn, cohort_id, chosen, create=True)
            assert found is not None  # create=True always yields a participant
            row = {**values, "participant_id": found[0], "created_at": utcnow()}
            once = row["request_id"] is not None
            try:
                new_id = conn.execute(
                    self._sql.add_submission_once if once else self._sql.add_submission, row
                ).scalar()
            except IntegrityError:
                if cached is None:
                    raise
                raise _StaleParticipant from None  # erased elsewhere since we cached it
            if new_id is None:  # this request was stored before: hand back that row
                return conn.execute(self._sql.find_request, row).scalar_one(), found
            prune = {"participant_id": found[0], "activity_id": row["activity_id"]}
            conn.execute(self._sql.prune_drafts, {**prune, "before_id": new_id})
            return new_id, found

        try:
            submission_id, participant = self._write(work)
        except _StaleParticipant:
            self._participant_ids.pop(cache_key, None)
            submission_id, participant = self._write(work)
        if not by_secret:
            self._participant_ids[cache_key] = participant
        return submission_id

    def latest(
        self, code: object, handle: str, activity_id: str, *, secret: str | None = None
    ) -> Latest | None:
        """The newest draft or submission of ``handle`` for ``activity_id``, or None.

        With ``secret``, of the participant that secret opens (None if it opens none).

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> store.latest(code, "fox-12", "m1-quiz") is None
        True
        """
        cohort_id = self._cohort_id(code)
        parameters = {
            "cohort_id": cohort_id,
            "handle_key": handle_key(validate_handle(handle)),
            "activity_id": check_activity_id(activity_id),
        }
        statement = self._sql.latest
        if secret is not None:
            digest = keys.secret_hash(secret)
            if digest is None:
                return None
            parameters["secret_hash"] = digest
            statement = self._sql.latest_by_secret
        row = self._read(lambda conn: conn.execute(statement, parameters).first())
        if row is None:
            return None
        return Latest(
            id=row.id,
            answers=row.answers,
            scores=row.scores,
            submitted=row.kind == "submission",
            time=as_utc(row.created_at),
            text=row.text,
            shareable=row.shareable,
            instrument=row.instrument,
            instrument_version=row.instrument_version,
        )

    # ------------------------------------------------------------------ trainer views

    def responses(
        self,
        code: object,
        activity_id: str | None = None,
        *,
        include_drafts: bool = False,
        latest_only: bool = False,
        flat: bool = False,
    ) -> pd.DataFrame:
        """The cohort's submissions as a DataFrame, one row each, oldest first.

        Columns: ``submission_id, handle, activity_id, kind, time, instrument,
        instrument_version, answers, scores, text, shareable, moderation`` (``answers`` and
        ``scores`` hold dicts). ``latest_only`` keeps each person's newest row per activity;
        ``flat`` spreads answers and scores into ``answer.<id>`` / ``score.<...>`` columns.

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> _ = store.submit(code, "fox-12", "m5-poll", {"choice": "b"})
        >>> _ = store.submit(code, "fox-12", "m5-poll", {"choice": "c"})
        >>> store.responses(code, "m5-poll", latest_only=True, flat=True)["answer.choice"].tolist()
        ['c']
        """
        from .frames import responses_frame

        cohort_id = self._cohort_id(code)
        activity = None if activity_id is None else check_activity_id(activity_id)
        rows = self._read(
            lambda conn: queries.submission_rows(
                conn, cohort_id, activity, include_drafts=include_drafts, latest_only=latest_only
            )
        )
        return responses_frame(rows, flat=flat)

    def cohort_summary(self, code: object) -> pd.DataFrame:
        """Per activity: how many people submitted, how many submissions, who is drafting.

        Columns: ``activity_id, participants, submissions, drafting, last_submission, opened,
        revealed``; ``frame.attrs["participants"]`` is the number who joined the cohort.

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> _ = store.submit(code, "fox-12", "m5-poll", {"choice": "b"})
        >>> _ = store.save_draft(code, "wren-3", "m5-poll", {"choice": "a"})
        >>> summary = store.cohort_summary(code)
        >>> summary[["activity_id", "participants", "submissions", "drafting"]].values.tolist()
        [['m5-poll', 1, 1, 1]]
        >>> summary.attrs["participants"]
        2
        """
        from .frames import summary_frame

        cohort_id = self._cohort_id(code)
        return summary_frame(*self._read(lambda conn: queries.summary_counts(conn, cohort_id)))

    def free_text(
        self,
        code: object,
        state: str | None = None,
        *,
        activity_id: str | None = None,
        latest_only: bool = True,
    ) -> list[FreeText]:
        """Submitted free text for moderation, oldest first; filter by ``state`` if given.

        ``latest_only`` (default) keeps each person's newest text per activity. The text is
        exactly as typed: escape it (``html.escape``) before showing it.

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> _ = store.submit(code, "fox-12", "m6-reflection", {"shareable": True},
        ...                  text="Listening first")
        >>> [(t.handle, t.text, t.state) for t in store.free_text(code, "pending")]
        [('fox-12', 'Listening first', 'pending')]
        """
        if state is not None and state not in MODERATION_STATES:
            raise InvalidInput(
                f"A moderation state is one of {', '.join(MODERATION_STATES)} (got {state!r})."
            )
        cohort_id = self._cohort_id(code)
        activity = None if activity_id is None else check_activity_id(activity_id)
        rows = self._read(
            lambda conn: queries.submission_rows(
                conn,
                cohort_id,
                activity,
                include_drafts=False,
                latest_only=latest_only,
                text_only=True,
            )
        )
        return [
            FreeText(
                submission_id=s.id,
                handle=s.handle,
                activity_id=s.activity_id,
                text=s.text,
                shareable=s.shareable,
                state=s.moderation,
                time=as_utc(s.created_at),
            )
            for s in rows
            if state is None or s.moderation == state
        ]

    def moderate(self, submission_id: int, state: str, *, code: object = None) -> None:
        """Set the moderation state of a submission's free text: hidden, approved or pending.

        Text the trainee chose not to share can't be approved for the group. With ``code``,
        the submission must belong to that cohort (a dashboard should always pass it).

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> sid = store.submit(code, "fox-12", "m6-reflection", {}, text="Mine", shareable=True)
        >>> store.moderate(sid, "approved", code=code)
        >>> store.free_text(code)[0].state
        'approved'
        """
        if state not in MODERATION_STATES:
            raise InvalidInput(
                f"A moderation state is one of {', '.join(MODERATION_STATES)} (got {state!r})."
            )
        if isinstance(submission_id, bool) or not isinstance(submission_id, int):
            raise InvalidInput(f"A submission id is a whole number (got {submission_id!r}).")
        cohort_id = None if code is None else self._cohort_id(code)

        def work(conn: Connection) -> None:
            row = conn.execute(
                select(
                    Submission.cohort_id, Submission.text, Submission.shareable, Submission.kind
                ).where(Submission.id == submission_id)
            ).first()
            if row is None or (cohort_id is not None and row.cohort_id != cohort_id):
                raise UnknownSubmission(
                    f"There is no submission {submission_id} in this cohort (it may have been "
                    "erased)."
                )
            if row.text is None or row.kind != "submission":
                raise InvalidInput(f"Submission {submission_id} has no free text to moderate.")
            if state == "approved" and not row.shareable:
                raise InvalidInput(
                    "This person chose not to share this text with the group, so it can't be "
                    "approved for display."
                )
            conn.execute(
                update(Submission).where(Submission.id == submission_id).values(moderation=state)
            )

        self._write(work)

    # ------------------------------------------------------------------ live activities

    def set_activity_state(
        self,
        code: object,
        activity_id: str,
        opened: bool | None = None,
        revealed: bool | None = None,
    ) -> ActivityState:
        """Open/close a live activity and reveal/hide its group results; returns the state.

        Only the flags given change.

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> store.set_activity_state(code, "m5-poll", opened=True).opened
        True
        >>> state = store.set_activity_state(code, "m5-poll", revealed=True)
        >>> state.opened, state.revealed
        (True, True)
        """
        cohort_id = self._cohort_id(code)
        activity = check_activity_id(activity_id)
        changes = {
            name: flag
            for name, flag in (
                ("opened", _check_flag(opened, "opened")),
                ("revealed", _check_flag(revealed, "revealed")),
            )
            if flag is not None
        }
        if not changes:
            return self.activity_state(code, activity)
        now = utcnow()
        upsert = (
            self._insert(ActivityStateRow)
            .values(
                cohort_id=cohort_id,
                activity_id=activity,
                opened=False,
                revealed=False,
                updated_at=now,
            )
            .values(**changes)
        )
        upsert = upsert.on_conflict_do_update(
            index_elements=["cohort_id", "activity_id"], set_={**changes, "updated_at": now}
        ).returning(ActivityStateRow.opened, ActivityStateRow.revealed, ActivityStateRow.updated_at)
        row = self._write(lambda conn: conn.execute(upsert).one())
        return ActivityState(opened=bool(row[0]), revealed=bool(row[1]), updated=as_utc(row[2]))

    def activity_state(self, code: object, activity_id: str) -> ActivityState:
        """Whether a live activity is open and its results revealed (both False at first).

        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> store.activity_state(code, "m5-poll")
        ActivityState(opened=False, revealed=False, updated=None)
        """
        cohort_id = self._cohort_id(code)
        activity = check_activity_id(activity_id)
        row = self._read(
            lambda conn: conn.execute(
                select(
                    ActivityStateRow.opened, ActivityStateRow.revealed, ActivityStateRow.updated_at
                ).where(
                    ActivityStateRow.cohort_id == cohort_id,
                    ActivityStateRow.activity_id == activity,
                )
            ).first()
        )
        if row is None:
            return ActivityState(opened=False, revealed=False, updated=None)
        return ActivityState(opened=bool(row[0]), revealed=bool(row[1]), updated=as_utc(row[2]))

    # ------------------------------------------------------------------ export

    def export(self, code: object, path: str | Path, *, include_drafts: bool = False) -> int:
        """Write the cohort's submissions to ``path`` (.csv or .xlsx); returns the row count.

        Answers and scores become one column each (``answer.q1``, ``score.scales.total``);
        text that a spreadsheet would run as a formula is written as plain text.

        >>> import os, tempfile
        >>> store = Store("sqlite://")
        >>> code = store.create_cohort("Spring 2027").code
        >>> _ = store.submit(code, "fox-12", "m5-poll", {"choice": "b"})
        >>> store.export(code, os.path.join(tempfile.mkdtemp(), "session.csv"))
        1
        """
        from .exporting import check_export_path, write_table

        target = check_export_path(path)
        normalised = keys.normalise_code(code)
        frame = self.responses(normalised, include_drafts=include_drafts, flat=True)
        frame.insert(0, "cohort", normalised)
        write_table(frame, target)
        return len(frame)


def _traces(value: Any) -> list[str]:
    """The texts inside a stored value worth searching the files for after an erase."""
    if isinstance(value, str):
        return [value] if len(value.strip()) >= 4 else []
    if isinstance(value, dict):
        return [t for item in value.values() for t in _traces(item)]
    if isinstance(value, list):
        return [t for item in value for t in _traces(item)]
    return []


def _file_holds(path: Path, traces: list[str]) -> bool:
    """Whether the file at ``path`` contains any of ``traces`` (as SQLite stores text)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    for trace in traces:
        needle = trace.encode("utf-8", "surrogatepass")
        if needle and needle in data:
            return True
        quoted = json.dumps(trace)[1:-1].encode("utf-8", "surrogatepass")  # inside JSON answers
        if quoted and quoted in data:
            return True
    return False
