"""The course behind a real reverse proxy: nginx in front of two course processes.

The nginx configuration is the one ``docs/deployment.md`` gives ("Several Voila processes
behind a proxy"), taken from the guide itself, with a local port in place of 443 and TLS, and
free ports in place of 8866 and 8867. Both processes share one SQLite store, as the guide allows
on one machine. Outside CI a machine without nginx skips this test; in CI it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    REPO,
    assert_every_exercise_drawn,
    find_module,
    free_port,
    start_server,
    stop_server,
    unavailable,
    wait_until_rendered,
)

from recovery_capital.store import Store

GUIDE = REPO / "docs" / "deployment.md"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def guide_nginx_blocks() -> tuple[str, str]:
    """The guide's proxy configuration: the server block and ``course-proxy.conf``."""
    section = GUIDE.read_text(encoding="utf-8").split("### Several Voila processes", 1)[1]
    blocks = re.findall(r"```nginx\n(.*?)```", section, re.S)
    assert len(blocks) >= 2, "the deployment guide lost its nginx configuration"
    return blocks[0], blocks[1]


def local_config(server_block: str, port: int, upstreams: dict[str, int], tmp: Path) -> str:
    """The guide's server block on a local port, proxying to this test's processes."""
    block = server_block.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    block = re.sub(r"\s*ssl_certificate(_key)?\s+[^;]+;", "", block)
    for guide_port, test_port in upstreams.items():
        block = block.replace(f"127.0.0.1:{guide_port}", f"127.0.0.1:{test_port}")
    temp = {name: tmp / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers write the temp folders here
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'} warn;\nevents {{ worker_connections 512; }}\n"
        "http {\n"
        f"    access_log {tmp / 'access.log'};\n"
        f"    client_body_temp_path {temp['body']};\n    proxy_temp_path {temp['proxy']};\n"
        f"    fastcgi_temp_path {temp['fastcgi']};\n    uwsgi_temp_path {temp['uwsgi']};\n"
        f"    scgi_temp_path {temp['scgi']};\n"
        f"{block}\n}}\n"
    )


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url}")


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """nginx on a free port in front of two course processes at /a/ and /b/."""
    if not Path(NGINX).is_file():
        unavailable("nginx is not installed (scripts/setup-env installs Debian's nginx)")
    tmp = tmp_path_factory.mktemp("proxy")
    store_url = f"sqlite:///{tmp / 'store.sqlite3'}"
    with Store(store_url) as store:
        cohort = store.create_cohort("Proxied cohort").code
    processes = {}
    ports = {}
    try:
        for prefix in ("a", "b"):
            process, base_url, _ = start_server(
                REPO, store_url, "--cohort", cohort, "--base-url", f"/{prefix}/",
                log_path=tmp / f"server-{prefix}.log",
            )  # fmt: skip
            processes[prefix] = process
            ports[prefix] = int(re.search(r":(\d+)/", base_url).group(1))
        server_block, proxy_conf = guide_nginx_blocks()
        (tmp / "course-proxy.conf").write_text(proxy_conf)
        port = free_port()
        config = tmp / "nginx.conf"
        config.write_text(
            local_config(server_block, port, {8866: ports["a"], 8867: ports["b"]}, tmp)
        )
        checked = subprocess.run(
            [NGINX, "-t", "-p", str(tmp), "-c", str(config)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
        nginx = subprocess.Popen(
            [NGINX, "-p", str(tmp), "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=(tmp / "nginx.out").open("w"),
        )
        try:
            base = f"http://127.0.0.1:{port}/"
            wait_for(base + "a/")
            yield {"base": base, "cohort": cohort, "store": store_url}
        finally:
            nginx.terminate()
            nginx.wait(20)
    finally:
        for process in processes.values():
            stop_server(process)


def test_a_trainee_joins_answers_and_comes_back_through_the_proxy(proxied, new_page) -> None:
    base, cohort = proxied["base"], proxied["cohort"]
    page = new_page()
    page.goto(f"{base}?cohort={cohort}")  # the link a trainer hands out: the proxy's address
    page.locator(".rc-join-button").click()  # joining is a click (a POST), never a page load
    page.wait_for_selector(".rc-handle")
    landed = re.match(rf"{re.escape(base)}([ab])/\?cohort={cohort}&secret=([\w-]+)$", page.url)
    assert landed, page.url  # sent to one process, joined, and given a personal link
    prefix, secret = landed.group(1), landed.group(2)
    handle = page.inner_text(".rc-handle")

    page.locator(".rc-module-link").first.click()
    wait_until_rendered(page)
    assert page.url.startswith(f"{base}{prefix}/voila/render/{find_module('00')}")
    assert_every_exercise_drawn(page, find_module("00"))
    quiz = page.locator(".rc-knowledgecheck").first
    quiz.locator(".rc-item input").first.check()  # the kernel's websocket runs through nginx
    quiz.locator(".rc-status").filter(has_text="draft").wait_for()
    page.reload()
    wait_until_rendered(page)
    page.locator(".rc-knowledgecheck .rc-item input:checked").first.wait_for()
    assert_every_exercise_drawn(page, find_module("00"))

    # The other process, through its own prefix, serves the same trainee's saved answer.
    other = "b" if prefix == "a" else "a"
    page.goto(f"{base}{other}/voila/render/{find_module('00')}?cohort={cohort}&secret={secret}")
    wait_until_rendered(page)
    page.locator(".rc-knowledgecheck .rc-item input:checked").first.wait_for()
    with Store(proxied["store"]) as store:
        latest = store.latest(cohort, handle, "m0-quiz-how-it-works")
    assert latest is not None and latest.answers
