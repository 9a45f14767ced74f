"""How long the everyday commands take to start, against a bare interpreter in the same run.

    .venv/bin/python benchmarks/cli_startup.py [--runs 15]

Runs ``python -c pass`` and then each command (``recovery-capital --help``, ``instruments``,
``score --help``, ``serve --help``) ``--runs`` times each, interleaved so that a busy machine
slows them all alike, and prints the median wall time of each and its ratio to the bare
interpreter (the target, issue #20, is 10x or less).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "recovery-capital --help": ["--help"],
    "recovery-capital instruments": ["instruments"],
    "recovery-capital score --help": ["score", "--help"],
    "recovery-capital serve --help": ["serve", "--help"],
}
TARGET = 10.0


def command_line() -> list[str]:
    """The installed ``recovery-capital`` script beside this interpreter, else ``-m``."""
    script = Path(sys.executable).with_name("recovery-capital")
    if script.exists():
        return [str(script)]
    found = shutil.which("recovery-capital")
    return [found] if found else [sys.executable, "-m", "recovery_capital.cli"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args(argv).runs
    base = command_line()
    commands = {
        name: argv if name.startswith("python") else base + argv for name, argv in COMMANDS.items()
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
            )
            times[name].append(time.perf_counter() - start)
    bare = statistics.median(times["python -c pass"])
    print(f"median of {runs} runs each ({' '.join(base)}):")
    worst = 0.0
    for name, seen in times.items():
        median = statistics.median(seen)
        ratio = median / bare
        if not name.startswith("python"):
            worst = max(worst, ratio)
        print(f"  {name:<32} {median * 1000:7.1f} ms  {ratio:5.1f}x")
    print(f"slowest command: {worst:.1f}x a bare interpreter (target <= {TARGET:.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
