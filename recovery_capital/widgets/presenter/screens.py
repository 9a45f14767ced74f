"""What the projector shows: the HTML of each kind of slide, large and high-contrast.

Every piece of text goes through :func:`..html.element`, so a trainee's reflection that holds
markup shows as the characters typed. Numbers are always in words as well as bars.

>>> "K7P2Q9XR" in join_screen("K7P2Q9XR", "example.org/course", "https://example.org/", 3)
True
>>> "&lt;b&gt;" in reflections_screen("T", ["<b>bold</b>"])
True
"""

from __future__ import annotations

from collections.abc import Sequence

import segno

from ...content.model import PollContent
from ...programme.model import LiveActivity
from ..html import Safe, element
from ..live_poll import people

__all__ = [
    "qr_svg",
    "join_screen",
    "poll_screen",
    "reflections_screen",
    "words_screen",
    "word_counts",
    "results_screen",
    "live_screen",
    "blank_screen",
    "locked_screen",
]


def qr_svg(link: str) -> Safe:
    """An inline SVG QR code of ``link`` (black on white, with a quiet zone).

    >>> qr_svg("https://example.org/").startswith("<svg")
    True
    """
    code = segno.make(link, error="m")
    return Safe(code.svg_inline(scale=10, border=4, dark="#000", light="#fff", omitsize=True))


def join_screen(code: str, short_address: str, link: str, joined: int) -> Safe:
    """The join code very large, the address to type, a QR code of ``link`` and who joined."""
    return element(
        "section",
        element("h2", "Join the session", cls="rc-pres-title"),
        element(
            "div",
            element(
                "div",
                element("p", "Go to", cls="rc-pres-label"),
                element("p", short_address, cls="rc-pres-address"),
                element("p", "and type the join code", cls="rc-pres-label"),
                element("p", code, cls="rc-pres-code", aria_label=" ".join(code)),
                element(
                    "p",
                    f"{people(joined)} joined",
                    cls="rc-pres-joined",
                    aria_live="polite",
                ),
                cls="rc-pres-join-text",
            ),
            element(
                "div",
                qr_svg(link),
                element("p", "Or scan this code with your phone's camera.", cls="rc-pres-label"),
                cls="rc-pres-qr",
                role="img",
                aria_label=f"QR code of the trainee link {link}",
                data_link=link,
            ),
            cls="rc-pres-join",
        ),
        cls="rc-pres-slide rc-pres-join-slide",
    )


def poll_screen(
    poll: PollContent, counts: Sequence[int], total: int, *, opened: bool, revealed: bool
) -> Safe:
    """The question, how many answered, and (once revealed) a large bar per option.

    >>> from recovery_capital.content.model import parse_content
    >>> poll = parse_content({"kind": "poll", "id": "m1-p", "title": "T", "question": "Q?",
    ...                       "options": ["a", "b"]})
    >>> "rc-pres-bar" in poll_screen(poll, [1, 0], 1, opened=True, revealed=False)
    False
    >>> "1 of 1 person (100%)" in poll_screen(poll, [1, 0], 1, opened=True, revealed=True)
    True
    """
    state = "Open for answers" if opened else "Closed"
    status = element(
        "p",
        f"{state}. {people(total)} answered.",
        cls="rc-pres-poll-state",
        aria_live="polite",
    )
    if revealed:
        most = max(counts, default=0) or 1
        rows = [
            element(
                "li",
                element("span", option, cls="rc-pres-option"),
                element(
                    "span",
                    element(
                        "span",
                        cls="rc-pres-bar",
                        style=f"width:{round(100 * count / most, 1)}%",
                        aria_hidden="true",
                    ),
                    cls="rc-pres-bar-track",
                ),
                element(
                    "span",
                    f"{count} of {people(total)} ({count / total if total else 0:.0%})",
                    cls="rc-pres-count",
                ),
                cls="rc-pres-row",
                data_count=str(count),
            )
            for option, count in zip(poll.options, counts, strict=True)
        ]
        body = element("ol", rows, cls="rc-pres-bars")
    else:
        body = element(
            "p", "Results are hidden until the trainer reveals them.", cls="rc-pres-hidden"
        )
    return element(
        "section",
        element("h2", poll.question, cls="rc-pres-title"),
        status,
        body,
        cls="rc-pres-slide rc-pres-poll",
    )


def word_counts(texts: Sequence[str]) -> list[tuple[str, int]]:
    """Each distinct answer (case and spacing ignored) with how many gave it, most first.

    >>> word_counts(["Hope", "hope ", "tired", "Fresh  start"])
    [('hope', 2), ('fresh start', 1), ('tired', 1)]
    """
    counts: dict[str, int] = {}
    for text in texts:
        key = " ".join(text.split()).casefold()
        if key:
            counts[key] = counts.get(key, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def word_cloud_png(counts: Sequence[tuple[str, int]]) -> str:
    """A word cloud of ``counts`` as a PNG data address (black and dark blue on white).

    >>> word_cloud_png([("hope", 2), ("tired", 1)]).startswith("data:image/png;base64,")
    True
    """
    import base64
    import io

    from wordcloud import WordCloud

    colours = ["#000000", "#003078"]
    cloud = WordCloud(
        width=1400,
        height=700,
        background_color="white",
        prefer_horizontal=1.0,
        margin=12,
        random_state=7,  # the same answers draw the same cloud on every refresh
        color_func=lambda word, *_a, **_k: colours[len(word) % 2],
        collocations=False,
    ).generate_from_frequencies(dict(counts))
    buffer = io.BytesIO()
    cloud.to_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def words_screen(question: str, texts: Sequence[str], *, opened: bool, waiting: int) -> Safe:
    """Approved short answers as a word cloud, with every answer and its count as text.

    >>> page = words_screen("One word?", ["hope", "<b>x</b>"], opened=True, waiting=1)
    >>> "&lt;b&gt;x&lt;/b&gt;" in page, "1 waiting for approval" in page
    (True, True)
    """
    counts = word_counts(texts)
    state = f"{'Open for answers' if opened else 'Closed'}. {people(len(texts))} shown"
    status = element(
        "p", f"{state}, {waiting} waiting for approval.", cls="rc-pres-poll-state",
        aria_live="polite",
    )  # fmt: skip
    if counts:
        body = element(
            "div",
            element(
                "img",
                src=word_cloud_png(counts),
                alt="Word cloud of the group's answers; the list beside it gives each one.",
                cls="rc-pres-cloud",
            ),
            element(
                "ul",
                [element("li", f"{word}: {count}") for word, count in counts],
                cls="rc-pres-words",
            ),
            cls="rc-pres-cloud-area",
        )
    else:
        body = element("p", "No approved answers yet.", cls="rc-pres-hidden")
    return element(
        "section",
        element("h2", question, cls="rc-pres-title"),
        status,
        body,
        cls="rc-pres-slide rc-pres-words-slide",
    )


def reflections_screen(title: str, texts: Sequence[str]) -> Safe:
    """Approved reflections, large, as plain text and without handles."""
    body = (
        element(
            "ul", [element("li", element("blockquote", t)) for t in texts], cls="rc-pres-quotes"
        )
        if texts
        else element("p", "Nothing has been approved to show yet.", cls="rc-pres-hidden")
    )
    return element("section", element("h2", title, cls="rc-pres-title"), body, cls="rc-pres-slide")


def results_screen(title: str, view: Safe, *, revealed: bool) -> Safe:
    """The cohort's aggregated answers (see :mod:`..cohort_views`), once revealed."""
    body = (
        element("div", view, cls="rc-pres-results")
        if revealed
        else element(
            "p",
            "The group's answers are hidden until the trainer reveals them.",
            cls="rc-pres-hidden",
        )
    )
    return element("section", element("h2", title, cls="rc-pres-title"), body, cls="rc-pres-slide")


def live_screen(activity: LiveActivity) -> Safe:
    """A room activity: its title, who works with whom, and the steps."""
    return element(
        "section",
        element("h2", activity.title, cls="rc-pres-title"),
        element("p", f"{activity.grouping}, {activity.minutes} minutes", cls="rc-pres-label"),
        element("ol", [element("li", step) for step in activity.steps], cls="rc-pres-steps"),
        cls="rc-pres-slide",
    )


def blank_screen() -> Safe:
    """A black screen (press B again to bring the slide back)."""
    return element(
        "section",
        element("p", "Screen blanked", cls="rc-pres-blank-note"),
        cls="rc-pres-slide rc-pres-blank",
    )


def locked_screen(title: str) -> Safe:
    """What a slide with answers shows to someone without the trainer key."""
    return element(
        "section",
        element("h2", title, cls="rc-pres-title"),
        element("p", "Enter the trainer key to show this activity.", cls="rc-pres-hidden"),
        cls="rc-pres-slide",
    )


def timer_text(seconds_left: int) -> str:
    """>>> timer_text(125), timer_text(0)
    ('2:05', '0:00')
    """
    seconds_left = max(0, seconds_left)
    return f"{seconds_left // 60}:{seconds_left % 60:02d}"


def timer_screen(seconds_left: int, total: int) -> Safe:
    """The pair-work timer, very large; at the end a full-width banner, not a sound alone."""
    if seconds_left <= 0:
        return element(
            "div",
            element("p", "Time is up", cls="rc-pres-timer-end"),
            element("p", "Please finish your sentence and come back to the room.",
                    cls="rc-pres-label"),
            cls="rc-pres-timer rc-pres-timer-done",
            role="alert",
        )  # fmt: skip
    return element(
        "div",
        element("p", timer_text(seconds_left), cls="rc-pres-timer-clock"),
        element("p", f"of {total // 60} minutes", cls="rc-pres-label"),
        cls="rc-pres-timer",
        role="timer",
        aria_label=f"{timer_text(seconds_left)} left",
    )


__all__ += ["timer_text", "timer_screen"]
