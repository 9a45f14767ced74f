"""Shared pieces of the serving benchmarks: start a course server, watch its processes, time a
page in Chromium. Not a benchmark itself; see ``voila_load.py`` and ``voila_cohort.py``."""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
BARE_NOTEBOOK = REPO / "benchmarks" / "notebooks" / "bare.ipynb"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: What "usable" means on a course module: the first exercise's first answer control is drawn
#: (Voila draws a widget only once the page's kernel connection is up).
MODULE_READY = ".rc-exercise .rc-item input"
BARE_READY = ".rc-bare-button"


@dataclass
class Server:
    """A running ``recovery-capital serve`` child and what it printed."""

    process: subprocess.Popen[str]
    base_url: str
    cohort: str
    log_path: Path

    def url(self, notebook: str, **query: str) -> str:
        from urllib.parse import urlencode

        query = {"cohort": self.cohort, **query}
        return f"{self.base_url}voila/render/{notebook}?{urlencode(query)}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bare_course(workdir: Path) -> Path:
    """A one-notebook course holding ``bare.ipynb``, served with the course's theme."""
    course = workdir / "bare-course"
    (course / "modules").mkdir(parents=True, exist_ok=True)
    (course / "assets").mkdir(exist_ok=True)
    shutil.copy(BARE_NOTEBOOK, course / "modules" / "00-bare.ipynb")
    theme = course / "assets" / "theme"
    if not theme.exists():
        theme.symlink_to(REPO / "assets" / "theme")
    return course


def start_server(course: Path, store_url: str, *options: str, workdir: Path) -> Server:
    """Start the course server and wait for its links (it creates a fresh cohort)."""
    port = free_port()
    log_path = workdir / f"server-{port}.log"
    command = [
        sys.executable, "-m", "recovery_capital.cli", "serve", str(course),
        "--port", str(port), "--store", store_url, *options,
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=log_path.open("w"), text=True, cwd=workdir
    )
    cohort = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline() if process.stdout else ""
        if not line:
            break
        if line.strip().startswith("Join code:"):
            cohort = line.split()[2]
        if line.startswith("Press Ctrl+C") and cohort:
            return Server(process, f"http://127.0.0.1:{port}/", cohort, log_path)
    stop_server(process)
    raise SystemExit(f"the course server did not start; see {log_path}")


def stop_server(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tree(pid: int) -> list[psutil.Process]:
    """A process and all its descendants (Voila and its kernels)."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _tree_total(pid: int, measure) -> int:
    total = 0
    for process in tree(pid):
        with contextlib.suppress(psutil.Error):
            total += measure(process)
    return total


def tree_rss(pid: int) -> int:
    """Resident memory of the whole process tree, in bytes."""
    return _tree_total(pid, lambda process: process.memory_info().rss)


def tree_pss(pid: int) -> int:
    """Proportional memory of the whole process tree (shared pages shared out), in bytes."""
    return _tree_total(pid, lambda process: process.memory_full_info().pss)


def kernel_count(pid: int) -> int:
    count = 0
    for process in tree(pid):
        with contextlib.suppress(psutil.Error):
            if "ipykernel_launcher" in " ".join(process.cmdline()):
                count += 1
    return count


def wait_until_calm(
    pid: int, kernels: int, timeout: float = 300.0, quiet_cpu: float = 15.0
) -> float:
    """Wait until ``kernels`` kernels run and the tree's CPU use stays low; returns seconds.

    Each process is followed across samples: a process seen for the first time has no CPU
    reading yet, so a sample that meets one never counts as calm.
    """
    start = time.monotonic()
    calm_since = None
    known: dict[int, psutil.Process] = {}
    while time.monotonic() - start < timeout:
        time.sleep(1.0)
        cpu, newcomers = 0.0, False
        for process in tree(pid):
            with contextlib.suppress(psutil.Error):
                if process.pid not in known:
                    known[process.pid] = process
                    process.cpu_percent(None)
                    newcomers = True
                else:
                    cpu += known[process.pid].cpu_percent(None)
        if not newcomers and kernel_count(pid) >= kernels and cpu < quiet_cpu:
            calm_since = calm_since or time.monotonic()
            if time.monotonic() - calm_since >= 5:
                return time.monotonic() - start
        else:
            calm_since = None
    return time.monotonic() - start


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def time_to_usable(browser, url: str, ready: str, timeout_ms: int = 180_000) -> float:
    """Seconds from opening ``url`` until ``ready`` is visible; the tab is then closed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    started = time.monotonic()
    page.goto(url, timeout=timeout_ms)
    page.wait_for_selector(ready, state="visible", timeout=timeout_ms)
    took = time.monotonic() - started
    page.close(run_before_unload=True)  # Voila ends the kernel, as when a trainee leaves
    context.close()
    return took


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="rc-bench-") as tmp:
        yield Path(tmp)
