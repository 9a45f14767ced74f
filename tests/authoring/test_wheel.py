"""The wheel carries the course: after installing it, new-course works from package data alone.

The wheel is built from a copy of the sources (so the build leaves nothing in the checkout)
and installed without dependencies into a fresh virtual environment that borrows this
environment's installed libraries through a ``.pth`` line. Only the plain folder is borrowed,
not this environment's editable install, so ``recovery_capital`` is imported from the wheel.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCES = ["pyproject.toml", "README.md", "MANIFEST.in", "recovery_capital", "modules", "assets"]


def run(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
def test_new_course_works_from_an_installed_wheel(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.egg-info")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=ignore)
        else:
            shutil.copy2(REPO / name, source / name)
    run(sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", tmp_path / "dist",
        cwd=source)  # fmt: skip
    wheel = next((tmp_path / "dist").glob("recovery_capital-*.whl"))

    venv = tmp_path / "venv"
    # Everything below runs in tmp_path, so the checkout is never on sys.path.
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
               cwd=tmp_path).strip()  # fmt: skip
    (Path(site) / "borrowed-libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel,
        cwd=tmp_path)  # fmt: skip

    where = json.loads(run(python, "-c", (
        "import json, recovery_capital, recovery_capital.authoring.template as t; "
        "print(json.dumps([recovery_capital.__file__, str(t.template_root())]))"
    ), cwd=tmp_path))  # fmt: skip
    assert where[0].startswith(site)  # the package comes from the wheel, not this checkout
    assert where[1] == str(Path(site) / "recovery_capital" / "course_template")

    course = tmp_path / "course"
    out = run(venv / "bin" / "recovery-capital", "new-course", course, "--title", "From a wheel",
              cwd=tmp_path)  # fmt: skip
    assert "Made the course in" in out
    shipped = sorted(p.name for p in (REPO / "modules").glob("*.ipynb"))
    assert sorted(p.name for p in (course / "modules").glob("*.ipynb")) == shipped
    assert (course / "assets" / "theme" / "index.html.j2").is_file()
    assert len(list((course / "assets" / "content").rglob("*.yaml"))) == len(
        list((REPO / "assets" / "content").rglob("*.yaml"))
    )
    report = run(venv / "bin" / "recovery-capital", "check", course, "--no-run", cwd=tmp_path)
    assert "Fix the errors" not in report
    # the course controls' browser code travels as package data, served and inlined from there
    static = Path(site) / "recovery_capital" / "widgets" / "static"
    assert sorted(p.name for p in static.iterdir()) == sorted(
        p.name for p in (REPO / "recovery_capital" / "widgets" / "static").iterdir()
    )
