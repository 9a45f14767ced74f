"""A trainee's answers are theirs: tried in a real browser as an attacker and a careless user.

* someone else's handle in a link opens nothing of theirs (the impersonation link);
* a shared PC: "This is not me" leaves in one click and the browser keeps nothing personal;
* an erased trainee's open tab can't bring them back with its next autosave;
* the pages work under the course's Content-Security-Policy (no violations reported).
"""

from __future__ import annotations

from browser_support import find_module, personal_secret, wait_until_rendered

from recovery_capital.store import Store

MODULE_0 = find_module("00")
REFLECTION = "m0-reflection-hopes"


def reflection_box(page):
    """Module 0's closing reflection (the page has other reflections before it)."""
    return page.locator("[id='cell-id=m0-reflection'] .rc-reflection-text textarea")


def test_someone_elses_handle_in_a_link_shows_none_of_their_answers(
    course_server, new_page
) -> None:
    cohort = course_server.cohort
    personal_secret(course_server.store_url, cohort, "victim-1")
    with Store(course_server.store_url) as store:
        store.save_draft(cohort, "victim-1", REFLECTION, {"text": "my private hopes"},
                         text="my private hopes")  # fmt: skip
    page = new_page()  # a fresh browser: nothing remembered
    page.goto(course_server.base_url + f"voila/render/{MODULE_0}?cohort={cohort}&handle=victim-1")
    wait_until_rendered(page)
    page.locator(".rc-join .rc-warning").filter(has_text="not its personal key").wait_for()
    box = reflection_box(page)
    box.wait_for()
    assert "my private hopes" not in page.inner_text("body")
    assert box.input_value() == ""
    box.fill("an attacker's overwrite")
    page.wait_for_timeout(1500)  # the draft goes to the practice space, not to victim-1
    with Store(course_server.store_url) as store:
        assert store.latest(cohort, "victim-1", REFLECTION).text == "my private hopes"


def test_a_shared_pc_forgets_the_last_person_in_one_click(course_server, new_page) -> None:
    page = new_page()
    home = f"{course_server.base_url}?cohort={course_server.cohort}"
    page.goto(home)
    page.locator(".rc-join-button").click()
    page.wait_for_selector(".rc-handle")
    first = page.inner_text(".rc-handle")
    link = page.input_value(".rc-personal-link")
    assert "secret=" in link and first not in link  # the handle is a name, not the key
    stored = page.evaluate("() => Object.keys(window.localStorage)")
    assert any(key.startswith("rc-link:") for key in stored)

    # The next person at this computer follows the same cohort link: they are asked.
    page.goto(home)
    page.locator(".rc-returning").filter(has_text=first).wait_for()
    page.locator(".rc-leave, .rc-not-me").first.click()
    page.locator(".rc-join-button").wait_for()
    assert not page.locator(".rc-returning").is_visible()

    # Leaving from the personal page clears everything the course kept in the browser.
    page.goto(link)
    page.wait_for_selector(".rc-handle")
    page.locator(".rc-leave").click()
    page.locator(".rc-left").wait_for()
    keys = page.evaluate("() => Object.keys(window.localStorage)")
    assert [key for key in keys if key.startswith("rc-")] == []
    page.goto(home)
    page.locator(".rc-join-button").wait_for()
    assert not page.locator(".rc-returning").is_visible()
    assert first not in page.inner_text("body")


def test_an_open_tab_cannot_bring_an_erased_trainee_back(course_server, new_page) -> None:
    cohort = course_server.cohort
    page = new_page()
    page.goto(course_server.module_url(MODULE_0, cohort=cohort, handle="erased-1"))
    wait_until_rendered(page)
    box = reflection_box(page)
    box.fill("written before the erasure")
    page.locator(".rc-reflection .rc-status, .rc-exercise .rc-status").filter(
        has_text="draft"
    ).first.wait_for()
    with Store(course_server.store_url) as store:
        assert store.latest(cohort, "erased-1", REFLECTION) is not None
        report = store.erase(cohort, "erased-1")
        assert report.rows_removed >= 1
    box.fill("written after the erasure")  # the tab's next autosave
    page.locator(".rc-status").filter(has_text="doesn't open a place").first.wait_for()
    with Store(course_server.store_url) as store:
        assert "erased-1" not in store.participants(cohort)
        assert store.latest(cohort, "erased-1", REFLECTION) is None


def test_module_pages_work_under_the_content_security_policy(course_server, new_page) -> None:
    page = new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto(course_server.module_url(MODULE_0, cohort=course_server.cohort,
                                                  handle="csp-1"))  # fmt: skip
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    wait_until_rendered(page)
    page.locator(".rc-exercise").first.wait_for()
    assert page.locator(".rc-exercise").count() >= 3
    assert refused == []


def test_an_old_handle_link_opens_in_the_browser_that_holds_its_personal_link(
    course_server, new_page
) -> None:
    page = new_page()
    home = f"{course_server.base_url}?cohort={course_server.cohort}"
    page.goto(home)
    page.locator(".rc-join-button").click()
    page.wait_for_selector(".rc-handle")
    handle, link = page.inner_text(".rc-handle"), page.input_value(".rc-personal-link")
    # This browser remembers the personal link, so the trainee's old-style bookmark still works.
    page.goto(f"{home}&handle={handle.upper()}")
    page.wait_for_url(lambda url: "secret=" in url)
    assert page.inner_text(".rc-handle") == handle and "handle=" not in page.url
    # Anyone else's browser gets the explanation and a Join button, never the answers.
    stranger = new_page()
    stranger.goto(f"{home}&handle={handle}")
    stranger.locator(".rc-notice").filter(has_text="not its personal key").wait_for()
    assert stranger.locator(".rc-join-button").is_visible()
    assert handle not in stranger.inner_text("body") and link not in stranger.content()


def test_a_link_the_trainer_replaced_is_forgotten_by_the_browser(course_server, new_page) -> None:
    page = new_page()
    home = f"{course_server.base_url}?cohort={course_server.cohort}"
    page.goto(home)
    page.locator(".rc-join-button").click()
    page.wait_for_selector(".rc-handle")
    handle = page.inner_text(".rc-handle")
    with Store(course_server.store_url) as store:
        store.reissue_link(course_server.cohort, handle)  # the trainer sent a new one
    page.goto(home)
    page.locator(".rc-continue").click()
    page.locator(".rc-notice").filter(has_text="doesn't open a place").wait_for()
    keys = page.evaluate("() => Object.keys(window.localStorage)")
    assert [key for key in keys if key.startswith("rc-link:")] == []
