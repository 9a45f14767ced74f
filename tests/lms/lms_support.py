"""Shared pieces of the LMS tests: a real Ralph LRS on loopback, free ports, polling."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser_support import IN_CI, free_port, unavailable  # noqa: F401  (one copy, shared)

LRS_USER, LRS_PASSWORD = "course", "lrs-test-secret"


def wait_for(
    check: Callable[[], Any], what: str, deadline: float = 30.0, every: float = 0.1
) -> Any:
    """Poll ``check`` until it returns something truthy, or fail naming ``what``."""
    end = time.monotonic() + deadline
    last: Any = None
    while time.monotonic() < end:
        try:
            last = check()
        except Exception as exc:  # not up yet
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(every)
    pytest.fail(f"{what} did not happen within {deadline:.0f} s (last: {last!r})")


@dataclass
class Lrs:
    """A running Ralph LRS."""

    process: subprocess.Popen[bytes] | None
    port: int
    folder: Path

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


def ralph_env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RALPH_APP_DIR": str(folder / "app"),
        "RALPH_AUTH_FILE": str(folder / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
    }


def prepare_ralph(folder: Path) -> None:
    """Ralph's own credentials file for the course's LRS user (``ralph auth``)."""
    try:
        import ralph  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        unavailable(f"Ralph LRS is not installed (pip install -e '.[test]'): {exc}")
    (folder / "data").mkdir(parents=True, exist_ok=True)
    if not (folder / "auth.json").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ralph",
                "auth",
                "-u",
                LRS_USER,
                "-p",
                LRS_PASSWORD,
                "-s",
                "all",
                "-A",
                LRS_USER,
                "https://lrs.example.org",
                "-w",
            ],
            env=ralph_env(folder),
            check=True,
            capture_output=True,
            timeout=60,
        )


def start_ralph(folder: Path, port: int | None = None) -> Lrs:
    """Start Ralph (file back-end) on loopback and wait until it answers; on a port someone
    took between the probe and the bind, start again on a fresh one (a given ``port`` is
    kept: the outage tests bring the LRS back where it was)."""
    prepare_ralph(folder)
    for _ in range(1 if port else 4):
        lrs = _ralph_on(folder, port or free_port())
        if lrs is not None:
            return lrs
    pytest.fail("Ralph LRS found its port taken every time", pytrace=False)


def _ralph_on(folder: Path, port: int) -> Lrs | None:
    log_path = folder / f"ralph-{port}.log"
    log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("ralph_lrs.py")), str(port)],
        env=ralph_env(folder),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    lrs = Lrs(process, port, folder)

    def up() -> bool | str:
        if process.poll() is not None:
            text = log_path.read_text(errors="replace")
            if "address already in use" in text.lower():
                return "collided"
            pytest.fail(f"Ralph LRS exited: {text[-2000:]}", pytrace=False)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__heartbeat__", timeout=2) as r:
            return r.status == 200

    state = wait_for(up, "Ralph LRS starting", deadline=90)
    if state == "collided":
        lrs.stop()
        return None
    return lrs


def clean(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
