"""Keep Voila's compiled page templates for the server's lifetime.

Voila builds a new Jinja environment for every page it renders, so each page request parsed
and compiled the whole template chain (the course theme, Voila's lab template, nbconvert's
base templates and their macros) again: about a third of a second of a two-core server's time
before the first byte of every page. :func:`keep_compiled_templates` gives those environments
one shared in-memory :class:`CompiledTemplates` cache; Jinja checks each template's source
against the checksum stored with its code, so an edited template is compiled afresh.

>>> from jinja2 import DictLoader, Environment
>>> cache = CompiledTemplates()
>>> env = Environment(loader=DictLoader({"page": "Hello {{ name }}"}), bytecode_cache=cache)
>>> env.get_template("page").render(name="Sam"), len(cache)
('Hello Sam', 1)
"""

from __future__ import annotations

from typing import Any

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket

__all__ = ["CompiledTemplates", "keep_compiled_templates", "COMPILED_TEMPLATES"]


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates in memory, keyed by template and environment settings.

    Code compiled for an async environment differs from code compiled for a plain one, so
    the key includes whether the environment is async and which extensions it has.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def __len__(self) -> int:
        return len(self._code)

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        settings = f"async={environment.is_async};ext={','.join(sorted(environment.extensions))}"
        return super().get_bucket(environment, f"{settings};{name}", filename, source)

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # drops the code if the source has changed

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


#: The one cache the course server's page environments share.
COMPILED_TEMPLATES = CompiledTemplates()


def keep_compiled_templates(
    exporter_class: type | None = None, cache: BytecodeCache = COMPILED_TEMPLATES
) -> None:
    """Make every Jinja environment ``exporter_class`` creates use ``cache``.

    ``exporter_class`` defaults to Voila's page exporter. Calling it again changes nothing.
    """
    if exporter_class is None:
        from voila.exporter import VoilaExporter

        exporter_class = VoilaExporter
    create = exporter_class._create_environment
    if getattr(create, "keeps_compiled_templates", False):
        return

    def _create_environment(self: Any) -> Environment:
        environment = create(self)
        environment.bytecode_cache = cache
        return environment

    _create_environment.keeps_compiled_templates = True  # type: ignore[attr-defined]
    exporter_class._create_environment = _create_environment
