"""course.yaml: one loader for check and serve, every problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from authoring_support import findings, write

from recovery_capital.core.errors import DefinitionError
from recovery_capital.settings.course import course_notebooks, load_course_settings, page_branding
from recovery_capital.settings.serving import SettingsError, load_settings


def test_the_tiny_course_is_clean(tiny_course: Path) -> None:
    assert findings(tiny_course) == []


def test_settings_are_read_with_their_defaults(tiny_course: Path) -> None:
    settings = load_course_settings(tiny_course)
    assert settings.organisation == "Northshire Council"
    assert settings.modules == ("00-intro.ipynb", "01-practice.ipynb")
    assert settings.instruments == ("barc10", "audit")
    assert settings.cohort.size == 12 and settings.cohort.name is None
    assert settings.store is None and settings.branding.logo is None


def test_every_problem_in_course_yaml_is_reported_at_its_line(tiny_course: Path) -> None:
    write(tiny_course, "course.yaml", """\
        title: ""
        modules:
          - 00-intro.ipynb
          - notes.md
        instruments: [barc10, BARC 10]
        cohort: {size: 0}
        branding:
          primary_colour: teal
          logo: ../logo.png
        colour_scheme: dark
        """)  # fmt: skip
    errors = [(line, message) for file, line, severity, message in findings(tiny_course)
              if file == "course.yaml"]  # fmt: skip
    assert errors == [
        (1, "title: String should have at least 1 character"),
        (4, "modules.1: 'notes.md' is not a notebook file name like 02-recovery-capital.ipynb"),
        (5, "instruments.1: 'BARC 10' is not an instrument id like barc10 (lower case, "
            "no spaces)"),
        (6, "cohort.size: Input should be greater than or equal to 1"),
        (8, "branding.primary_colour: 'teal' is not a colour like #1d5c63 (a # and six hex "
            "digits)"),
        (9, "branding.logo: '../logo.png' must be a path inside the course's assets/ folder"),
        (10, "colour_scheme: is not a known setting here (check the spelling)"),
    ]  # fmt: skip


def test_listed_modules_instruments_and_logo_must_exist(tiny_course: Path) -> None:
    text = (tiny_course / "course.yaml").read_text()
    text = text.replace("  - 01-practice.ipynb\n", "  - 02-missing.ipynb\n")
    text = text.replace("[barc10, audit]", "[barc10, audit, urika]")
    text = text.replace("  name: Northshire Council\n", "  logo: assets/logo.png\n", 1)
    write(tiny_course, "course.yaml", text)
    found = findings(tiny_course)
    assert ("course.yaml", 5, "error",
            "modules.1: modules/02-missing.ipynb does not exist (modules: 00-intro.ipynb, "
            "01-practice.ipynb)") in found  # fmt: skip
    assert any(f[:3] == ("course.yaml", 6, "error") and "no instrument 'urika'" in f[3]
               for f in found)  # fmt: skip
    assert ("course.yaml", 10, "error", "branding.logo: assets/logo.png does not exist") in found
    # the module left out of the list is still in modules/: trainees will not see it
    assert ("modules/01-practice.ipynb", None, "warning",
            "not listed in course.yaml modules, so trainees will not see it on the course "
            "home") in found  # fmt: skip


def test_hard_to_read_colours_and_a_password_are_warnings(tiny_course: Path) -> None:
    text = (tiny_course / "course.yaml").read_text()
    text = text.replace('"#1d5c63"', '"#ffcc00"')
    text += "store: postgresql+psycopg://course:hunter2@db.example.org/course\n"
    write(tiny_course, "course.yaml", text)
    found = findings(tiny_course)
    assert [f[2] for f in found] == ["warning", "warning"]
    assert found[0][:2] == ("course.yaml", 11)
    assert "#ffcc00 is hard to read against white button text (contrast 1.5:1" in found[0][3]
    assert found[1][:2] == ("course.yaml", 13) and "holds a password" in found[1][3]


def test_serving_settings_are_checked_too(tiny_course: Path) -> None:
    text = (tiny_course / "course.yaml").read_text() + "serve:\n  workshop: 7\n"
    write(tiny_course, "course.yaml", text)
    assert findings(tiny_course) == [(
        "course.yaml", 13, "error",
        "serve: workshop: no single module matches '7' (modules: 00-intro, 01-practice)",
    )]  # fmt: skip


def test_serve_reads_course_yaml_through_the_same_loader(tiny_course: Path) -> None:
    text = (tiny_course / "course.yaml").read_text()
    text += "store: data/answers.sqlite3\nserve:\n  workshop: 1\n  port: 9100\n"
    text = text.replace("cohort:\n", "cohort:\n  name: Leeds spring\n")
    write(tiny_course, "course.yaml", text)
    settings = load_settings({"course_dir": str(tiny_course)}, {})
    assert settings.course_title == "Working with people who use drugs and alcohol"
    assert settings.store_url == f"sqlite:///{tiny_course.resolve()}/data/answers.sqlite3"
    assert settings.cohort_name == "Leeds spring"
    assert settings.pool_size == 12  # the cohort size warms that many kernels in workshop mode
    assert settings.port == 9100 and settings.workshop_notebook == "modules/01-practice.ipynb"


def test_serve_refuses_a_broken_course_yaml_naming_each_problem(tiny_course: Path) -> None:
    write(tiny_course, "course.yaml", "title: T\nbranding: {primary_colour: red}\nmodul: []\n")
    with pytest.raises(SettingsError) as caught:
        load_settings({"course_dir": str(tiny_course)}, {})
    message = str(caught.value)
    assert "branding.primary_colour: 'red' is not a colour" in message
    assert "modul: is not a known setting here" in message


def test_yaml_syntax_errors_in_course_yaml_have_a_line(tiny_course: Path) -> None:
    write(tiny_course, "course.yaml", "title: T\nmodules: [00-intro.ipynb\n")
    found = findings(tiny_course)
    assert found[0][:3] == ("course.yaml", 3, "error")
    assert "YAML syntax" in found[0][3] and "(it starts on line 2)" in found[0][3]
    with pytest.raises(DefinitionError):
        load_course_settings(tiny_course)


def test_the_home_page_order_follows_course_yaml(tiny_course: Path) -> None:
    write(tiny_course, "course.yaml", "title: T\nmodules: [01-practice.ipynb, 00-intro.ipynb]\n")
    assert [p.name for p in course_notebooks(tiny_course)] == ["01-practice.ipynb",
                                                               "00-intro.ipynb"]  # fmt: skip
    (tiny_course / "course.yaml").unlink()
    assert [p.name for p in course_notebooks(tiny_course)] == ["00-intro.ipynb",
                                                               "01-practice.ipynb"]  # fmt: skip


def test_branding_reaches_the_pages_as_safe_values(tiny_course: Path) -> None:
    text = (tiny_course / "course.yaml").read_text()
    text = text.replace("  name: Northshire Council", "  name: <b>North</b>\n  logo: assets/l.svg")
    write(tiny_course, "course.yaml", text.replace('"#1d5c63"', '"#ABC"'))
    branding = page_branding(tiny_course, "/course/")
    assert branding["logo_url"] == "/course/voila/files/assets/l.svg"
    assert "--rc-brand: #aabbcc" in branding["brand_css"]
    from recovery_capital.serving.pages import CoursePages

    theme = Path(__file__).resolve().parents[2] / "assets" / "theme"
    html = CoursePages(theme, "/", "T", branding).render("not-found.html")
    assert '<span class="rc-brand-name">&lt;b&gt;North&lt;/b&gt;</span>' in html
    assert '<img class="rc-logo" src="/course/voila/files/assets/l.svg" alt=""' in html
    assert "--rc-brand: #aabbcc" in html
