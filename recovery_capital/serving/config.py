"""Turn :class:`~recovery_capital.settings.serving.Settings` into a Voila child process's config.

Three things come out of one ``Settings``:

- :func:`voila_config`: the ``voila.json`` traitlets config (safe defaults that a URL cannot
  undo: no template or theme override from the query string, sources stripped, tracebacks
  hidden from trainees, a cell time-out, idle kernels culled, a kernel cap, a fixed port;
  cells run progressively unless kernels are preheated);
- :func:`child_environment`: the environment the server and every kernel inherit (the store
  URL and course folder the notebooks read, the Voila config folder, the theme's search path);
- :func:`stage_config`: a folder holding both, ready for :mod:`recovery_capital.serving.app`.

>>> from pathlib import Path
>>> config = voila_config(Settings(course_dir=Path("/course"), port=9000))
>>> config["Voila"]["port"], config["Voila"]["port_retries"], config["Voila"]["ip"]
(9000, 0, '127.0.0.1')
>>> config["VoilaConfiguration"]["allow_template_override"]
'NO'
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..settings.course import page_branding
from ..settings.serving import COURSE_DIR_ENV, STORE_ENV, Settings
from ..widgets.control_code import CONTROLS_URL_ENV, controls_path
from .app import CONFIG_DIR_ENV
from .pages import TEMPLATE_NAME

__all__ = ["voila_config", "child_environment", "stage_config", "CELL_ERROR_MESSAGE"]

CELL_ERROR_MESSAGE = (
    "This part of the page could not be shown. Your saved answers are safe: please reload "
    "the page, and tell your trainer if it happens again."
)
CELL_TIMEOUT_MESSAGE = (
    "This part of the page took too long to prepare. Your saved answers are safe: please "
    "reload the page in a minute, and tell your trainer if it happens again."
)
# Images, styles and fonts under modules/ or assets/; never YAML (it holds quiz answers and
# reference ratings), notebooks or Python.
#: How long a cell's run waits, after the kernel has replied, for the rest of its output.
#: nbclient's default (4 s) is too short on a loaded server: a cell that builds an exercise
#: sends dozens of widget messages before its display, and when they are still queued at 4 s
#: nbclient stops reading and hands Voila the cell without its exercise (on a 2-core machine
#: with 12 module pages opening at once, 13 of 72 exercises were lost that way). Waiting
#: costs nothing when the output is complete: the wait ends at the kernel's idle message.
IOPUB_TIMEOUT = 120

FILE_ALLOWLIST = [r"(modules|assets)/.+\.(png|jpe?g|gif|svg|webp|css|woff2?)"]
FILE_DENYLIST = [r".*\.(ipynb|py|ya?ml|json|csv|xlsx|sqlite3?|db)", r"(.*/)?\..*"]


def voila_config(settings: Settings) -> dict[str, Any]:
    """The traitlets configuration for the course's Voila, as a JSON-ready mapping."""
    theme_ready = (settings.theme_dir / "index.html.j2").is_file()
    voila_configuration: dict[str, Any] = {
        "template": TEMPLATE_NAME if theme_ready else "lab",
        "theme": "light",
        "allow_template_override": "NO",
        "allow_theme_override": "NO",
        "strip_sources": True,
        "show_tracebacks": False,
        "multi_kernel_manager_class": "recovery_capital.serving.kernels.CappedKernelManager",
        "file_allowlist": FILE_ALLOWLIST,
        "file_denylist": FILE_DENYLIST,
        "preheat_kernel": settings.preheat,
        # Without a pool, send the page before its cells run and let the browser ask for them
        # (Voila's progressive rendering): the prose shows at once, each exercise as soon as its
        # own cell has run, and the kernel starts while the browser loads the page's scripts.
        # Voila cannot combine it with preheating, where the page arrives already run.
        "progressive_rendering": not settings.preheat,
        "default_pool_size": 0,
        "http_header_envs": [],
        "resources": {
            "course": {
                "title": settings.course_title,
                "theme_dir": str(settings.theme_dir) if theme_ready else "",
                **page_branding(settings.course_dir, settings.base_url),
            }
        },
    }
    config: dict[str, Any] = {
        "Voila": {
            "ip": settings.host,
            "port": settings.port,
            "port_retries": 0,
            "base_url": settings.base_url,
            "root_dir": str(settings.course_dir),
            "open_browser": False,
            "tornado_settings": {
                "headers": {
                    "Referrer-Policy": "same-origin",
                    "X-Content-Type-Options": "nosniff",
                }
            },
        },
        "VoilaConfiguration": voila_configuration,
        "VoilaExecutor": {
            # A preheated kernel runs its notebook before anyone asks for it and then waits,
            # inside the first exercise's cell (wait_for_request), for its trainee: a cell
            # time-out would end every pooled page that waited longer than it. So the
            # time-out applies only when nothing is preheated.
            "timeout": None if settings.preheat else settings.cell_timeout,
            "cell_error_instruction": CELL_ERROR_MESSAGE,
            "cell_timeout_instruction": CELL_TIMEOUT_MESSAGE,
            "iopub_timeout": IOPUB_TIMEOUT,
        },
        "MappingKernelManager": {
            "cull_idle_timeout": settings.cull_idle_timeout,
            "cull_interval": settings.cull_interval,
            # An abandoned tab would otherwise hold one of the capped kernel slots forever.
            "cull_connected": True,
        },
        "CappedKernelManager": {
            "max_kernels": settings.max_kernels,
            "unconnected_timeout": settings.cull_unconnected_timeout,
        },
    }
    if settings.preheat:
        config["VoilaKernelManager"] = {
            "kernel_pools_config": {
                "default": {"pool_size": 0},
                settings.workshop_notebook: {"pool_size": settings.pool_size},
            },
            "fill_delay": settings.fill_delay,
        }
    return config


def child_environment(
    settings: Settings, config_dir: Path, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment for the Voila process; its kernels inherit it.

    >>> env = child_environment(Settings(course_dir=Path("/c"), store_url="sqlite:///s.db"),
    ...                         Path("/tmp/cfg"), base={})
    >>> env["RECOVERY_CAPITAL_STORE"], env["RECOVERY_CAPITAL_COURSE_DIR"], env["VOILA_APP_IP"]
    ('sqlite:///s.db', '/c', '127.0.0.1')
    """
    env = dict(os.environ if base is None else base)
    env[COURSE_DIR_ENV] = str(settings.course_dir)
    if settings.store_url:
        env[STORE_ENV] = settings.store_url
    env[CONFIG_DIR_ENV] = str(config_dir)
    # A preheated kernel asks the server for its page's query string at this address.
    env["VOILA_APP_IP"] = settings.connect_host
    # Where the course's own controls load their code from (one copy per page, not per widget).
    env[CONTROLS_URL_ENV] = controls_path(settings.base_url)
    share = str(config_dir / "share")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (share, env.get("JUPYTER_PATH")) if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def stage_config(settings: Settings, config_dir: Path) -> Path:
    """Write ``voila.json`` and link the course theme where Voila looks for templates.

    Returns the path of the written ``voila.json``.
    """
    config_dir = Path(config_dir)
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / "voila.json"
    path.write_text(json.dumps(voila_config(settings), indent=2), encoding="utf-8")
    templates = config_dir / "share" / "voila" / "templates"
    templates.mkdir(parents=True, exist_ok=True)
    link = templates / TEMPLATE_NAME
    if (settings.theme_dir / "index.html.j2").is_file() and not link.exists():
        link.symlink_to(settings.theme_dir.resolve(), target_is_directory=True)
    return path
