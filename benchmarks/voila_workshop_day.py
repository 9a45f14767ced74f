"""A workshop day: a cohort moves through modules 0-7 with live polls, a trainer and a browser.

Run: ``.venv/bin/python benchmarks/voila_workshop_day.py [--trainees 30] [--minutes 20]``

The server runs as it does by default (``recovery-capital serve``: cold pages, progressive
rendering, kernels shared fairly, the cap from this machine's memory). The day is split into
eight slots, one per module. In each slot:

- every simulated trainee (a protocol-level client doing what a browser does: page request,
  kernel websocket, the page's execution socket, the widget handshake) arrives within the
  slot's first 20 s, checks that every exercise the notebook builds came with the page,
  completes the exercises (a first answer to every choice, a line of text in every text box,
  then Submit), and answers the live poll once the trainer opens it; a few reload the page and
  a few close it and come back half a minute later;
- the trainer, in Chromium, opens the slot's poll on the dashboard and reveals it a minute
  later; the dashboard records when each count changes;
- one real Chromium trainee opens the module, is timed to a usable page, has every exercise
  counted, and watches for the poll to open and for its results.

It prints: exercises missing (target 0), visitors refused (target 0), answers lost (target 0:
every Submit the page acknowledged is in the store), poll opened -> shown on trainee pages (p95
target <= 2 s) and revealed -> results shown, answer -> dashboard count (p95 target <= 1 s),
the server tree's peak memory (target < 4 GB PSS) and the kernels still alive at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from browser_support import drawn_exercises, exercise_cells  # noqa: E402
from voila_support import (  # noqa: E402
    CONFIG_DATA,
    MODULE_READY,
    REPO,
    MemorySampler,
    available_memory,
    chromium,
    comm_msg,
    descendants,
    fetch_page,
    json_part,
    kernel_count,
    message,
    start_server,
    stop_server,
    tree_pss,
)

#: When, as a share of a module's slot, the trainer opens its poll and reveals it, and by when
#: every trainee has arrived.
OPEN_AT, REVEAL_AT, ARRIVED_BY = 0.3, 0.65, 0.12
TEXT_ANSWER = "I would start by asking what matters most to them this week."
MODULES = sorted(
    p.relative_to(REPO).as_posix() for p in (REPO / "modules").glob("[0-9][0-9]-*.ipynb")
)


@dataclass
class Day:
    """What the day's trainees and trainer saw, gathered from every thread."""

    missing: list[str] = field(default_factory=list)
    refused: int = 0
    pages: int = 0
    errors: list[str] = field(default_factory=list)
    acknowledged: set[tuple[str, str]] = field(default_factory=set)
    poll_acks: list[tuple[str, float]] = field(default_factory=list)
    opened_at: dict[str, float] = field(default_factory=dict)
    revealed_at: dict[str, float] = field(default_factory=dict)
    poll_shown: list[float] = field(default_factory=list)
    results_shown: list[float] = field(default_factory=list)
    real_usable: list[float] = field(default_factory=list)
    steps: dict[str, str] = field(default_factory=dict)  # what each trainee is doing now
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, **what: Any) -> None:
        with self.lock:
            for name, value in what.items():
                target = getattr(self, name)
                if isinstance(target, list):
                    target.append(value)
                elif isinstance(target, set):
                    target.add(value)
                else:
                    setattr(self, name, target + value)


def poll_of(notebook: str) -> tuple[str, str, str]:
    """The live poll of a module: its cell id, activity id and title ("" each if none)."""
    import nbformat

    for cell in nbformat.read(REPO / notebook, as_version=4).cells:
        found = (
            re.match(r'\s*LivePoll\("([^"]+)"', cell.source) if cell.cell_type == "code" else None
        )
        if found:
            content = yaml.safe_load((REPO / found.group(1)).read_text(encoding="utf-8"))
            return cell.id, content["id"], content["title"]
    return "", "", ""


def activity_ids(notebook: str) -> dict[str, str]:
    """Each exercise cell's activity id, as the store records it: the content file's ``id``,
    a questionnaire's ``activity_id=`` or else its instrument id."""
    import nbformat

    found = {}
    for cell in nbformat.read(REPO / notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        named = re.search(r'activity_id="([^"]+)"', cell.source)
        path = re.match(r'\s*\w+\("([^"]+\.yaml)"', cell.source)
        instrument = re.match(r'\s*\w+\("([^"/]+)"', cell.source)
        if named:
            found[cell.id] = named.group(1)
        elif path:
            found[cell.id] = yaml.safe_load((REPO / path.group(1)).read_text("utf-8"))["id"]
        elif instrument:
            found[cell.id] = instrument.group(1)
    return found


class ProtocolPage:
    """One open module page of a simulated trainee (see the module notes)."""

    def __init__(self, day: Day, server, notebook: str, handle: str, cookies: dict) -> None:
        self.day, self.server, self.notebook, self.handle = day, server, notebook, handle
        self.base = server.base_url
        self.cookies = cookies
        self.states: dict[str, dict[str, Any]] = {}
        self.outputs: dict[str, str] = {}  # exercise cell id -> the model its output shows
        self.activities = activity_ids(notebook)
        self.session = uuid.uuid4().hex
        self.socket: Any = None
        self.kernel_id = ""
        self.reader: asyncio.Task | None = None
        self.waiters: list[tuple[Any, asyncio.Future]] = []

    async def open(self) -> bool:
        from tornado.httpclient import AsyncHTTPClient, HTTPClientError
        from tornado.websocket import websocket_connect

        url = self.server.url(self.notebook, handle=self.handle)
        try:
            response = await fetch_page(AsyncHTTPClient(), url, self.cookies)
        except HTTPClientError as error:
            if error.code in (429, 503):
                self.day.note(refused=1)
                return False
            raise
        self.day.note(pages=1)
        kernel_id = json.loads(CONFIG_DATA.search(response.body.decode()).group(1))["kernelId"]
        self.kernel_id = kernel_id
        ws = self.base.replace("http://", "ws://")
        self.socket = await websocket_connect(
            f"{ws}api/kernels/{kernel_id}/channels?session_id={self.session}"
        )
        await self._run_cells(f"{ws}voila/execution/{kernel_id}", kernel_id)
        control = uuid.uuid4().hex
        opening = {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}
        self.reader = asyncio.ensure_future(self._read())
        states = self.expect(lambda c, d: c == control and d.get("method") == "update_states")
        await self.socket.write_message(
            message("comm_open", opening, self.session, {"version": "1.0.0"})
        )
        await self.socket.write_message(
            comm_msg(control, {"method": "request_states"}, self.session)
        )
        data = await asyncio.wait_for(states, 120)
        self.states = {key: value["state"] for key, value in data["states"].items()}
        self._count_exercises()
        return True

    async def _run_cells(self, url: str, kernel_id: str) -> None:
        from tornado.websocket import websocket_connect

        execution = await websocket_connect(url)
        await execution.read_message()  # "initialized"
        await execution.write_message(
            json.dumps({"action": "execute", "payload": {"kernel_id": kernel_id}})
        )
        while True:
            payload = json.loads(await asyncio.wait_for(execution.read_message(), 120))["payload"]
            cell = payload.get("output_cell") or {}
            for output in cell.get("outputs", []):
                view = (output.get("data") or {}).get("application/vnd.jupyter.widget-view+json")
                if view and cell.get("id"):
                    self.outputs[cell["id"]] = view["model_id"]
            if payload.get("cell_index", -2) + 1 == payload.get("total_cell", -1):
                execution.close()
                return

    def _count_exercises(self) -> None:
        for cell in exercise_cells(self.notebook):
            model = self.outputs.get(cell)
            classes = self.states.get(model, {}).get("_dom_classes") or []
            if "rc-exercise" not in classes:
                self.day.note(missing=f"{self.handle} {self.notebook} {cell}")

    def expect(self, predicate) -> asyncio.Future:
        """A future for the first comm message (``comm_id``, ``data``) matching ``predicate``."""
        future = asyncio.get_running_loop().create_future()
        self.waiters.append((predicate, future))
        return future

    async def _read(self) -> None:
        while True:
            raw = await self.socket.read_message()
            if raw is None:
                return
            msg = json.loads(raw if isinstance(raw, str) else json_part(raw))
            if msg["header"]["msg_type"] != "comm_msg":
                continue
            comm_id, data = msg["content"].get("comm_id"), msg["content"].get("data", {})
            if data.get("method") == "update":
                self.states.setdefault(comm_id, {}).update(data.get("state", {}))
            for predicate, future in list(self.waiters):
                if not future.done() and predicate(comm_id, data):
                    future.set_result(data)
                    self.waiters.remove((predicate, future))

    async def complete(self, cell: str, activity: str | None = None) -> bool:
        """Answer every choice and text box of one exercise and press Submit; True once the
        page says it saved."""
        inside = descendants(self.states, self.outputs[cell])
        status = next((m for m in inside if "tone" in self.states.get(m, {})), None)
        submit = next(
            (
                m
                for m in inside
                if "rc-submit" in (self.states.get(m, {}).get("_dom_classes") or [])
            ),
            None,
        )
        if status is None or submit is None:
            return False
        for model in inside:
            state = self.states.get(model, {})
            for index, group in enumerate(state.get("groups") or []):
                if group.get("hidden") or not group.get("options"):
                    continue
                value = group["options"][0]["value"]
                event = {
                    "event": "value",
                    "group": index,
                    "value": [value] if group.get("multiple") else value,
                }
                await self.socket.write_message(
                    comm_msg(model, {"method": "custom", "content": event}, self.session)
                )
            if "max_chars" in state:  # a text box
                event = {"event": "value", "value": TEXT_ANSWER}
                await self.socket.write_message(
                    comm_msg(model, {"method": "custom", "content": event}, self.session)
                )
        saved = self.expect(
            lambda c, d: c == status and str(d.get("state", {}).get("text", "")).startswith("Saved")
        )
        click = {"method": "custom", "content": {"event": "click"}}
        await self.socket.write_message(comm_msg(submit, click, self.session))
        try:
            await asyncio.wait_for(saved, 10)
        except asyncio.TimeoutError:
            return False
        self.day.note(acknowledged=(self.handle, activity or self.activities.get(cell, cell)))
        return True

    async def wait_for_poll(self, cell: str, poll: str, deadline: float) -> bool:
        """Wait until the poll's Submit is enabled (the trainer opened it); note how long after
        the trainer's click that was."""
        inside = descendants(self.states, self.outputs[cell])
        submit = next(
            m for m in inside if "rc-submit" in (self.states.get(m, {}).get("_dom_classes") or [])
        )
        waited = bool(self.states.get(submit, {}).get("disabled", True))
        while self.states.get(submit, {}).get("disabled", True):
            if time.time() > deadline:
                return False
            opened = self.expect(
                lambda c, d: c == submit and d.get("state", {}).get("disabled") is False
            )
            try:
                await asyncio.wait_for(opened, max(0.1, deadline - time.time()))
            except asyncio.TimeoutError:
                return False
        if waited and poll in self.day.opened_at:  # it opened while this page was waiting
            self.day.note(poll_shown=time.time() - self.day.opened_at[poll])
        return True

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
        if self.reader is not None:
            self.reader.cancel()

    async def unload(self) -> None:
        """Leave the page as a browser does: Voila's page, on ``beforeunload``, beacons a POST
        of the ``_xsrf`` cookie's value to ``voila/api/shutdown/<kernel>``, which ends the
        kernel at once (a tab closed or reloaded frees its kernel without waiting for a cull);
        then the sockets close."""
        from urllib.parse import urlencode

        from tornado.httpclient import AsyncHTTPClient, HTTPClientError

        if self.kernel_id:
            header = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            try:
                await AsyncHTTPClient().fetch(
                    f"{self.base}voila/api/shutdown/{self.kernel_id}",
                    method="POST",
                    body=urlencode({"_xsrf": self.cookies.get("_xsrf", "")}),
                    headers={"Cookie": header},
                    request_timeout=60,
                )
            except (HTTPClientError, OSError) as error:  # a beacon's failure goes unseen too
                self.day.note(errors=f"{self.handle} {self.notebook}: unload: {error}")
        self.close()


async def trainee_slot(
    day: Day, server, handle: str, notebook: str, slot: float, slot_end: float, seed: int
) -> None:
    """One trainee's time in one module (see the module notes)."""
    chance = random.Random(seed)
    who = f"{handle} {notebook}"
    cookies: dict[str, str] = {}
    poll_cell, poll_id, _ = poll_of(notebook)
    page = ProtocolPage(day, server, notebook, handle, cookies)
    poll: asyncio.Task | None = None

    async def answer_poll(open_page: ProtocolPage) -> None:
        """As a trainee does: answer the poll a few seconds after it opens on the page."""
        if await open_page.wait_for_poll(poll_cell, poll_id, slot_end):
            await asyncio.sleep(chance.uniform(1, 5))
            if await open_page.complete(poll_cell, activity=poll_id):
                day.note(poll_acks=(poll_id, time.time()))

    async def open_again() -> bool:
        nonlocal page, poll
        if poll is not None:
            poll.cancel()
        page = ProtocolPage(day, server, notebook, handle, cookies)
        if not await page.open():
            return False
        if poll_cell and poll_cell in page.outputs:
            poll = asyncio.ensure_future(answer_poll(page))
        return True

    try:
        await asyncio.sleep(chance.uniform(0, ARRIVED_BY * slot))
        day.steps[who] = "opening the page"
        if not await open_again():
            return
        behaviour = chance.random()
        for cell in exercise_cells(notebook):
            if cell == poll_cell or cell not in page.outputs:
                continue
            if time.time() > slot_end - 0.2 * slot:
                break
            await asyncio.sleep(chance.uniform(2, 6))
            day.steps[who] = f"completing {cell}"
            await page.complete(cell)
            if behaviour < 0.1 and cell == exercise_cells(notebook)[1]:  # reload the page
                await page.unload()
                if not await open_again():
                    return
            elif behaviour > 0.9 and cell == exercise_cells(notebook)[1]:  # close, come back
                await page.unload()
                await asyncio.sleep(30)
                if not await open_again():
                    return
        day.steps[who] = "reading on"
        await asyncio.sleep(max(0.0, slot_end - time.time()))
    except Exception as exc:  # a benchmark reports failures instead of stopping
        day.note(errors=f"{handle} {notebook}: {type(exc).__name__}: {exc}")
    finally:
        if poll is not None:
            poll.cancel()
        await page.unload()


async def trainees_day(day: Day, server, trainees: int, slot: float, start: float):
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=trainees + 10)
    for index, notebook in enumerate(MODULES):
        slot_start = start + index * slot
        await asyncio.sleep(max(0.0, slot_start - time.time()))
        slot_end = slot_start + slot - 2
        await asyncio.gather(
            *(
                bounded(
                    day,
                    f"day-{n:02d} {notebook}",
                    trainee_slot(
                        day, server, f"day-{n:02d}", notebook, slot, slot_end, n * 100 + index
                    ),
                    slot + 60,
                )
                for n in range(trainees)
            )
        )


async def bounded(day: Day, who: str, work, seconds: float) -> None:
    """Run one trainee's slot, giving up (and saying so) if it outlasts the slot by a minute."""
    try:
        await asyncio.wait_for(work, seconds)
    except asyncio.TimeoutError:
        day.note(errors=f"{who}: still busy a minute after the slot ended ({day.steps.get(who)})")


def dashboard_latencies(
    records: list[tuple[float, str]], title: str, acks: list[float]
) -> list[float]:
    """For the k-th acknowledged answer to a poll, the seconds until the dashboard's count for
    it first showed k or more."""
    seen: list[tuple[float, int]] = []
    for at, text in records:
        for line in text.splitlines():
            if line.startswith(title):
                numbers = re.findall(r"\t(\d+)", line)
                if numbers:
                    seen.append((at, int(numbers[0])))
    latencies = []
    for k, acked in enumerate(sorted(acks), start=1):
        shown = next((at for at, count in seen if count >= k and at >= acked - 5), None)
        if shown is not None:
            latencies.append(max(0.0, shown - acked))
    return latencies


WATCH_COUNTS = """() => {
  window.rcCounts = [];
  const counts = document.querySelector('.rc-dashboard-counts');
  const note = () => window.rcCounts.push([Date.now() / 1000, counts.innerText]);
  new MutationObserver(note).observe(counts, {childList: true, subtree: true, characterData: true});
  note();
}"""


def run_trainer_and_browser(day: Day, server, browser, slot: float, start: float) -> list:
    """The trainer's dashboard and the real trainee, in Chromium, all day; returns the
    dashboard's count records."""
    trainer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    trainer.goto(server.url("modules/trainer/dashboard.ipynb"))
    trainer.wait_for_function("() => document.body.dataset.rcPage === 'ready'", timeout=120_000)
    login = trainer.locator(".rc-dashboard-login")
    login.locator(".rc-trainer-code input").fill(server.cohort)
    login.locator(".rc-trainer-key input").fill(server.trainer_key)
    login.locator(".rc-submit").click()
    trainer.locator(".rc-dashboard-counts").wait_for(timeout=60_000)
    trainer.evaluate(WATCH_COUNTS)
    records: list = []
    for index, notebook in enumerate(MODULES):
        slot_start = start + index * slot
        time.sleep(max(0.0, slot_start + 5 - time.time()))
        _, poll_id, title = poll_of(notebook)
        print(f"  {time.time() - start:6.0f} s  slot {index + 1}: {notebook}", flush=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        opened = time.monotonic()
        page.goto(server.url(notebook, handle="real-trainee"), timeout=180_000)
        page.wait_for_selector(MODULE_READY, state="visible", timeout=180_000)
        day.note(real_usable=time.monotonic() - opened)
        counts = drawn_exercises(page, notebook)
        for cell, count in counts.items():
            if count != 1:
                day.note(missing=f"real-trainee {notebook} {cell} ({count})")
        if not poll_id:  # a module without a live poll: the trainee reads on
            time.sleep(max(0.0, slot_start + slot - 3 - time.time()))
            page.close(run_before_unload=True)
            context.close()
            continue
        time.sleep(max(0.0, slot_start + OPEN_AT * slot - time.time()))
        row = trainer.locator(".rc-activity").filter(has_text=title).first
        row.locator(".rc-open").click()
        day.opened_at[poll_id] = time.time()
        poll_input = page.locator(".rc-livepoll .rc-item input").first
        try:
            page.wait_for_function(
                "(input) => !input.disabled", arg=poll_input.element_handle(), timeout=20_000
            )
            day.note(poll_shown=time.time() - day.opened_at[poll_id])
            poll_input.check()
            page.locator(".rc-livepoll .rc-submit").click()
        except Exception as exc:
            day.note(errors=f"real-trainee {notebook}: the poll never opened ({exc})")
        time.sleep(max(0.0, slot_start + REVEAL_AT * slot - time.time()))
        row.locator(".rc-reveal").click()
        day.revealed_at[poll_id] = time.time()
        try:
            page.locator(".rc-livepoll .rc-poll-results").first.wait_for(timeout=20_000)
            day.note(results_shown=time.time() - day.revealed_at[poll_id])
        except Exception as exc:
            day.note(errors=f"real-trainee {notebook}: results never shown ({exc})")
        records.extend(trainer.evaluate("() => window.rcCounts.splice(0)"))
        time.sleep(max(0.0, slot_start + slot - 3 - time.time()))
        page.close(run_before_unload=True)
        context.close()
    records.extend(trainer.evaluate("() => window.rcCounts.splice(0)"))
    return records


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else float("nan")


def stored_answers(store_url: str, cohort: str) -> set[tuple[str, str]]:
    from recovery_capital.store import Store

    with Store(store_url) as store:
        frame = store.responses(cohort)
    return set(zip(frame["handle"], frame["activity_id"])) if not frame.empty else set()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=20.0, help="length of the day (>= 20)")
    args = parser.parse_args()
    slot = args.minutes * 60 / len(MODULES)
    day = Day()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="rc-day-") as tmp:
        workdir = Path(tmp)
        store_url = f"sqlite:///{workdir / 'day.sqlite3'}"
        baseline = available_memory()
        server = start_server(REPO, store_url, workdir=workdir)
        sampler = MemorySampler(server.process.pid, baseline)
        sampler.pss_enabled = True
        sampler.start()
        print(f"Workshop day: {args.trainees} trainees, {len(MODULES)} modules, {slot:.0f} s each")
        start = time.time() + 5

        def run_trainees() -> None:
            # not asyncio.run: its clean-up waits on the simulated pages' sockets to unwind,
            # which can take as long as their time-outs; the day is over when the slots are
            asyncio.new_event_loop().run_until_complete(
                trainees_day(day, server, args.trainees, slot, start)
            )

        loop = threading.Thread(target=run_trainees, daemon=True)
        try:
            loop.start()
            with chromium() as browser:
                records = run_trainer_and_browser(day, server, browser, slot, start)
            loop.join(timeout=120)
            alive = kernel_count(server.process.pid)
            final_pss = tree_pss(server.process.pid)
        finally:
            sampler.running = False
            sampler.join()
            stop_server(server.process)
        stored = stored_answers(store_url, server.cohort)

    lost = sorted(day.acknowledged - stored)
    dashboard: list[float] = []
    polls: dict[str, list[float]] = {}
    for poll_id, at in day.poll_acks:
        polls.setdefault(poll_id, []).append(at)
    for notebook in MODULES:
        _, poll_id, title = poll_of(notebook)
        if not poll_id:
            continue
        dashboard += dashboard_latencies(records, title, polls.get(poll_id, []))
    print()
    nan = float("nan")
    rows = [
        ("pages opened", f"{day.pages}"),
        ("exercises missing", f"{len(day.missing)} (target 0)"),
        ("visitors refused", f"{day.refused} (target 0)"),
        ("answers acknowledged / lost", f"{len(day.acknowledged)} / {len(lost)} (target 0 lost)"),
        (
            "poll opened -> shown",
            f"p95 {p95(day.poll_shown):.2f} s, max {max(day.poll_shown, default=nan):.2f} s "
            f"(n={len(day.poll_shown)}, target p95 <= 2 s)",
        ),
        (
            "revealed -> results shown",
            f"median {statistics.median(day.results_shown or [nan]):.2f} s (real page)",
        ),
        (
            "answer -> dashboard count",
            f"p95 {p95(dashboard):.2f} s, max {max(dashboard, default=nan):.2f} s "
            f"(n={len(dashboard)}, target p95 <= 1 s)",
        ),
        (
            "real trainee: page usable",
            f"median {statistics.median(day.real_usable or [nan]):.2f} s, "
            f"max {max(day.real_usable, default=nan):.2f} s",
        ),
        (
            "peak memory (server tree)",
            f"{sampler.peak_pss / 2**30:.2f} GB PSS (target < 4 GB); "
            f"{final_pss / 2**30:.2f} GB at the end",
        ),
        ("kernels alive at the end", f"{alive}"),
    ]
    for name, value in rows:
        print(f"{name + ':':<30} {value}")
    for line in (day.missing + day.errors)[:10]:
        print(f"  ! {line}")
    for handle, activity in lost[:10]:
        print(f"  ! lost: {handle} {activity}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
