"""The one way exercise HTML is built: every piece of text is escaped unless it is already ``Safe``.

Content files and trainees both supply text; neither may inject markup. :func:`element` builds
tags and escapes plain strings given as children or attributes; :func:`markdown` renders the small
Markdown subset content files use (paragraphs, headings, lists, quotes, emphasis, code, links)
*after* escaping everything, so raw HTML in a content file shows up as text.

>>> element("p", "<img src=x onerror=alert(1)>", cls="rc-feedback")
'<p class="rc-feedback">&lt;img src=x onerror=alert(1)&gt;</p>'
>>> markdown("**Warm** and *plain*")
'<p><strong>Warm</strong> and <em>plain</em></p>'
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

__all__ = ["Safe", "escape", "element", "join", "markdown"]


class Safe(str):
    """A string of HTML that is already safe to insert (built here, never from raw input)."""


def escape(text: object) -> Safe:
    """Escape ``text`` for HTML (quotes too), leaving ``Safe`` strings as they are.

    >>> escape('say "hi" & <b>')
    'say &quot;hi&quot; &amp; &lt;b&gt;'
    """
    if isinstance(text, Safe):
        return text
    return Safe(html.escape("" if text is None else str(text), quote=True))


def join(parts: Iterable[object], separator: str = "") -> Safe:
    """Escape and join ``parts``.

    >>> join(["a<", element("b", "c")], " ")
    'a&lt; <b>c</b>'
    """
    return Safe(escape(separator).join(escape(part) for part in parts))


_VOID = {"br", "hr", "img", "input"}


def element(
    tag: str, *children: object, cls: str | Iterable[str] | None = None, **attrs: object
) -> Safe:
    """``<tag attrs>children</tag>``, escaping text children and every attribute value.

    Attribute names use ``_`` for ``-`` (``aria_label`` -> ``aria-label``); ``None`` or
    ``False`` leaves an attribute out; lists of children are flattened.

    >>> element("div", "a & b", element("span", "c"), cls=["rc-x", "rc-y"], aria_live="polite")
    '<div class="rc-x rc-y" aria-live="polite">a &amp; b<span>c</span></div>'
    """
    if not re.fullmatch(r"[a-z][a-z0-9]*", tag):
        raise ValueError(f"not a tag name: {tag!r}")
    if cls is not None:
        attrs = {"class": cls if isinstance(cls, str) else " ".join(cls), **attrs}
    rendered = []
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        name = name.rstrip("_").replace("_", "-")
        rendered.append(name if value is True else f'{name}="{escape(value)}"')
    opening = f"<{tag}{''.join(' ' + a for a in rendered)}>"
    if tag in _VOID:
        return Safe(opening)
    return Safe(f"{opening}{join(_flatten(children))}</{tag}>")


def _flatten(children: Iterable[object]) -> Iterable[object]:
    for child in children:
        if child is None:
            continue
        if isinstance(child, list | tuple):
            yield from _flatten(child)
        else:
            yield child


# --- Markdown subset ------------------------------------------------------------------

_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_EM = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)|(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?!\w)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_SAFE_URL = re.compile(r"^(https?://|mailto:|#|/|\./|\.\./|[\w.-]+(/|$))", re.IGNORECASE)


def _inline(escaped: str) -> str:
    codes: list[str] = []

    def keep_code(match: re.Match[str]) -> str:
        codes.append(f"<code>{match.group(1)}</code>")
        return f"\x00{len(codes) - 1}\x00"

    text = _CODE.sub(keep_code, escaped)
    text = _LINK.sub(_link, text)
    text = _STRONG.sub(lambda m: f"<strong>{m.group(1) or m.group(2)}</strong>", text)
    text = _EM.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", text)
    return re.sub("\x00(\\d+)\x00", lambda m: codes[int(m.group(1))], text)


def _link(match: re.Match[str]) -> str:
    label, url = match.group(1), match.group(2)
    if not _SAFE_URL.match(html.unescape(url)):
        return match.group(0)  # e.g. javascript: links stay as plain text
    external = url.lower().startswith(("http://", "https://"))
    extra = ' target="_blank" rel="noopener noreferrer"' if external else ""
    return f'<a href="{url}"{extra}>{label}</a>'


_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_QUOTE = re.compile(r"^&gt;\s?(.*)$")


def _blocks(lines: list[str]) -> Iterable[str]:
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""
    quote: list[str] = []

    def flush() -> Iterable[str]:
        nonlocal list_tag
        if paragraph:
            yield f"<p>{_inline(' '.join(paragraph))}</p>"
            paragraph.clear()
        if items:
            yield f"<{list_tag}>{''.join(f'<li>{_inline(i)}</li>' for i in items)}</{list_tag}>"
            items.clear()
            list_tag = ""
        if quote:
            yield f"<blockquote>{''.join(_blocks(list(quote)))}</blockquote>"
            quote.clear()

    for raw in lines:
        line = raw.rstrip()
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        numbered = _NUMBERED.match(line)
        quoted = _QUOTE.match(line.lstrip())
        if not line.strip():
            yield from flush()
        elif heading:
            yield from flush()
            # content headings sit below the exercise title (h3), so start at h4
            level = len(heading.group(1)) + 3
            yield f"<h{level}>{_inline(heading.group(2))}</h{level}>"
        elif quoted:
            if not quote:
                yield from flush()
            quote.append(quoted.group(1))
        elif bullet or numbered:
            tag = "ul" if bullet else "ol"
            if paragraph or quote or (items and list_tag != tag):
                yield from flush()
            list_tag = tag
            items.append((bullet or numbered).group(1))  # type: ignore[union-attr]
        elif items and raw[:1].isspace():
            items[-1] += " " + line.strip()  # a wrapped list item
        else:
            if items or quote:
                yield from flush()
            paragraph.append(line.strip())
    yield from flush()


def markdown(text: str | None) -> Safe:
    """Render a small, safe Markdown subset; any HTML in ``text`` is shown as text.

    >>> markdown("Hi <script>\\n\\n- one\\n- [two](javascript:alert(1))")
    '<p>Hi &lt;script&gt;</p><ul><li>one</li><li>[two](javascript:alert(1))</li></ul>'
    >>> print(markdown("See [the guide](https://example.org/?a=1&b=2)."))
    ... # doctest: +NORMALIZE_WHITESPACE
    <p>See <a href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">the
    guide</a>.</p>
    """
    if not text:
        return Safe("")
    escaped = html.escape(text, quote=True)
    return Safe("".join(_blocks(escaped.splitlines())))
