"""Measure the response store: submit latency under 30 concurrent writers, and summary reads.

Usage::

    .venv/bin/python benchmarks/store_benchmark.py [--postgres URL] [--processes 30]
                                                   [--submissions 50] [--think-ms 200]

For each back-end (a fresh SQLite file; PostgreSQL in a throw-away schema when reachable) it
prints:

* **stress**: every writer process submits back to back with no pause, the worst case;
* **workshop pace**: all writers start together, then pause a random 0-2 x ``--think-ms``
  between submissions, closer to trainees clicking;
* **summary**: time for ``cohort_summary`` (and ``responses``) of a 30-person cohort with 20
  activities answered, read through a fresh store as a dashboard refresh does.

Each writer is its own process with its own ``Store``, as each Voila kernel is. Targets from the
issue: p95 submit under 50 ms on SQLite, summary under 100 ms.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recovery_capital.store import Store  # noqa: E402

DEFAULT_POSTGRES = os.environ.get(
    "RECOVERY_CAPITAL_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FORK = multiprocessing.get_context("fork")


def _writer(url: str, code: str, index: int, submissions: int, think: float, barrier, results):
    store = Store(url, retry_for=120)
    store.join(code, f"writer-{index}")
    rng = random.Random(index)
    latencies = []
    barrier.wait(timeout=120)
    for number in range(submissions):
        started = time.perf_counter()
        store.submit(code, f"writer-{index}", f"m0-activity-{number % 10}",
                     {"q1": rng.randint(1, 6), "q2": "some answer", "number": number},
                     request_id=f"{index}-{number}")  # fmt: skip
        latencies.append(time.perf_counter() - started)
        if think:
            time.sleep(rng.uniform(0, 2 * think))
    results.put(latencies)


def measure_submits(url: str, processes: int, submissions: int, think: float) -> dict[str, float]:
    """Latency percentiles (ms) of every submit made by ``processes`` concurrent writers."""
    setup = Store(url)
    code = setup.create_cohort("Benchmark").code
    setup.close()
    barrier, results = FORK.Barrier(processes), FORK.Queue()
    workers = [
        FORK.Process(target=_writer, args=(url, code, i, submissions, think, barrier, results))
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    started = time.perf_counter()
    latencies = sorted(x for _ in workers for x in results.get(timeout=600))
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    stored = len(Store(url).responses(code))
    if stored != processes * submissions:
        raise SystemExit(f"expected {processes * submissions} rows, found {stored}")

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

    return {
        "p50": percentile(0.50),
        "p95": percentile(0.95),
        "p99": percentile(0.99),
        "max": latencies[-1] * 1000,
        "rate": len(latencies) / elapsed,
    }


def measure_summary(url: str, people: int = 30, activities: int = 20) -> dict[str, float]:
    """Milliseconds to read a ``people``-person cohort's summary and responses."""
    store = Store(url)
    code = store.create_cohort("Summary benchmark").code
    for person in range(people):
        handle = store.join(code, f"person-{person}")
        for activity in range(activities):
            answers = {f"q{i}": (person + i) % 6 + 1 for i in range(1, 11)}
            store.submit(code, handle, f"m{activity // 4}-activity-{activity}", answers,
                         scores={"scales": {"total": sum(answers.values())}})  # fmt: skip
        store.save_draft(code, handle, "m9-reflection", {"draft": "thinking..."})
    store.close()

    dashboard = Store(url)  # what a dashboard kernel does: its own store, reading repeatedly
    timings: dict[str, list[float]] = {"summary": [], "responses": []}
    for _ in range(21):
        started = time.perf_counter()
        summary = dashboard.cohort_summary(code)
        timings["summary"].append(time.perf_counter() - started)
        started = time.perf_counter()
        dashboard.responses(code, latest_only=True)
        timings["responses"].append(time.perf_counter() - started)
    assert len(summary) == activities + 1 and summary.attrs["participants"] == people
    return {
        "summary first": timings["summary"][0] * 1000,
        "summary median": statistics.median(timings["summary"][1:]) * 1000,
        "responses median": statistics.median(timings["responses"][1:]) * 1000,
    }


@contextmanager
def sqlite_store() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="rc-store-bench-") as folder:
        yield f"sqlite:///{folder}/store.sqlite3"


@contextmanager
def postgres_store(url: str) -> Iterator[str | None]:
    """A URL for a throw-away schema, or None when the server can't be reached."""
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    schema = f"rc_bench_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.Error as exc:
        print(f"PostgreSQL at {url} unreachable, skipped: {exc}".strip())
        yield None
        return
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def report(backend: str, url: str, args: argparse.Namespace) -> None:
    scenarios = (("stress (no pause)", 0.0), (f"workshop pace (~{args.think_ms} ms)",
                                               args.think_ms / 1000))  # fmt: skip
    for name, think in scenarios:
        figures = measure_submits(url, args.processes, args.submissions, think)
        print(
            f"{backend:<10} submit, {args.processes} writers x {args.submissions}, {name:<26} "
            f"p50 {figures['p50']:6.1f} ms  p95 {figures['p95']:6.1f} ms  "
            f"p99 {figures['p99']:6.1f} ms  max {figures['max']:7.1f} ms  "
            f"({figures['rate']:.0f} submits/s)"
        )
    summary = measure_summary(url)
    print(
        f"{backend:<10} 30-person cohort, 20 activities: cohort_summary first "
        f"{summary['summary first']:.1f} ms, median {summary['summary median']:.1f} ms; "
        f"responses(latest_only) median {summary['responses median']:.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="PostgreSQL URL to use")
    parser.add_argument("--processes", type=int, default=30)
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--think-ms", type=int, default=200)
    args = parser.parse_args(argv)
    print(
        f"{os.cpu_count()} CPU cores; Python {sys.version.split()[0]}; load average before: "
        + " ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    with sqlite_store() as url:
        report("SQLite", url, args)
    with postgres_store(args.postgres) as url:
        if url is not None:
            report("PostgreSQL", url, args)
    print("load average after: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
