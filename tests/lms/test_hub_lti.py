"""JupyterHub signing trainees in from an LMS (jupyterhub-ltiauthenticator, LTI 1.3): the
launch names the cohort and the module, the course maps the hub user to a pseudonym, and the
trainee's server is handed what grade return needs, so their knowledge-check score and module
completion reach the platform's gradebook (AGS)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from hub_support import SECRET, server_ready, start_hub
from lms_support import unavailable, wait_for
from lti_platform import CLIENT_ID, DEPLOYMENT, Platform, _key, _pem
from postgres_support import postgres_schema

from recovery_capital.lms import events
from recovery_capital.lms.grades import GradeSink, adopt_hub_launch
from recovery_capital.lms.hub import LAUNCH_ENV, participant_for
from recovery_capital.lms.lti import LaunchState
from recovery_capital.lms.outbox import Outbox
from recovery_capital.reports.course_map import course_modules
from recovery_capital.session.context import Context
from recovery_capital.settings.lms import LtiSettings
from recovery_capital.store import Store
from recovery_capital.widgets import KnowledgeCheck

pytestmark = [pytest.mark.hub, pytest.mark.lti, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
QUIZ = "m2-quiz-capital"
MODULE = next(m.notebook.name for m in course_modules(ROOT) if QUIZ in m.activities)


def server_environment(user: str) -> dict[str, str]:
    """The environment the hub gave ``user``'s server (a process this test started)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "environ").read_bytes()
        except OSError:
            continue
        parts = raw.decode(errors="replace").split("\0")
        env = dict(part.split("=", 1) for part in parts if "=" in part)
        if env.get("JUPYTERHUB_USER") == user and "JUPYTERHUB_API_TOKEN" in env:
            return env
    raise AssertionError(f"no server process of {user} found")


@pytest.fixture
def store_url():
    with postgres_schema() as (url, _):
        yield url


def test_an_lms_launch_through_the_hub_opens_the_cohort_and_module_and_grades_go_back(
    tmp_path, store_url
):
    try:
        import ltiauthenticator  # noqa: F401
    except ImportError as exc:
        unavailable(f"jupyterhub-ltiauthenticator is not installed: {exc}")
    tool_private, tool_public = _pem(_key())
    (tmp_path / "tool.pem").write_text(tool_private)
    (tmp_path / "tool.pub.pem").write_text(tool_public)
    platform = Platform(tool_public)
    store = Store(store_url, retry_for=10.0)
    default = store.create_cohort("Everyone else").code
    launched = store.create_cohort("Northshire, March").code
    hub = start_hub(
        tmp_path,
        store_url,
        default,
        MODULE,
        extra_config=f"""
c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
c.LTI13Authenticator.issuer = {platform.issuer!r}
c.LTI13Authenticator.authorize_url = {platform.url + "/auth"!r}
c.LTI13Authenticator.jwks_endpoint = {platform.url + "/jwks"!r}
c.LTI13Authenticator.client_id = [{CLIENT_ID!r}]
c.LTI13Authenticator.username_key = "sub"
c.Authenticator.allow_all = True
c.Authenticator.enable_auth_state = True
""",
        extra_env={"JUPYTERHUB_CRYPT_KEY": "ab" * 32},
    )
    try:
        browser = requests.Session()
        reply = browser.get(
            f"{hub.base}/hub/lti13/oauth_login",
            allow_redirects=False,
            timeout=30,
            params={
                "iss": platform.issuer,
                "client_id": CLIENT_ID,
                "login_hint": "lms-user-77",
                "target_link_uri": f"{hub.base}/hub/",
            },
        )
        assert reply.status_code == 302, reply.text[:500]
        sent = {k: v[0] for k, v in parse_qs(urlparse(reply.headers["Location"]).query).items()}
        token = platform.id_token(sent["nonce"], cohort=launched, module=MODULE,
                                  sub="lms-user-77")  # fmt: skip
        back = browser.post(sent["redirect_uri"], data={"id_token": token, "state": sent["state"]},
                            allow_redirects=False, timeout=60)  # fmt: skip
        assert back.status_code == 302, back.text[:800]
        browser.get(f"{hub.base}/hub/spawn", timeout=60, allow_redirects=False)
        wait_for(lambda: server_ready(hub.base, "lms-user-77"), "the LMS user's server starting",
                 deadline=90, every=0.3)  # fmt: skip
        page = browser.get(f"{hub.base}/user/lms-user-77/", timeout=120)
        assert page.status_code == 200, page.text[:500]
        landed = urlparse(page.url)
        assert landed.path == f"/user/lms-user-77/voila/render/modules/{MODULE}"
        query = {k: v[0] for k, v in parse_qs(landed.query).items()}
        assert query["cohort"] == launched  # the launch's cohort, not the hub's default
        handle = store.identify(launched, query["secret"])  # a personal link, no handle
        assert handle == participant_for("lms-user-77", SECRET) and "handle" not in query
        assert store.participants(launched) == [handle]
        assert store.participants(default) == []

        # Grade return: the hub handed the server the launch's grade service (and nothing
        # that names the person); the server's grade sink adopts it from its environment.
        env = server_environment("lms-user-77")
        handed = json.loads(env[LAUNCH_ENV])
        assert (handed["cohort"], handed["handle"], handed["module"]) == (launched, handle, MODULE)
        assert handed["launch"]["sub"] == "lms-user-77"
        assert "priya" not in env[LAUNCH_ENV].lower()  # no name, no e-mail address
        settings = LtiSettings(
            issuer=platform.issuer,
            client_id=CLIENT_ID,
            deployment_ids=[DEPLOYMENT],
            auth_login_url=f"{platform.url}/auth",
            auth_token_url=f"{platform.url}/token",
            key_set_url=f"{platform.url}/jwks",
            private_key_file=str(tmp_path / "tool.pem"),
            public_key_file=str(tmp_path / "tool.pub.pem"),
            tool_url=f"{hub.base}/",
            outbox=str(tmp_path / "outbox.sqlite3"),
        )
        state = LaunchState(tmp_path / "lti-state.sqlite3")
        assert adopt_hub_launch(settings, state, {LAUNCH_ENV: env[LAUNCH_ENV]})
        sink = GradeSink(
            settings, state, Outbox(settings.outbox_path()), course_dir=ROOT, store_url=store_url
        )
        events.configure([sink])
        quiz = KnowledgeCheck(
            ROOT / "assets" / "content" / "quizzes" / f"{QUIZ}.yaml",
            context=Context(store, launched, handle),
        )
        for control in quiz.controls.values():
            control.value = ["0"] if isinstance(control.value, list | tuple) else "0"
        assert quiz.submit()
        kept = store.latest(launched, handle, QUIZ).scores
        wait_for(lambda: len(platform.scores) >= 2, "the scores reaching the gradebook")
        by_item = dict(platform.scores)
        completion = by_item[f"{platform.url}/lineitems/1"]
        assert completion["userId"] == "lms-user-77"
        assert completion["scoreGiven"] == 1 and completion["activityProgress"] == "InProgress"
        quiz_item = next(i for i in platform.lineitems.values() if i.get("resourceId") == QUIZ)
        given = by_item[quiz_item["id"]]
        assert (given["scoreGiven"], given["scoreMaximum"]) == (kept["correct"], kept["total"])

        # a launch from another platform is not adopted: this tool could not sign for it
        other = json.loads(env[LAUNCH_ENV])
        other["launch"]["iss"] = "https://another-lms.example.org"
        assert not adopt_hub_launch(settings, state, {LAUNCH_ENV: json.dumps(other)})
    finally:
        events.configure(None)
        hub.stop()
        store.close()
        platform.served.stop()
