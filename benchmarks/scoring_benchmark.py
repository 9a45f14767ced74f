"""Measure score_frame on 1,000,000 respondents against score() called row by row.

Prints seconds, peak memory (tracemalloc, numpy/pandas allocations included) and the speed-up
over a row loop timed on a 10,000-row sample and scaled up. Also times a cold
``python -c "import recovery_capital"``. Run:  .venv/bin/python benchmarks/scoring_benchmark.py
Targets (issue #2): 1M BARC-10 rows in under 0.5 s, at least 100x faster than the row loop;
import under 0.3 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

import recovery_capital as rc


def make_frame(instrument_id: str, rows: int, seed: int = 1) -> pd.DataFrame:
    inst = rc.load_instrument(instrument_id)
    rng = np.random.default_rng(seed)
    columns = {
        item.id: rng.choice(np.array(item.allowed_values, dtype=np.int64), rows)
        for item in inst.items
    }
    return pd.DataFrame(columns)


def time_frame(instrument_id: str, frame: pd.DataFrame, repeats: int = 3) -> tuple[float, float]:
    rc.score_frame(instrument_id, frame.head(10))  # load and cache the definition
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        rc.score_frame(instrument_id, frame)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    rc.score_frame(instrument_id, frame)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak / 2**20


def time_row_loop(instrument_id: str, frame: pd.DataFrame) -> float:
    records = frame.to_dict("records")
    start = time.perf_counter()
    for record in records:
        rc.score(instrument_id, record)
    return time.perf_counter() - start


def import_time(repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import recovery_capital"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    args = parser.parse_args()
    print(f"score_frame over {args.rows:,} rows (best of 3); row loop on {args.sample:,} rows")
    for instrument_id in ("barc10", "urica"):
        frame = make_frame(instrument_id, args.rows)
        seconds, peak_mb = time_frame(instrument_id, frame)
        loop = time_row_loop(instrument_id, frame.head(args.sample))
        scaled = loop * args.rows / args.sample
        print(
            f"  {instrument_id:7s} score_frame {seconds:6.3f} s   peak {peak_mb:7.1f} MiB   "
            f"row loop (scaled) {scaled:8.1f} s   speed-up {scaled / seconds:7.0f}x"
        )
    seconds = import_time()
    print(f"  python -c 'import recovery_capital' (whole process, median of 5): {seconds:.3f} s")
    bare = statistics.median([_timed([sys.executable, "-c", "pass"]) for _ in range(5)])
    print(f"  bare interpreter start-up for comparison: {bare:.3f} s")


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
