"""The building blocks: the choice group's browser sync, escaping, drafts, live refresh."""

from __future__ import annotations

import asyncio

from ipywidgets import Widget
from waiting import until

from recovery_capital.widgets.base import DraftSaver
from recovery_capital.widgets.choice import CheckboxGroup, ChoiceGroup, ChoiceSet
from recovery_capital.widgets.html import element, markdown
from recovery_capital.widgets.live import Refresher
from recovery_capital.widgets.text import TextField


class RecordingComm:
    """Stands in for the kernel's comm and keeps every message a widget sends."""

    comm_id = "test"
    kernel = object()  # widgets only send through a comm that has a kernel

    def __init__(self):
        self.sent = []

    def send(self, data=None, metadata=None, buffers=None):
        if data.get("method") == "update":  # leave out ipywidgets' echo messages
            self.sent.append(data)

    def close(self, *args, **kwargs):
        pass

    def on_msg(self, callback):
        pass


def from_browser(widget: Widget, **state):
    """Apply a state update as if the browser had sent it."""
    widget._handle_msg({"content": {"data": {"method": "update", "state": state}}})


def chosen_in_browser(widget: Widget, value, **where):
    """Send a value the way the controls' JavaScript does: a custom message."""
    content = {"event": "value", "value": value, **where}
    widget._handle_msg(
        {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}
    )


def stage_and_mood():
    stage = ChoiceGroup("Stage?", [("a", "A"), ("b", "B")])
    mood = ChoiceGroup("Mood?", ["low", "high"])
    shown = ChoiceSet([stage, mood])
    shown.comm = RecordingComm()
    return stage, mood, shown


def test_a_value_from_the_page_is_applied_to_its_group_without_echoing_it_back():
    stage, mood, shown = stage_and_mood()
    seen = []
    mood.observe(lambda change: seen.append(change["new"]), names="value")
    chosen_in_browser(shown, "high", group=1)
    assert (stage.value, mood.value, seen) == ("", "high", ["high"])
    assert shown.values == ["", "high"] and shown.comm.sent == []


def test_a_value_the_exercise_sets_is_shown_on_the_page():
    stage, _, shown = stage_and_mood()
    stage.value = "a"
    assert shown.comm.sent[-1]["state"] == {"values": ["a", ""]}
    stage.disabled = True
    assert shown.comm.sent[-1]["state"]["groups"][0]["disabled"] is True


def test_a_value_the_browser_invents_is_refused_and_the_browser_is_corrected():
    stage, _, shown = stage_and_mood()
    chosen_in_browser(shown, "b", group=0)
    chosen_in_browser(shown, "<script>", group=0)
    assert stage.value == "b"
    assert shown.comm.sent[-1]["state"] == {"values": ["b", ""]}
    sent = len(shown.comm.sent)
    chosen_in_browser(shown, 42, group=0)  # not even text
    assert stage.value == "b" and len(shown.comm.sent) > sent
    sent = len(shown.comm.sent)
    from_browser(shown, values=["<script>", ""])  # an ordinary state update is checked too
    assert stage.value == "b" and len(shown.comm.sent) > sent
    assert all(message["state"] == {"values": ["b", ""]} for message in shown.comm.sent)


def test_a_value_for_no_group_is_ignored():
    stage, mood, shown = stage_and_mood()
    for where in ({"group": 2}, {"group": -1}, {"group": "0"}, {}):
        chosen_in_browser(shown, "a", **where)
    assert (stage.value, mood.value) == ("", "")


def test_an_overlong_text_is_cut_and_the_page_told():
    field = TextField("Notes", max_chars=10)
    field.comm = RecordingComm()
    chosen_in_browser(field, "x" * 50)
    assert field.value == "x" * 10
    assert field.comm.sent[-1]["state"] == {"value": "x" * 10}


def test_a_browser_cannot_widen_the_options_it_may_choose_from():
    group = ChoiceGroup("Stage?", [("a", "A")])
    shown = ChoiceSet([group])
    shown.comm = RecordingComm()
    widened = [{**group.shown(), "options": [{"value": "z", "label": "Z"}]}]
    from_browser(shown, groups=widened)
    assert shown.groups[0]["options"] == [{"value": "a", "label": "A"}]
    assert shown.comm.sent[-1]["state"]["groups"] == shown.groups  # the page is put right
    chosen_in_browser(shown, "z", group=0)
    assert group.value == ""


def test_checkbox_values_are_filtered_and_kept_in_option_order():
    group = CheckboxGroup("Pick", [("1", "one"), ("2", "two"), ("3", "three")])
    shown = ChoiceSet([group])
    shown.comm = RecordingComm()
    chosen_in_browser(shown, ["3", "1", "1", "9"], group=0)
    assert group.value == ["1", "3"]
    assert shown.comm.sent[-1]["state"] == {"values": [["1", "3"]]}  # the page shows the same


def test_element_escapes_text_and_attributes():
    html = element("a", 'x" onclick="y', href='"><script>', cls="rc-x")
    assert html == '<a class="rc-x" href="&quot;&gt;&lt;script&gt;">x&quot; onclick=&quot;y</a>'


def test_markdown_shows_html_as_text_and_drops_unsafe_links():
    html = markdown("<img src=x onerror=alert(1)> [a](javascript:alert(1)) [b](https://ok.org)")
    assert "<img" not in html and "&lt;img" in html
    assert 'href="javascript' not in html
    assert '<a href="https://ok.org"' in html


def test_markdown_lists_headings_and_emphasis():
    html = markdown("## Why\n\n1. one\n2. **two**\n\n- taking_steps_now")
    assert html == (
        "<h5>Why</h5><ol><li>one</li><li><strong>two</strong></li></ol>"
        "<ul><li>taking_steps_now</li></ul>"
    )


def test_drafts_in_a_kernel_are_throttled_but_the_last_change_is_always_saved():
    saved = []

    async def typing():
        drafts = DraftSaver(saved.append, delay=0.05)
        for text in ("I", "I n", "I notice"):
            drafts.schedule({"text": text})
        assert saved == []  # nothing written while typing fast
        await until(lambda: saved)

    asyncio.run(typing())
    assert saved == [{"text": "I notice"}]


def test_a_cancelled_draft_is_not_written():
    saved = []

    async def submit_soon():
        drafts = DraftSaver(saved.append, delay=0.05)
        drafts.schedule({"a": 1})
        drafts.cancel()
        await asyncio.sleep(0.5)  # ten times the delay: a draft still to be written would be

    asyncio.run(submit_soon())
    assert saved == []


def test_the_refresher_keeps_going_after_an_error():
    calls = []

    def refresh():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("store busy")

    async def live():
        refresher = Refresher(refresh, interval=0.01)
        assert refresher.running
        await until(lambda: len(calls) >= 3)
        refresher.stop()

    asyncio.run(live())
    assert len(calls) >= 3
