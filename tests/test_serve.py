"""Tests for serving the course: settings, the generated Voila config, the narrowed URL table,
the kernel cap, the launcher, and one real server answering HTTP requests."""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from waiting import until

from recovery_capital.serving import serve
from recovery_capital.serving.app import classify_path, redact_query
from recovery_capital.serving.config import (
    CELL_ERROR_MESSAGE,
    FILE_ALLOWLIST,
    FILE_DENYLIST,
    child_environment,
    stage_config,
    voila_config,
)
from recovery_capital.serving.kernels import CappedKernelManager, CourseFull
from recovery_capital.serving.pages import CoursePages, list_modules, notebook_title
from recovery_capital.settings.serving import Settings, SettingsError, load_settings
from recovery_capital.store import Store
from recovery_capital.store.errors import UnknownCohort
from recovery_capital.widgets.control_code import CONTROLS_URL_ENV, controls_path, controls_version

REPO = Path(__file__).resolve().parents[1]


def write_notebook(path: Path, title: str, code: str = "print('ready')") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": [f"# {title}\n"]},
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": [code],
            },
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")


@pytest.fixture()
def course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    write_notebook(root / "modules" / "00-welcome.ipynb", "Welcome")
    write_notebook(root / "modules" / "02-recovery-capital.ipynb", "Recovery capital")
    write_notebook(root / "modules" / "trainer" / "dashboard.ipynb", "Dashboard")
    write_notebook(root / "private" / "notes.ipynb", "Not for trainees")
    (root / "assets" / "content").mkdir(parents=True)
    (root / "assets" / "content" / "quiz.yaml").write_text("answer: secret\n")
    (root / "assets" / "theme").symlink_to(REPO / "assets" / "theme")
    return root


# ---------------------------------------------------------------- settings


def test_settings_come_from_cli_then_env_then_course_yaml_then_defaults(course: Path) -> None:
    (course / "course.yaml").write_text(
        "title: Spring course\nserve:\n  port: 7000\n  max_kernels: 12\n  host: 0.0.0.0\n"
    )
    environ = {"RECOVERY_CAPITAL_PORT": "7100", "RECOVERY_CAPITAL_STORE": "sqlite:///env.db"}
    settings = load_settings({"course_dir": str(course), "port": 7200}, environ)
    assert settings.port == 7200  # command line beats the environment
    assert settings.store_url == "sqlite:///env.db"  # environment
    assert settings.max_kernels == 12 and settings.host == "0.0.0.0"  # course.yaml
    assert settings.cell_timeout == Settings.cell_timeout  # default
    assert settings.course_title == "Spring course"
    assert settings.url("x") == "http://127.0.0.1:7200/x"  # a wildcard host is reached locally


def test_course_dir_may_come_from_the_environment(course: Path) -> None:
    settings = load_settings({}, {"RECOVERY_CAPITAL_COURSE_DIR": str(course)}, {})
    assert settings.course_dir == course.resolve()


@pytest.mark.parametrize(
    ("cli", "environ", "message"),
    [
        ({"port": 70000}, {}, "port (from --port): must be between 1 and 65535"),
        ({}, {"RECOVERY_CAPITAL_MAX_KERNELS": "lots"}, "RECOVERY_CAPITAL_MAX_KERNELS"),
        ({"pool_size": 5}, {}, "needs a workshop module"),
        ({"workshop": "2", "pool_size": 50, "max_kernels": 10}, {}, "cannot exceed max_kernels"),
        ({"workshop": "9"}, {}, "no single module matches '9'"),
        ({"base_url": "/a b/"}, {}, "base_url"),
        ({"cell_timeout": 0}, {}, "cell_timeout (from --cell-timeout): must be at least 1"),
    ],
)
def test_bad_settings_are_named_with_their_source(
    course: Path, cli: dict, environ: dict, message: str
) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        load_settings({"course_dir": str(course), **cli}, environ, {})


def test_a_folder_without_modules_is_not_taken_for_a_course(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="has no modules/ folder"):
        load_settings({"course_dir": str(tmp_path)}, {}, {})


def test_unknown_course_yaml_settings_are_refused(course: Path) -> None:
    with pytest.raises(SettingsError, match="unknown setting.*prot"):
        load_settings({"course_dir": str(course)}, {}, {"serve": {"prot": 1}})


def test_workshop_mode_resolves_the_module_and_defaults_a_pool(course: Path) -> None:
    settings = load_settings({"course_dir": str(course), "workshop": "02"}, {}, {})
    assert settings.workshop_notebook == "modules/02-recovery-capital.ipynb"
    assert settings.preheat and settings.pool_size == 30 and settings.fill_delay == 15.0
    by_name = load_settings({"course_dir": str(course), "workshop": "02-recovery-capital"}, {}, {})
    assert by_name.workshop_notebook == settings.workshop_notebook


def test_base_url_is_normalised_for_voila(course: Path) -> None:
    settings = load_settings({"course_dir": str(course), "base_url": "course"}, {}, {})
    assert settings.base_url == "/course/"
    assert settings.url("voila/x", "a=1").endswith(":8866/course/voila/x?a=1")


# ---------------------------------------------------------------- generated config


def test_voila_config_locks_down_what_a_url_could_change(course: Path) -> None:
    settings = load_settings({"course_dir": str(course), "port": 9100, "max_kernels": 7}, {}, {})
    config = voila_config(settings)
    voila, conf = config["Voila"], config["VoilaConfiguration"]
    assert (voila["ip"], voila["port"], voila["port_retries"]) == ("127.0.0.1", 9100, 0)
    assert voila["root_dir"] == str(course.resolve())
    assert conf["allow_template_override"] == conf["allow_theme_override"] == "NO"
    assert conf["strip_sources"] is True and conf["show_tracebacks"] is False
    assert conf["template"] == "recovery-capital"
    assert conf["multi_kernel_manager_class"].endswith("CappedKernelManager")
    assert config["CappedKernelManager"]["max_kernels"] == 7
    assert config["VoilaExecutor"]["timeout"] == settings.cell_timeout
    # a cell's output is awaited well past nbclient's 4 s, or a busy server drops exercises
    assert config["VoilaExecutor"]["iopub_timeout"] >= 60
    assert config["VoilaExecutor"]["cell_error_instruction"] == CELL_ERROR_MESSAGE
    assert config["MappingKernelManager"]["cull_idle_timeout"] == settings.cull_idle_timeout
    assert conf["preheat_kernel"] is False and "VoilaKernelManager" not in config
    assert conf["progressive_rendering"] is True  # cold pages show each exercise once it runs
    json.dumps(config)  # it is written as voila.json


def test_workshop_config_preheats_only_the_workshop_notebook(course: Path) -> None:
    settings = load_settings(
        {"course_dir": str(course), "workshop": "2", "pool_size": 4, "fill_delay": 3}, {}, {}
    )
    config = voila_config(settings)
    assert config["VoilaConfiguration"]["preheat_kernel"] is True
    # Voila refuses to start with both: a preheated page arrives already run.
    assert config["VoilaConfiguration"]["progressive_rendering"] is False
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    assert pools == {
        "default": {"pool_size": 0},
        "modules/02-recovery-capital.ipynb": {"pool_size": 4},
    }
    assert config["VoilaKernelManager"]["fill_delay"] == 3
    # A pooled kernel waits inside a cell for its trainee: no cell time-out may end it.
    assert config["VoilaExecutor"]["timeout"] is None


def test_a_course_without_a_theme_falls_back_to_the_lab_template(tmp_path: Path) -> None:
    config = voila_config(Settings(course_dir=tmp_path))
    assert config["VoilaConfiguration"]["template"] == "lab"


@pytest.mark.parametrize(
    ("path", "served"),
    [
        ("assets/images/map.png", True),
        ("modules/figures/radar.svg", True),
        ("assets/theme/static/course.css", True),
        ("assets/content/quizzes/stigma.yaml", False),  # holds the answers
        ("modules/02-recovery-capital.ipynb", False),
        ("recovery_capital/serving/serve.py", False),
        ("store.sqlite3", False),
        ("assets/.secret/key.png", False),
        ("tests/pic.png", False),
    ],
)
def test_only_images_and_styles_under_modules_and_assets_are_served(
    path: str, served: bool
) -> None:
    allowed = any(re.fullmatch(p, path, re.IGNORECASE) for p in FILE_ALLOWLIST)
    denied = any(re.fullmatch(p, path, re.IGNORECASE) for p in FILE_DENYLIST)
    assert (allowed and not denied) is served


def test_kernels_inherit_the_store_url_and_course_folder(course: Path, tmp_path: Path) -> None:
    settings = load_settings({"course_dir": str(course), "store_url": "sqlite:///x.db"}, {}, {})
    env = child_environment(settings, tmp_path / "cfg", base={"JUPYTER_PATH": "/elsewhere"})
    assert env["RECOVERY_CAPITAL_STORE"] == "sqlite:///x.db"
    assert env["RECOVERY_CAPITAL_COURSE_DIR"] == str(course.resolve())
    assert env["JUPYTER_PATH"] == os.pathsep.join([str(tmp_path / "cfg" / "share"), "/elsewhere"])


def test_kernels_learn_where_the_course_controls_code_is_served(course: Path, tmp_path: Path):
    settings = load_settings({"course_dir": str(course), "base_url": "/course/"}, {}, {})
    env = child_environment(settings, tmp_path / "cfg", base={})
    assert env[CONTROLS_URL_ENV] == f"/course/recovery-capital/controls/{controls_version()}/"


def test_stage_config_writes_voila_json_and_links_the_theme(course: Path, tmp_path: Path) -> None:
    settings = load_settings({"course_dir": str(course)}, {}, {})
    written = stage_config(settings, tmp_path / "cfg")
    assert json.loads(written.read_text())["Voila"]["port"] == settings.port
    template = tmp_path / "cfg" / "share" / "voila" / "templates" / "recovery-capital"
    assert (template / "index.html.j2").is_file() and (template / "conf.json").is_file()


# ---------------------------------------------------------------- URL table and pages


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("modules/00-welcome.ipynb", "notebook"),
        ("modules/trainer/dashboard.ipynb", "notebook"),
        ("assets/img/a.png", "file"),
        ("modules/img/a.svg", "file"),
        ("private/notes.ipynb", None),
        ("modules/../private/notes.ipynb", None),
        ("modules/.ipynb_checkpoints/00-welcome-checkpoint.ipynb", None),
        ("assets/content/quiz.yaml", None),
        ("assets/notes.ipynb", None),
        ("modules", None),
        ("", None),
        ("/etc/passwd", None),
    ],
)
def test_classify_path_lets_through_modules_and_their_images_only(
    path: str, kind: str | None
) -> None:
    assert classify_path(path) == kind


def test_trainer_keys_never_reach_the_log() -> None:
    uri = "/voila/render/modules/trainer/dashboard.ipynb?key=AB12-CD34&cohort=K7P2Q&token=t"
    assert redact_query(uri) == (
        "/voila/render/modules/trainer/dashboard.ipynb?key=[hidden]&cohort=K7P2Q&token=[hidden]"
    )


def test_course_pages_escape_everything_they_show(course: Path) -> None:
    pages = CoursePages(course / "assets" / "theme", "/", "Course <script>alert(1)</script>")
    html = pages.render("home.html", handle="<img src=x onerror=alert(1)>", modules=[])
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_full_page_says_the_course_is_full_and_offers_a_retry(course: Path) -> None:
    pages = CoursePages(course / "assets" / "theme", "/", "Course")
    html = pages.render("full.html", retry_url="/voila/render/modules/00-welcome.ipynb?cohort=A")
    assert "The course is full right now — please try again in a minute" in html
    assert 'href="/voila/render/modules/00-welcome.ipynb?cohort=A"' in html
    assert "<main" in html


def test_module_list_is_in_course_order_without_trainer_notebooks(course: Path) -> None:
    modules = list_modules(course, "/", "cohort=K7P2Q")
    assert [m.title for m in modules] == ["Welcome", "Recovery capital"]
    assert modules[1].href == "/voila/render/modules/02-recovery-capital.ipynb?cohort=K7P2Q"


def test_notebook_title_falls_back_to_the_file_name(tmp_path: Path) -> None:
    broken = tmp_path / "03-stages-of-change.ipynb"
    broken.write_text("not json")
    assert notebook_title(broken) == "03 stages of change"


# ---------------------------------------------------------------- kernel cap


def run_coroutine(make) -> None:
    """Run ``make()`` to completion on a fresh event loop in its own thread (another test's
    browser driver may already run a loop in this one)."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(make())
        except BaseException as exc:  # re-raised in the test's thread below
            errors.append(exc)

    worker = threading.Thread(target=target)
    worker.start()
    worker.join(30)
    if errors:
        raise errors[0]


class FakeKernels(CappedKernelManager):
    """The cap logic over a pretend kernel table (starting real kernels is slow)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.fake_ids: list[str] = []

    def next_id(self) -> str:
        return f"k{len(self.fake_ids)}"

    def list_kernel_ids(self) -> list[str]:
        return list(self.fake_ids)


@pytest.fixture()
def fake_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    async def start(self: FakeKernels, *args: object, **kwargs: object) -> str:
        await asyncio.sleep(0)
        self.fake_ids.append(self.next_id())
        return self.fake_ids[-1]

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", start)


def test_a_page_beyond_the_cap_gets_course_full(fake_start: None) -> None:
    manager = FakeKernels(max_kernels=2)

    async def scenario() -> None:
        await manager.start_kernel(env={"VOILA_PREHEAT": "False"})
        await manager.start_kernel(env={"VOILA_PREHEAT": "False"})
        assert manager.at_capacity()
        with pytest.raises(CourseFull) as refused:
            await manager.start_kernel(env={"VOILA_PREHEAT": "False"})
        assert refused.value.status_code == 503

    run_coroutine(scenario)
    assert manager.fake_ids == ["k0", "k1"]


def test_a_pool_refill_waits_for_a_free_slot_instead_of_failing(fake_start: None) -> None:
    manager = FakeKernels(max_kernels=1, pool_wait_interval=0.01)
    manager.fake_ids.append("busy")

    async def scenario() -> None:
        refill = asyncio.ensure_future(manager.start_kernel(env={"VOILA_PREHEAT": "True"}))
        await asyncio.sleep(0.05)
        assert not refill.done()  # still waiting: the only slot is taken
        manager.fake_ids.remove("busy")  # a trainee closes their tab
        assert await asyncio.wait_for(refill, 1) == "k0"

    run_coroutine(scenario)


def test_kernels_left_without_a_page_are_timed_from_first_sighting() -> None:
    manager = CappedKernelManager()
    manager._kernel_connections["a"] = 0
    assert manager.unconnected_for("a", now=100.0) == 0.0
    assert manager.unconnected_for("a", now=400.0) == 300.0
    manager._kernel_connections["a"] = 1  # the page connected
    assert manager.unconnected_for("a", now=500.0) == 0.0
    manager._kernel_connections["a"] = 0
    assert manager.unconnected_for("a", now=600.0) == 0.0  # the clock starts again


def test_a_never_connected_page_is_timed_from_its_start(fake_start: None) -> None:
    manager = FakeKernels(max_kernels=5)
    run_coroutine(lambda: manager.start_kernel(env={"VOILA_PREHEAT": "False"}))
    started = manager._unconnected_since["k0"]
    # timed from the kernel's start, not from the first cull pass that sees it
    assert manager.unconnected_for("k0", now=started + 41) == pytest.approx(41)


def test_a_closed_tab_is_timed_from_its_last_disconnect() -> None:
    manager = CappedKernelManager()
    manager._kernels["a"] = object()  # pretend kernel: only the connection table matters here
    manager._kernel_connections["a"] = 0
    manager.notify_connect("a")
    assert manager.unconnected_for("a") == 0.0
    manager.notify_disconnect("a")
    closed = manager._unconnected_since["a"]
    assert manager.unconnected_for("a", now=closed + 30) == pytest.approx(30)


class OwnedKernels(FakeKernels):
    """Fake kernels that remember who opened them and can be ended; k0 is the oldest."""

    started = 0

    def next_id(self) -> str:
        self.started += 1
        return f"k{self.started - 1}"

    def __contains__(self, kernel_id: object) -> bool:
        return kernel_id in self.fake_ids

    async def shutdown_kernel(self, kernel_id: str, *args: object, **kwargs: object) -> None:
        self.fake_ids.remove(kernel_id)
        self._owners.pop(kernel_id, None)

    def _seconds_since_activity(self, kernel_id: str) -> float:
        return 1000.0 - int(kernel_id[1:])  # older kernels have been quiet longer


def open_page(manager: OwnedKernels, address: str, browser: str) -> str:
    from recovery_capital.serving.visitors import REQUESTER, Requester

    async def start() -> str:
        REQUESTER.set(Requester(address, browser))
        return await manager.start_kernel(env={"VOILA_PREHEAT": "False"})

    result: list[str] = []

    async def scenario() -> None:
        result.append(await start())

    run_coroutine(scenario)
    return result[0]


def owners(manager: OwnedKernels) -> list[str]:
    return [manager._owners[k].browser for k in manager.fake_ids]


def test_one_browser_keeps_its_share_by_closing_its_own_oldest_page(fake_start: None) -> None:
    manager = OwnedKernels(max_kernels=40, kernels_per_browser=3)
    for _ in range(5):
        open_page(manager, "203.0.113.1", "tabs")
    assert manager.fake_ids == ["k2", "k3", "k4"]  # never refused; the oldest pages went
    open_page(manager, "203.0.113.1", "someone-else")
    assert len(manager.fake_ids) == 4


def test_a_full_server_takes_a_slot_from_the_address_holding_most(fake_start: None) -> None:
    manager = OwnedKernels(max_kernels=4, kernels_per_browser=10)
    for browser in ("h1", "h2", "h3"):
        open_page(manager, "198.51.100.66", browser)  # one client, many browser ids
    open_page(manager, "203.0.113.1", "room-1")
    open_page(manager, "203.0.113.1", "room-2")  # the room behind NAT still gets a page
    assert owners(manager) == ["h2", "h3", "room-1", "room-2"]
    # now both addresses hold two: a newcomer is turned away rather than take a fair share
    with pytest.raises(CourseFull):
        open_page(manager, "203.0.113.1", "room-3")


def test_within_one_address_a_browser_hoarding_pages_gives_one_up(fake_start: None) -> None:
    manager = OwnedKernels(max_kernels=4, kernels_per_browser=10)
    for _ in range(3):
        open_page(manager, "203.0.113.1", "hoarder")
    open_page(manager, "203.0.113.1", "trainee-1")
    open_page(manager, "203.0.113.1", "trainee-2")
    assert owners(manager).count("hoarder") == 2
    open_page(manager, "203.0.113.1", "trainee-3")  # hoarder 2, trainee-3 none: one goes
    assert sorted(owners(manager)) == ["hoarder", "trainee-1", "trainee-2", "trainee-3"]
    with pytest.raises(CourseFull):  # everyone holds one: really full
        open_page(manager, "203.0.113.1", "trainee-4")


def test_ending_a_kernel_drops_the_page_voila_kept_for_it_unrun(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from voila.tornado.execution_request_handler import ExecutionRequestHandler

    ended = []

    async def shutdown(self: CappedKernelManager, kernel_id: str, *args: object) -> None:
        ended.append(kernel_id)

    monkeypatch.setattr(AsyncMappingKernelManager, "shutdown_kernel", shutdown)
    pages = ExecutionRequestHandler._execution_data
    monkeypatch.setitem(pages, "abandoned", {"nb": "a fetched page nobody ran"})
    monkeypatch.setitem(pages, "still-open", {"nb": "another trainee's page"})
    run_coroutine(lambda: CappedKernelManager().shutdown_kernel("abandoned"))
    assert ended == ["abandoned"]
    assert "abandoned" not in pages and "still-open" in pages


# ---------------------------------------------------------------- launcher


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_busy_port_fails_clearly() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(serve.ServeError, match=f"port {port} on 127.0.0.1 is already in use"):
            serve.check_port_free("127.0.0.1", port)
    serve.check_port_free("127.0.0.1", port)  # free again once closed


def test_serve_refuses_a_busy_port_before_starting_anything(
    course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from recovery_capital.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        store = f"sqlite:///{tmp_path / 's.sqlite3'}"
        code = main(["serve", str(course), "--port", str(port), "--store", store])
    assert code == 2
    assert "already in use" in capsys.readouterr().err


def test_open_session_creates_or_reuses_a_cohort(course: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    settings = load_settings({"course_dir": str(course), "store_url": url}, {}, {})
    created = serve.open_session(settings)
    assert created.created and created.trainer_key
    reuse = load_settings(
        {"course_dir": str(course), "store_url": url, "cohort": created.code.lower()}, {}, {}
    )
    reused = serve.open_session(reuse)
    assert (reused.code, reused.created, reused.trainer_key) == (created.code, False, None)
    unknown = load_settings(
        {"course_dir": str(course), "store_url": url, "cohort": "ZZZZZ"}, {}, {}
    )
    with pytest.raises(UnknownCohort):
        serve.open_session(unknown)


def test_links_show_the_trainer_key_only_when_just_created(course: Path) -> None:
    settings = load_settings({"course_dir": str(course), "workshop": "2"}, {}, {})
    fresh = serve.format_links(settings, serve.Session("K7P2Q", "Spring", "AAAA-BBBB", True))
    assert "?cohort=K7P2Q" in fresh and "Trainer key:     AAAA-BBBB" in fresh
    assert "Shown only this once" in fresh and "key=" not in fresh  # keys stay out of URLs
    assert "voila/render/modules/02-recovery-capital.ipynb?cohort=K7P2Q" in fresh
    assert "/voila/render/modules/trainer/dashboard.ipynb\n" in fresh
    reused = serve.format_links(settings, serve.Session("K7P2Q", "Spring", None, False))
    assert "AAAA" not in reused and "Trainer key" not in reused
    assert "Lost it? recovery-capital cohort key K7P2Q --reissue" in reused  # a way back


# ---------------------------------------------------------------- one real server


#: One browser's cookies: the course home gives it an id, which module pages ask for.
BROWSER = http.cookiejar.CookieJar()


def http_get(
    url: str,
    cookies: http.cookiejar.CookieJar | None = BROWSER,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, dict[str, str]]:
    """GET ``url`` as one browser would (``cookies=None``: as a client that keeps none)."""
    request = urllib.request.Request(url, headers=headers or {})
    handlers: list[urllib.request.BaseHandler] = [NoRedirect()]
    if cookies is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(cookies))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def http_join(base: str, cohort: str, handle: str = "") -> tuple[int, dict[str, str], str]:
    """Press the course home's Join button: GET the form, POST it back with its token."""
    import http.cookiejar
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    with opener.open(f"{base}?cohort={urllib.parse.quote(cohort)}", timeout=60) as response:
        page = response.read().decode()
    token = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"_xsrf": token, "cohort": cohort, "handle": handle})
    try:
        with opener.open(base, data=data.encode(), timeout=60) as response:
            return response.status, dict(response.headers), ""
    except urllib.error.HTTPError as error:
        headers = dict(error.headers)
        return error.code, headers, headers.get("Location", "")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture(scope="module")
def running_server(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("served")
    root = tmp / "course"
    write_notebook(root / "modules" / "00-welcome.ipynb", "Welcome", "x = 1")
    write_notebook(root / "modules" / "01-broken.ipynb", "Broken", "answer = 1 / 0")
    write_notebook(root / "private" / "notes.ipynb", "Private")
    (root / "assets" / "content").mkdir(parents=True)
    (root / "assets" / "content" / "quiz.yaml").write_text("answer: secret\n")
    (root / "assets" / "theme").symlink_to(REPO / "assets" / "theme")
    port = free_port()
    store_url = f"sqlite:///{tmp / 'store.sqlite3'}"
    command = [
        sys.executable, "-m", "recovery_capital.cli", "serve", str(root), "--port", str(port),
        "--store", store_url, "--max-kernels", "2", "--cohort-name", "Test cohort",
        "--log", str(tmp / "server.log"),
    ]  # fmt: skip
    log_path = tmp / "server.log"
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=(tmp / "console.err").open("w"), text=True,
        cwd=tmp,
    )  # fmt: skip
    banner = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        banner.append(line)
        if line.startswith("Press Ctrl+C"):
            break
    try:
        assert any("Trainees open:" in line for line in banner), "".join(banner)
        assert http_get(f"http://127.0.0.1:{port}/")[0] == 200  # the browser gets its id
        yield f"http://127.0.0.1:{port}/", "".join(banner), log_path, store_url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


@pytest.mark.slow
def test_the_console_shows_the_links_and_key_and_voila_talks_to_its_log(running_server) -> None:
    """The once-only trainer key is the last thing on the console, not scrolled away by
    Voila's "running at" line or a kernel's warnings: those go to the log file."""
    base, banner, log_path, _ = running_server
    assert f"Voila's own messages go to {log_path}" in banner
    assert re.search(r"Trainer key:\s+\S+", banner)
    console = banner + (log_path.parent / "console.err").read_text(errors="replace")
    assert "running at" not in console and "[Voila]" not in console
    assert "running at" in log_path.read_text(errors="replace")  # Voila's own words, kept


@pytest.mark.slow
def test_server_prints_links_and_serves_the_course_home(running_server) -> None:
    base, banner, _, store_url = running_server
    code = re.search(r"Join code:\s+(\w+)", banner).group(1)
    assert f"{base}?cohort={code}" in banner
    assert Store(store_url).cohort(code).name == "Test cohort"
    # A handle alone is no key: the page offers to join instead of naming anyone.
    status, body, _ = http_get(f"{base}?cohort={code}&handle=fox-12&key=secret")
    assert status == 200 and "not its personal key" in body and "rc-join-button" in body
    assert "fox-12" not in body  # a handle from a link is never shown as anyone's name
    # A GET never creates a participant, even one asking to join.
    for _ in range(5):
        status, _, _ = http_get(f"{base}?cohort={code}&join=1")
        assert status == 200
    assert Store(store_url).participants(code) == []
    # Joining is a POST with the page's XSRF token; it lands on the personal link.
    status, headers, location = http_join(base, code)
    assert status == 303 and re.fullmatch(rf"/\?cohort={code}&secret=[\w-]{{20,}}", location)
    status, body, _ = http_get(base + location.lstrip("/"))
    handle = Store(store_url).participants(code)[0]
    assert status == 200 and "Welcome" in body and handle in body
    secret = location.split("secret=")[1]
    assert f"00-welcome.ipynb?cohort={code}&amp;secret={secret}" in body  # no key is carried
    assert f"?cohort={code}&amp;secret={secret}" in body and "This is not me" in body


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("voila/render/private/notes.ipynb", 404),
        ("voila/render/assets/content/quiz.yaml", 404),
        ("voila/files/assets/content/quiz.yaml", 403),
        ("voila/files/modules/00-welcome.ipynb", 403),
        ("voila/api/contents", 404),
        ("voila/api/contents/private", 404),
        ("voila/tree/private", 302),
        ("no/such/page", 404),
        ("voila/templates/recovery-capital/static/course.css", 200),
        ("logout", 404),
        ("voila/templates/recovery-capital/static/../x", 404),
        ("voila/templates/recovery-capital/static/course.css%00.png", 404),
        ("voila/files/modules/x%00.png", 404),
    ],
)
def test_server_refuses_everything_outside_the_course(
    running_server, path: str, expected: int
) -> None:
    base, _, _, _ = running_server
    status, body, _ = http_get(base + path)
    assert status == expected
    if expected == 404:
        assert "Page not found" in body and "Traceback" not in body


@pytest.mark.slow
def test_odd_paths_leave_no_traceback_in_the_server_log(running_server) -> None:
    base, _, log_path, _ = running_server
    for path in ("logout", "voila/templates/lab/static/../../x", "a%00.png", "voila/%2e%2e/x"):
        assert http_get(base + path)[0] == 404
    assert "Traceback" not in log_path.read_text(errors="replace")


@pytest.mark.slow
def test_pages_carry_a_content_security_policy_and_samesite_cookies(running_server) -> None:
    base, banner, _, _ = running_server
    code = re.search(r"Join code:\s+(\w+)", banner).group(1)
    _, _, headers = http_get(f"{base}?cohort={code}", cookies=None)  # a first visit
    policy = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'self'",
                      "form-action 'self'", "base-uri 'self'"):  # fmt: skip
        assert directive in policy
    cookies = [v for k, v in headers.items() if k.lower() == "set-cookie"]
    assert cookies and all("SameSite=Lax" in cookie for cookie in cookies)


@pytest.mark.slow
def test_a_wrong_and_a_right_code_look_the_same_until_someone_joins(running_server) -> None:
    base, banner, _, _ = running_server
    code = re.search(r"Join code:\s+(\w+)", banner).group(1)
    answers = []
    for tried in (code, "ZZZZZZZZ"):
        status, body, _ = http_get(f"{base}?cohort={tried}&join=1")
        body = re.sub(r'value="[^"]*"', "", body)  # the per-visit XSRF token
        answers.append((status, body.replace(tried, "CODE")))
    assert answers[0] == answers[1]


@pytest.mark.slow
def test_secrets_and_handles_never_reach_the_access_log(running_server) -> None:
    base, banner, log_path, _ = running_server
    code = re.search(r"Join code:\s+(\w+)", banner).group(1)
    http_get(f"{base}?cohort={code}&secret=Sup3rSecretT0kenValue123&handle=Jane%20Smith")
    http_get(f"{base}voila/render/modules/no-such.ipynb?cohort={code}&handle=Jane+Smith")
    text = log_path.read_text(errors="replace")
    assert "Sup3rSecretT0kenValue123" not in text and "Jane" not in text


@pytest.mark.slow
def test_the_course_controls_code_is_served_once_for_browsers_to_keep(running_server) -> None:
    base, _, _, _ = running_server
    prefix = controls_path("/").lstrip("/")
    status, body, headers = http_get(base + prefix + "choice.js")
    assert status == 200 and "function render" in body
    assert "javascript" in headers["Content-Type"]
    assert "immutable" in headers["Cache-Control"]
    status, body, _ = http_get(base + prefix + "choice.css")
    assert status == 200 and ".rc-choice-group" in body
    # another version's address, or a path out of the folder, is not served
    assert http_get(base + "recovery-capital/controls/000000000000/choice.js")[0] == 404
    assert http_get(base + prefix + "..%2F..%2Fserve.py")[0] in (403, 404)


def run_page_cells(base: str, page_body: str) -> list[str]:
    """What a browser receives over a cold page's execution socket: one message per cell.

    A page served without a preheated kernel arrives before its cells run (Voila's
    progressive rendering); the browser then asks the server to run them, as this does.
    """
    from tornado.websocket import websocket_connect

    config = re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
        page_body,
        re.DOTALL,
    )
    kernel_id = json.loads(config.group(1))["kernelId"]

    async def run() -> list[str]:
        url = base.replace("http://", "ws://") + f"voila/execution/{kernel_id}"
        socket = await websocket_connect(url)
        messages = [await socket.read_message()]  # "initialized"
        execute = {"action": "execute", "payload": {"kernel_id": kernel_id}}
        await socket.write_message(json.dumps(execute))
        while True:
            message = await asyncio.wait_for(socket.read_message(), 120)
            messages.append(message)
            payload = json.loads(message)["payload"]
            if payload.get("cell_index", -2) + 1 == payload.get("total_cell", -1):
                socket.close()
                return messages

    return asyncio.run(run())


@pytest.mark.slow
def test_a_failing_cell_shows_trainees_a_calm_message_and_the_operator_the_traceback(
    running_server,
) -> None:
    base, _, log_path, _ = running_server
    status, body, _ = http_get(base + "voila/render/modules/01-broken.ipynb")
    assert status == 200
    assert "1 / 0" not in body  # sources stripped, and nothing has run yet
    received = "".join(run_page_cells(base, body))
    assert "This part of the page could not be shown" in received
    assert "ZeroDivisionError" not in received and "Traceback" not in received
    assert "1 / 0" not in received
    assert "ZeroDivisionError" in log_path.read_text()


@pytest.mark.slow
def test_server_ignores_template_overrides_and_caps_kernels(running_server) -> None:
    base, _, _, _ = running_server
    page = base + "voila/render/modules/00-welcome.ipynb"
    # Each page request leaves its kernel running (no browser closes it) until the cap.
    status, body, _ = http_get(page + "?template=classic&theme=dark")
    assert status == 200 and "rc-course" in body and "theme-dark" not in body
    assert "x = 1" not in body  # sources stripped
    for _ in range(2):
        status, body, headers = http_get(page)
        if status == 503:
            break
    assert status == 503 and headers["Retry-After"] == "60"
    assert "The course is full right now — please try again in a minute" in body


@pytest.mark.slow
def test_a_client_keeping_no_cookies_starts_no_kernel(running_server) -> None:
    base, _, log_path, _ = running_server
    page = base + "voila/render/modules/00-welcome.ipynb?cohort=X"
    kernels_before = log_path.read_text().count("Kernel started")
    status, _, headers = http_get(page, cookies=None)
    assert status == 302 and headers["Location"].endswith("00-welcome.ipynb?cohort=X&rc_cookie=0")
    jar = http.cookiejar.CookieJar()  # a browser: it keeps the id the redirect gives it
    assert http_get(page, cookies=jar)[0] == 302
    (cookie,) = [c for c in jar if c.name == "rc_browser"]
    assert (
        cookie.has_nonstandard_attr("HttpOnly") and cookie.get_nonstandard_attr("SameSite") == "Lax"
    )
    assert log_path.read_text().count("Kernel started") == kernels_before
    # a browser that refuses cookies is served, marked, sharing one id at its address
    status, body, _ = http_get(base + headers["Location"].lstrip("/"), cookies=None)
    assert status == 200 and "rc-course" in body


def page_as(address: str, page: str) -> tuple[int, str]:
    """Open ``page`` as a new browser at ``address`` (as a proxy on this machine reports it);
    nothing connects to the page's kernel afterwards."""
    jar, headers = http.cookiejar.CookieJar(), {"X-Real-IP": address}
    status, body, _ = http_get(page, cookies=jar, headers=headers)
    if status == 302:  # the cookie redirect: a browser comes straight back with its id
        status, body, _ = http_get(page, cookies=jar, headers=headers)
    return status, body


def kernel_processes(server_pid_hint: str) -> int:
    import psutil

    return sum(
        1
        for process in psutil.process_iter(["cmdline"])
        if "ipykernel_launcher" in " ".join(process.info["cmdline"] or [])
        and server_pid_hint in " ".join(process.info["cmdline"] or [])
    )


@pytest.mark.slow
def test_a_client_holding_every_slot_cannot_keep_a_trainee_out(running_server) -> None:
    base, _, _, _ = running_server
    page = base + "voila/render/modules/00-welcome.ipynb"
    # One client, minting a fresh browser id per page, takes every slot it can.
    statuses = [page_as("198.51.100.66", page)[0] for _ in range(4)]
    assert statuses[0] == 200 and statuses[-1] == 503
    # A trainee elsewhere still gets a page: a slot comes from the address holding more.
    status, body = page_as("203.0.113.5", page)
    assert status == 200 and "rc-course" in body
    # and the client cannot take it back: both addresses now hold one
    status, body = page_as("198.51.100.66", page)
    assert status == 503 and "The course is full right now" in body


class PacedKernels(FakeKernels):
    """Fake kernels whose activity the test sets, to drive the pool's pacing."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.quiet_for: dict[str, float] = {}

    def _seconds_since_activity(self, kernel_id: str) -> float:
        return self.quiet_for.get(kernel_id, 0.0)

    def __contains__(self, kernel_id: object) -> bool:
        return kernel_id in self.fake_ids


PACING = {"pool_wait_interval": 0.01, "preheat_settle": 0.02, "refill_quiet": 3.0}


def with_busy_trainee(**settings: float) -> PacedKernels:
    """Paced fake kernels with one trainee's page connected and still active."""
    manager = PacedKernels(**settings, **PACING)
    manager.fake_ids.append("trainee")
    manager._kernel_connections["trainee"] = 1
    return manager


def test_pool_kernels_preheat_a_few_at_a_time(fake_start: None) -> None:
    manager = PacedKernels(pool_start_concurrency=2, preheat_max_hold=5, **PACING)
    pool = {"env": {"VOILA_PREHEAT": "True"}}

    async def scenario() -> None:
        starts = [asyncio.ensure_future(manager.start_kernel(**pool)) for _ in range(3)]
        await until(lambda: len(manager.fake_ids) >= 2)
        await asyncio.sleep(0.1)  # time enough for a third to start, were it allowed to
        assert manager.fake_ids == ["k0", "k1"]  # the third waits for a turn
        manager.quiet_for["k0"] = 2.0  # k0 has run the module and gone quiet: its turn ends
        assert await asyncio.wait_for(starts[2], 1) == "k2"
        await asyncio.gather(*starts)

    run_coroutine(scenario)


def test_a_refill_waits_for_the_trainees_to_go_quiet(fake_start: None) -> None:
    manager = with_busy_trainee(refill_max_wait=5)

    async def scenario() -> None:
        refill = asyncio.ensure_future(manager.start_kernel(env={"VOILA_PREHEAT": "True"}))
        await asyncio.sleep(0.1)
        assert not refill.done()
        manager.quiet_for["trainee"] = 3.5  # the burst of arrivals is over
        assert await asyncio.wait_for(refill, 1) == "k1"

    run_coroutine(scenario)


def test_a_refill_starts_anyway_after_the_longest_wait(fake_start: None) -> None:
    manager = with_busy_trainee(refill_max_wait=0.1)  # a trainee who never stops clicking

    async def scenario() -> None:
        refill = manager.start_kernel(env={"VOILA_PREHEAT": "True"})
        assert await asyncio.wait_for(refill, 2) == "k1"

    run_coroutine(scenario)
