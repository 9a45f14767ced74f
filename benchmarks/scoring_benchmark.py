"""Measure score_frame on 1,000,000 respondents, numbers and labels, against a bare NumPy floor.

For BARC-10 and URICA it times, best of five taken in turns, on the same random answers:

* the floor: a bare NumPy validate-and-score of the number matrix (range check, sums or stage
  means, readiness), no pandas, no labels, no warnings;
* ``score_frame`` on the answers as numbers and as option labels ("Agree"), with the ratios
  labels / numbers and numbers / floor (issue 19 targets: labels within 2x of numbers, numbers
  within 5x of the floor);
* ``score`` per call, with a loaded definition and by id (the id is looked up in memory after
  the first call), and a cold ``python -c "import recovery_capital"``.

Run:  .venv/bin/python benchmarks/scoring_benchmark.py [--rows N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as np
import pandas as pd

import recovery_capital as rc


def make_frames(instrument_id: str, rows: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same random answers twice: as numbers, and as each option's label."""
    inst = rc.load_instrument(instrument_id)
    rng = np.random.default_rng(seed)
    numbers, labels = {}, {}
    for item in inst.items:
        positions = rng.integers(0, len(item.options), rows)
        numbers[item.id] = np.array(item.allowed_values, dtype=np.int64)[positions]
        labels[item.id] = np.array([o.label for o in item.options], dtype=object)[positions]
    return pd.DataFrame(numbers), pd.DataFrame(labels)


def floor_barc10(frame: pd.DataFrame) -> np.ndarray:
    values = frame.to_numpy()
    valid = ((values >= 1) & (values <= 6)).all(axis=1)
    return np.where(valid, values.sum(axis=1), np.nan)


def floor_urica(frame: pd.DataFrame) -> np.ndarray:
    inst = rc.load_instrument("urica")
    values = frame.to_numpy()
    valid = ((values >= 1) & (values <= 5)).all(axis=1)
    column = {item_id: i for i, item_id in enumerate(inst.item_ids)}
    means = {
        s.id: values[:, [column[i] for i in s.items]].mean(axis=1)
        for s in inst.scales
        if s.method == "mean"
    }
    readiness = (
        means["contemplation"] + means["action"] + means["maintenance"] - means["precontemplation"]
    )
    stage = np.abs(readiness[:, None] - np.array([9.3, 11.0, 12.6])[None, :]).argmin(axis=1)
    return np.where(valid, readiness, np.nan), stage


FLOORS = {"barc10": floor_barc10, "urica": floor_urica}


def best_of(functions: dict[str, object], repeats: int = 5) -> dict[str, float]:
    """Best time of each function, taking turns so that all of them meet the same load."""
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            function()  # type: ignore[operator]
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


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
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"score_frame over {args.rows:,} rows, best of {args.repeats} in turns (seconds)")
    print(
        f"  {'':8s} {'floor':>7s} {'numbers':>8s} {'labels':>8s} "
        f"{'labels/numbers':>15s} {'numbers/floor':>14s}"
    )
    for instrument_id in ("barc10", "urica"):
        numbers, labels = make_frames(instrument_id, args.rows)
        rc.score_frame(instrument_id, numbers.head(10))  # load and cache the definition
        timed = best_of(
            {
                "floor": lambda: FLOORS[instrument_id](numbers),  # noqa: B023
                "numbers": lambda: rc.score_frame(instrument_id, numbers),  # noqa: B023
                "labels": lambda: rc.score_frame(instrument_id, labels),  # noqa: B023
            },
            args.repeats,
        )
        floor, with_numbers, with_labels = timed["floor"], timed["numbers"], timed["labels"]
        same = (
            rc.score_frame(instrument_id, labels)
            .drop(columns="warnings")
            .equals(rc.score_frame(instrument_id, numbers).drop(columns="warnings"))
        )
        print(
            f"  {instrument_id:8s} {floor:7.3f} {with_numbers:8.3f} {with_labels:8.3f} "
            f"{with_labels / with_numbers:14.2f}x {with_numbers / floor:13.2f}x"
            f"{'' if same else '   (labels and numbers disagree!)'}"
        )
    inst = rc.load_instrument("barc10")
    answers = {f"q{i}": 5 for i in range(1, 11)}
    calls = best_of(
        {
            "loaded": lambda: [rc.score(inst, answers) for _ in range(args.calls)],
            "by_id": lambda: [rc.score("barc10", answers) for _ in range(args.calls)],
        },
        args.repeats,
    )
    loaded, by_id = calls["loaded"] / args.calls, calls["by_id"] / args.calls
    print(
        f"score() per call, BARC-10, best of {args.repeats} runs of {args.calls:,}: "
        f"loaded definition "
        f"{loaded * 1e3:.3f} ms, by id {by_id * 1e3:.3f} ms"
    )
    seconds = import_time()
    bare = statistics.median([_timed([sys.executable, "-c", "pass"]) for _ in range(5)])
    print(
        f"python -c 'import recovery_capital' (median of 5): {seconds:.3f} s "
        f"(bare interpreter {bare:.3f} s)"
    )


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
