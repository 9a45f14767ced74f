"""JupyterHub for real: a hub and configurable-http-proxy on loopback, two trainees signing in,
each getting their own server whose default page is the module under their own pseudonym, all
sharing one store."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from hub_support import PASSWORD, SECRET, TOKEN, server_ready, sign_in, start_hub
from lms_support import wait_for
from postgres_support import postgres_schema, schema_text

from recovery_capital.lms.hub import participant_for
from recovery_capital.settings.course import load_course_settings
from recovery_capital.store import Store

pytestmark = [pytest.mark.hub, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
MODULE = "00-start-here.ipynb"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """One hub whose trainee servers all share one PostgreSQL store (a schema of this run's)."""
    tmp_path = tmp_path_factory.mktemp("hub")
    with postgres_schema() as (store_url, schema):
        store = Store(store_url, retry_for=10.0)
        cohort = store.create_cohort("Hub cohort").code
        running = start_hub(tmp_path, store_url, cohort, MODULE, SECRET, TOKEN, PASSWORD,
                            templates=str(ROOT / "deploy" / "templates"))  # fmt: skip
        try:
            yield running.base, store, cohort, schema
        finally:
            running.stop()
            store.close()


def test_two_trainees_get_their_own_servers_under_two_pseudonyms(hub):
    base, store, cohort, schema = hub
    assert store.url.get_backend_name() == "postgresql"
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
        assert query["cohort"] == cohort and "handle" not in query  # a personal link
        handle = store.identify(cohort, query["secret"])
        assert handle == participant_for(name, SECRET) and name not in handle
        assert "Start here" in page.text or "start here" in page.text.lower()
        handles.add(handle)
    assert len(handles) == 2
    assert sorted(store.participants(cohort)) == sorted(handles)  # one shared store
    held = schema_text(schema)
    assert all(handle in held for handle in handles)  # the servers wrote to this schema
    assert "priya" not in held and "tomasz" not in held  # and never the hub user names
    print(f"sign-in to module page: {timings}")


def test_the_hubs_own_pages_wear_the_course_look(hub):
    base, *_ = hub
    login = requests.get(f"{base}/hub/login", timeout=30)
    assert login.status_code == 200
    title = load_course_settings(ROOT).title
    assert f"<title>{title}</title>" in login.text
    assert 'class="rc-home-link"' in login.text and title in login.text
    assert "--rc-page: #fbfaf7" in login.text  # the course stylesheet itself
    assert "Welcome. Sign in to open your own copy of the course" in login.text
    assert 'name="username"' in login.text  # the hub's own form is still there
    assert 'alt="JupyterHub logo"' not in login.text


@pytest.mark.browser
def test_two_trainees_answer_a_module_and_the_store_keeps_both(hub, new_page):
    base, store, cohort, schema = hub
    handles = {}
    for name in ("wren", "tariq"):
        page = new_page()
        page.goto(f"{base}/hub/login")
        look = page.evaluate(
            "() => [getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.querySelector('.rc-hub-banner')).borderBottomColor]"
        )
        assert look == ["rgb(251, 250, 247)", "rgb(29, 92, 99)"]  # course page and brand colours
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(f"**/user/{name}/voila/render/modules/{MODULE}?*", timeout=120_000)
        secret = parse_qs(urlparse(page.url).query)["secret"][0]
        handles[name] = store.identify(cohort, secret)
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
