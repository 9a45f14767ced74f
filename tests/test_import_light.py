"""`import recovery_capital` stays light: heavy libraries load only when a function needs them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ["pandas", "matplotlib", "sqlalchemy", "voila", "ipywidgets", "alembic", "anywidget"]


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    return {name.split(".")[0] for name in out.split()}


def test_import_loads_no_heavy_library():
    assert not loaded_after("import recovery_capital") & set(HEAVY)


def test_scoring_one_person_needs_no_pandas_or_storage():
    loaded = loaded_after("import recovery_capital as rc\nrc.score('barc10', [4] * 10)")
    assert not loaded & {"pandas", "matplotlib", "sqlalchemy", "voila", "ipywidgets"}


COLD_PAGE = """
import asyncio, os, sys
import IPython.display
from recovery_capital.session import context as course

class Shell:
    def __init__(self):
        self.handlers = {"pre_run_cell": [], "post_run_cell": []}
        self.events = self
    def register(self, event, handler):
        self.handlers[event].append(handler)
    def unregister(self, event, handler):
        self.handlers[event].remove(handler)
    def run_cell(self, make):
        for handler in list(self.handlers["pre_run_cell"]):
            handler(None)
        make()
        for handler in list(self.handlers["post_run_cell"]):
            handler(None)

shell = Shell()
course._kernel_shell = lambda: shell
IPython.display.display = lambda *args: None

async def page():
    from recovery_capital.widgets import LivePoll, Questionnaire, VignetteRating
    shell.run_cell(lambda: LivePoll("assets/content/polls/m2-poll-overlooked-domain.yaml"))
    shell.run_cell(lambda: VignetteRating("assets/content/vignettes/amira.yaml"))
    shell.run_cell(lambda: Questionnaire("barc10", activity_id="m2-barc10-practice"))
    print("built", " ".join(sorted({m.split(".")[0] for m in sys.modules})))
    await asyncio.sleep(course.SETTLE_AFTER + 0.5)
    print("quiet", " ".join(sorted({m.split(".")[0] for m in sys.modules})))

asyncio.run(page())
"""


def test_a_cold_page_is_built_before_the_store_or_scoring_load(tmp_path):
    """The page's cells do no store work (SQLAlchemy) and no scoring (numpy): the store
    opens once the kernel goes quiet, while the browser is still loading the page."""
    from pathlib import Path

    env = {
        **__import__("os").environ,
        "SERVER_SOFTWARE": "voila/0.5.13",
        "QUERY_STRING": "",
        "RECOVERY_CAPITAL_STORE": f"sqlite:///{tmp_path / 'store.sqlite3'}",
        "XDG_DATA_HOME": str(tmp_path),
        "RECOVERY_CAPITAL_STRICT": "1",
    }
    out = subprocess.run(
        [sys.executable, "-c", COLD_PAGE], check=True, capture_output=True, text=True,
        cwd=Path(__file__).resolve().parents[1], env=env,
    ).stdout  # fmt: skip
    lines = dict(line.split(" ", 1) for line in out.splitlines())
    built, quiet = set(lines["built"].split()), set(lines["quiet"].split())
    assert "ipywidgets" in built and not built & {"sqlalchemy", "numpy", "pandas", "matplotlib"}
    assert "sqlalchemy" in quiet  # joined once the cells had run
