"""Grade and completion return to the LMS through LTI Advantage Assignment and Grade Services.

When a participant who came in through an LTI launch submits an exercise, the grade sink
notes the submission in the same durable outbox as xAPI statements (one local write on the
trainee's path). A background planner then works out, for every module they were launched
into that holds the exercise, from the store:

* **module completion** on the launch's own line item: the number of the module's activities
  they have submitted out of all of them, ``activityProgress`` ``Completed`` (and
  ``gradingProgress`` ``FullyGraded``) once every one is in, else ``InProgress`` / ``Pending``;
* for a **knowledge check**, its score (right answers out of the questions) on a line item of
  its own, found or created with the activity id as its ``resourceId`` and ``tag``.

A courier posts them with the tool's key (PyLTI1p3's service connector fetches the access
token); a platform that is down or refuses gets them again later, as for xAPI.

>>> score = completion_score(["m2-a", "m2-b"], {"m2-a"})
>>> score["scoreGiven"], score["scoreMaximum"], score["activityProgress"]
(1, 2, 'InProgress')
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from ..settings.lms import LtiSettings
from .events import ExerciseEvent
from .lti import LaunchState, tool_config
from .outbox import Courier, Outbox, PermanentFailure, TemporaryFailure

__all__ = ["GradeSink", "adopt_hub_launch", "completion_score", "send_grades"]

log = logging.getLogger("recovery_capital.lms")
CHANNEL = "lti-ags"
PLAN = "lti-submitted"
_TOKENS: dict[str, tuple[str, float]] = {}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def completion_score(activities: Sequence[str], submitted: Iterable[str]) -> dict[str, Any]:
    """The AGS score saying how much of a module is done."""
    done = sum(1 for activity in activities if activity in set(submitted))
    complete = done == len(activities)
    return {
        "scoreGiven": done,
        "scoreMaximum": len(activities),
        "activityProgress": "Completed" if complete else "InProgress",
        "gradingProgress": "FullyGraded" if complete else "Pending",
        "comment": f"{done} of {len(activities)} activities submitted",
    }


class GradeSink:
    """Queues grades for participants who came from an LMS launch (see the module notes)."""

    def __init__(
        self,
        settings: LtiSettings,
        state: LaunchState,
        outbox: Outbox,
        *,
        course_dir: Any = None,
        store_url: str | None = None,
        start: bool = True,
    ) -> None:
        self.settings = settings
        self.state = state
        self.outbox = outbox
        self.course_dir = course_dir
        self.store_url = store_url
        self._modules: dict[str, Any] | None = None
        self._store: Any = None
        # Two steps off the trainee's path: work out the grades, then post them.
        self.planner = Courier(outbox, PLAN, self._plan, batch_size=20)
        self.courier = Courier(
            outbox, CHANNEL, lambda items: send_grades(settings, items), batch_size=20
        )
        if start:
            self.planner.start()
            self.courier.start()

    @classmethod
    def from_settings(cls, settings: LtiSettings, *, start: bool = True) -> GradeSink:
        """The sink ``course.yaml``'s ``lti:`` section describes."""
        path = settings.outbox_path()
        state = LaunchState(path.with_name("lti-state.sqlite3"))
        adopt_hub_launch(settings, state)
        return cls(settings, state, Outbox(path), start=start)

    def stop(self) -> None:
        """Stop both couriers (queued work stays in the outbox)."""
        self.planner.stop()
        self.courier.stop()

    def __call__(self, event: ExerciseEvent) -> None:
        """On a submission by someone who came from a launch, note it (one local write)."""
        if event.kind != "submitted":
            return
        if not any(launch["ags"] for launch in self.state.launches(event.cohort, event.handle)):
            return
        title = str(getattr(event.content, "title", "") or event.activity_id)
        fact = {
            "cohort": event.cohort,
            "handle": event.handle,
            "activity_id": event.activity_id,
            "kind": event.exercise_kind,
            "scores": dict(event.scores or {}),
            "title": title,
        }
        self.outbox.put(PLAN, fact)
        self.planner.nudge()

    def _plan(self, facts: list[dict[str, Any]]) -> None:
        """Turn noted submissions into the scores to post (on the planner's thread)."""
        from ..reports.course_map import course_modules
        from ..store import Store

        if self._modules is None:
            self._modules = {m.notebook.name: m for m in course_modules(self.course_dir)}
        if self._store is None:
            self._store = Store(self.store_url)
        items = [item for fact in facts for item in self._grades(fact)]
        if items:
            self.outbox.put_many(CHANNEL, items)
            self.courier.nudge()

    def _grades(self, fact: dict[str, Any]) -> list[dict[str, Any]]:
        assert self._modules is not None
        frame = self._store.responses(fact["cohort"])
        who = fact["handle"].casefold()
        submitted = {fact["activity_id"]} | {
            activity
            for handle, activity in zip(frame["handle"], frame["activity_id"])
            if str(handle).casefold() == who
        }
        items = []
        for launch in self.state.launches(fact["cohort"], fact["handle"]):
            module = self._modules.get(launch["module"])
            if not launch["ags"] or module is None or fact["activity_id"] not in module.activities:
                continue
            target = {k: launch[k] for k in ("iss", "client_id", "ags", "resource_link")}
            score = completion_score(module.activities, submitted)
            items.append(
                {
                    **target,
                    "lineitem": None,
                    "score": {**score, "userId": launch["sub"], "timestamp": _now()},
                }
            )
            scores = fact["scores"]
            if fact["kind"] == "quiz" and isinstance(scores.get("total"), int):
                items.append(
                    {
                        **target,
                        "lineitem": {
                            "label": fact["title"],
                            "scoreMaximum": scores["total"],
                            "resourceId": fact["activity_id"],
                            "tag": fact["activity_id"],
                            "resourceLinkId": launch["resource_link"],
                        },
                        "score": {
                            "scoreGiven": scores.get("correct", 0),
                            "scoreMaximum": scores["total"],
                            "activityProgress": "Completed",
                            "gradingProgress": "FullyGraded",
                            "userId": launch["sub"],
                            "timestamp": _now(),
                        },
                    }
                )
        return items


def adopt_hub_launch(
    settings: LtiSettings, state: LaunchState, environ: Mapping[str, str] | None = None
) -> bool:
    """Keep the LMS launch a JupyterHub spawn hook handed this server (``lms/hub.py``), so its
    trainee's grades go back as for a launch through ``serve``; True when one was adopted.

    A launch from another platform or for another tool than ``course.yaml``'s ``lti:`` names
    is ignored (and logged): this server could not sign requests to that gradebook.
    """
    from .hub import AGS, LAUNCH_ENV

    given = (os.environ if environ is None else environ).get(LAUNCH_ENV)
    if not given:
        return False
    try:
        handed = json.loads(given)
        launch = handed["launch"]
        ours = launch["iss"] == settings.issuer and launch["client_id"] == settings.client_id
    except (ValueError, KeyError, TypeError):
        log.error("the hub's %s could not be read: no grades go back", LAUNCH_ENV)
        return False
    if not ours:
        log.error(
            "the hub signed this trainee in from %s (tool %s) but course.yaml's lti: names %s "
            "(tool %s): no grades go back",
            launch["iss"],
            launch["client_id"],
            settings.issuer,
            settings.client_id,
        )
        return False
    if not isinstance(launch.get(AGS), Mapping):
        return False
    state.record_launch(
        handed["cohort"], handed["handle"], handed["module"], launch, launch["client_id"]
    )
    return True


def send_grades(settings: LtiSettings, items: list[dict[str, Any]]) -> None:
    """Post queued scores to the platform (a Courier's ``send``)."""
    import requests
    from pylti1p3.assignments_grades import AssignmentsGradesService
    from pylti1p3.exception import LtiServiceException
    from pylti1p3.grade import Grade
    from pylti1p3.lineitem import LineItem
    from pylti1p3.service_connector import ServiceConnector

    class Connector(ServiceConnector):
        """PyLTI1p3's connector with its access tokens kept for their lifetime."""

        def _get_cached_access_token(self, scope_key: str) -> str | None:
            token, until = _TOKENS.get(scope_key, (None, 0.0))
            return token if until > time.time() else None

        def _cache_access_token(self, scope_key: str, access_token: str, expires_in: float) -> None:
            _TOKENS[scope_key] = (access_token, time.time() + max(0.0, expires_in - 30))

    registration = tool_config(settings).find_registration(settings.issuer)
    connector = Connector(registration)
    for item in items:
        ags = AssignmentsGradesService(connector, item["ags"])
        grade = Grade()
        score = item["score"]
        grade.set_score_given(score["scoreGiven"]).set_score_maximum(score["scoreMaximum"])
        grade.set_activity_progress(score["activityProgress"])
        grade.set_grading_progress(score["gradingProgress"])
        grade.set_timestamp(score["timestamp"]).set_user_id(score["userId"])
        if score.get("comment"):
            grade.set_comment(score["comment"])
        lineitem = None
        if item["lineitem"]:
            wanted = item["lineitem"]
            lineitem = LineItem().set_label(wanted["label"]).set_tag(wanted["tag"])
            lineitem.set_score_maximum(wanted["scoreMaximum"]).set_resource_id(wanted["resourceId"])
            if wanted.get("resourceLinkId"):
                lineitem.set_resource_link_id(wanted["resourceLinkId"])
        try:
            ags.put_grade(grade, lineitem)
        except LtiServiceException as exc:
            status = getattr(getattr(exc, "response", None), "status_code", None) or 0
            if status in (400, 404, 422):
                raise PermanentFailure(f"the platform refused a grade ({status}): {exc}") from exc
            raise TemporaryFailure(f"the platform did not take a grade: {exc}") from exc
        except (requests.RequestException, OSError) as exc:
            raise TemporaryFailure(f"the platform could not be reached: {exc}") from exc
