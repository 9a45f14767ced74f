"""Interactive exercises for the course, one module per exercise type, all on one protocol.

A notebook cell makes one in one line, e.g. ``KnowledgeCheck("assets/content/quizzes/x.yaml")``;
see :mod:`recovery_capital.widgets.base` for what every exercise does (drafts, submit, restore,
status line) and ``docs/content-format.md`` for the content files.

Stable CSS classes, for browser tests and course styling:

============================  =====================================================================
class                         element
============================  =====================================================================
``rc-exercise``               the box around every exercise (also ``rc-<exercise name>``, e.g.
                              ``rc-knowledgecheck``, ``rc-questionnaire``, ``rc-trainerdashboard``)
``rc-title``                  the exercise's heading (``h3``)
``rc-intro``                  intro / story / prompt text from the content file
``rc-item``                   one question or item (a ``rc-choice`` group, a ruler, a statement)
``rc-choice``                 an accessible choice group: ``fieldset.rc-choice-group`` >
                              ``legend.rc-choice-legend``, ``label.rc-choice-option`` >
                              ``input[type=radio|checkbox]`` (selected label:
                              ``rc-choice-selected``); the groups of one exercise are drawn
                              by one ``rc-choice-set``
``rc-progress``               "n of N answered"
``rc-submit``                 the Submit button (also Join, Open dashboard, and the scenario's
                              "Say this", which also has ``rc-say``)
``rc-reset``                  the Start again / Clear button
``rc-status-line``            the status line (inner ``p.rc-status[role=status]``, ``data-tone``)
``rc-feedback``               feedback / results area after submitting
``rc-result``                 one block of results inside ``rc-feedback``
``rc-score``                  a score
``rc-band``                   a band or stage label
``rc-meaning``                the plain-words meaning of a result
``rc-warning``                a provisional-scoring or other caution
``rc-note``                   a reminder (e.g. scores are conversation starters)
``rc-chart``                  a chart image (``img.rc-chart`` with alt text)
``rc-correct`` /              an option or statement judged right / not the best answer
``rc-incorrect``
``rc-statement``              a TalkSorter statement (two ``rc-choice`` groups inside)
``rc-transcript``             BranchingScenario conversation so far (``rc-client``,
                              ``rc-practitioner``, ``rc-tag``, ``rc-choice-feedback``)
``rc-ending``                 a scenario ending (with ``rc-ending-good|mixed|poor``)
``rc-miti-summary``           the MITI-style summary of a scenario path
``rc-ruler``                  one ruler (a 0-10 ``rc-choice`` group) with ``rc-follow-up`` text
                              fields
``rc-reflection-text``        the reflection text area; ``rc-share`` the share choice;
                              ``rc-word-count`` the word count
``rc-drill-item``             one ReflectionDrill statement: ``rc-drill-text`` (the reply),
                              ``rc-reveal`` (compare button), ``rc-model-answers``,
                              ``rc-self-code`` and ``rc-self-rating`` (choice groups)
``rc-tally-button``           an ObserverTally count button (also ``rc-tally-<code>``, e.g.
                              ``rc-tally-complex-reflection``); ``rc-undo``, ``rc-tally``,
                              ``rc-timer``, ``rc-timer-start``, ``rc-global``, ``rc-brief``
                              (a role's brief), ``rc-briefs`` (prepare the PDF),
                              ``rc-download-link``
``rc-missed``                 scenario turns where a reflection was on offer and not chosen
``rc-poll-state``             whether a poll is open; ``rc-poll-results`` its revealed results
``rc-join``                   the join panel: ``rc-join-code``, ``rc-join-handle``,
                              ``rc-suggest``, ``rc-join-where``
``rc-dashboard``              the trainer dashboard: ``rc-trainer-code``, ``rc-trainer-key``,
                              ``rc-dashboard-header``, ``rc-dashboard-counts``, ``rc-activity``
                              (one per poll or activity), ``rc-open``, ``rc-reveal``,
                              ``rc-moderation`` > ``rc-moderation-item`` (``rc-approve``,
                              ``rc-hide``), ``rc-shown-to-group``, ``rc-export``,
                              ``rc-download``
``rc-short-answer-text``      a ShortAnswer's one-line box (its state line is ``rc-poll-state``)
``rc-presenter``              the projector view (:mod:`.presenter`): ``rc-pres-screen`` (the
                              slide: ``rc-pres-code``, ``rc-pres-qr``, ``rc-pres-joined``,
                              ``rc-pres-row``, ``rc-pres-bar``, ``rc-pres-quotes``,
                              ``rc-pres-words``, ``rc-pres-blank``), ``rc-pres-where``,
                              ``rc-pres-timer-area``, buttons ``rc-pres-key-<action>``
``rc-unavailable``            shown instead of an exercise whose content could not be loaded
============================  =====================================================================
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [
    "Exercise",
    "JoinPanel",
    "Questionnaire",
    "VignetteRating",
    "KnowledgeCheck",
    "TalkSorter",
    "BranchingScenario",
    "Ruler",
    "Reflection",
    "ReflectionDrill",
    "ObserverTally",
    "LivePoll",
    "ShortAnswer",
    "TrainerDashboard",
]

if TYPE_CHECKING:  # pragma: no cover
    from .base import Exercise
    from .dashboard import TrainerDashboard
    from .join import JoinPanel
    from .knowledge_check import KnowledgeCheck
    from .live_poll import LivePoll
    from .observer_tally import ObserverTally
    from .questionnaire import Questionnaire
    from .reflection import Reflection
    from .reflection_drill import ReflectionDrill
    from .ruler import Ruler
    from .scenario import BranchingScenario
    from .short_answer import ShortAnswer
    from .talk_sorter import TalkSorter
    from .vignette import VignetteRating

_MODULES = {
    "Exercise": "base",
    "JoinPanel": "join",
    "Questionnaire": "questionnaire",
    "VignetteRating": "vignette",
    "KnowledgeCheck": "knowledge_check",
    "TalkSorter": "talk_sorter",
    "BranchingScenario": "scenario",
    "Ruler": "ruler",
    "Reflection": "reflection",
    "ReflectionDrill": "reflection_drill",
    "ObserverTally": "observer_tally",
    "LivePoll": "live_poll",
    "ShortAnswer": "short_answer",
    "TrainerDashboard": "dashboard",
    "CohortReport": "cohort_report",
}


def __getattr__(name: str) -> Any:
    # Exercises load on first use, so a page with one quiz does not import matplotlib.
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
