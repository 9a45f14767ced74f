"""Page templates compiled once per server, not once per page."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader

from recovery_capital.serving.templates import CompiledTemplates, keep_compiled_templates


class PageExporter:
    """Stands in for Voila's exporter: a fresh Jinja environment for every page."""

    folder: Path
    is_async = False

    def _create_environment(self) -> Environment:
        return Environment(loader=FileSystemLoader(self.folder), enable_async=self.is_async)


@pytest.fixture()
def exporter(tmp_path: Path) -> type[PageExporter]:
    (tmp_path / "page.html").write_text("<p>{{ title }}</p>", encoding="utf-8")
    PageExporter.folder = tmp_path
    return type("Exporter", (PageExporter,), {})


def test_later_pages_reuse_the_compiled_template_until_it_is_edited(
    exporter: type[PageExporter], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = CompiledTemplates()
    keep_compiled_templates(exporter, cache)
    first = exporter()._create_environment()
    assert first.get_template("page.html").render(title="Module 2") == "<p>Module 2</p>"
    assert len(cache) == 1

    compiled = []
    original = Environment.compile

    def counting_compile(self: Environment, *args: object, **kwargs: object) -> object:
        compiled.append(args[1] if len(args) > 1 else kwargs.get("name"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", counting_compile)
    second = exporter()._create_environment()  # the next page: a new environment
    assert second.get_template("page.html").render(title="Again") == "<p>Again</p>"
    assert compiled == []

    (tmp_path / "page.html").write_text("<h1>{{ title }}</h1>", encoding="utf-8")
    third = exporter()._create_environment()
    assert third.get_template("page.html").render(title="Edited") == "<h1>Edited</h1>"
    assert compiled == ["page.html"]


def test_async_and_plain_environments_keep_their_own_code(
    exporter: type[PageExporter],
) -> None:
    cache = CompiledTemplates()
    keep_compiled_templates(exporter, cache)
    exporter()._create_environment().get_template("page.html").render(title="plain")
    exporter.is_async = True
    environment = exporter()._create_environment()
    assert environment.is_async
    template = environment.get_template("page.html")
    assert len(cache) == 2

    import asyncio

    assert asyncio.run(template.render_async(title="async")) == "<p>async</p>"


def test_keeping_templates_twice_wraps_the_exporter_once(exporter: type[PageExporter]) -> None:
    keep_compiled_templates(exporter, CompiledTemplates())
    wrapped = exporter._create_environment
    keep_compiled_templates(exporter, CompiledTemplates())
    assert exporter._create_environment is wrapped


def test_voila_pages_use_the_shared_cache() -> None:
    from voila.exporter import VoilaExporter

    from recovery_capital.serving.templates import COMPILED_TEMPLATES

    keep_compiled_templates()
    environment = VoilaExporter(template_name="lab")._create_environment()
    assert environment.bytecode_cache is COMPILED_TEMPLATES
