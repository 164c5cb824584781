"""Article text: folding, slugs, Markdown rendered and sanitised, plain text, the score."""

from __future__ import annotations

import pytest

from hovor.core.errors import InvalidInput
from hovor.knowledge.search import _Term, prefix_of, query_words, score
from hovor.knowledge.service import check_slug, slugify
from hovor.knowledge.text import fold, plain_text, render

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[x](javascript:alert(1))",
    '<a href="  JaVaScRiPt:alert(1)">x</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="x" onmouseover="alert(1)">x</p>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


def test_fold_keeps_length_and_drops_diacritics() -> None:
    for text in ("Vrácení zboží", "ŽLUŤOUČKÝ KŮŇ", "Ľúbostná báseň", "straße"):
        assert len(fold(text)) == len(text)
    assert fold("Vrácení ZBOŽÍ") == "vraceni zbozi"
    assert fold("ŽLUŤOUČKÝ KŮŇ") == "zlutoucky kun"


def test_slugs() -> None:
    assert slugify("Vrácení zboží — do 14 dnů!") == "vraceni-zbozi-do-14-dnu"
    assert slugify("???") == "article"
    assert slugify("Search") == "search-article"
    assert check_slug("vraceni-zbozi", ["body", "slug"]) == "vraceni-zbozi"
    for bad in ("Vraceni", "a--b", "-a", "search"):
        with pytest.raises(InvalidInput) as caught:
            check_slug(bad, ["body", "slug"])
        assert caught.value.errors[0]["loc"] == ["body", "slug"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_removes_known_xss(payload: str) -> None:
    html = render(f"Text\n\n{payload}\n").lower()
    for bad in ("<script", "onerror", "onload", "onmouseover", "<svg", "<iframe", "style=",
                'href="javascript', 'href="data', 'src="data', "<math"):  # fmt: skip
        assert bad not in html, (payload, html)


def test_render_keeps_what_articles_need() -> None:
    html = render(
        "# Nadpis\n\n**tučně** [odkaz](https://shop.example/a) ![obr](https://x.example/i.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h1>Nadpis</h1>" in html and "<strong>tučně</strong>" in html
    assert 'href="https://shop.example/a"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert '<img src="https://x.example/i.png" alt="obr">' in html and "<td>2</td>" in html


def test_plain_text() -> None:
    assert plain_text("# Vrácení\n\nDo **14 dnů** [zde](https://x).\nDalší <b>řádek</b>") == (
        "Vrácení Do 14 dnů zde. Další řádek"
    )


def test_query_words_and_prefixes() -> None:
    assert query_words("Jak VRÁTIT zboží? jak") == ["jak", "vratit", "zbozi"]
    assert len(query_words(" ".join(f"w{i}" for i in range(50)))) == 12
    assert prefix_of("objednavky") == "objednav" and prefix_of("zbozi") == "zboz"
    assert prefix_of("dph") == "dph"


def test_score_is_in_0_1_and_independent_of_the_collection() -> None:
    def term(word: str, weight: float = 1.0, typos: tuple[tuple[str, float], ...] = ()) -> _Term:
        return _Term(word, prefix_of(word), weight, typos)

    terms = [term("vraceni"), term("zbozi")]
    assert score(terms, "vraceni zbozi", "") == 1.0
    assert score(terms, "doprava", "vraceni zbozi") == 0.7
    assert score(terms, "doprava", "nic") == 0.0
    assert score([term("rekalmace", typos=(("reklamace", 0.89),))], "reklamace", "") == round(
        0.8 * 0.89, 4
    )
    assert 0.0 <= score([term("jak", 0.25), term("vratit")], "x", "jak") <= 1.0
