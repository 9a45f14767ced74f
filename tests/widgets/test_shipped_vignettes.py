"""Every shipped vignette works as a trainee meets it: rating it exactly as the reference does
scores full agreement, and the feedback carries the reference reasoning and discussion."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from recovery_capital.content.model import load_content
from recovery_capital.widgets import VignetteRating

REPO = Path(__file__).resolve().parents[2]
FILES = sorted((REPO / "assets/content/vignettes").glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_rating_a_shipped_vignette_as_the_reference_does_agrees_fully(path, context):
    content = load_content(path, kind="vignette")
    vignette = VignetteRating(content, context=context)
    reference = content.reference
    for item_id, item in reference.items.items():
        vignette.items[item_id].value = str(item.value)
    if reference.stage is not None:
        vignette.stage.value = reference.stage.value
    assert vignette.submit(), vignette.status.text
    scores = context.store.latest(context.cohort, context.handle, content.id).scores
    if reference.items:
        assert scores["items_exact"] == len(reference.items) == 10
        assert scores["total"] == sum(item.value for item in reference.items.values())
    if reference.stage is not None:
        assert scores["stage_match"] is True
    reasoning = [item.reasoning for item in reference.items.values()]
    if reference.stage is not None:
        reasoning.append(reference.stage.reasoning)
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", vignette.feedback.value)).split())
    for text in reasoning:
        assert " ".join(text.split()[:6]) in shown
