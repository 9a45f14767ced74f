"""The course server's own pages: the course home, "course is full", "not found" and errors.

Voila renders the module notebooks; these few pages are the ones around them. They are Jinja
templates in the course theme (``assets/theme/pages/``), so they share the modules' look, and
every value put into them is escaped (autoescape is on). A course without a theme still gets
plain working pages from :data:`FALLBACK_PAGE`.

>>> pages = CoursePages(theme_dir=None, base_url="/", course_title="A <b>course</b>")
>>> "A &lt;b&gt;course&lt;/b&gt;" in pages.render("not-found.html")
True
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2

from ..settings.course import course_notebooks

__all__ = [
    "CoursePages",
    "ModuleLink",
    "list_modules",
    "notebook_title",
    "carried_query",
    "FALLBACK_PAGE",
    "TEMPLATE_NAME",
]

#: The branding values every page may use: ``brand_name``, ``brand_css``, ``logo_url``.
BRANDING_KEYS = ("brand_name", "brand_css", "logo_url")

#: The name Voila knows the course theme by (``assets/theme`` is staged under it).
TEMPLATE_NAME = "recovery-capital"

# Query parameters a module link carries on from the page that links to it; anything else
# (a trainer key, say) is left behind.
CARRIED_QUERY = ("cohort", "secret")

FALLBACK_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ heading }} - {{ course_title }}</title></head>
<body><header><p><a href="{{ base_url }}">{{ course_title }}</a></p></header>
<main id="rc-main"><h1>{{ heading }}</h1><p>{{ message }}</p>
{% for module in modules %}<p><a href="{{ module.href }}">{{ module.title }}</a></p>{% endfor %}
</main></body></html>
"""

_HEADINGS = {
    "home.html": ("Course modules", "Choose a module to open it."),
    "full.html": (
        "The course is full right now",
        "The course is full right now — please try again in a minute.",
    ),
    "not-found.html": ("Page not found", "There is no course page at this address."),
    "error.html": (
        "Something went wrong",
        "Something went wrong on our side. Your saved answers are safe; please try again.",
    ),
}


@dataclass(frozen=True)
class ModuleLink:
    """One course module as the home page lists it."""

    path: str  # relative to the course folder, e.g. "modules/02-recovery-capital.ipynb"
    title: str
    href: str


def notebook_title(path: Path) -> str:
    """A notebook's title: its ``title`` metadata, else its first Markdown heading, else its name.

    >>> import tempfile
    >>> nb = Path(tempfile.mkdtemp()) / "02-recovery-capital.ipynb"
    >>> _ = nb.write_text(json.dumps({"metadata": {}, "cells": [
    ...     {"cell_type": "markdown", "source": ["# Recovery capital\\n", "Text"]}]}))
    >>> notebook_title(nb)
    'Recovery capital'
    """
    fallback = path.stem.replace("-", " ").strip()
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return fallback
    title = (notebook.get("metadata") or {}).get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        heading = re.search(r"^#{1,2}\s+(.+?)\s*#*\s*$", text, flags=re.MULTILINE)
        if heading:
            return heading.group(1)
    return fallback


def carried_query(arguments: dict[str, list[bytes]] | dict[str, list[str]]) -> str:
    """The part of a request's query string that module links pass on.

    >>> carried_query({"cohort": [b"K7P2Q"], "key": [b"k"], "secret": [b"s3"], "handle": [b"x"]})
    'cohort=K7P2Q&secret=s3'
    """
    pairs = []
    for name in CARRIED_QUERY:
        values = arguments.get(name) or []
        if values:
            value = values[0]
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            pairs.append((name, value))
    return urlencode(pairs)


def list_modules(course_dir: Path, base_url: str = "/", query: str = "") -> list[ModuleLink]:
    """The trainee modules (``modules/*.ipynb``, not ``modules/trainer/``) in course order:
    the order ``course.yaml`` lists them in, else by file name.

    >>> import tempfile
    >>> course = Path(tempfile.mkdtemp())
    >>> (course / "modules" / "trainer").mkdir(parents=True)
    >>> for name in ["01-why.ipynb", "00-welcome.ipynb", "trainer/dashboard.ipynb"]:
    ...     _ = (course / "modules" / name).write_text("{}")
    >>> [(m.path, m.href) for m in list_modules(course, "/c/", "cohort=K7P2Q")][0]
    ('modules/00-welcome.ipynb', '/c/voila/render/modules/00-welcome.ipynb?cohort=K7P2Q')
    """
    modules = []
    suffix = f"?{query}" if query else ""
    for notebook in course_notebooks(course_dir):  # course.yaml's order, else by name
        relative = notebook.relative_to(course_dir).as_posix()
        href = f"{base_url}voila/render/{relative}{suffix}"
        modules.append(ModuleLink(path=relative, title=notebook_title(notebook), href=href))
    return modules


class CoursePages:
    """Renders the server's own pages from the theme's ``pages/`` folder (or the fallback)."""

    def __init__(
        self,
        theme_dir: Path | None,
        base_url: str,
        course_title: str,
        branding: dict[str, str] | None = None,
    ) -> None:
        pages_dir = Path(theme_dir) / "pages" if theme_dir else None
        loader: jinja2.BaseLoader
        if pages_dir is not None and pages_dir.is_dir():
            loader = jinja2.FileSystemLoader(str(pages_dir))
        else:
            loader = jinja2.DictLoader({name: FALLBACK_PAGE for name in _HEADINGS})
        self.environment = jinja2.Environment(
            loader=loader, autoescape=True, undefined=jinja2.StrictUndefined
        )
        self.base_url = base_url
        self.course_title = course_title
        # course.yaml's look (see recovery_capital.settings.course.page_branding)
        self.branding = {key: (branding or {}).get(key, "") for key in BRANDING_KEYS}

    def render(self, name: str, **context: Any) -> str:
        """Render one page: ``home.html``, ``full.html``, ``not-found.html`` or ``error.html``."""
        heading, message = _HEADINGS[name]
        values = {
            "heading": heading,
            "message": message,
            "course_title": self.course_title,
            "base_url": self.base_url,
            "static_url": f"{self.base_url}voila/templates/{TEMPLATE_NAME}/static/",
            "modules": [],
            "retry_url": self.base_url,
            "cohort": "",
            "handle": "",
            "notice": "",
            "join_url": self.base_url,
            "personal_link": "",
            "joining": False,
            "left": False,
            "xsrf_form": "",
            **self.branding,
        }
        values.update(context)
        return self.environment.get_template(name).render(**values)
