"""How long a course module takes to become usable, next to a bare one-button Voila page.

Run: ``.venv/bin/python benchmarks/voila_load.py [--module 02] [--loads 5]``

For each mode (cold: a kernel starts per page and the page arrives before its cells run,
Voila's progressive rendering; preheated: ``--workshop`` with a pool, the page arrives run) it
starts two course servers with the same settings, one serving this course and one serving
``benchmarks/notebooks/bare.ipynb``, then opens each page ``--loads`` times in Chromium,
alternating module and bare page so both meet the same machine load. It prints the median
time from opening the URL to the first exercise being usable (its first answer control drawn)
and the ratio to the bare page (target: 1.0x or less). A module page is timed only if every
exercise its notebook builds was drawn; otherwise the run stops and names the missing ones.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from voila_support import (  # noqa: E402
    BARE_READY,
    MODULE_READY,
    REPO,
    bare_course,
    chromium,
    median,
    start_server,
    stop_server,
    time_to_usable,
    wait_until_calm,
    workspace,
)

TARGET_RATIO = 1.0


def module_notebook(prefix: str) -> str:
    for notebook in sorted((REPO / "modules").glob("*.ipynb")):
        if notebook.name.startswith(prefix + "-"):
            return notebook.relative_to(REPO).as_posix()
    raise SystemExit(f"no module {prefix} under {REPO / 'modules'}")


def pool_options(module: str, loads: int) -> list[str]:
    """Workshop mode with a pool that lasts the whole run (no refill while measuring)."""
    return ["--workshop", module, "--pool", str(loads + 1), "--fill-delay", "600"]


def measure(mode: str, module: str, loads: int, workdir: Path, browser) -> tuple[float, float]:
    """Median seconds to usable for the module and the bare page in one serving mode."""
    store_url = f"sqlite:///{workdir / f'{mode}.sqlite3'}"
    module_options = [] if mode == "cold" else pool_options(module, loads)
    bare_options = [] if mode == "cold" else pool_options("00", loads)
    servers = [
        start_server(REPO, store_url, *module_options, workdir=workdir),
        start_server(bare_course(workdir), store_url, *bare_options, workdir=workdir),
    ]
    try:
        if mode == "preheated":
            for server in servers:
                took = wait_until_calm(server.process.pid, kernels=loads + 1)
                print(f"  pool of {loads + 1} ready after {took:.0f} s", flush=True)
        module_times, bare_times = [], []
        for load in range(loads):
            handle = f"load-{mode}-{load}"
            module_url = servers[0].url(module, handle=handle)
            module_times.append(time_to_usable(browser, module_url, MODULE_READY, notebook=module))
            bare_url = servers[1].url("modules/00-bare.ipynb", handle=handle)
            bare_times.append(time_to_usable(browser, bare_url, BARE_READY))
            print(
                f"  {mode} load {load + 1}: module {module_times[-1]:.2f} s, "
                f"bare {bare_times[-1]:.2f} s",
                flush=True,
            )
        return median(module_times), median(bare_times)
    finally:
        for server in servers:
            stop_server(server.process)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", default="02", help="module number to load (default 02)")
    parser.add_argument("--loads", type=int, default=5, help="loads per page and mode (>= 5)")
    args = parser.parse_args()
    module = module_notebook(args.module)
    print(f"Time to first usable exercise: {module} vs bare.ipynb, median of {args.loads} loads")
    results = {}
    with workspace() as workdir, chromium() as browser:
        for mode in ("cold", "preheated"):
            print(f"{mode}:", flush=True)
            results[mode] = measure(mode, module, args.loads, workdir, browser)
    print()
    print(
        f"{'mode':<10} {'module (s)':>11} {'bare (s)':>9} {'ratio':>6}  target <= {TARGET_RATIO}x"
    )
    for mode, (module_s, bare_s) in results.items():
        ratio = module_s / bare_s
        verdict = "ok" if ratio <= TARGET_RATIO else "over"
        print(f"{mode:<10} {module_s:>11.2f} {bare_s:>9.2f} {ratio:>6.2f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
