"""`import recovery_capital` stays light: heavy libraries load only when a function needs them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ["pandas", "matplotlib", "sqlalchemy", "voila", "ipywidgets", "alembic", "anywidget"]


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                         text=True).stdout
    return {name.split(".")[0] for name in out.split()}


def test_import_loads_no_heavy_library():
    assert not loaded_after("import recovery_capital") & set(HEAVY)


def test_scoring_one_person_needs_no_pandas_or_storage():
    loaded = loaded_after("import recovery_capital as rc\nrc.score('barc10', [4] * 10)")
    assert not loaded & {"pandas", "matplotlib", "sqlalchemy", "voila", "ipywidgets"}
