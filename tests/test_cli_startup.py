"""The command line starts at once: the everyday commands never load the Voila server.

Each command runs as a person would run it, in a new interpreter, and reports which modules it
loaded. (How long start-up takes is measured by ``benchmarks/cli_startup.py``, not here.)
"""

from __future__ import annotations

import subprocess
import sys

import pytest

SERVER = {"voila", "jupyter_server", "tornado", "nbconvert", "ipykernel"}
HEAVY = {"pandas", "matplotlib", "sqlalchemy", "numpy"}

PROBE = """
import sys, runpy
sys.argv = ["recovery-capital", *{argv!r}]
try:
    runpy.run_module("recovery_capital.cli", run_name="__main__")
except SystemExit:
    pass
sys.stdout.flush()
sys.stderr.write("\\nLOADED " + " ".join(sorted({{m.split(".")[0] for m in sys.modules}})))
"""


def loaded_by(*argv: str) -> tuple[str, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=list(argv))],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    marker = done.stderr.rindex("LOADED ")
    return done.stdout, set(done.stderr[marker + len("LOADED ") :].split())


@pytest.mark.parametrize(
    ("argv", "shows"),
    [
        (("--help",), "Common tasks"),
        (("instruments",), "barc10"),
        (("score", "--help"), "usage: recovery-capital score"),
        (("serve", "--help"), "--no-browser"),
    ],
)
def test_everyday_commands_load_no_server_or_table_library(argv, shows):
    out, loaded = loaded_by(*argv)
    assert shows in out  # the command really ran
    assert not loaded & SERVER, f"{' '.join(argv)} loaded {sorted(loaded & SERVER)}"
    assert not loaded & HEAVY, f"{' '.join(argv)} loaded {sorted(loaded & HEAVY)}"


def test_the_probe_would_notice_the_server_loading():
    """The same probe sees Voila when a command does load it (so the test above can fail)."""
    done = subprocess.run(
        [sys.executable, "-c", "import recovery_capital.serving.app, sys;"
         "print(' '.join(m.split('.')[0] for m in sys.modules))"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert {"voila", "jupyter_server"} <= set(done.stdout.split())
