"""Shared pieces of the serving benchmarks: start a course server, watch its processes, time a
page in Chromium. Not a benchmark itself; see ``voila_load.py`` and ``voila_cohort.py``."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))  # the browser tests' exercise count
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
    trainer_key: str = ""
    store_url: str = ""

    def url(self, notebook: str, **query: str) -> str:
        """A page's address; ``handle=`` becomes that trainee's personal link (joined and
        given a secret on first use), since a handle alone opens nothing."""
        from urllib.parse import urlencode

        from browser_support import personal_secret

        handle = query.pop("handle", None)
        query = {"cohort": self.cohort, **query}
        if handle:
            query["secret"] = personal_secret(self.store_url, self.cohort, handle)
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
    cohort, key = None, ""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline() if process.stdout else ""
        if not line:
            break
        if line.strip().startswith("Join code:"):
            cohort = line.split()[2]
        if line.strip().startswith("Trainer key:"):
            key = line.split()[2]
        if line.startswith("Press Ctrl+C") and cohort:
            return Server(process, f"http://127.0.0.1:{port}/", cohort, log_path, key, store_url)
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


class PageIncomplete(SystemExit):
    """A page came up without one of the exercises its notebook builds: timing it would time
    a broken page, so the benchmark stops and says which ones."""


def check_every_exercise(page, notebook: str) -> None:
    """Raise :class:`PageIncomplete` unless every exercise ``notebook`` builds is drawn."""
    from browser_support import drawn_exercises  # the browser tests' own count

    counts = drawn_exercises(page, notebook)
    short = {cell: count for cell, count in counts.items() if count != 1}
    if not counts or short:
        raise PageIncomplete(
            f"refusing to time {notebook}: exercises missing or doubled (cell: count) {short}"
        )


def time_to_usable(
    browser, url: str, ready: str, timeout_ms: int = 180_000, notebook: str | None = None
) -> float:
    """Seconds from opening ``url`` until ``ready`` is visible; then, given the ``notebook``,
    every exercise it builds must be on the page (:class:`PageIncomplete`). The tab is then
    closed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    started = time.monotonic()
    page.goto(url, timeout=timeout_ms)
    page.wait_for_selector(ready, state="visible", timeout=timeout_ms)
    took = time.monotonic() - started
    if notebook is not None:
        check_every_exercise(page, notebook)
    page.close(run_before_unload=True)  # Voila ends the kernel, as when a trainee leaves
    context.close()
    return took


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="rc-bench-") as tmp:
        yield Path(tmp)


async def fetch_page(client, url: str, cookies: dict[str, str], timeout: float = 300):
    """GET a course page as a browser does: keep the cookies the server sets (module pages
    give a browser without its id cookie a redirect that sets it) and follow that redirect.
    ``cookies`` is this simulated browser's cookie jar, updated in place."""
    from http.cookies import SimpleCookie

    from tornado.httpclient import HTTPClientError, HTTPRequest

    for _ in range(3):
        header = "; ".join(f"{name}={value}" for name, value in cookies.items())
        request = HTTPRequest(
            url,
            headers={"Cookie": header} if header else {},
            follow_redirects=False,
            connect_timeout=timeout,
            request_timeout=timeout,
        )
        try:
            response = await client.fetch(request)
        except HTTPClientError as error:
            if error.code != 302 or error.response is None:
                raise
            response = error.response
        for line in response.headers.get_list("Set-Cookie"):
            for name, morsel in SimpleCookie(line).items():
                cookies[name] = morsel.value
        if response.code != 302:
            return response
        url = urljoin(url, response.headers["Location"])
    raise RuntimeError(f"too many redirects for {url}")


# ---------------------------------------------------------------- a browser, at protocol level

CONFIG_DATA = re.compile(
    r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', re.S
)


def message(
    msg_type: str, content: dict[str, Any], session: str, metadata: dict[str, Any] | None = None
) -> str:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "session": session,
        "username": "benchmark",
        "date": "",
        "version": "5.3",
    }
    return json.dumps(
        {
            "header": header,
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
    )


def json_part(frame: bytes) -> bytes:
    """The JSON message of a binary websocket frame (one that carries widget buffers)."""
    count, first = struct.unpack("!II", frame[:8])
    end = struct.unpack("!I", frame[8:12])[0] if count > 1 else len(frame)
    return frame[first:end]


def comm_msg(comm_id: str, data: dict[str, Any], session: str) -> str:
    return message("comm_msg", {"comm_id": comm_id, "data": data}, session)


def children_of(states: dict[str, dict[str, Any]], model_id: str) -> list[str]:
    refs = states.get(model_id, {}).get("children") or []
    return [ref.removeprefix("IPY_MODEL_") for ref in refs if isinstance(ref, str)]


def descendants(states: dict[str, dict[str, Any]], model_id: str) -> list[str]:
    found, queue = [], [model_id]
    while queue:
        current = queue.pop(0)
        found.append(current)
        queue.extend(children_of(states, current))
    return found


# ---------------------------------------------------------------- memory


def available_memory() -> int:
    """The machine's MemAvailable, in bytes."""
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    raise OSError("no MemAvailable in /proc/meminfo")


class MemorySampler(threading.Thread):
    """Samples the memory of a process tree: RSS every half second, PSS every few seconds.

    RSS counts pages shared between processes (libraries, the interpreter) once in every
    kernel, so the RSS sum overstates what forty kernels take; PSS shares them out and sums to
    the memory the tree really holds. PSS is read once the burst is over (reading it costs CPU),
    which is when the tree is largest: every trainee's kernel plus the pool's refill. The drop
    in the machine's MemAvailable since the server started is reported too, as a check from
    outside the tree.
    """

    def __init__(self, pid: int, baseline_available: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.running = pid, True
        self.peak = self.peak_pss = self.peak_drop = 0
        self.baseline = baseline_available
        self.pss_enabled = False  # reading smaps costs CPU: not while trainees are timed

    def run(self) -> None:
        tick = 0
        while self.running:
            self.peak = max(self.peak, tree_rss(self.pid))
            self.peak_drop = max(self.peak_drop, self.baseline - available_memory())
            if self.pss_enabled and tick % 6 == 0:
                self.peak_pss = max(self.peak_pss, tree_pss(self.pid))
            tick += 1
            time.sleep(0.5)
