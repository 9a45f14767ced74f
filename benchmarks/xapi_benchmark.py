"""xAPI: what sending statements costs a trainee's submit, and how fast the outbox drains.

    .venv/bin/python benchmarks/xapi_benchmark.py [--submits 200] [--statements 5000]

Starts a real Ralph LRS on loopback (as the tests do), then measures

* the time of ``Ruler.submit()`` (a real SQLite store, three ratings) with xAPI off, with xAPI
  on and the LRS up, and with xAPI on and an LRS that accepts connections but never answers;
* the same for a scored questionnaire (BARC-10: its statement carries ``result.score``, so
  the sink scores the answers again on the submit's path), and that scoring on its own;
* how many statements per second the courier delivers from the outbox to the LRS (batches of
  50), and how many per second the outbox takes in.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(REPO / "tests" / "lms"))

from lms_support import LRS_PASSWORD, LRS_USER, start_ralph  # noqa: E402

from recovery_capital.lms import events  # noqa: E402
from recovery_capital.lms.events import XapiSink  # noqa: E402
from recovery_capital.lms.xapi import StatementBuilder  # noqa: E402
from recovery_capital.session.context import Context  # noqa: E402
from recovery_capital.settings.lms import XapiSettings  # noqa: E402
from recovery_capital.store import Store  # noqa: E402
from recovery_capital.widgets import Questionnaire, Ruler  # noqa: E402

RULER = REPO / "assets" / "content" / "rulers" / "m0-ruler-starting-point.yaml"
HOME = "https://course.example.org"


def submit_times(ctx: Context, n: int) -> list[float]:
    times = []
    for i in range(n):
        ruler = Ruler(RULER, context=ctx)
        for scale in ruler.scales.values():
            scale.value = str(i % 11)
        start = time.perf_counter()
        assert ruler.submit()
        times.append(time.perf_counter() - start)
    return times


def questionnaire_times(ctx: Context, n: int) -> list[float]:
    """BARC-10 submits (the page scores and draws the result; the xAPI sink scores again)."""
    times = []
    for i in range(n):
        barc = Questionnaire("barc10", context=ctx)
        for number, item in enumerate(barc.items.values()):
            item.value = str(1 + (i + number) % 6)
        start = time.perf_counter()
        assert barc.submit()
        times.append(time.perf_counter() - start)
    return times


def scoring_times(n: int) -> list[float]:
    """What the xAPI sink adds to a questionnaire's submit: scoring it for result.score."""
    from recovery_capital.lms.xapi import questionnaire_scores
    from recovery_capital.scoring.definitions import load_instrument

    barc = load_instrument("barc10")
    times = []
    for i in range(n):
        answers = {item.id: 1 + (i + k) % 6 for k, item in enumerate(barc.items)}
        start = time.perf_counter()
        assert questionnaire_scores(barc, answers)["headline"]["raw"] > 0
        times.append(time.perf_counter() - start)
    return times


def grade_return_times(work: Path, ctx: Context, n: int) -> list[float]:
    """Submits by a participant who came from an LMS launch, with grade return configured
    (the sink notes each submission; its planner and courier are not started, so this is
    only what the trainee's submit pays)."""
    from recovery_capital.lms.grades import GradeSink
    from recovery_capital.lms.lti import AGS, LaunchState
    from recovery_capital.lms.outbox import Outbox

    state = LaunchState(work / "lti-state.sqlite3")
    launch = {
        "iss": "https://lms.example.org",
        "sub": "user-1",
        AGS: {"scope": [], "lineitem": "https://lms.example.org/lineitems/1"},
    }
    state.record_launch(ctx.cohort, ctx.handle, "00-start-here.ipynb", launch, "client-1")
    settings = type("Settings", (), {})()  # not used: nothing is sent in this measurement
    sink = GradeSink(settings, state, Outbox(work / "grades.sqlite3"), start=False)
    events.configure([sink])
    try:
        return submit_times(ctx, n)
    finally:
        events.configure([])


def summary(label: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return f"{label:<34} median {statistics.median(ms):6.2f} ms   p95 {p95:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submits", type=int, default=200)
    parser.add_argument("--statements", type=int, default=5000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rc-xapi-bench-"))
    lrs = start_ralph(work / "ralph")
    store = Store(f"sqlite:///{work}/store.sqlite3")
    cohort = store.create_cohort("Benchmark").code
    ctx = Context(store, cohort, store.join(cohort, "bench-1"))

    def config(endpoint: str, name: str) -> XapiSettings:
        return XapiSettings(
            endpoint=endpoint,
            homepage=HOME,
            username=LRS_USER,
            password=LRS_PASSWORD,
            outbox=str(work / name),
            timeout=5,
        )

    try:
        events.configure([])
        submit_times(ctx, 10)  # warm up imports and the store
        off = submit_times(ctx, args.submits)
        events.configure([XapiSink.from_settings(config(lrs.endpoint, "up.sqlite3"))])
        up = submit_times(ctx, args.submits)
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(64)
            hanging = f"http://127.0.0.1:{silent.getsockname()[1]}/xAPI"
            events.configure([XapiSink.from_settings(config(hanging, "hang.sqlite3"))])
            down = submit_times(ctx, args.submits)
            events.configure([])
        print(summary("submit, xAPI off", off))
        print(summary("submit, xAPI on, LRS up", up))
        print(summary("submit, xAPI on, LRS not answering", down))
        graded = grade_return_times(work, ctx, args.submits)
        print(summary("submit, LTI grade return on", graded))
        few = max(20, args.submits // 5)  # each draws a chart: slower than a ruler
        events.configure([])
        questionnaire_times(ctx, 3)  # warm up the chart library
        q_off = questionnaire_times(ctx, few)
        events.configure([XapiSink.from_settings(config(lrs.endpoint, "q.sqlite3"))])
        q_on = questionnaire_times(ctx, few)
        events.configure([])
        print(summary("questionnaire submit, xAPI off", q_off))
        print(summary("questionnaire submit, xAPI on", q_on))
        print(summary("  of which scoring for result.score", scoring_times(args.submits)))

        sink = XapiSink.from_settings(config(lrs.endpoint, "drain.sqlite3"), start=False)
        builder = StatementBuilder(HOME)
        made = [
            builder.answered_item(
                cohort, f"bench-{i % 30}", "m0-ruler-starting-point", "ratings.importance", i % 11
            )
            for i in range(args.statements)
        ]
        start = time.perf_counter()
        for statement in made:
            sink.outbox.put("xapi", statement)  # one write per statement, as events do
        queued = time.perf_counter() - start
        start = time.perf_counter()
        sink.courier.start()
        while sink.outbox.pending("xapi"):
            sink.courier.nudge()
            time.sleep(0.05)
        drained = time.perf_counter() - start
        sink.stop()
        print(
            f"outbox takes in   {args.statements / queued:8.0f} statements/s "
            f"({queued / args.statements * 1000:.3f} ms each)"
        )
        print(
            f"courier delivers  {args.statements / drained:8.0f} statements/s to Ralph "
            f"(file back-end, batches of 50)"
        )
    finally:
        events.configure(None)
        lrs.stop()


if __name__ == "__main__":
    main()
