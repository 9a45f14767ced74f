"""JupyterHub: one trainee server per person, all sharing one store, trainees known by a pseudonym.

``deploy/jupyterhub_config.py`` calls :func:`configure` with the hub's ``c``. The hub
authenticates the person (PAM, OAuth, LTI through ``jupyterhub-ltiauthenticator``...); before
their server starts, the spawn hook joins them to the cohort under a **pseudonymous handle**
worked out from the hub user name with a secret only the hub holds (``hub-`` and ten hex
digits), and points the server's default page at the module through a fresh personal link. The
store never sees the hub user name.

Signed in from an LMS whose launch carries a grade service (LTI Advantage AGS), the hook also
hands the server what grade return needs (:func:`grade_launch`: the platform, its opaque user
id, the resource link and the AGS endpoint, nothing that names the person) in
``RECOVERY_CAPITAL_LTI_LAUNCH``; the server's grade sink (``lms/grades.py``) adopts it, so
module completion and knowledge-check scores reach the gradebook as for a launch through
``serve``.

>>> a = participant_for("priya.natarajan", "0" * 64)
>>> a == participant_for("Priya.Natarajan", "0" * 64), a.startswith("hub-"), len(a)
(True, True, 14)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

__all__ = ["configure", "grade_launch", "hub_template_vars", "launch_parameters", "participant_for"]

CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
RESOURCE_LINK = "https://purl.imsglobal.org/spec/lti/claim/resource_link"
#: where the spawn hook hands a trainee's server its LMS launch (for grade return)
LAUNCH_ENV = "RECOVERY_CAPITAL_LTI_LAUNCH"
_NOTEBOOK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.ipynb$")

#: the environment variable holding the hub's pseudonym secret (64 hex digits)
SECRET_ENV = "RECOVERY_CAPITAL_HUB_SECRET"


def participant_for(username: str, secret_hex: str) -> str:
    """The pseudonymous handle of a hub user (the same at every sign-in)."""
    digest = hmac.new(bytes.fromhex(secret_hex), username.casefold().encode(), hashlib.sha256)
    return "hub-" + digest.hexdigest()[:10]


def launch_parameters(auth_state: Mapping[str, Any] | None) -> dict[str, str]:
    """The ``cohort`` and ``module`` an LTI launch's custom parameters name, if any.

    >>> launch_parameters({CUSTOM: {"cohort": "K7P2Q", "module": "02-x.ipynb", "x": "y"}})
    {'cohort': 'K7P2Q', 'module': '02-x.ipynb'}
    >>> launch_parameters(None)
    {}
    """
    custom = (auth_state or {}).get(CUSTOM) or {}
    if not isinstance(custom, Mapping):
        return {}
    return {key: str(custom[key]) for key in ("cohort", "module") if custom.get(key)}


def grade_launch(auth_state: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """From a hub sign-in by LTI 1.3 (the id_token's claims, jupyterhub-ltiauthenticator's
    auth state), what grade return needs, or None when the launch has no grade service.

    >>> grade_launch({"iss": "https://lms", "sub": "77", "aud": ["tool-1"], "azp": "tool-1",
    ...               "email": "priya@example.org", AGS: {"lineitem": "https://lms/li/1"},
    ...               RESOURCE_LINK: {"id": "link-2", "title": "Module 2"}})["client_id"]
    'tool-1'
    >>> grade_launch({"iss": "https://lms", "sub": "77", "aud": "tool-1"}) is None
    True
    """
    state = auth_state or {}
    ags = state.get(AGS)
    if not isinstance(ags, Mapping) or not state.get("iss") or not state.get("sub"):
        return None
    audience = state.get("aud")
    client_id = state.get("azp") or (audience[0] if isinstance(audience, list) else audience)
    link = state.get(RESOURCE_LINK)
    return {
        "iss": str(state["iss"]),
        "sub": str(state["sub"]),
        "client_id": str(client_id or ""),
        RESOURCE_LINK: {"id": link.get("id")} if isinstance(link, Mapping) else {},
        AGS: dict(ags),
    }


def hub_template_vars(course_dir: str | Path) -> dict[str, str]:
    """What ``deploy/templates`` needs to dress the hub's pages as the course: its title, its
    two colours and its stylesheet (the defaults when ``course.yaml`` cannot be read).

    >>> found = hub_template_vars(Path(__file__).resolve().parents[2])
    >>> bool(found["course_title"]), found["brand_primary"], "--rc-page" in found["course_css"]
    (True, '#1d5c63', True)
    """
    from ..settings.course import Branding, load_course_settings

    title, branding = "", Branding()
    try:
        settings = load_course_settings(Path(course_dir))
        title, branding = settings.title, settings.branding
    except Exception:  # the hub still starts; its pages show the course look without a title
        pass
    sheet = Path(course_dir) / "assets" / "theme" / "static" / "course.css"
    css = sheet.read_text(encoding="utf-8") if sheet.is_file() else ""
    return {
        "course_title": str(title),
        "brand_primary": branding.primary_colour,
        "brand_accent": branding.accent_colour,
        "course_css": css.replace("</", "<\\/"),  # a stylesheet cannot end the <style> early
    }


async def _auth_state(spawner: Any) -> Any:
    try:
        return await spawner.user.get_auth_state()
    except Exception:  # auth state not kept (no JUPYTERHUB_CRYPT_KEY): the defaults apply
        return None


def configure(
    c: Any,
    *,
    store_url: str,
    course_dir: str,
    cohort: str,
    module: str = "00-start-here.ipynb",
    secret_hex: str | None = None,
    mem_limit: str = "400M",
    cpu_limit: float = 1.0,
    concurrent_spawn_limit: int = 10,
    active_server_limit: int = 60,
    idle_timeout: int = 1800,
    templates: str | Path | None = None,
) -> None:
    """Set the hub's own settings for the course (see ``docs/deployment.md``).

    Culling is jupyter_server's own: a trainee's kernels end after ``idle_timeout`` seconds
    without activity and the server shuts itself down once it has had none for as long, which
    frees the hub's slot; memory and CPU limits are the spawner's (enforced by spawners that
    can, such as systemdspawner, DockerSpawner and KubeSpawner); the spawn limits are the hub's.
    With ``templates`` (``deploy/templates``), the hub's own pages wear the course's look:
    :func:`hub_template_vars` hands them the course title, colours and stylesheet.
    """
    secret = secret_hex or os.environ.get(SECRET_ENV)
    if not secret or len(bytes.fromhex(secret)) < 16:
        raise ValueError(
            f"Set {SECRET_ENV} to a long random hex string (e.g. `openssl rand -hex 32`): "
            "it turns hub user names into pseudonyms, so keep it with the hub's other secrets."
        )
    from ..store import Store
    from ..store.errors import UnknownCohort

    store = Store(store_url)
    try:
        cohort = store.cohort(cohort).code  # fail at start-up, not at a trainee's first page
    finally:
        store.close()

    async def pre_spawn_hook(spawner: Any) -> None:
        # Signed in from an LMS (jupyterhub-ltiauthenticator, with auth state kept): the
        # launch's custom parameters may name the cohort and the module.
        auth_state = await _auth_state(spawner)
        custom = launch_parameters(auth_state)
        chosen = custom.get("module") or module
        if not _NOTEBOOK.match(chosen) or not (Path(course_dir) / "modules" / chosen).is_file():
            raise ValueError(
                f"This course link names a module ({chosen}) the course does not "
                "have. Please tell whoever set up the course in your learning "
                "platform."
            )
        handle = participant_for(spawner.user.name, secret)
        joined = Store(store_url)
        try:
            group = joined.cohort(custom["cohort"]).code if custom.get("cohort") else cohort
            handle = joined.join(group, handle)
            # the hub has signed this user in, so their server gets a fresh personal link
            # (only a link's secret opens a participant's answers; a handle alone opens none)
            link_secret = joined.reissue_link(group, handle)
        except UnknownCohort:
            raise ValueError(
                f"This course link names a group ({custom['cohort']}) the course "
                "does not know. Please tell whoever set up the course in your "
                "learning platform."
            ) from None
        finally:
            joined.close()
        query = urlencode({"cohort": group, "secret": link_secret})
        spawner.default_url = f"/voila/render/modules/{chosen}?{query}"
        extra = {"RECOVERY_CAPITAL_HANDLE": handle}
        graded = grade_launch(auth_state)
        if graded is not None:
            extra[LAUNCH_ENV] = json.dumps(
                {"cohort": group, "handle": handle, "module": chosen, "launch": graded}
            )
        spawner.environment = {**spawner.environment, **extra}

    c.Spawner.pre_spawn_hook = pre_spawn_hook
    c.Spawner.environment = {
        "RECOVERY_CAPITAL_STORE": store_url,
        "RECOVERY_CAPITAL_COURSE_DIR": course_dir,
    }
    c.Spawner.notebook_dir = course_dir
    c.Spawner.mem_limit = mem_limit
    c.Spawner.cpu_limit = cpu_limit
    c.Spawner.args = [
        f"--MappingKernelManager.cull_idle_timeout={idle_timeout}",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=True",
        f"--ServerApp.shutdown_no_activity_timeout={idle_timeout}",
        "--VoilaConfiguration.show_tracebacks=False",
        # Voila inlines a module's pictures through the contents manager without awaiting it:
        # jupyter_server's default (async) one hands it a coroutine and the page breaks off at
        # the first picture. Standalone Voila (``serve``) uses this same synchronous manager.
        "--ServerApp.contents_manager_class="
        "jupyter_server.services.contents.largefilemanager.LargeFileManager",
    ]
    if templates is not None:
        c.JupyterHub.template_paths = [str(templates)]
        c.JupyterHub.template_vars = hub_template_vars(course_dir)
    c.JupyterHub.concurrent_spawn_limit = concurrent_spawn_limit
    c.JupyterHub.active_server_limit = active_server_limit
    c.Spawner.start_timeout = 120
    c.Spawner.http_timeout = 60
