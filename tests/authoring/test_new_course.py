"""new-course and new-module: folders an educator owns, made from the packaged template."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from authoring_support import findings, make_tiny_course

from recovery_capital.authoring import template as authoring_template
from recovery_capital.authoring.module import append_to_list, new_module
from recovery_capital.authoring.run import run_notebook
from recovery_capital.authoring.template import AuthoringError, new_course, template_root
from recovery_capital.cli import main
from recovery_capital.content.notebooks import cells_with_outputs, guidance_cells
from recovery_capital.scoring.definitions import list_instruments
from recovery_capital.settings.course import load_course_settings

REPO = Path(__file__).resolve().parents[2]


def test_a_new_course_holds_every_module_and_content_file_and_checks_clean(
    tmp_path: Path,
) -> None:
    course = new_course(tmp_path / "spring", title="Spring 2027", organisation="Northshire")
    settings = load_course_settings(course)
    template_modules = sorted(p.name for p in (template_root() / "modules").glob("*.ipynb"))
    assert list(settings.modules) == template_modules
    assert settings.title == "Spring 2027" and settings.branding.name == "Northshire"
    assert set(settings.instruments) == set(list_instruments(course))
    template_content = sorted(
        p.relative_to(template_root()) for p in (template_root() / "assets").rglob("*.yaml")
    )
    assert sorted(p.relative_to(course) for p in (course / "assets").rglob("*.yaml")) == (
        template_content
    )
    for path in (course / "modules").rglob("*.ipynb"):
        assert cells_with_outputs(nbformat.read(str(path), as_version=4)) == []
    assert [f for f in findings(course) if f[2] == "error"] == []
    assert (course / ".gitignore").read_text().startswith(".ipynb_checkpoints/")


def test_new_course_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    assert main(["new-course", str(tmp_path / "taken")]) == 2
    assert "already exists and is not empty: choose a new folder" in capsys.readouterr().err
    assert (tmp_path / "taken" / "notes.txt").read_text() == "mine"


def test_new_course_copies_the_installed_package_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packaged = make_tiny_course(tmp_path / "site-packages" / "recovery_capital" / "course_template")
    monkeypatch.setattr(authoring_template, "PACKAGED_TEMPLATE", packaged)
    assert template_root() == packaged
    course = new_course(tmp_path / "from-package")
    assert load_course_settings(course).modules == ("00-intro.ipynb", "01-practice.ipynb")
    assert not (course / "modules" / "02-recovery-capital.ipynb").exists()


def test_without_packaged_template_or_checkout_the_error_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(authoring_template, "PACKAGED_TEMPLATE", tmp_path / "missing")
    monkeypatch.setattr(authoring_template, "PACKAGE_DIR", tmp_path / "pkg" / "recovery_capital")
    with pytest.raises(AuthoringError, match="has no course template"):
        template_root()


def test_new_module_has_the_standard_sections_an_example_and_runs(tiny_course: Path) -> None:
    made = new_module(tiny_course, "Working with housing & money services")
    assert made.notebook.name == "02-working-with-housing-money-services.ipynb"
    assert made.quiz.name == "m2-quiz-working-with-housing-money-services.yaml"
    assert made.listed
    settings = load_course_settings(tiny_course)
    assert settings.modules[-1] == made.notebook.name
    nb = nbformat.read(str(made.notebook), as_version=4)
    headings = [cell.source.splitlines()[0] for cell in nb.cells if cell.cell_type == "markdown"]
    assert headings == [
        "# Working with housing & money services",
        "## What you will be able to do after this module",
        "## The main ideas",
        "## Check your understanding",
        "## Summary",
        "## References",
    ]
    assert [cell.id for cell in nb.cells][:2] == ["m2-title", "m2-outcomes"]
    assert guidance_cells(nb) == [1, 2, 4, 5, 7, 8]
    found = findings(tiny_course)
    assert [f[2] for f in found] == ["warning", "warning"]  # the example and the guidance
    assert "still holds the example from new-module" in found[0][3]
    result = run_notebook(made.notebook, tiny_course, timeout=120)
    assert result.ok, result.reason


def test_new_module_numbers_names_and_refusals(tiny_course: Path) -> None:
    made = new_module(tiny_course, "Café culture", number=9)
    assert made.notebook.name == "09-cafe-culture.ipynb"
    with pytest.raises(AuthoringError, match="module 9 already exists"):
        new_module(tiny_course, "Another", number=9)
    assert new_module(tiny_course, "Next one").notebook.name == "10-next-one.ipynb"
    with pytest.raises(AuthoringError, match="may not contain <, >"):
        new_module(tiny_course, "<script>")
    with pytest.raises(AuthoringError, match="numbers run from 0 to 99"):
        new_module(tiny_course, "Too far", number=100)


def test_new_module_in_a_course_that_lists_no_modules(tiny_course: Path, capsys) -> None:
    (tiny_course / "course.yaml").write_text("title: Every notebook shows\n")
    assert main(["new-module", str(tiny_course), "Housing"]) == 0
    out = capsys.readouterr().out
    assert "Made modules/02-housing.ipynb and its example quiz" in out
    assert "course.yaml lists no modules, so the course shows every notebook" in out
    assert (tiny_course / "course.yaml").read_text() == "title: Every notebook shows\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "modules:\n  - a.ipynb\n  - b.ipynb\n\n# hide c:\n# - c.ipynb\ntitle: T\n",
            "modules:\n  - a.ipynb\n  - b.ipynb\n  - new.ipynb\n"
            "\n# hide c:\n# - c.ipynb\ntitle: T\n",
        ),
        (
            "title: T\nmodules: [a.ipynb, b.ipynb]  # in order\n",
            "title: T\nmodules: [a.ipynb, b.ipynb, new.ipynb]  # in order\n",
        ),
        ("title: T\nmodules: []\n", "title: T\nmodules: [new.ipynb]\n"),
        ("modules:\n- a.ipynb\n", "modules:\n- a.ipynb\n- new.ipynb\n"),
    ],
)
def test_adding_a_module_keeps_the_rest_of_course_yaml(text: str, expected: str) -> None:
    assert append_to_list(text, "modules", "new.ipynb") == expected


def test_the_cli_prints_next_steps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-course", str(tmp_path / "c"), "--title", "Leeds: spring"]) == 0
    out = capsys.readouterr().out
    assert f"recovery-capital check {tmp_path / 'c'}" in out
    assert f"recovery-capital serve {tmp_path / 'c'}" in out
    assert load_course_settings(tmp_path / "c").title == "Leeds: spring"


def test_new_module_leaves_a_broken_course_yaml_untouched(
    tiny_course: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tiny_course / "course.yaml").write_text("title: T\nmodules: notes.md\n")
    assert main(["new-module", str(tiny_course), "Housing"]) == 2
    assert "modules: Input should be a valid" in capsys.readouterr().err
    assert not list((tiny_course / "modules").glob("02-*.ipynb"))
    assert not (tiny_course / "assets/content/quizzes/m2-quiz-housing.yaml").exists()
