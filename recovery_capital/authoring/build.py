"""Build step that puts the course template into the wheel.

The course lives at the top of the repository (``modules/`` and ``assets/``), where
educators and the test-suite expect it. ``recovery-capital new-course`` must work after
``pip install recovery-capital`` too, so the wheel carries a copy of both folders as package
data under ``recovery_capital/course_template/``. pyproject.toml names :class:`BuildPy` as
setuptools' ``build_py`` command; nothing imports this module at run time.

Editable installs (``pip install -e .``) skip the copy: the package then runs from the
checkout and :func:`recovery_capital.authoring.template.template_root` uses the checkout's
folders directly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools.command.build_py import build_py

__all__ = ["BuildPy", "copy_template"]

TEMPLATE_PARTS = ("modules", "assets")
SKIPPED = shutil.ignore_patterns(".*", "__pycache__", "*.pyc", "*.sqlite3", "*.sqlite3-*")


def copy_template(source_root: Path, package_dir: Path) -> list[Path]:
    """Copy ``modules/`` and ``assets/`` from ``source_root`` into
    ``package_dir/course_template/``; return the files copied.

    >>> import tempfile
    >>> root, build = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    >>> (root / "modules" / ".ipynb_checkpoints").mkdir(parents=True)
    >>> _ = (root / "modules" / "00-start.ipynb").write_text("{}")
    >>> _ = (root / "modules" / ".ipynb_checkpoints" / "00-start.ipynb").write_text("{}")
    >>> [p.relative_to(build).as_posix() for p in copy_template(root, build)]
    ['course_template/modules/00-start.ipynb']
    """
    target = package_dir / "course_template"
    for part in TEMPLATE_PARTS:
        if (source_root / part).is_dir():
            shutil.copytree(source_root / part, target / part, ignore=SKIPPED,
                            dirs_exist_ok=True)  # fmt: skip
    return sorted(p for p in target.rglob("*") if p.is_file())


class BuildPy(build_py):
    """setuptools' ``build_py``, plus the course template as package data."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        source_root = Path.cwd()
        missing = [part for part in TEMPLATE_PARTS if not (source_root / part).is_dir()]
        if missing:
            raise RuntimeError(
                f"cannot package the course template: {', '.join(missing)} missing in "
                f"{source_root} (build from the repository root or from a full sdist)"
            )
        copy_template(source_root, Path(self.build_lib) / "recovery_capital")
