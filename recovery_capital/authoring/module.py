"""``recovery-capital new-module``: a module notebook with the course's standard sections.

:func:`new_module` writes ``modules/NN-<title>.ipynb`` (title, learning outcomes, the main
ideas, a knowledge check, summary, references) with an example quiz in
``assets/content/quizzes/``, and appends the notebook to ``course.yaml``'s modules. Notes for
the author sit in ``<!-- template: ... -->`` comments that trainees never see and that
``recovery-capital check`` reminds the author to replace.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from ..content.notebooks import TEMPLATE_MARK, write_notebook
from ..settings.course import COURSE_FILE, load_course_settings
from .template import AuthoringError, check_title, dump_yaml_value

__all__ = ["NewModule", "append_to_list", "module_slug", "new_module"]


def module_slug(title: str, limit: int = 40) -> str:
    """A file-name-safe version of a module title.

    >>> module_slug("Working with housing & money services")
    'working-with-housing-money-services'
    >>> module_slug("Café culture, alcohol and the night-time economy in our city")
    'cafe-culture-alcohol-and-the-night-time'
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "module"


@dataclass(frozen=True)
class NewModule:
    """What :func:`new_module` made: the notebook, its example quiz, and whether
    ``course.yaml`` now lists the module."""

    notebook: Path
    quiz: Path
    listed: bool


def _next_number(modules: Path) -> int:
    numbers = [
        int(match.group(1))
        for path in modules.glob("*.ipynb")
        if (match := re.match(r"^(\d+)-", path.name))
    ]
    return max(numbers, default=-1) + 1


EXAMPLE_QUIZ = """\
# template: an example knowledge check made by `recovery-capital new-module`, to show the
# format. Replace the question with your own about this module, then delete these two lines.
kind: quiz
id: {activity_id}
title: Check your understanding
intro: A short check on this module. Read the feedback on every answer, not only the right one.
questions:
  - id: scores-open-conversations
    prompt: >-
      A person you support has a low score on a recovery-capital questionnaire. What is the
      most useful next step?
    type: single
    options:
      - text: Go through the answers with them and ask which areas matter most to them.
        correct: true
        feedback: >-
          Yes. A score is a starting point for a conversation, and the person is the expert on
          which strengths and gaps matter in their life.
      - text: Record that they are unlikely to make changes and close the referral.
        correct: false
        feedback: >-
          A low score describes resources today, not a person's ability to change. Many people
          build recovery capital with the right support.
      - text: Refer them to a specialist service without discussing the result.
        correct: false
        feedback: >-
          Specialist support may help, but deciding without the person misses what they want
          and can feel like being passed on.
"""


def _markdown(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text)


def _module_notebook(title: str, number: int, quiz_path: str) -> nbformat.NotebookNode:
    note = TEMPLATE_MARK
    cells = [
        _markdown(
            f"# {title}\n\n"
            f"{note} two or three sentences on who this module is for and what it covers. Keep "
            "the first line as a '# ' heading: it is the module's name on the course home. -->\n"
            "This module introduces the ideas below and gives you a chance to check your "
            "understanding as you go."
        ),
        _markdown(
            "## What you will be able to do after this module\n\n"
            f"{note} three to five outcomes, each starting with a verb (explain, recognise, "
            "use, plan). -->\n"
            "- Describe the main ideas of this module in your own words.\n"
            "- Use them in a conversation with a person you support."
        ),
        nbformat.v4.new_code_cell("from recovery_capital.widgets import KnowledgeCheck"),
        _markdown(
            "## The main ideas\n\n"
            f"{note} the teaching: short sections, each with its own '## ' heading. Put an "
            "exercise after each idea, one line of Python per exercise, for example "
            'Reflection("assets/content/reflections/....yaml"). -->\n'
            "Read this section before the knowledge check below."
        ),
        _markdown(
            "## Check your understanding\n\n"
            f"{note} the example quiz below lives in {quiz_path}; edit its questions "
            "there. -->\n"
            "Answer the questions, then read the feedback on each option."
        ),
        nbformat.v4.new_code_cell(f'KnowledgeCheck("{quiz_path}")'),
        _markdown(
            "## Summary\n\n"
            f"{note} three to five bullet points a trainee can take away. -->\n"
            "- The ideas in this module are starting points for conversations with people, "
            "never verdicts about them."
        ),
        _markdown(
            "## References\n\n"
            f"{note} every source the module draws on, with authors, year and title. -->\n"
            "- Miller, W. R. and Rollnick, S. (2013). *Motivational Interviewing: Helping "
            "People Change* (3rd edition). New York: Guilford Press."
        ),
    ]
    names = ["title", "outcomes", "imports", "ideas", "check-intro", "check", "summary",
             "references"]  # fmt: skip
    for cell, name in zip(cells, names):
        cell.id = f"m{number}-{name}"
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3", "language": "python", "name": "python3"
    }  # fmt: skip
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def append_to_list(text: str, key: str, value: str) -> str | None:
    """``text`` (YAML) with ``value`` added to the top-level list ``key``, comments kept.

    Returns None when the file has no such list (then there is nothing to add to).

    >>> print(append_to_list("modules:\\n  - a.ipynb  # first\\n# end\\n", "modules", "b.ipynb"))
    modules:
      - a.ipynb  # first
      - b.ipynb
    # end
    <BLANKLINE>
    >>> append_to_list("modules: [a.ipynb]\\n", "modules", "b.ipynb")
    'modules: [a.ipynb, b.ipynb]\\n'
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        return None
    found = [node for k, node in root.value if k.value == key]
    if not found or not isinstance(found[0], yaml.SequenceNode):
        return None
    sequence = found[0]
    item = dump_yaml_value(value)
    if sequence.flow_style:
        end = sequence.end_mark.index - 1  # the closing bracket
        separator = ", " if sequence.value else ""
        return text[:end] + separator + item + text[end:]
    lines = text.splitlines(keepends=True)
    if not sequence.value:
        return None
    last = sequence.value[-1]
    indent = " " * (last.start_mark.column - 2)
    after = last.end_mark.line + (0 if last.end_mark.column == 0 else 1)
    new_line = f"{indent}- {item}\n"
    return "".join(lines[:after]) + new_line + "".join(lines[after:])


def new_module(
    course_dir: str | os.PathLike[str], title: str, *, number: int | None = None
) -> NewModule:
    """Add module ``title`` to the course: ``modules/NN-<title>.ipynb`` with the standard
    sections and an example knowledge check in ``assets/content/quizzes/``.

    >>> import tempfile
    >>> course = Path(tempfile.mkdtemp())
    >>> made = new_module(course, "Working with housing services")
    >>> made.notebook.name, made.quiz.name
    ('00-working-with-housing-services.ipynb', 'm0-quiz-working-with-housing-services.yaml')
    """
    course = Path(course_dir)
    if not course.is_dir():
        raise AuthoringError(f"{course} is not a folder: make a course first with new-course")
    check_title(title, "module title")
    load_course_settings(course)  # a broken course.yaml stops here, before anything is written
    title = title.strip()
    modules = course / "modules"
    modules.mkdir(exist_ok=True)
    if number is None:
        number = _next_number(modules)
    if not 0 <= number <= 99:
        raise AuthoringError(f"module numbers run from 0 to 99, not {number}")
    taken = sorted(p.name for p in modules.glob(f"{number:02d}-*.ipynb"))
    if taken:
        raise AuthoringError(
            f"module {number} already exists ({', '.join(taken)}): choose another --number"
        )
    slug = module_slug(title)
    notebook_path = modules / f"{number:02d}-{slug}.ipynb"
    activity_id = f"m{number}-quiz-{slug}"
    quiz_relative = f"assets/content/quizzes/{activity_id}.yaml"
    quiz_path = course / quiz_relative
    if quiz_path.exists():
        raise AuthoringError(f"{quiz_relative} already exists: choose another title or number")
    quiz_path.parent.mkdir(parents=True, exist_ok=True)
    quiz_path.write_text(EXAMPLE_QUIZ.format(activity_id=activity_id), encoding="utf-8")
    write_notebook(_module_notebook(title, number, quiz_relative), notebook_path)
    return NewModule(notebook_path, quiz_path, _list_module(course, notebook_path.name))


def _list_module(course: Path, name: str) -> bool:
    """Append ``name`` to course.yaml's modules; False when course.yaml lists none."""
    path = course / COURSE_FILE
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8")
    if load_course_settings(course).modules is None:
        return False
    updated = append_to_list(text, "modules", name)
    if updated is None:
        return False
    path.write_text(updated, encoding="utf-8")
    return True
