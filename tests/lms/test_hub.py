"""JupyterHub for real: a hub and configurable-http-proxy on loopback, two trainees signing in,
each getting their own server whose default page is the module under their own pseudonym, all
sharing one store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from lms_support import free_port, unavailable, wait_for

from recovery_capital.lms.hub import participant_for
from recovery_capital.store import Store

pytestmark = [pytest.mark.hub, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
MODULE = "00-start-here.ipynb"
SECRET = "5e" * 32
TOKEN = "hub-test-admin-token-0123456789abcdef"
PASSWORD = "a-shared-test-password"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("hub")
    if shutil.which("configurable-http-proxy") is None:
        unavailable("configurable-http-proxy is missing: run scripts/setup-env (npm install -g)")
    singleuser = Path(sys.executable).with_name("jupyterhub-singleuser")
    if not singleuser.exists():
        unavailable("jupyterhub is not installed: pip install -e '.[test]'")
    store_url = f"sqlite:///{tmp_path}/store.sqlite3"
    store = Store(store_url)
    cohort = store.create_cohort("Hub cohort").code
    port, hub_port, api_port = free_port(), free_port(), free_port()
    config = tmp_path / "jupyterhub_config.py"
    config.write_text(f"""
from recovery_capital.lms.hub import configure
c = get_config()
configure(c, store_url={store_url!r}, course_dir={str(ROOT)!r}, cohort={cohort!r},
          module={MODULE!r}, secret_hex={SECRET!r}, idle_timeout=600)
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {PASSWORD!r}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(tmp_path / "home" / "{username}")!r}
c.Spawner.cmd = [{str(singleuser)!r}]
c.Spawner.args = c.Spawner.args + ["--allow-root"]  # the test machines run as root
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.pid_file = {str(tmp_path / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{tmp_path}/hub.sqlite"
c.JupyterHub.cookie_secret_file = {str(tmp_path / "cookie_secret")!r}
c.JupyterHub.services = [{{"name": "test", "api_token": {TOKEN!r}}}]
c.JupyterHub.load_roles = [{{"name": "test-admin", "scopes": ["admin:users", "admin:servers"],
                            "services": ["test"]}}]
""")
    log = open(tmp_path / "hub.log", "wb")  # noqa: SIM115 - closed below
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(config)],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if process.poll() is not None:
            pytest.fail((tmp_path / "hub.log").read_text()[-3000:], pytrace=False)
        return requests.get(f"{base}/hub/api", timeout=2).ok

    try:
        wait_for(up, "JupyterHub starting", deadline=60, every=0.3)
        yield base, store, cohort, tmp_path
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        store.close()


def sign_in(base: str, name: str) -> requests.Session:
    browser = requests.Session()
    browser.get(f"{base}/hub/login", timeout=10)
    reply = browser.post(
        f"{base}/hub/login",
        timeout=30,
        allow_redirects=False,
        data={"username": name, "password": PASSWORD, "_xsrf": browser.cookies.get("_xsrf", "")},
    )
    assert reply.status_code == 302, reply.text[:500]
    return browser


def server_ready(base: str, name: str) -> bool:
    user = requests.get(
        f"{base}/hub/api/users/{name}", timeout=5, headers={"Authorization": f"token {TOKEN}"}
    ).json()
    return bool(user.get("servers", {}).get("", {}).get("ready"))


def test_two_trainees_get_their_own_servers_under_two_pseudonyms(hub):
    base, store, cohort, tmp_path = hub
    timings = {}
    pages = {}
    for name in ("priya", "tomasz"):
        started = time.perf_counter()
        browser = sign_in(base, name)
        browser.get(f"{base}/hub/spawn", timeout=30, allow_redirects=False)
        wait_for(
            lambda name=name: server_ready(base, name),
            f"{name}'s server starting",
            deadline=90,
            every=0.3,
        )
        page = browser.get(f"{base}/user/{name}/", timeout=60)
        timings[name] = time.perf_counter() - started
        pages[name] = page
    handles = set()
    for name, page in pages.items():
        assert page.status_code == 200, page.text[:500]
        landed = urlparse(page.url)
        assert landed.path == f"/user/{name}/voila/render/modules/{MODULE}"
        query = {k: v[0] for k, v in parse_qs(landed.query).items()}
        assert query["cohort"] == cohort
        assert query["handle"] == participant_for(name, SECRET)
        assert name not in query["handle"]
        assert "Start here" in page.text or "start here" in page.text.lower()
        handles.add(query["handle"])
    assert len(handles) == 2
    assert sorted(store.participants(cohort)) == sorted(handles)  # one shared store
    assert b"priya" not in Path(str(store.url.database)).read_bytes()
    print(f"sign-in to module page: {timings}")


@pytest.mark.browser
def test_two_trainees_answer_a_module_and_the_store_keeps_both(hub, new_page):
    base, store, cohort, tmp_path = hub
    handles = {}
    for name in ("wren", "tariq"):
        page = new_page()
        page.goto(f"{base}/hub/login")
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(f"**/user/{name}/voila/render/modules/{MODULE}?*", timeout=120_000)
        handles[name] = parse_qs(urlparse(page.url).query)["handle"][0]
        ruler = page.locator(".rc-ruler").first
        groups = ruler.locator("fieldset.rc-choice-group")
        groups.first.wait_for(timeout=90_000)
        for index in range(groups.count()):
            groups.nth(index).locator("input[type=radio]").nth(6 + len(handles)).check()
        ruler.locator(".rc-submit").click()
        ruler.locator(".rc-status").filter(has_text="Saved").first.wait_for()
    assert handles["wren"] != handles["tariq"]
    for number, handle in enumerate(handles.values(), start=1):
        saved = store.latest(cohort, handle, "m0-ruler-starting-point")
        assert saved is not None and saved.submitted
        assert set(saved.scores.values()) == {6 + number}
    summary = store.cohort_summary(cohort)
    row = summary[summary["activity_id"] == "m0-ruler-starting-point"].iloc[0]
    assert row["participants"] == 2  # what the trainer dashboard counts
