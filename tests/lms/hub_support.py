"""Start a real JupyterHub (with configurable-http-proxy) on loopback for the course, as
``deploy/jupyterhub_config.py`` sets it up, plus a test authenticator and a local spawner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from lms_support import free_port, unavailable, wait_for

ROOT = Path(__file__).resolve().parents[2]
SECRET = "5e" * 32
TOKEN = "hub-test-admin-token-0123456789abcdef"
PASSWORD = "a-shared-test-password"
ATTEMPTS = 4
#: what the hub, its proxy (node) and uvicorn-free tornado say when a port is already taken
COLLISION = ("EADDRINUSE", "Address already in use", "address already in use")


@dataclass
class Hub:
    process: subprocess.Popen[bytes]
    base: str
    log_path: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_hub(
    folder: Path,
    store_url: str,
    cohort: str,
    module: str,
    secret: str = SECRET,
    token: str = TOKEN,
    password: str = PASSWORD,
    extra_config: str = "",
    extra_env: dict[str, str] | None = None,
    **limits: object,
) -> Hub:
    """A hub whose trainees sign in with any name and ``password``; ``token`` is an admin
    service token for the REST API."""
    if shutil.which("configurable-http-proxy") is None:
        unavailable("configurable-http-proxy is missing: run scripts/setup-env (npm install -g)")
    singleuser = Path(sys.executable).with_name("jupyterhub-singleuser")
    if not singleuser.exists():
        unavailable("jupyterhub is not installed: pip install -e '.[test]'")
    extra = "".join(f", {key}={value!r}" for key, value in limits.items())
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        **(extra_env or {}),
    }
    # A free port can be taken by someone else between the probe and the bind (six people
    # share this machine): then start again on fresh ports, a few times.
    for attempt in range(1, ATTEMPTS + 1):
        hub = _launch(folder, attempt, store_url, cohort, module, secret, token, password,
                      extra, extra_config, env, singleuser)  # fmt: skip
        if hub is not None:
            return hub
    pytest.fail(f"JupyterHub found its ports taken {ATTEMPTS} times running", pytrace=False)


def _collided(text: str) -> bool:
    return any(sign in text for sign in COLLISION)


def _launch(
    folder: Path,
    attempt: int,
    store_url: str,
    cohort: str,
    module: str,
    secret: str,
    token: str,
    password: str,
    extra: str,
    extra_config: str,
    env: dict[str, str],
    singleuser: Path,
) -> Hub | None:
    """One start on fresh ports; None when a port turned out to be taken."""
    port, hub_port, api_port = free_port(), free_port(), free_port()
    config = folder / "jupyterhub_config.py"
    config.write_text(
        f"""
from recovery_capital.lms.hub import configure
c = get_config()
configure(c, store_url={store_url!r}, course_dir={str(ROOT)!r}, cohort={cohort!r},
          module={module!r}, secret_hex={secret!r}, idle_timeout=600{extra})
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(folder / "home" / "{username}")!r}
c.Spawner.cmd = [{str(singleuser)!r}]
c.Spawner.args = c.Spawner.args + ["--allow-root"]  # the test machines run as root
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.pid_file = {str(folder / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{folder}/hub.sqlite"
c.JupyterHub.cookie_secret_file = {str(folder / "cookie_secret")!r}
c.JupyterHub.services = [{{"name": "test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "test-admin", "scopes": ["admin:users", "admin:servers"],
                            "services": ["test"]}}]
"""
        + extra_config
    )
    log_path = folder / f"hub-{attempt}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(config)],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    hub = Hub(process, f"http://127.0.0.1:{port}", log_path)

    def up() -> bool | str:
        if process.poll() is not None:
            text = log_path.read_text(errors="replace")
            if _collided(text):
                return "collided"
            pytest.fail(text[-3000:], pytrace=False)
        if _collided(log_path.read_text(errors="replace")):
            return "collided"  # the proxy lost its port: the hub would wait on it in vain
        return requests.get(f"{hub.base}/hub/api", timeout=2).ok

    try:
        state = wait_for(up, "JupyterHub starting", deadline=60, every=0.3)
    except BaseException:
        hub.stop()
        raise
    if state == "collided":
        hub.stop()
        return None
    return hub


def sign_in(base: str, name: str, password: str = PASSWORD) -> requests.Session:
    """Sign in through the hub's own login form; returns the browser-like session."""
    browser = requests.Session()
    browser.get(f"{base}/hub/login", timeout=30)
    reply = browser.post(
        f"{base}/hub/login",
        timeout=60,
        allow_redirects=False,
        data={"username": name, "password": password, "_xsrf": browser.cookies.get("_xsrf", "")},
    )
    assert reply.status_code == 302, reply.text[:500]
    return browser


def server_ready(base: str, name: str, token: str = TOKEN) -> bool:
    user = requests.get(
        f"{base}/hub/api/users/{name}", timeout=10, headers={"Authorization": f"token {token}"}
    ).json()
    return bool(user.get("servers", {}).get("", {}).get("ready"))
