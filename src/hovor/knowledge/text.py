"""Article text: Markdown to safe HTML, plain text for snippets, and the folded form search uses.

Markdown is rendered by markdown-it-py (CommonMark plus tables) and the HTML it gives is
cleaned by the shared sanitiser (``hovor.core.html``, nh3's allow-list): no scripts, no event
handlers, no styles, links and images only to ``http``, ``https``, ``mailto`` and ``tel``
addresses (so no ``javascript:`` and no ``data:``). Every page and preview shows only what
passed through ``render``.
"""

from __future__ import annotations

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

from hovor.core import html

_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")
_WORD = re.compile(r"\w+")


def render(markdown: str) -> str:
    """Safe HTML of an article's Markdown."""
    return html.clean(_MARKDOWN.render(markdown))


def plain_text(markdown: str) -> str:
    """The words a reader sees, without markup: for snippets and the search index."""
    parts: list[str] = []
    for token in _MARKDOWN.parse(markdown):
        if token.type == "inline" and token.children:
            parts.append(
                "".join(
                    " " if child.type in ("softbreak", "hardbreak") else child.content
                    for child in token.children
                    if child.type in ("text", "code_inline", "softbreak", "hardbreak")
                )
            )
        elif token.type in ("fence", "code_block"):
            parts.append(token.content)
    text = " ".join(p.strip() for p in parts if p.strip())
    # inline HTML written in the Markdown is not text a reader sees
    return re.sub(r"\s+", " ", nh3.clean(text, tags=set()).replace("&amp;", "&")).strip()


def _fold_char(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    folded = base.lower()
    return folded[0] if len(folded) >= 1 else char.lower()[:1] or " "


class _FoldTable(dict[int, str]):
    """``str.translate``'s table for ``fold``, filled as characters are first seen."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < 20_000:  # plenty for real text; odd input cannot grow it for ever
            self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one ("Vrácení" -> "vraceni").

    Keeping the length lets a match found in the folded text be cut out of the original.
    """
    return text.translate(_FOLD)


def words(text: str) -> list[str]:
    """The folded words of ``text``."""
    return _WORD.findall(fold(text))
