"""The one HTML sanitiser: an allow-list applied by nh3 (the Ammonia sanitiser).

Whatever HTML Hovor shows that someone else wrote (knowledge articles' Markdown, e-mail
bodies) passes through ``clean``: only the tags and attributes below survive, no scripts
(their content dropped too), no event handlers, no styles, no forms, no frames; links and
images only to ``http``, ``https``, ``mailto`` and ``tel`` addresses (no ``javascript:``,
no ``data:``) plus whatever schemes a caller adds (e-mail adds ``cid:``, its inline images,
and drops relative URLs).
"""

from __future__ import annotations

from collections.abc import Iterable

import nh3

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre",
    "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
})  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Removed with their content, not only their tags.
_DROPPED = frozenset({
    "script", "style", "head", "title", "noscript", "template", "textarea", "select", "object",
})  # fmt: skip


def clean(html: str, *, extra_schemes: Iterable[str] = (), relative_urls: bool = True) -> str:
    """Safe HTML of ``html``; ``extra_schemes`` are URL schemes allowed besides ``SCHEMES``.

    ``relative_urls=False`` drops relative links and image sources: in HTML written outside
    Hovor (an e-mail) they would point into Hovor's own origin."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(_DROPPED),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(SCHEMES) | set(extra_schemes),
        link_rel="noopener noreferrer nofollow",
        url_relative="pass_through" if relative_urls else "deny",
    )
