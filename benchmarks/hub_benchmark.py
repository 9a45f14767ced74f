"""JupyterHub: time from sign-in to a usable module page, and memory per trainee server.

    .venv/bin/python benchmarks/hub_benchmark.py [--trainees 10] [--spread 10] [--module 00]

Starts a real hub with configurable-http-proxy on loopback (``tests/lms/hub_support.py``:
the course's hub settings, a test authenticator and a local process spawner), then simulated
trainees arrive evenly over ``--spread`` seconds. Each is a protocol-level client doing what a
browser does, without a browser's CPU cost: sign in through the hub's login form, ask for a
server, follow the hub's redirects to the module page (Voila runs the notebook and sends the
page), open the kernel websocket through the proxy and complete the ipywidgets handshake: the
page is then usable. Afterwards the memory of every trainee's server (the single-user server
and its page's kernel) is measured as proportional set size (PSS).

The servers share one store, PostgreSQL by default as a hub should have it (the test database,
``$RECOVERY_CAPITAL_TEST_POSTGRES`` or 127.0.0.1:5432, in a schema of the run's own, dropped
afterwards); ``--store sqlite`` uses a SQLite file instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(REPO / "tests" / "lms"))
sys.path.insert(0, str(REPO / "benchmarks"))

from hub_support import server_ready, sign_in, start_hub  # noqa: E402
from postgres_support import postgres_schema  # noqa: E402
from voila_cohort import CONFIG_DATA, comm_msg, json_part, message  # noqa: E402
from voila_support import tree_pss  # noqa: E402

from recovery_capital.store import Store  # noqa: E402


async def handshake(ws_url: str, cookies: str) -> int:
    """Open the page's kernel websocket and complete the widget handshake; widget count."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    session = uuid.uuid4().hex
    socket = await websocket_connect(
        HTTPRequest(f"{ws_url}?session_id={session}", headers={"Cookie": cookies})
    )
    control = uuid.uuid4().hex
    opening = {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}
    await socket.write_message(message("comm_open", opening, session, {"version": "1.0.0"}))
    await socket.write_message(comm_msg(control, {"method": "request_states"}, session))
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(socket.read_message(), deadline - time.monotonic())
            if raw is None:
                raise ConnectionError("the kernel websocket closed")
            msg = json.loads(raw if isinstance(raw, str) else json_part(raw))
            data = msg.get("content", {}).get("data", {})
            if msg["header"]["msg_type"] == "comm_msg" and data.get("method") == "update_states":
                return len(data.get("states", {}))
    finally:
        socket.close()
    raise TimeoutError("no widget states")


def trainee(base: str, name: str, delay: float, start: float) -> dict:
    time.sleep(max(0.0, start + delay - time.monotonic()))
    began = time.monotonic()
    browser = sign_in(base, name)
    browser.get(f"{base}/hub/spawn", timeout=300, allow_redirects=False)
    while not server_ready(base, name):
        if time.monotonic() - began > 600:
            raise TimeoutError(f"{name}'s server never started")
        time.sleep(0.25)
    page = browser.get(f"{base}/user/{name}/", timeout=600)
    page.raise_for_status()
    kernel = json.loads(CONFIG_DATA.search(page.text).group(1))["kernelId"]
    cookies = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    ws = base.replace("http", "ws", 1) + f"/user/{name}/api/kernels/{kernel}/channels"
    widgets = asyncio.run(handshake(ws, cookies))
    return {"name": name, "usable": time.monotonic() - began, "widgets": widgets}


def servers(hub_pid: int) -> list[psutil.Process]:
    """This hub's trainee servers (never other people's on a shared machine)."""
    found = []
    for process in psutil.Process(hub_pid).children(recursive=True):
        try:
            if any("jupyterhub-singleuser" in part for part in process.cmdline()):
                found.append(process)
        except psutil.Error:
            continue
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=10)
    parser.add_argument("--spread", type=float, default=10.0)
    parser.add_argument("--module", default="00-start-here.ipynb")
    parser.add_argument(
        "--deadline",
        type=float,
        default=240.0,
        help="seconds after which a trainee still waiting counts as failed",
    )
    parser.add_argument("--store", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rc-hub-bench-"))
    if args.store == "sqlite":
        run(args, folder, f"sqlite:///{folder}/store.sqlite3")
    else:
        with postgres_schema("rc_hub_bench") as (store_url, _):
            run(args, folder, store_url)
    sys.stdout.flush()
    os._exit(0)  # trainees still waiting (counted as failed) must not keep the process alive


def run(args: argparse.Namespace, folder: Path, store_url: str) -> None:
    """One hub, ``args.trainees`` arriving; prints the figures."""
    with Store(store_url, retry_for=10.0) as store:
        cohort = store.create_cohort("Hub benchmark").code
    hub = start_hub(
        folder,
        store_url,
        cohort,
        args.module,
        concurrent_spawn_limit=max(10, args.trainees),
        active_server_limit=args.trainees + 5,
    )
    try:
        start = time.monotonic() + 1
        names = [f"trainee{i:02d}" for i in range(args.trainees)]
        gap = args.spread / max(1, args.trainees - 1)
        pool = ThreadPoolExecutor(args.trainees)
        futures = [pool.submit(trainee, hub.base, n, i * gap, start) for i, n in enumerate(names)]
        results, failures = [], []
        give_up = time.monotonic() + args.deadline
        for future in futures:
            try:
                results.append(future.result(timeout=max(1, give_up - time.monotonic())))
            except Exception as exc:  # a benchmark reports failures instead of stopping
                failures.append(f"{type(exc).__name__}: {exc}")
        pool.shutdown(wait=False, cancel_futures=True)
        times = sorted(r["usable"] for r in results)
        pss = [tree_pss(p.pid) / 2**20 for p in servers(hub.process.pid)]
        print(
            f"{args.trainees} trainees arriving over {args.spread:.0f} s, module {args.module}, "
            f"store {args.store}"
        )
        if times:
            print(
                f"sign-in to usable page: median {statistics.median(times):.1f} s, "
                f"slowest {times[-1]:.1f} s, fastest {times[0]:.1f} s; widget models per "
                f"page: {sorted({r['widgets'] for r in results})}"
            )
        if pss:
            print(
                f"memory per trainee server (server + page kernel, PSS): median "
                f"{statistics.median(pss):.0f} MB, largest {max(pss):.0f} MB, "
                f"all {sum(pss) / 1024:.2f} GB over {len(pss)} servers"
            )
        print(f"hub + proxy: {tree_pss(hub.process.pid) / 2**20 - sum(pss):.0f} MB (PSS)")
        if failures:
            print(f"{len(failures)} failed: {failures[:3]}")
    finally:
        hub.stop()


if __name__ == "__main__":
    main()
