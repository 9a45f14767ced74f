"""The review's corrections stay corrected: the shipped vignettes, applied cases, diagrams and
module prose checked against the facts and rules in COURSE.md's "Review findings".

Each test names the finding it guards. They read the shipped files, so an educator who edits a
vignette or a notebook and reintroduces a fixed error (a US cut-off taught as the rule, a broken
cross-reference, an unlabelled diagram) sees which rule broke and where.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from recovery_capital.content.model import load_course_content

REPO = Path(__file__).resolve().parents[1]
MODULES = sorted((REPO / "modules").glob("[0-9][0-9]-*.ipynb"))
CONTENT = load_course_content(REPO)
VIGNETTES = {key: value for key, value in CONTENT.items() if value.kind == "vignette"}
SVG = "{http://www.w3.org/2000/svg}"
# Words the course brief rules out when describing people (a quoted self-description aside).
STIGMATISING = re.compile(r"\b(addicts?|abusers?|junkies?|clean|dirty)\b", re.IGNORECASE)


def notebook_cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def prose(number: str) -> str:
    path = next(p for p in MODULES if p.name.startswith(number))
    return "\n".join(source(c) for c in notebook_cells(path) if c["cell_type"] == "markdown")


def code_cells() -> list[tuple[Path, int, str]]:
    return [
        (path, index, source(cell))
        for path in MODULES
        for index, cell in enumerate(notebook_cells(path))
        if cell["cell_type"] == "code"
    ]


# --- vignettes -------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(VIGNETTES))
def test_every_vignette_is_a_story_of_150_to_400_words_with_reasoned_references(key):
    vignette = VIGNETTES[key]
    words = len(vignette.story.split())
    assert 150 <= words <= 400, f"{key}: story has {words} words"
    reasons = [item.reasoning for item in vignette.reference.items.values()]
    if vignette.reference.stage is not None:
        reasons.append(vignette.reference.stage.reasoning)
    assert reasons, f"{key}: no reference ratings"
    short = [r for r in reasons if len(r.split()) < 12]
    assert not short, f"{key}: reasoning too thin to teach from: {short}"
    assert vignette.discussion, f"{key}: no discussion prompts for the trainer"


@pytest.mark.parametrize("key", sorted(VIGNETTES))
def test_vignettes_describe_people_without_stigmatising_words(key):
    vignette = VIGNETTES[key]
    text = " ".join(
        [vignette.story, vignette.discussion or ""]
        + [item.reasoning for item in vignette.reference.items.values()]
    )
    assert not STIGMATISING.findall(text), f"{key}: {STIGMATISING.findall(text)}"


def test_every_vignette_is_used_in_exactly_one_module():
    used = [
        re.search(r"vignettes/([\w-]+)\.yaml", text).group(1)
        for _, _, text in code_cells()
        if text.startswith("VignetteRating(")
    ]
    files = sorted(p.stem for p in (REPO / "assets/content/vignettes").glob("*.yaml"))
    assert sorted(used) == files


# The people the review found missing, each identified by a fact a trainer can filter on.
MISSING_GROUPS = {
    "sleeping rough and injecting": ("m5-vignette-nicola", "housing", "sleeping rough"),
    "older and in physical decline, ARBD": ("m6-vignette-brian", "age", 71),
    "under the Mental Health Act": ("m3-vignette-helen", "mental_health", "section 3"),
    "autistic": ("m7-vignette-aoife", "neurodivergence", "autistic"),
    "Gypsy, Roma or Traveller": ("m2-vignette-mary", "ethnicity", "Romany Gypsy"),
    "bereaved by a drug death": ("m6-vignette-carol", "family", "bereaved"),
}


@pytest.mark.parametrize("group", sorted(MISSING_GROUPS))
def test_the_groups_the_review_found_missing_now_have_a_vignette(group):
    key, field, expected = MISSING_GROUPS[group]
    person = VIGNETTES[key].person.model_dump()
    value = person[field]
    assert (expected in value) if isinstance(expected, str) else value == expected


def test_a_rehab_pathway_vignette_and_lgbtq_characters_beyond_chemsex():
    priya = VIGNETTES["m2-vignette-priya"]
    assert "residential rehabilitation" in priya.story and "detox" in priya.story
    chemsex_drugs = ("GHB", "methamphetamine", "mephedrone")
    not_chemsex = [
        v.id
        for v in (priya, VIGNETTES["m3-vignette-helen"])
        if not any(drug in " ".join(v.person.substances) for drug in chemsex_drugs)
    ]
    assert not_chemsex == ["m2-vignette-priya", "m3-vignette-helen"]
    assert "Sophie" in priya.story and "Maggie" in VIGNETTES["m3-vignette-helen"].story


def test_clinical_realism_in_lee_leanne_and_kai():
    lee = VIGNETTES["m5-vignette-lee"]
    assert "stacking" in lee.discussion and "60 mg" in lee.discussion
    leanne = VIGNETTES["m6-vignette-leanne"].story
    assert "supervised" in leanne and "Child's Plan" not in leanne
    assert "child protection register" in leanne
    kai = VIGNETTES["m5-vignette-kai"].story
    assert "units" in kai and "five or six drinks" not in kai


# --- applied cases ---------------------------------------------------------------------------

CASES = {
    "m1-case-kay-referral": "01",
    "m2-case-care-plans": "02",
    "m5-case-lee-safety-plan": "05",
    "m6-case-brian-safeguarding": "06",
    "m6-case-conference-leanne": "06",
    "m7-case-review-trauma-informed": "07",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_applied_case_is_a_structured_task_followed_by_practice_notes(case):
    task = CONTENT[case]
    assert task.kind == "reflection" and task.min_words >= 100
    assert len(re.findall(r"^\d\. \*\*", task.prompt, re.M)) >= 4, "needs numbered parts"
    path = next(p for p in MODULES if p.name.startswith(CASES[case]))
    cells = notebook_cells(path)
    index = next(i for i, c in enumerate(cells) if f"reflections/{case}.yaml" in source(c))
    notes = source(cells[index + 1])
    assert notes.startswith("<details>") and "Practice notes" in notes
    assert notes.rstrip().endswith("</details>") and "\n\n</details>" in notes
    assert notes.count("\n- ") >= 4


# --- diagrams --------------------------------------------------------------------------------

# Images are named from the course folder: Voila puts them into the page itself (as data
# URIs) only when they are inside it, and a path that climbs out ("../assets/...") stopped
# the page from ever finishing.
IMAGE = re.compile(r"!\[([^\]]*)\]\((assets/img/[\w.-]+\.svg)\)")


def test_every_diagram_exists_has_a_title_and_description_alt_text_and_a_text_equivalent():
    found = []
    for path in MODULES:
        for cell in notebook_cells(path):
            text = source(cell)
            for alt, target in IMAGE.findall(text):
                found.append(target)
                assert len(alt) >= 60, f"{path.name}: alt text for {target} is too short"
                assert "*In words:*" in text, f"{path.name}: {target} has no text equivalent"
                root = ET.parse(REPO / target).getroot()
                assert root.get("role") == "img" and root.get("aria-labelledby")
                assert root.find(f"{SVG}title").text and len(root.find(f"{SVG}desc").text) > 100
    assert sorted(found) == sorted(
        f"assets/img/{p.name}" for p in (REPO / "assets/img").glob("*.svg")
    )
    assert len(found) >= 4


# --- facts and cross-references in the prose -------------------------------------------------


def test_module_5_teaches_uk_units_the_uk_audit_c_and_zones_and_withdrawal_safety():
    text = re.sub(r"\s+", " ", prose("05"))
    for fact in (
        "One UK unit is 10 ml, or 8 g, of pure alcohol",
        "6 or more units (if a woman) or 8 or more units (if a man) on a single occasion",
        "A score of **5 or more** is a positive screen",
        "| 0–7 | lower risk",
        "| 8–15 | increasing risk",
        "| 16–19 | higher risk",
        "| 20–40 | possible dependence",
        "do not stop suddenly without medical help",
        "December 2024",
    ):
        assert fact in text, fact
    us = text.index("3 or more for women, 4 or more for men")
    assert "US AUDIT-C" in text[us - 200 : us]
    assert "Widening the availability of naloxone" not in text
    assert "DAST-10 is a short form" in text


def test_module_7_lists_ohids_six_principles_and_not_peer_support_among_them():
    text = re.sub(r"\s+", " ", prose("07"))
    for principle in ("Safety", "Trust", "Choice", "Collaboration", "Empowerment"):
        assert f"**{principle}**:" in text, principle
    assert "**Cultural consideration**:" in text
    assert "Peer support is not one of OHID's six" in text
    assert "closely mirrors" not in text
    assert "Wenger-Trayner" in text and "Wenger (1998)" not in text
    assert "trauma-enhanced" in text and "regular and intense" in text


def test_cross_references_to_module_2_point_at_a_section_that_exists():
    assert "## How English treatment turned towards recovery" in prose("02")
    for number in ("05", "07"):
        text = prose(number)
        assert "which you met in Module 2" not in text
        assert "you met this history in Module 2" not in text


def test_the_language_findings_stay_fixed():
    family = re.sub(r"\s+", " ", prose("06"))
    assert "illness that makes her very sleepy" not in family
    assert "neonatal abstinence syndrome" not in family
    assert "Kayden's future teachers" not in family
    assert "withdrawal and relapse" not in family
    assert "England and Wales the Domestic Abuse Act 2021" in family
    assert "disadvantages that come with age, gender or ethnicity" not in prose("02")
    stigma = re.sub(r"\s+", " ", prose("01"))
    assert "did not differ on whether he needed treatment" in stigma
    poll = CONTENT["m7-poll-wellbeing"].options
    assert any("drink" in option for option in poll)
    assert any("not much helps" in option for option in poll)


def test_repeated_statistics_appear_once_across_the_modules_the_review_named():
    everything = " ".join(re.sub(r"\s+", " ", prose(n)) for n in ("01", "02", "05", "06", "07"))
    assert everything.count("3,000 staff") == 1
    assert everything.count("two thirds") <= 1


# --- lived-experience voices -------------------------------------------------------------------

VOICE = re.compile(r'^> "(.+?)" \(([A-Z][a-z-]+(?:-[A-Z][a-z]+)?)[,:]? ', re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize(
    ("number", "section"),
    [
        ("01", "## Words matter: stigma and language"),
        ("02", "## Mutual aid, peers and recovery communities"),
        ("06", "## When someone dies: bereavement by a drug or alcohol death"),
        ("07", "## Peer support and lived experience"),
    ],
)
def test_lived_experience_voices_sit_in_their_section_are_marked_fictional_and_unstigmatising(
    number, section
):
    path = next(p for p in MODULES if p.name.startswith(number))
    cells = [source(c) for c in notebook_cells(path) if c["cell_type"] == "markdown"]
    start = next(i for i, text in enumerate(cells) if text.startswith(section))
    end = next(i for i in range(start + 1, len(cells)) if cells[i].startswith("## "))
    text = "\n".join(cells[start:end])
    voices = VOICE.findall(text)
    assert voices, f"module {number}: no voice in {section!r}"
    assert re.search(
        r"fictional.*written for this course|written for this course.*fictional",
        re.sub(r"\s+", " ", text),
    )
    for quote, _name in voices:
        assert not STIGMATISING.search(quote), quote


def test_the_voices_are_different_people():
    names = [name for n in ("01", "02", "06", "07") for _q, name in VOICE.findall(prose(n))]
    assert len(names) >= 8 and len(set(names)) == len(names), names
