"""Search over a workspace's published help-center articles.

``search_articles`` is the one entry point the bot, the agent desktop, the public help
center and the widget call. How it works (docs/knowledge.md says the same for managers):

1. The query is folded (lower case, no diacritics: "Vrácení" and "vraceni" are one word)
   and cut into words; common Czech and English words ("jak", "the") count little.
2. Each word becomes a prefix (its last letters dropped when it is long, so Czech endings
   differ freely: "reklamace", "reklamaci"), and, when no indexed word of the workspace
   starts with it, the closest indexed words (RapidFuzz, same first letter, length within
   two) stand in for a typo ("reklamce" -> "reklamace").
3. The database finds up to 30 candidates with any of these words (common words are not
   looked for unless the query has nothing else), best first: SQLite FTS5 over the
   published translations (bm25, title weighted 5:1) or PostgreSQL full text
   (``ts_rank`` over the generated ``search_vector``, title weight A).
4. Each candidate gets a ``score`` in 0..1 that depends only on the query and the article,
   never on the rest of the collection, so one threshold means the same for every query:
   ``0.7 * coverage + 0.3 * title_coverage``, where coverage is the weighted share of the
   query's words found in the article (title or body) and title_coverage the share found in
   its title; a word found as written counts 1, by its prefix 0.9, as a typo 0.8 x its
   similarity; common words weigh 0.25, others 1. Hits are ordered by score, then by the
   database's rank.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Row, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.knowledge.models import HelpCenter, Word
from hovor.knowledge.text import fold

MAX_QUERY = 500
CANDIDATES = 30
FORMS = 24  # words of one prefix looked for as exact terms; more: as a prefix
MAX_TERMS = 12
_TERM = re.compile(r"[^\W_]+")
_LANGUAGE = re.compile(r"[a-z]{2,8}")
_STOPWORDS = """a aby ale ani asi at bez by byl byt co do i jak jake jaky je jeho jej jsem jsme jsou
    k kam kde kdy kdyz ke ktera ktere ktery mam me mi mne mohu muj muze na nad ne nebo o od
    po pod pro proc se si s ta tak te to tu u uz v ve vas vy z za ze
    about an and are at be can could do does for from have how i in is it me my of on or
    the there this to was what when where which who why will with you your"""
STOPWORDS = frozenset(_STOPWORDS.split())


@dataclass(frozen=True, slots=True)
class ArticleHit:
    """One published article translation that matched a query.

    ``url`` is the article's page on Hovor's public help center as a path
    (``/help/<help-center>/<language>/<slug>``); put ``Settings.origin`` before it for a
    link that leaves Hovor. ``score`` is in 0..1 (see the module's docstring).
    """

    article_id: str
    title: str
    slug: str
    language: str
    url: str
    snippet: str
    score: float


@dataclass(frozen=True, slots=True)
class _Term:
    word: str
    prefix: str
    weight: float
    typos: tuple[tuple[str, float], ...]  # (indexed word, similarity 0..1)
    # the workspace's words with this prefix; None: too many (or not looked up), search the
    # prefix itself
    forms: tuple[str, ...] | None = None


def query_words(query: str) -> list[str]:
    """The folded words of a query, each once, in order, at most ``MAX_TERMS``."""
    seen: dict[str, None] = {}
    for word in _TERM.findall(fold(query)):
        if len(word) <= 64:
            seen.setdefault(word, None)
    return list(seen)[:MAX_TERMS]


def prefix_of(word: str) -> str:
    """The part of a word that its inflected forms share, roughly (Czech endings vary)."""
    if len(word) >= 7:
        return word[:-2]
    if len(word) >= 5:
        return word[:-1]
    return word


def _after(prefix: str) -> str:
    """The least string greater than every string that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


async def _forms(
    session: AsyncSession, workspace_id: str, prefixes: list[str]
) -> dict[str, tuple[str, ...] | None]:
    """For each prefix, the workspace's words that start with it (one query over index
    ranges): none, a few (looked for as exact terms, cheaper than a prefix search), or
    None when there are more than ``FORMS``."""
    if not prefixes:
        return {}
    parts, params = [], {"ws": workspace_id}
    for i, prefix in enumerate(prefixes):
        params[f"p{i}"], params[f"q{i}"] = prefix, _after(prefix)
        parts.append(
            f"SELECT * FROM (SELECT {i} AS i, word FROM knowledge_words "
            f"WHERE workspace_id = :ws AND word >= :p{i} AND word < :q{i} "
            f"ORDER BY word LIMIT {FORMS + 1}) AS f{i}"
        )
    found: dict[int, list[str]] = {}
    for i, word in await session.execute(text(" UNION ALL ".join(parts)), params):
        found.setdefault(i, []).append(word)
    out: dict[str, tuple[str, ...] | None] = {}
    for i, prefix in enumerate(prefixes):
        words = found.get(i, [])
        out[prefix] = None if len(words) > FORMS else tuple(words)
    return out


async def _typos(session: AsyncSession, workspace_id: str, word: str) -> tuple[str, ...]:
    """The workspace's words closest to ``word`` (same first letter, similar length)."""
    rows = list(
        await session.scalars(
            select(Word.word).where(
                Word.workspace_id == workspace_id,
                Word.word >= word[0],
                Word.word < _after(word[0]),
                func.length(Word.word).between(len(word) - 2, len(word) + 2),
            )
        )
    )
    found = process.extract(word, rows, scorer=fuzz.ratio, score_cutoff=75, limit=3)
    return tuple(w for w, _, _ in found)


async def _terms(session: AsyncSession, workspace_id: str, words: list[str]) -> list[_Term]:
    meaningful = [w for w in words if w not in STOPWORDS]
    looked_for = meaningful or words
    forms = await _forms(session, workspace_id, list({prefix_of(w): None for w in looked_for}))
    terms: list[_Term] = []
    for word in words:
        weight = 1.0 if word in meaningful or not meaningful else 0.25
        prefix = prefix_of(word)
        typos: tuple[tuple[str, float], ...] = ()
        if forms.get(prefix) == () and len(word) >= 4 and not word.isdigit():
            close = await _typos(session, workspace_id, word)
            typos = tuple((w, fuzz.ratio(word, w) / 100) for w in close)
        terms.append(_Term(word, prefix, weight, typos, forms.get(prefix)))
    return terms


def _alternatives(terms: list[_Term]) -> list[tuple[str, bool]]:
    """(word, as prefix?) pairs the database looks for: the meaningful words' (common words
    match nearly everything, so they only count in the score), or all when there are none."""
    looked_for = [t for t in terms if t.weight == 1.0]
    out: dict[tuple[str, bool], None] = {}
    for term in looked_for:
        if term.forms is None:
            out[(term.prefix, len(term.prefix) >= 3)] = None
        for word in term.forms or ():
            out[(word, False)] = None
        for word, _ in term.typos:
            out[(word, False)] = None
    return list(out)


_COLUMNS = (
    "t.id, t.article_id, t.title, t.slug, t.language, t.body, t.search_title, t.search_body, "
    "h.slug AS help_center_slug"
)
# the help center's slug for the hits' links, in the same query
_HELP_CENTER = "LEFT JOIN knowledge_help_centers h ON h.workspace_id = t.workspace_id"


async def _candidates(
    session: AsyncSession,
    workspace_id: str,
    terms: list[_Term],
    language: str | None,
) -> list[Row[Any]]:
    """Published translations with any of the terms, best first by the database, in one
    query (with the help center's slug): the index finds at most ``CANDIDATES`` and their rows are read by key (on
    SQLite the join is forced to start from the index: left to itself the planner scans
    the workspace's translations through the list index, ~20 ms over 5,000 articles)."""
    alternatives = _alternatives(terms)
    if not alternatives:
        return []  # no word of the workspace starts like any of the query's
    bind = session.get_bind()
    params: dict[str, object] = {"ws": workspace_id, "lang": language, "n": CANDIDATES}
    if bind.dialect.name == "postgresql":
        params["q"] = " | ".join(f"{w}:*" if p else w for w, p in alternatives)
        sql = (
            f"SELECT {_COLUMNS} FROM to_tsquery('simple', :q) q "
            f"CROSS JOIN knowledge_translations t {_HELP_CENTER} "
            "WHERE t.workspace_id = :ws AND t.status = 'published' "
            "AND (CAST(:lang AS varchar) IS NULL OR t.language = :lang) "
            "AND t.search_vector @@ q "
            "ORDER BY ts_rank(t.search_vector, q) DESC, t.id LIMIT :n"
        )
    else:
        # Only published translations are in the index; one MATCH scopes it all.
        any_word = " OR ".join(f'"{w}"*' if p else f'"{w}"' for w, p in alternatives)
        scope = f'workspace_id : "{fold(workspace_id)}"'
        if language is not None:
            scope += f' AND language : "{fold(language)}"'
        params["q"] = f"{scope} AND ({any_word})"
        sql = (
            f"SELECT {_COLUMNS} FROM (SELECT rowid AS r, "
            "bm25(knowledge_fts, 0.0, 0.0, 0.0, 5.0, 1.0) AS rank "
            "FROM knowledge_fts WHERE knowledge_fts MATCH :q ORDER BY rank LIMIT :n) AS f "
            f"CROSS JOIN knowledge_translations t ON t.rowid = f.r {_HELP_CENTER} "
            "WHERE t.workspace_id = :ws AND t.status = 'published' ORDER BY f.rank"
        )
    return list(await session.execute(text(sql), params))


def _found(term: _Term, words: set[str], ordered: list[str]) -> float:
    if term.word in words:
        return 1.0
    at = bisect_left(ordered, term.prefix)
    if at < len(ordered) and ordered[at].startswith(term.prefix):
        return 0.9
    return max((0.8 * sim for w, sim in term.typos if w in words), default=0.0)


def score(terms: list[_Term], title: str, body: str) -> float:
    """How well an article (its folded title and body) answers the query's terms, 0..1."""
    total = sum(t.weight for t in terms)
    if total == 0:
        return 0.0
    title_words = set(_TERM.findall(title))
    all_words = title_words | set(_TERM.findall(body))
    title_order, all_order = sorted(title_words), sorted(all_words)
    coverage = sum(t.weight * _found(t, all_words, all_order) for t in terms) / total
    title_coverage = sum(t.weight * _found(t, title_words, title_order) for t in terms) / total
    return round(0.7 * coverage + 0.3 * title_coverage, 4)


_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<[^>]*>|[*_`#>|~]+")


def readable(markdown: str) -> str:
    """The Markdown's words without its markup, roughly (for snippets: cheaper than parsing;
    shown escaped, never as HTML)."""
    text = _MARKUP.sub(lambda m: m.group(1) if m.group(1) is not None else " ", markdown)
    return " ".join(text.split())


def snippet(body_markdown: str, terms: list[_Term], width: int = 160) -> str:
    """A piece of the article's text around its first matching word."""
    plain = readable(body_markdown)
    folded = fold(plain)
    needles = [t.prefix for t in terms if t.weight == 1.0] + [w for t in terms for w, _ in t.typos]
    at = min((i for n in needles if (i := folded.find(n)) >= 0), default=0)
    start = max(0, at - width // 3)
    if start > 0:
        space = plain.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    piece = plain[start : start + width].strip()
    return ("…" if start > 0 else "") + piece + ("…" if start + width < len(plain) else "")


def help_center_path(help_center: HelpCenter | None, workspace_id: str) -> str:
    """``/help/<slug>``, or ``/help/<workspace id>`` while the help center has no slug."""
    return f"/help/{help_center.slug if help_center and help_center.slug else workspace_id}"


async def search_articles(
    session: AsyncSession,
    workspace_id: str,
    query: str,
    *,
    language: str | None = None,
    limit: int = 5,
) -> list[ArticleHit]:
    """Published articles of the workspace that match ``query``, best first (at most
    ``limit``; ``language`` keeps only translations in that language)."""
    words = query_words(query[:MAX_QUERY])
    if not words or limit < 1 or (language is not None and not _LANGUAGE.fullmatch(language)):
        return []
    terms = await _terms(session, workspace_id, words)
    rows = await _candidates(session, workspace_id, terms, language)
    if not rows:
        return []
    ranked = sorted(
        ((score(terms, row.search_title, row.search_body), n, row) for n, row in enumerate(rows)),
        key=lambda hit: (-hit[0], hit[1]),
    )[:limit]
    base = f"/help/{rows[0].help_center_slug or workspace_id}"  # as help_center_path
    return [
        ArticleHit(
            article_id=row.article_id,
            title=row.title,
            slug=row.slug,
            language=row.language,
            url=f"{base}/{row.language}/{row.slug}",
            snippet=snippet(row.body, terms),
            score=value,
        )
        for value, _, row in ranked
    ]
