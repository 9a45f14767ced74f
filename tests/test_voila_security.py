"""The course server's join throttle, path checks and security settings (no server needed)."""

from __future__ import annotations

import asyncio

import pytest

from recovery_capital.serving.security import JoinThrottle, join_by_form, safe_path
from recovery_capital.store import Store


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_room_of_thirty_behind_one_address_all_join() -> None:
    throttle = JoinThrottle()
    for _ in range(30):  # one NAT address for the whole training room
        assert throttle.allow("203.0.113.7")
        throttle.record("203.0.113.7", ok=True)
    for _ in range(5):  # a few typos among them
        assert throttle.allow("203.0.113.7")
        throttle.record("203.0.113.7", ok=False)
    assert throttle.allow("203.0.113.7")


def test_guessing_codes_is_stopped_per_address_and_overall() -> None:
    clock = Clock()
    throttle = JoinThrottle(wrong_per_address=20, wrong_overall=50, clock=clock)
    for _ in range(20):
        assert throttle.allow("198.51.100.1")
        throttle.record("198.51.100.1", ok=False)
    assert not throttle.allow("198.51.100.1")
    for index in range(30):  # many addresses: the overall limit stops them
        throttle.record(f"192.0.2.{index}", ok=False)
    assert not throttle.allow("192.0.2.200")
    clock.now += 601  # the window passes
    assert throttle.allow("198.51.100.1") and throttle.allow("192.0.2.200")


@pytest.mark.parametrize(
    ("path", "allowed"),
    [("/logout", False), ("/login", False), ("/c/logout/", False),
     ("/voila/templates/t/static/../x", False), ("/voila/templates/t/static/%2e%2e/x", False),
     ("/voila/files/a.css%00.png", False), ("/a\\b", False), ("/voila/./x", False),
     ("/", True), ("/voila/render/modules/02-recovery-capital.ipynb", True),
     ("/voila/templates/recovery-capital/static/course.css", True)],
)  # fmt: skip
def test_odd_paths_are_refused_before_any_handler(path: str, allowed: bool) -> None:
    assert safe_path(path) is allowed


class FakeRequest:
    remote_ip = "198.51.100.9"


class FakeHandler:
    """The parts of a Tornado handler that join_by_form uses."""

    def __init__(self, store: Store, arguments: dict[str, str]) -> None:
        self.settings = {"course_store": store}
        self.request = FakeRequest()
        self.arguments = arguments
        self.status = 200
        self.headers: dict[str, str] = {}

    def get_argument(self, name: str, default: str = "") -> str:
        return self.arguments.get(name, default)

    def set_status(self, status: int) -> None:
        self.status = status

    def set_header(self, name: str, value: str) -> None:
        self.headers[name] = value


def test_the_home_page_join_is_throttled_and_lands_on_a_personal_link() -> None:
    store = Store("sqlite://")
    code = store.create_cohort("Tuesday").code
    throttle = JoinThrottle(wrong_per_address=3)

    def post(cohort: str) -> tuple[FakeHandler, str | None, str]:
        handler = FakeHandler(store, {"cohort": cohort})
        query, notice = asyncio.run(join_by_form(handler, throttle))
        return handler, query, notice

    _, query, _ = post(code)
    assert query.startswith(f"cohort={code}&secret=")
    assert store.identify(code, query.split("secret=")[1]) == store.participants(code)[0]
    for guess in ("ZZZZZZZZ", "YYYYYYYY", "XXXXXXXX"):
        handler, query, notice = post(guess)
        assert query is None and "No cohort here" in notice and handler.status == 200
    handler, query, notice = post(code)  # even the right code waits now
    assert query is None and handler.status == 429 and "wait ten minutes" in notice
    assert handler.headers["Retry-After"] == "600"
    assert len(store.participants(code)) == 1
