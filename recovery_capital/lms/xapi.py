"""Exercise events as xAPI 1.0.3 statements, and the client that hands them to an LRS.

Every statement's actor is the participant's pseudonymous **account** on the course (never an
e-mail address): ``{"homePage": <course home page>, "name": "<cohort>/<handle>"}`` with the
handle in lower case, as the store matches handles. Activity ids are stable addresses under
the course's home page, so the same exercise keeps its id across runs and cohorts:

* ``<home>/activities/<activity id>``: an exercise (completed on submit);
* ``<home>/activities/<activity id>/items/<item id>``: one question, rating or ruler of it
  (answered when the trainee's answer changes);
* ``<home>/activities/<activity id>/nodes/<node id>``: one step of a branching scenario
  (answered with the choice made, and the practice behaviour it shows as the ``tag``
  extension).

Free text is left out unless the course's ``xapi.include_text`` asks for it.

>>> b = StatementBuilder("https://course.example.org")
>>> s = b.answered_item("K7P2Q", "Fox-12", "m3-ruler", "importance", 7)
>>> s["actor"]["account"], s["object"]["id"], s["result"]["response"]
({'homePage': 'https://course.example.org', 'name': 'K7P2Q/fox-12'}, \
'https://course.example.org/activities/m3-ruler/items/importance', '7')
>>> check_statement(s)
[]
"""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from .outbox import PermanentFailure, TemporaryFailure

__all__ = ["LrsClient", "StatementBuilder", "VERBS", "check_statement", "EXTENSIONS", "flatten"]

XAPI_VERSION = "1.0.3"
VERBS = {
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "interaction": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "simulation": "http://adlnet.gov/expapi/activities/simulation",
    "question": "http://adlnet.gov/expapi/activities/question",
}
#: exercise kinds (content ``kind``) and the activity type an exercise of that kind is
KIND_TYPES = {"quiz": "assessment", "scenario": "simulation"}
#: extension names, relative to the course's home page
EXTENSIONS = {
    "tag": "/extensions/practice-tag",
    "cohort": "/extensions/cohort",
    "scores": "/extensions/scores",
    "kind": "/extensions/exercise-kind",
}
LANGUAGE = "en-GB"
_TOKEN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _segment(value: str) -> str:
    return quote(str(value), safe="-._~")


def _sendable(value: Any, include_text: bool) -> bool:
    """Whether an answer may leave the machine: choices, numbers and flags always; text only
    when the course allows it (an option id is a short token, free text is anything else)."""
    if isinstance(value, bool | int | float) or value is None:
        return value is not None
    if isinstance(value, str):
        return include_text or bool(_TOKEN.match(value))
    if isinstance(value, list):
        return all(_sendable(v, include_text) for v in value)
    return False


def flatten(answers: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested answers as one level of items, their keys joined with dots.

    >>> flatten({"ratings": {"importance": 7}, "stage": "contemplation"})
    {'ratings.importance': 7, 'stage': 'contemplation'}
    """
    flat: dict[str, Any] = {}
    for key, value in answers.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _response(value: Any) -> tuple[str, str]:
    """The cmi.interaction type and xAPI ``response`` string of one answer."""
    if isinstance(value, bool):
        return "true-false", "true" if value else "false"
    if isinstance(value, int | float):
        return "numeric", str(value)
    if isinstance(value, list):
        return "choice", "[,]".join(str(v) for v in value)
    text = str(value)
    if _TOKEN.match(text):
        return "choice", text
    return "long-fill-in", text


class StatementBuilder:
    """Builds the statements of one course (see the module notes for ids and actors)."""

    def __init__(self, homepage: str, *, include_text: bool = False, title: str = "") -> None:
        self.homepage = homepage.rstrip("/")
        self.include_text = include_text
        self.title = title

    # -- parts -----------------------------------------------------------------------

    def actor(self, cohort: str, handle: str) -> dict[str, Any]:
        """The participant as an xAPI Agent identified by an account on the course."""
        name = f"{cohort}/{handle.strip().casefold()}"
        return {"objectType": "Agent", "account": {"homePage": self.homepage, "name": name}}

    def activity_id(self, activity_id: str, *parts: str) -> str:
        """The stable IRI of an exercise, or of one of its items or nodes."""
        path = "/".join(_segment(p) for p in (activity_id, *parts))
        return f"{self.homepage}/activities/{path}"

    def extension(self, name: str) -> str:
        """The IRI of one of the course's own extensions."""
        return self.homepage + EXTENSIONS[name]

    def _verb(self, name: str) -> dict[str, Any]:
        return {"id": VERBS[name], "display": {"en-US": name, LANGUAGE: name}}

    def _context(self, cohort: str, parent: str | None = None) -> dict[str, Any]:
        course = {
            "objectType": "Activity",
            "id": self.homepage,
            "definition": {"type": ACTIVITY_TYPES["course"]},
        }
        if self.title:
            course["definition"]["name"] = {LANGUAGE: self.title}
        activities: dict[str, Any] = {"grouping": [course]}
        if parent is not None:
            activities["parent"] = [{"objectType": "Activity", "id": parent}]
        return {
            "contextActivities": activities,
            "language": LANGUAGE,
            "platform": "recovery-capital",
            "extensions": {self.extension("cohort"): cohort},
        }

    def _statement(
        self,
        cohort: str,
        handle: str,
        verb: str,
        obj: dict[str, Any],
        result: dict[str, Any],
        parent: str | None = None,
    ) -> dict[str, Any]:
        return {
            "id": str(uuid.uuid4()),
            "actor": self.actor(cohort, handle),
            "verb": self._verb(verb),
            "object": obj,
            "result": result,
            "context": self._context(cohort, parent),
            "timestamp": _now(),
            "version": XAPI_VERSION,
        }

    # -- statements ------------------------------------------------------------------

    def answered_item(
        self, cohort: str, handle: str, activity_id: str, item: str, value: Any
    ) -> dict[str, Any]:
        """One answer to one item of an exercise (a question, a rating, a ruler)."""
        interaction, response = _response(value)
        obj = {
            "objectType": "Activity",
            "id": self.activity_id(activity_id, "items", item),
            "definition": {"type": ACTIVITY_TYPES["interaction"], "interactionType": interaction},
        }
        return self._statement(
            cohort,
            handle,
            "answered",
            obj,
            {"response": response},
            parent=self.activity_id(activity_id),
        )

    def answered_choice(
        self, cohort: str, handle: str, activity_id: str, node: str, choice: int, tag: str | None
    ) -> dict[str, Any]:
        """One choice in a branching scenario, with the practice behaviour it is tagged as."""
        obj = {
            "objectType": "Activity",
            "id": self.activity_id(activity_id, "nodes", node),
            "definition": {"type": ACTIVITY_TYPES["interaction"], "interactionType": "choice"},
        }
        result: dict[str, Any] = {"response": str(choice)}
        if tag:
            result["extensions"] = {self.extension("tag"): tag}
        return self._statement(
            cohort, handle, "answered", obj, result, parent=self.activity_id(activity_id)
        )

    def completed(
        self,
        cohort: str,
        handle: str,
        activity_id: str,
        kind: str,
        title: str,
        answers: Mapping[str, Any],
        scores: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        """A submitted exercise: its answers (text left out unless allowed) and scores."""
        sendable = {k: v for k, v in flatten(answers).items() if _sendable(v, self.include_text)}
        definition: dict[str, Any] = {"type": ACTIVITY_TYPES[KIND_TYPES.get(kind, "question")]}
        if title:
            definition["name"] = {LANGUAGE: title}
        obj = {
            "objectType": "Activity",
            "id": self.activity_id(activity_id),
            "definition": definition,
        }
        result: dict[str, Any] = {
            "completion": True,
            "response": json.dumps(sendable, sort_keys=True, separators=(",", ":")),
            "extensions": {self.extension("kind"): kind},
        }
        if scores:
            result["extensions"][self.extension("scores")] = dict(scores)
            score = _score(scores)
            if score is not None:
                result["score"] = score
        return self._statement(cohort, handle, "completed", obj, result)


def _score(scores: Mapping[str, Any]) -> dict[str, Any] | None:
    """The xAPI ``result.score`` (xAPI 1.0.3: ``raw`` between ``min`` and ``max``, ``scaled``
    between -1 and 1) of a knowledge check (``correct`` of ``total``) or of a scored
    questionnaire (its ``headline`` scale, see :func:`questionnaire_scores`), else None: a
    ruler's or a vignette's numbers describe a person, not how the trainee did.

    >>> _score({"correct": 3, "total": 4})
    {'raw': 3, 'min': 0, 'max': 4, 'scaled': 0.75}
    >>> _score({"headline": {"scale": "total", "raw": 25.0, "min": 10.0, "max": 60.0}})
    {'raw': 25.0, 'min': 10.0, 'max': 60.0, 'scaled': 0.3}
    >>> _score({"importance": 7}) is None
    True
    """
    right, total = scores.get("correct"), scores.get("total")
    if isinstance(right, int) and isinstance(total, int) and total > 0 and 0 <= right <= total:
        return {"raw": right, "min": 0, "max": total, "scaled": round(right / total, 4)}
    headline = scores.get("headline")
    if isinstance(headline, Mapping):
        raw, low, high = headline.get("raw"), headline.get("min"), headline.get("max")
        numbers = [v for v in (raw, low, high) if isinstance(v, int | float)]
        if len(numbers) == 3 and low < high and low <= raw <= high:
            scaled = round((raw - low) / (high - low), 4)  # 0 at the lowest score, 1 at the top
            return {"raw": raw, "min": low, "max": high, "scaled": scaled}
    return None


def headline_scale(instrument: Any) -> str | None:
    """The one scale a questionnaire's result is summed up by: the scale its primary band
    reads, else its only scale, else one called ``total``; None when there is no single one
    (the RCQ names a stage from three scales).

    >>> from recovery_capital.scoring.definitions import load_instrument
    >>> headline_scale(load_instrument("audit")), headline_scale(load_instrument("rcq"))
    ('total', None)
    """
    band = instrument.primary_band
    if band is not None and isinstance(getattr(band, "scale", None), str):
        return band.scale
    if len(instrument.scales) == 1:
        return instrument.scales[0].id
    return "total" if "total" in instrument.scale_ids else None


def questionnaire_scores(instrument: Any, answers: Mapping[str, Any]) -> dict[str, Any] | None:
    """A submitted questionnaire's scores for its statement: every scale, the band, and the
    headline scale with the lowest and highest score it can take (None if not scorable).

    ``answers`` are the exercise's own (item ids, plus the respondent details under
    ``_context``), scored by the scoring engine as the page scored them.

    >>> from recovery_capital.scoring.definitions import load_instrument
    >>> scores = questionnaire_scores(load_instrument("dast10"), {f"q{i}": "no" for i in
    ...                               range(1, 11)})
    >>> scores["headline"], scores["band"] is not None
    ({'scale': 'total', 'raw': 1.0, 'min': 0.0, 'max': 10.0}, True)
    """
    from ..scoring.engine import score

    items = {k: v for k, v in answers.items() if not str(k).startswith("_")}
    about = answers.get("_context")
    try:
        result = score(instrument, items, context=about if isinstance(about, Mapping) else None)
    except Exception:  # answers the engine refuses carry no score (the page said why)
        return None
    scales = {k: None if v is None else float(v) for k, v in result.scales.items()}
    found: dict[str, Any] = {"scales": scales, "band": result.band}
    name = headline_scale(instrument)
    span = instrument.scale_range(name) if name else None
    if name and span is not None and scales.get(name) is not None:
        found["headline"] = {"scale": name, "raw": scales[name], "min": span[0], "max": span[1]}
    return found


# -- checking statements against xAPI 1.0.3 -------------------------------------------

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
_IRL = re.compile(r"^https?://[^\s/]+[^\s]*$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_LANGTAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_INTERACTIONS = {
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
}
_STATEMENT_KEYS = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}


def check_statement(s: Any) -> list[str]:
    """Problems with a statement under the xAPI 1.0.3 rules this course's statements use
    (an empty list when there are none): required parts, ids, IFIs, IRIs, language maps,
    result and score ranges, context and timestamps.

    >>> check_statement({"actor": {"mbox": "someone@example.org"}, "verb": {"id": "answered"},
    ...                  "object": {"id": "q1"}})
    ['actor.mbox: must be a mailto: IRI', 'verb.id: must be an IRI', 'object.id: must be an IRI']
    """
    problems: list[str] = []
    if not isinstance(s, dict):
        return ["a statement must be a JSON object"]
    for key in s:
        if key not in _STATEMENT_KEYS:
            problems.append(f"{key}: not a statement property")
    for key in ("actor", "verb", "object"):
        if key not in s:
            problems.append(f"{key}: required")
    if "id" in s and not (isinstance(s["id"], str) and _UUID.match(s["id"])):
        problems.append("id: must be a UUID")
    if "actor" in s:
        problems += _check_agent(s["actor"], "actor")
    verb = s.get("verb")
    if verb is not None:
        if not isinstance(verb, dict) or not _IRI.match(str(verb.get("id", ""))):
            problems.append("verb.id: must be an IRI")
        elif "display" in verb:
            problems += _check_language_map(verb["display"], "verb.display")
    if "object" in s:
        problems += _check_object(s["object"])
    if "result" in s:
        problems += _check_result(s["result"])
    if "context" in s:
        problems += _check_context(s["context"], s.get("object", {}))
    if "timestamp" in s and not _TIMESTAMP.match(str(s["timestamp"])):
        problems.append("timestamp: must be an ISO 8601 date and time with a time zone")
    if "version" in s and not re.match(r"^1\.0(\.\d+)?$", str(s["version"])):
        problems.append("version: must be 1.0.x")
    return problems


def _check_agent(agent: Any, where: str) -> list[str]:
    if not isinstance(agent, dict):
        return [f"{where}: must be an object"]
    problems = []
    if agent.get("objectType", "Agent") not in ("Agent", "Group"):
        problems.append(f"{where}.objectType: must be Agent or Group")
    ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in agent]
    if len(ifis) != 1 and agent.get("objectType") != "Group":
        problems.append(f"{where}: needs exactly one identifier (mbox, openid, account...)")
    if "mbox" in agent and not str(agent["mbox"]).startswith("mailto:"):
        problems.append(f"{where}.mbox: must be a mailto: IRI")
    if "account" in agent:
        account = agent["account"]
        if not isinstance(account, dict) or set(account) != {"homePage", "name"}:
            problems.append(f"{where}.account: needs exactly homePage and name")
        else:
            if not _IRL.match(str(account["homePage"])):
                problems.append(f"{where}.account.homePage: must be an IRL")
            if not isinstance(account["name"], str) or not account["name"]:
                problems.append(f"{where}.account.name: must be a non-empty string")
    return problems


def _check_language_map(value: Any, where: str) -> list[str]:
    if not isinstance(value, dict) or not value:
        return [f"{where}: must be a language map"]
    return [f"{where}: {tag!r} is not a language tag" for tag in value if not _LANGTAG.match(tag)]


def _check_extensions(value: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: must be an object"]
    return [f"{where}: key {k!r} must be an IRI" for k in value if not _IRI.match(k)]


def _check_object(obj: Any) -> list[str]:
    if not isinstance(obj, dict):
        return ["object: must be an object"]
    problems = []
    if obj.get("objectType", "Activity") != "Activity":
        return problems  # this course sends activities only; others are not checked here
    if not _IRI.match(str(obj.get("id", ""))):
        problems.append("object.id: must be an IRI")
    definition = obj.get("definition")
    if definition is not None:
        if not isinstance(definition, dict):
            return [*problems, "object.definition: must be an object"]
        if "type" in definition and not _IRI.match(str(definition["type"])):
            problems.append("object.definition.type: must be an IRI")
        for key in ("name", "description"):
            if key in definition:
                problems += _check_language_map(definition[key], f"object.definition.{key}")
        kind = definition.get("interactionType")
        if kind is not None and kind not in _INTERACTIONS:
            problems.append(f"object.definition.interactionType: {kind!r} is not one of xAPI's")
        if "extensions" in definition:
            problems += _check_extensions(definition["extensions"], "object.definition")
    return problems


def _check_result(result: Any) -> list[str]:
    if not isinstance(result, dict):
        return ["result: must be an object"]
    problems = []
    for key in ("success", "completion"):
        if key in result and not isinstance(result[key], bool):
            problems.append(f"result.{key}: must be true or false")
    if "response" in result and not isinstance(result["response"], str):
        problems.append("result.response: must be a string")
    if "extensions" in result:
        problems += _check_extensions(result["extensions"], "result.extensions")
    score = result.get("score")
    if score is not None:
        if not isinstance(score, dict):
            return [*problems, "result.score: must be an object"]
        scaled = score.get("scaled")
        if scaled is not None and not -1 <= scaled <= 1:
            problems.append("result.score.scaled: must be between -1 and 1")
        low, high, raw = score.get("min"), score.get("max"), score.get("raw")
        if low is not None and high is not None and low > high:
            problems.append("result.score: min must not exceed max")
        if raw is not None and (
            (low is not None and raw < low) or (high is not None and raw > high)
        ):
            problems.append("result.score.raw: must lie between min and max")
    return problems


def _check_context(context: Any, obj: Any) -> list[str]:
    if not isinstance(context, dict):
        return ["context: must be an object"]
    problems = []
    if "registration" in context and not _UUID.match(str(context["registration"])):
        problems.append("context.registration: must be a UUID")
    activities = context.get("contextActivities", {})
    for key, value in activities.items():
        if key not in ("parent", "grouping", "category", "other"):
            problems.append(f"context.contextActivities.{key}: not a context activity kind")
            continue
        for activity in value if isinstance(value, list) else [value]:
            problems += [
                p.replace("object", f"context.contextActivities.{key}", 1)
                for p in _check_object(activity)
            ]
    if "language" in context and not _LANGTAG.match(str(context["language"])):
        problems.append("context.language: must be a language tag")
    if "extensions" in context:
        problems += _check_extensions(context["extensions"], "context.extensions")
    return problems


# -- the LRS ----------------------------------------------------------------------------


class LrsClient:
    """POSTs batches of statements to an LRS's Statement resource (``send`` for a Courier).

    Replies are sorted into what the courier needs: 200 or 204 (stored, or already stored
    with the same id) is delivered; 400 and 413 will never be taken as they are; anything
    else (no answer, 401/403 while credentials are being fixed, 429, 5xx) is temporary; 422
    (what some LRSs say for a malformed statement) counts with 400.
    A 409 (an id the LRS holds with different contents) is permanent for that statement.
    """

    def __init__(
        self,
        statements_url: str,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.url = statements_url
        self.timeout = timeout
        self._auth = None
        if username:
            token = base64.b64encode(f"{username}:{password or ''}".encode()).decode()
            self._auth = f"Basic {token}"

    def _headers(self) -> dict[str, str]:
        headers = {"X-Experience-API-Version": XAPI_VERSION, "Content-Type": "application/json"}
        if self._auth:
            headers["Authorization"] = self._auth
        return headers

    def send(self, statements: Sequence[Mapping[str, Any]]) -> None:
        """Store ``statements`` in the LRS, or raise Temporary-/PermanentFailure."""
        body = json.dumps(list(statements), separators=(",", ":")).encode()
        request = urllib.request.Request(self.url, body, self._headers(), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                reply.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace")
            if exc.code in (400, 409, 413, 422):
                raise PermanentFailure(f"the LRS refused them ({exc.code}): {detail}") from None
            raise TemporaryFailure(f"the LRS answered {exc.code}: {detail}") from None
        except (OSError, TimeoutError) as exc:
            raise TemporaryFailure(f"the LRS could not be reached: {exc}") from None

    def statements(self, **query: str) -> dict[str, Any]:
        """GET statements back (for checks and tests): ``query`` as the xAPI resource takes."""
        from urllib.parse import urlencode

        url = self.url + ("?" + urlencode(query) if query else "")
        request = urllib.request.Request(url, headers=self._headers())
        with urllib.request.urlopen(request, timeout=self.timeout) as reply:
            return json.loads(reply.read())
