"""Many trainees open one module at once: are all its exercises drawn, and what does each
page's kernel cost in memory once its exercises are done?

Run: ``.venv/bin/python benchmarks/voila_burst.py [--module 00] [--pages 12] [--burners 1]``

It starts ``recovery-capital serve`` as it runs by default (cold pages, progressive
rendering), optionally starts ``--burners`` CPU burners (``while 1: pass``) to stand for a
loaded machine, then opens ``--pages`` module pages at the same moment with the workshop-day
benchmark's protocol-level trainee (page, kernel websocket, execution socket, widget
handshake). Each page's exercises are counted against the notebook's; each page then completes
its exercises (which draws its charts). It prints the exercises missing, how often the
server's log says a cell's output was cut short ("Timeout waiting for IOPub output"), and the
PSS of each kernel (median and max) after the exercises were done. Pages end their kernel as a
browser does when the tab closes (the unload beacon to ``voila/api/shutdown``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_support import exercise_cells  # noqa: E402  (voila_support puts it on the path)
from voila_support import REPO, kernel_count, start_server, stop_server, tree, workspace  # noqa: E402
from voila_workshop_day import Day, ProtocolPage, poll_of  # noqa: E402

#: Heavy libraries a kernel may load, known by a compiled file of theirs mapped in its memory.
HEAVY = {"pandas": "/pandas/_libs/", "numpy": "/numpy/", "matplotlib": "/matplotlib/",
         "sqlalchemy": "/sqlalchemy/", "PIL": "/PIL/"}  # fmt: skip


def kernel_pss(pid: int) -> list[tuple[int, set[str]]]:
    """PSS of each kernel process under the server, in bytes, and the heavy libraries it has
    loaded (from its memory map)."""
    found = []
    for process in tree(pid):
        try:
            if "ipykernel_launcher" in " ".join(process.cmdline()):
                maps = Path(f"/proc/{process.pid}/maps").read_text()
                loaded = {name for name, mark in HEAVY.items() if mark in maps}
                found.append((process.memory_full_info().pss, loaded))
        except Exception:  # a kernel ending while it is read
            continue
    return found


async def burst(day: Day, server, notebook: str, pages: int) -> tuple[float, list[int]]:
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=pages + 10)
    opened = [ProtocolPage(day, server, notebook, f"burst-{n:02d}", {}) for n in range(pages)]
    started = time.monotonic()
    results = await asyncio.gather(*(page.open() for page in opened), return_exceptions=True)
    took = time.monotonic() - started
    for result in results:
        if isinstance(result, Exception):
            day.note(errors=f"{type(result).__name__}: {result}")
    poll_cell = poll_of(notebook)[0]
    live = [page for page, ok in zip(opened, results) if ok is True]
    for cell in exercise_cells(notebook):
        if cell == poll_cell:
            continue
        await asyncio.gather(*(page.complete(cell) for page in live if cell in page.outputs))
    await asyncio.sleep(3)  # let the last charts and saves settle
    pss = kernel_pss(server.process.pid)
    await asyncio.gather(*(page.unload() for page in opened))
    return took, pss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", default="00", help="the module's number prefix")
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--burners", type=int, default=0, help="CPU burners to run meanwhile")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    notebook = next(
        p.relative_to(REPO).as_posix()
        for p in sorted((REPO / "modules").glob(f"{args.module}-*.ipynb"))
    )
    burners = [
        subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(args.burners)
    ]
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    cores = len(os.sched_getaffinity(0))
    print(f"{notebook}: {args.pages} pages at once x {args.rounds}, {args.burners} burners, "
          f"load average {load} on {cores} cores")  # fmt: skip
    try:
        with workspace() as workdir:
            server = start_server(REPO, f"sqlite:///{workdir / 'burst.sqlite3'}", workdir=workdir)
            try:
                day, pss, opening = Day(), [], []
                for _ in range(args.rounds):
                    took, found = asyncio.new_event_loop().run_until_complete(
                        burst(day, server, notebook, args.pages)
                    )
                    opening.append(took)
                    pss += found
                deadline = time.monotonic() + 30
                while kernel_count(server.process.pid) and time.monotonic() < deadline:
                    time.sleep(0.5)
                left = kernel_count(server.process.pid)
            finally:
                stop_server(server.process)
            log = server.log_path.read_text(encoding="utf-8", errors="replace")
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    expected = len(exercise_cells(notebook)) * args.pages * args.rounds
    mb = [value / 2**20 for value, _ in pss]
    libraries = sorted(set().union(*(loaded for _, loaded in pss))) if pss else []
    print(f"pages opened:                 {day.pages} (refused {day.refused})")
    print(f"all pages' cells run in:      {', '.join(f'{t:.1f} s' for t in opening)}")
    print(f"exercises missing:            {len(day.missing)} of {expected} (target 0)")
    print(f"IOPub output cut short:       {log.count('Timeout waiting for IOPub output')}")
    if mb:
        print(f"PSS per kernel, exercises done: median {statistics.median(mb):.0f} MB, "
              f"max {max(mb):.0f} MB (n={len(mb)}, target <= 80 MB)")  # fmt: skip
    print(f"heavy libraries in kernels:   {', '.join(libraries) or 'none'}")
    print(f"kernels left 30 s after unload: {left}")
    for line in (day.missing + day.errors)[:10]:
        print(f"  ! {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
