"""Run a course notebook from top to bottom, as Voila would, and say what went wrong.

``recovery-capital check`` uses this so that a broken module is found by the educator, not in
front of a class. Each notebook runs in a fresh kernel of the *current* Python environment
(the one ``recovery-capital`` is installed in), in its own folder (as Voila runs it), with:

- ``RECOVERY_CAPITAL_COURSE_DIR`` set to the course, so content and instruments resolve there;
- a throw-away store (``RECOVERY_CAPITAL_STORE=sqlite:///<temporary folder>/...``), so checking
  never writes to a real cohort's answers;
- ``RECOVERY_CAPITAL_STRICT=1``, so an exercise whose content cannot load fails the run instead
  of quietly showing trainees a "could not be shown" message;
- a time limit for running the whole notebook (starting its kernel has a limit of its own).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..content.notebooks import read_notebook
from ..core.errors import DefinitionError

__all__ = ["RunResult", "run_notebook", "run_environment"]

DEFAULT_TIMEOUT = 300.0
KERNEL_START_TIMEOUT = 60


@dataclass(frozen=True)
class RunResult:
    """How one notebook run went: ``ok``, or the cell (from 1) and a one-line reason."""

    path: Path
    seconds: float
    ok: bool
    cell: int | None = None
    reason: str = ""


def run_environment(
    course_dir: str | os.PathLike[str],
    scratch: str | os.PathLike[str],
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment a checked notebook's kernel gets (see the module notes).

    >>> env = run_environment("/courses/spring", "/tmp/check", base={})
    >>> env["RECOVERY_CAPITAL_STORE"], env["RECOVERY_CAPITAL_STRICT"]
    ('sqlite:////tmp/check/store.sqlite3', '1')
    """
    env = dict(os.environ if base is None else base)
    scratch = Path(scratch)
    env["RECOVERY_CAPITAL_COURSE_DIR"] = str(Path(course_dir).resolve())
    env["RECOVERY_CAPITAL_STORE"] = f"sqlite:///{scratch / 'store.sqlite3'}"
    env["RECOVERY_CAPITAL_STRICT"] = "1"
    # The practice handle is remembered under the data folder: keep it away from the user's.
    env["XDG_DATA_HOME"] = str(scratch / "data")
    env["MPLBACKEND"] = "Agg"
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _kernel_manager() -> Any:
    """A kernel manager whose kernel is this very Python (whatever kernels are installed)."""
    import ipykernel.kernelspec
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    class CurrentPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> Any:
            return self.kernel_spec_class(
                resource_dir=ipykernel.kernelspec.RESOURCES,
                **ipykernel.kernelspec.get_kernel_dict(),
            )

    return AsyncKernelManager(kernel_name="python3", kernel_spec_manager=CurrentPython())


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else text.strip()


async def _execute_cells(client: Any) -> None:
    for index, cell in enumerate(client.nb.cells):
        await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)


def run_notebook(
    path: str | os.PathLike[str],
    course_dir: str | os.PathLike[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    scratch: str | os.PathLike[str] | None = None,
) -> RunResult:
    """Run the notebook at ``path``; never raises for a failure inside the notebook.

    ``scratch`` is a folder for the throw-away store (a temporary one when None).
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path)
    started = time.monotonic()

    def result(ok: bool, cell: int | None = None, reason: str = "") -> RunResult:
        return RunResult(path, time.monotonic() - started, ok, cell, reason)

    try:
        notebook = read_notebook(path)
    except DefinitionError as exc:
        return result(False, None, exc.problems[0][1])
    current: dict[str, int] = {"cell": 0}

    def on_cell_start(cell: Any, cell_index: int) -> None:
        current["cell"] = cell_index + 1

    client = NotebookClient(
        notebook,
        km=_kernel_manager(),
        timeout=int(timeout) + 5,  # the whole-notebook limit below is the one that bites
        startup_timeout=KERNEL_START_TIMEOUT,
        allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_start=on_cell_start,
    )
    cells_started: list[float] = []

    async def execute(env: dict[str, str]) -> None:
        # The time limit counts from the first cell: starting the kernel has its own limit.
        client.reset_execution_trackers()
        async with client.async_setup_kernel(env=env, stderr=subprocess.DEVNULL):
            cells_started.append(time.monotonic())
            await asyncio.wait_for(_execute_cells(client), timeout)

    def timed_out() -> bool:
        return bool(cells_started) and time.monotonic() - cells_started[0] >= timeout - 0.5

    with tempfile.TemporaryDirectory(prefix="rc-check-") as default_scratch:
        try:
            asyncio.run(execute(run_environment(course_dir, scratch or default_scratch)))
        except CellExecutionError as exc:
            value = " ".join(str(exc.evalue).split())  # one line, however the error is laid out
            reason = f"{exc.ename}: {value}" if exc.ename else _last_line(str(exc))
            return result(False, current["cell"] or None, reason)
        except (CellTimeoutError, DeadKernelError, asyncio.TimeoutError, TimeoutError) as exc:
            # Cancelling a run at the time limit can surface as a dead kernel: the clock decides.
            if isinstance(exc, DeadKernelError) and not timed_out():
                return result(False, current["cell"] or None, "the kernel stopped (out of memory?)")
            if not cells_started:
                return result(False, None, "the kernel did not start in time")
            reason = f"did not finish within {timeout:.0f} s (raise --timeout if it is just slow)"
            return result(False, current["cell"] or None, reason)
        except RuntimeError as exc:
            return result(False, current["cell"] or None, f"could not run: {exc}")
    return result(True)
