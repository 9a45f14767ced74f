"""LTI 1.3: launches from a platform simulated here (its own keys, JWKS, signed id_tokens and an
AGS endpoint recording scores), grade return, and refusals with a clear page."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from lms_support import free_port, wait_for
from lti_platform import CLIENT_ID, DEPLOYMENT, Platform, Served, _key, _pem

from recovery_capital.lms.grades import GradeSink
from recovery_capital.lms.lti import LaunchState, make_app
from recovery_capital.lms.outbox import Outbox
from recovery_capital.reports.course_map import course_modules
from recovery_capital.session.context import Context
from recovery_capital.settings.lms import LtiSettings
from recovery_capital.widgets import KnowledgeCheck

pytestmark = pytest.mark.lti

ROOT = Path(__file__).resolve().parents[2]
QUIZ = "m2-quiz-capital"


@pytest.fixture
def lms(tmp_path, store):
    tool_private, tool_public = _pem(_key())
    (tmp_path / "tool.pem").write_text(tool_private)
    (tmp_path / "tool.pub.pem").write_text(tool_public)
    platform = Platform(tool_public)
    cohort = store.create_cohort("Northshire, March").code
    tool_port = free_port()
    settings = LtiSettings(
        issuer=platform.issuer,
        client_id=CLIENT_ID,
        deployment_ids=[DEPLOYMENT],
        auth_login_url=f"{platform.url}/auth",
        auth_token_url=f"{platform.url}/token",
        key_set_url=f"{platform.url}/jwks",
        private_key_file=str(tmp_path / "tool.pem"),
        public_key_file=str(tmp_path / "tool.pub.pem"),
        tool_url=f"http://127.0.0.1:{tool_port}/",
        outbox=str(tmp_path / "outbox.sqlite3"),
    )
    state = LaunchState(tmp_path / "lti-state.sqlite3")
    app = make_app(
        settings, state=state, store_url=store.url.render_as_string(False), course_dir=ROOT
    )
    tool = Served(app, tool_port)
    yield platform, tool, settings, state, cohort
    tool.stop()
    platform.served.stop()


def module_of(activity: str) -> str:
    for module in course_modules(ROOT):
        if activity in module.activities:
            return module.notebook.name
    raise AssertionError(f"no module holds {activity}")


def login(browser: requests.Session, platform: Platform, tool: Served) -> str:
    """The platform's OIDC login initiation; returns the nonce the tool asked for."""
    reply = browser.get(
        f"{tool.url}/lti/login",
        allow_redirects=False,
        params={
            "iss": platform.issuer,
            "client_id": CLIENT_ID,
            "login_hint": "lms-user-5521",
            "target_link_uri": f"{tool.url}/lti/launch",
            "lti_message_hint": "m2",
        },
    )
    assert reply.status_code == 302, reply.text
    to_platform = urlparse(reply.headers["Location"])
    assert f"{to_platform.scheme}://{to_platform.netloc}{to_platform.path}" == (
        f"{platform.url}/auth"
    )
    params = {k: v[0] for k, v in parse_qs(to_platform.query).items()}
    assert params["redirect_uri"] == f"{tool.url}/lti/launch"
    assert params["client_id"] == CLIENT_ID and params["response_mode"] == "form_post"
    return params["nonce"], params["state"]


def launch(browser, tool, id_token, state):
    return browser.post(
        f"{tool.url}/lti/launch", data={"id_token": id_token, "state": state}, allow_redirects=False
    )


def test_a_launch_joins_the_named_cohort_and_module_under_a_pseudonym(lms, store):
    platform, tool, settings, state, cohort = lms
    module = module_of(QUIZ)
    browser = requests.Session()
    nonce, login_state = login(browser, platform, tool)
    reply = launch(
        browser, tool, platform.id_token(nonce, cohort=cohort, module=module), login_state
    )
    assert reply.status_code == 302, reply.text
    target = urlparse(reply.headers["Location"])
    assert target.path == f"/voila/render/modules/{module}"
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query["cohort"] == cohort
    handle = query["handle"]
    assert handle.startswith("lms-") and "priya" not in handle.lower()
    assert store.participants(cohort) == [handle]
    # the same person launching again is the same participant
    nonce, login_state = login(browser, platform, tool)
    again = launch(
        browser, tool, platform.id_token(nonce, cohort=cohort, module=module), login_state
    )
    assert parse_qs(urlparse(again.headers["Location"]).query)["handle"] == [handle]
    # nothing about the LMS user but the pseudonym reaches the store or the tool's state
    for path in (Path(str(store.url.database)), Path(state.path)):
        for part in (path, path.with_name(path.name + "-wal")):  # written pages, committed or not
            data = part.read_bytes() if part.exists() else b""
            assert b"Priya" not in data and b"priya.natarajan" not in data, part


def test_grades_and_completion_go_back_to_the_gradebook(lms, store):
    platform, tool, settings, state, cohort = lms
    module = module_of(QUIZ)
    browser = requests.Session()
    nonce, login_state = login(browser, platform, tool)
    reply = launch(
        browser, tool, platform.id_token(nonce, cohort=cohort, module=module), login_state
    )
    handle = parse_qs(urlparse(reply.headers["Location"]).query)["handle"][0]

    sink = GradeSink(
        settings,
        state,
        Outbox(settings.outbox_path()),
        course_dir=ROOT,
        store_url=store.url.render_as_string(False),
    )
    from recovery_capital.lms import events

    events.configure([sink])
    quiz = KnowledgeCheck(
        ROOT / "assets" / "content" / "quizzes" / f"{QUIZ}.yaml",
        context=Context(store, cohort, handle),
    )
    for control in quiz.controls.values():
        control.value = ["0"] if isinstance(control.value, list | tuple) else "0"
    assert quiz.submit()
    stored = store.latest(cohort, handle, QUIZ).scores

    wait_for(lambda: len(platform.scores) >= 2, "two scores reaching the platform")
    by_item = dict(platform.scores)
    completion = by_item[f"{platform.url}/lineitems/1"]
    activities = next(m.activities for m in course_modules(ROOT) if m.notebook.name == module)
    assert completion["userId"] == "lms-user-5521"
    assert (completion["scoreGiven"], completion["scoreMaximum"]) == (1, len(activities))
    assert completion["activityProgress"] == "InProgress"
    quiz_item = next(i for i in platform.lineitems.values() if i.get("resourceId") == QUIZ)
    quiz_score = by_item[quiz_item["id"]]
    assert (quiz_score["scoreGiven"], quiz_score["scoreMaximum"]) == (
        stored["correct"],
        stored["total"],
    )
    assert quiz_score["gradingProgress"] == "FullyGraded"
    assert quiz_item["resourceLinkId"] == "link-module-2"


@pytest.mark.parametrize("problem", ["bad signature", "expired", "replayed nonce"])
def test_a_bad_launch_is_refused_with_a_clear_page(lms, store, problem):
    platform, tool, settings, state, cohort = lms
    module = module_of(QUIZ)
    browser = requests.Session()
    nonce, login_state = login(browser, platform, tool)
    if problem == "bad signature":
        token = platform.id_token(nonce, cohort=cohort, module=module, key=_key())
    elif problem == "expired":
        token = platform.id_token(nonce, cohort=cohort, module=module, expires_in=-120)
    else:
        token = platform.id_token(nonce, cohort=cohort, module=module)
        assert launch(browser, tool, token, login_state).status_code == 302
    reply = launch(browser, tool, token, login_state)
    assert reply.status_code == 403
    assert "Traceback" not in reply.text and "Exception" not in reply.text
    heading = {
        "bad signature": "could not be checked",
        "expired": "has expired",
        "replayed nonce": "has already been used",
    }[problem]
    assert f"<h1>This course link {heading}.</h1>" in reply.text
    assert "learning platform" in reply.text
    if problem != "replayed nonce":
        assert store.participants(cohort) == []  # nobody joined


def test_the_tool_publishes_its_public_key(lms):
    platform, tool, settings, state, cohort = lms
    keys = requests.get(f"{tool.url}/lti/jwks", timeout=10).json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and "d" not in keys[0]


def test_a_link_to_an_unknown_cohort_says_so(lms, store):
    platform, tool, settings, state, cohort = lms
    browser = requests.Session()
    nonce, login_state = login(browser, platform, tool)
    token = platform.id_token(nonce, cohort="ZZZZZ", module=module_of(QUIZ))
    reply = launch(browser, tool, token, login_state)
    assert reply.status_code == 403
    assert "names a group the course does not know" in reply.text and "ZZZZZ" in reply.text


def test_recovery_capital_serve_answers_launches_when_course_yaml_asks(tmp_path, store):
    """The same tool inside the course server: ``lti:`` in course.yaml adds /lti/..."""
    import subprocess
    import sys

    tool_private, tool_public = _pem(_key())
    (tmp_path / "tool.pem").write_text(tool_private)
    (tmp_path / "tool.pub.pem").write_text(tool_public)
    platform = Platform(tool_public)
    course = tmp_path / "course"
    course.mkdir()
    for part in ("modules", "assets"):
        (course / part).symlink_to(ROOT / part, target_is_directory=True)
    port = free_port()
    cohort = store.create_cohort("Served cohort").code
    (course / "course.yaml").write_text(
        json.dumps(
            {
                "title": "Supporting people who use drugs and alcohol",
                "lti": {
                    "issuer": platform.issuer,
                    "client_id": CLIENT_ID,
                    "deployment_ids": [DEPLOYMENT],
                    "auth_login_url": f"{platform.url}/auth",
                    "auth_token_url": f"{platform.url}/token",
                    "key_set_url": f"{platform.url}/jwks",
                    "private_key_file": str(tmp_path / "tool.pem"),
                    "public_key_file": str(tmp_path / "tool.pub.pem"),
                    "tool_url": f"http://127.0.0.1:{port}/",
                    "default_cohort": cohort,
                    "outbox": str(tmp_path / "outbox.sqlite3"),
                },
            }
        )
    )
    store_url = store.url.render_as_string(False)
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "recovery_capital.cli", "serve", str(course), "--port",
         str(port), "--store", store_url],
        stdout=subprocess.PIPE, stderr=log, text=True, cwd=course,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line or line.startswith("Press Ctrl+C"):
                break
        assert process.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
        tool = Served.__new__(Served)
        tool.url = f"http://127.0.0.1:{port}"
        browser = requests.Session()
        nonce, login_state = login(browser, platform, tool)
        module = module_of(QUIZ)
        reply = launch(browser, tool, platform.id_token(nonce, cohort="", module=module),
                       login_state)  # fmt: skip
        assert reply.status_code == 302, reply.text[:500]
        target = urlparse(reply.headers["Location"])
        assert target.path == f"/voila/render/modules/{module}"
        handle = parse_qs(target.query)["handle"][0]
        assert store.participants(cohort) == [handle]  # the link named none: the default
    finally:
        process.terminate()
        process.wait(30)
        log.close()
        platform.served.stop()


def test_an_instructor_deep_links_a_module_into_the_lms(lms, tmp_path):
    platform, tool, settings, state, cohort = lms
    browser = requests.Session()
    nonce, login_state = login(browser, platform, tool)
    deep_linking = {
        "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiDeepLinkingRequest",
        "https://purl.imsglobal.org/spec/lti/claim/roles": [
            "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
        ],
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
            "deep_link_return_url": f"{platform.url}/deep-link-return",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "data": "course-section-12",
        },
    }
    token = platform.id_token(nonce, cohort=cohort, module="", extra=deep_linking)
    chooser = launch(browser, tool, token, login_state)
    assert chooser.status_code == 200, chooser.text[:500]
    assert "<h1>Choose a module</h1>" in chooser.text
    modules = course_modules(ROOT)
    assert chooser.text.count("<button type='submit'>") == len(modules)
    launch_id = re.search(r"name='launch_id' value='([^']+)'", chooser.text).group(1)
    wanted = module_of(QUIZ)
    reply = browser.post(
        f"{tool.url}/lti/deep-link", data={"launch_id": launch_id, "module": wanted}, timeout=10
    )
    assert reply.status_code == 200, reply.text[:500]
    assert f'action="{platform.url}/deep-link-return"' in reply.text
    signed = re.search(r'name="JWT" value="([^"]+)"', reply.text).group(1)
    public = (tmp_path / "tool.pub.pem").read_text()
    claims = jwt.decode(signed, public, algorithms=["RS256"], audience=platform.issuer)
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == (
        "LtiDeepLinkingResponse"
    )
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "course-section-12"
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink" and item["url"] == f"{tool.url}/lti/launch"
    assert item["custom"] == {"module": wanted, "cohort": cohort}
    activities = next(m.activities for m in modules if m.notebook.name == wanted)
    assert item["lineItem"]["scoreMaximum"] == len(activities)

    unknown = browser.post(
        f"{tool.url}/lti/deep-link",
        data={"launch_id": launch_id, "module": "../../etc"},
        timeout=10,
    )
    assert unknown.status_code == 403 and "not part of this course" in unknown.text
