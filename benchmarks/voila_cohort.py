"""A cohort of 30 trainees opening the same module within 10 seconds, in workshop mode.

Run: ``.venv/bin/python benchmarks/voila_cohort.py [--trainees 30] [--spread 10] [--module 02]``

The server runs as a workshop would (``--workshop MODULE --pool N``). Once the pool has
executed, simulated trainees arrive evenly over ``--spread`` seconds. Each is a protocol-level
client doing what a browser does, without a browser's CPU cost:

1. request the page (Voila streams the executed notebook; the kernel id is in its config);
2. open the kernel websocket (``/api/kernels/<id>/channels``);
3. complete the widget handshake as ipywidgets 8 in the browser does: open the
   ``jupyter.widget.control`` comm and send ``request_states``; the kernel answers with every
   widget's state in one ``update_states`` message: the page is now usable;
4. submit an answer: choose an answer to every item of the module's questionnaire and click
   its Submit button, as the page's comm messages do, then wait for the kernel to acknowledge
   the click.

One real Chromium trainee joins in the middle of the burst; their time to a usable first
exercise is compared with the same page on the idle server. The memory of the whole server
process tree (Voila, its kernels, the pool refill) is sampled throughout, and the store is
asked afterwards how many of the submissions arrived.

Targets: last trainee usable within 15 s of the first arriving; the real trainee within 2x
of unloaded; peak memory under 6 GB; no submission lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

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
    message,
    start_server,
    stop_server,
    time_to_usable,
    wait_until_calm,
    workspace,
)

BARC10_ANSWER = "4"


@dataclass
class Trainee:
    """One simulated trainee's timings (seconds from the cohort's start) and outcome."""

    handle: str
    arrived: float = 0.0
    page_done: float | None = None
    usable: float | None = None
    submitted: float | None = None
    error: str = ""
    states: dict[str, dict[str, Any]] = field(default_factory=dict)


def questionnaire_controls(states: dict[str, dict[str, Any]]) -> tuple[str | None, int, str | None]:
    """The first questionnaire's choice control, how many items it holds, and its Submit."""
    for model_id, state in states.items():
        if "rc-questionnaire" in (state.get("_dom_classes") or []):
            inside = descendants(states, model_id)
            choices = [m for m in inside if "groups" in states[m]]
            buttons = [m for m in inside if "rc-submit" in (states[m].get("_dom_classes") or [])]
            if choices:
                items = sum("rc-item" in g["classes"] for g in states[choices[0]]["groups"])
                return choices[0], items, (buttons[0] if buttons else None)
    return None, 0, None


async def run_trainee(trainee: Trainee, url: str, ws_base: str, start: float) -> None:
    from tornado.httpclient import AsyncHTTPClient
    from tornado.websocket import websocket_connect

    def now() -> float:
        return time.monotonic() - start

    try:
        response = await fetch_page(AsyncHTTPClient(), url, cookies={})
        trainee.page_done = now()
        html = response.body.decode()
        config = json.loads(CONFIG_DATA.search(html).group(1))
        kernel_id = config["kernelId"]
        session = uuid.uuid4().hex
        socket = await websocket_connect(
            f"{ws_base}api/kernels/{kernel_id}/channels?session_id={session}"
        )
        control = uuid.uuid4().hex
        opening = {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}
        version = {"version": "1.0.0"}  # ipywidgets' control protocol
        await socket.write_message(message("comm_open", opening, session, version))
        await socket.write_message(comm_msg(control, {"method": "request_states"}, session))
        clicked = False
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(socket.read_message(), timeout=deadline - time.monotonic())
            if raw is None:
                raise ConnectionError("the kernel websocket closed")
            msg = json.loads(raw if isinstance(raw, str) else json_part(raw))
            content = msg.get("content", {})
            if msg["header"]["msg_type"] != "comm_msg":
                continue
            comm_id, data = content.get("comm_id"), content.get("data", {})
            if comm_id == control and data.get("method") == "update_states":
                states = data.get("states", {})
                trainee.states = {key: value["state"] for key, value in states.items()}
                trainee.usable = now()
                choices, items, submit = questionnaire_controls(trainee.states)
                if not items or submit is None:
                    raise LookupError("no questionnaire with a Submit button on the page")
                for index in range(items):  # as the page's choice.js sends each answer
                    chosen = {"event": "value", "group": index, "value": BARC10_ANSWER}
                    data = {"method": "custom", "content": chosen}
                    await socket.write_message(comm_msg(choices, data, session))
                click = {"method": "custom", "content": {"event": "click"}}
                await socket.write_message(comm_msg(submit, click, session))
                clicked = True
            elif clicked and data.get("method") == "update":
                text = json.dumps(data.get("state", {}))
                if "rc-score" in text or "Saved" in text:
                    trainee.submitted = now()
                    break
        socket.close()
    except Exception as exc:  # a benchmark reports failures instead of stopping
        trainee.error = f"{type(exc).__name__}: {exc}"


async def run_cohort(trainees: list[Trainee], url_for, ws_base: str, spread: float) -> None:
    from tornado.httpclient import AsyncHTTPClient

    # Every trainee's page request must be in flight at once, as with real browsers.
    AsyncHTTPClient.configure(None, max_clients=len(trainees) + 10)
    start = time.monotonic()
    tasks = []
    for index, trainee in enumerate(trainees):
        trainee.arrived = index * spread / max(len(trainees) - 1, 1)
        await asyncio.sleep(max(0.0, start + trainee.arrived - time.monotonic()))
        tasks.append(asyncio.ensure_future(run_trainee(trainee, url_for(trainee), ws_base, start)))
    await asyncio.gather(*tasks)


def module_notebook(prefix: str) -> str:
    for notebook in sorted((REPO / "modules").glob("*.ipynb")):
        if notebook.name.startswith(prefix + "-"):
            return notebook.relative_to(REPO).as_posix()
    raise SystemExit(f"no module {prefix} under {REPO / 'modules'}")


def stored_submissions(store_url: str, cohort: str, handles: set[str]) -> int:
    from recovery_capital.store import Store

    with Store(store_url) as store:
        frame = store.responses(cohort)  # submissions only, never drafts
    return len(set(frame["handle"]) & handles) if not frame.empty else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--spread", type=float, default=10.0, help="arrivals over this many s")
    parser.add_argument("--module", default="02")
    parser.add_argument(
        "--pool", type=int, default=None, help="pool size (default: trainees + the 2 real loads)"
    )
    parser.add_argument("--max-kernels", type=int, default=40)
    parser.add_argument(
        "--fill-delay", default=None, help="seconds before a used pool slot is refilled"
    )
    args = parser.parse_args()
    module = module_notebook(args.module)
    pool = args.pool or args.trainees + 2
    with workspace() as workdir:
        store_url = f"sqlite:///{workdir / 'cohort.sqlite3'}"
        options = [
            "--workshop",
            module,
            "--pool",
            str(pool),
            "--max-kernels",
            str(args.max_kernels),
        ]
        if args.fill_delay is not None:
            options += ["--fill-delay", args.fill_delay]
        baseline = available_memory()
        server = start_server(REPO, store_url, *options, workdir=workdir)
        sampler = MemorySampler(server.process.pid, baseline)
        sampler.start()
        try:
            print(f"Workshop server up; preheating {pool} kernels for {module}...", flush=True)
            took = wait_until_calm(server.process.pid, kernels=pool, timeout=600)
            print(f"  pool executed after {took:.0f} s", flush=True)
            with chromium() as browser:
                unloaded = time_to_usable(
                    browser, server.url(module, handle="real-idle"), MODULE_READY
                )
                print(f"  real trainee on the idle server: {unloaded:.2f} s", flush=True)
                wait_until_calm(server.process.pid, kernels=pool, timeout=120)
                trainees = [Trainee(handle=f"bench-{n:02d}") for n in range(args.trainees)]
                ws_base = server.base_url.replace("http://", "ws://")

                def url_for(trainee: Trainee) -> str:
                    return server.url(module, handle=trainee.handle)

                loop_thread = threading.Thread(
                    target=lambda: asyncio.run(run_cohort(trainees, url_for, ws_base, args.spread))
                )
                cohort_started = time.monotonic()
                loop_thread.start()
                time.sleep(args.spread / 2)  # the real trainee arrives mid-burst
                loaded = time_to_usable(
                    browser, server.url(module, handle="real-busy"), MODULE_READY
                )
                loop_thread.join()
                sampler.pss_enabled = True
                cohort_took = time.monotonic() - cohort_started
            print("  letting the pool refill...", flush=True)
            wait_until_calm(server.process.pid, kernels=0, timeout=300)
        finally:
            sampler.running = False
            sampler.join()
            stop_server(server.process)
        handles = {t.handle for t in trainees}
        stored = stored_submissions(store_url, server.cohort, handles)

    failures = [t for t in trainees if t.error]
    usable = [t.usable for t in trainees if t.usable is not None]
    pages = [t.page_done for t in trainees if t.page_done is not None]
    last_usable = max(usable) if usable else float("nan")
    print()
    print(f"Cohort of {args.trainees} arriving over {args.spread:.0f} s on {module} (pool {pool})")
    print(f"  pages served:                {len(pages)} of {args.trainees}")
    print(
        f"  last trainee usable:         {last_usable:.1f} s after the first arrived (target 15 s)"
    )
    if usable:
        waits = sorted(t.usable - t.arrived for t in trainees if t.usable is not None)
        middle = waits[len(waits) // 2]
        print(f"  arrival to usable:           median {middle:.2f} s, max {waits[-1]:.2f} s")
    print(f"  real trainee, idle server:   {unloaded:.2f} s")
    print(
        f"  real trainee, mid-cohort:    {loaded:.2f} s  ({loaded / unloaded:.2f}x, target <= 2x)"
    )
    print(f"  peak memory (server tree):   {sampler.peak_pss / 2**30:.2f} GB PSS (target < 6 GB)")
    print(f"    same, RSS summed:        {sampler.peak / 2**30:.2f} GB (shared pages per process)")
    print(f"    machine MemAvailable drop: {sampler.peak_drop / 2**30:.2f} GB")
    print(f"  submissions lost:            {args.trainees - stored} (target 0)")
    print(f"  whole burst took:            {cohort_took:.1f} s")
    for trainee in failures[:5]:
        print(f"  ! {trainee.handle}: {trainee.error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
