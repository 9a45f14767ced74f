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


def _imports_of(path) -> set[str]:
    """Every module a source file imports, anywhere in it, as an absolute dotted name."""
    import ast

    package = "recovery_capital." + ".".join(path.parent.relative_to(ROOT).parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            found.add(".".join(p for p in (base, node.module or "") if p))
    return found


ROOT = __import__("pathlib").Path(__file__).resolve().parents[1] / "recovery_capital"


@pytest.mark.parametrize(
    ("files", "above"),
    [
        ("store/*.py", ("reports", "programme", "authoring", "widgets", "serving")),
        # programme and reports sit side by side; their commands share only the store's helpers
        ("programme/cli.py", ("reports", "widgets", "serving")),
        ("reports/cli.py", ("programme", "widgets", "serving")),
    ],
)
def test_each_part_s_commands_import_only_their_part_and_parts_below(files, above):
    for path in sorted(ROOT.glob(files)):
        wrong = {
            name
            for name in _imports_of(path)
            if any(name.startswith(f"recovery_capital.{other}") for other in above)
        }
        assert not wrong, f"{path.name} imports {sorted(wrong)}"
