"""The small public rating page a rating link opens (e-mail, messengers): a form, no script."""

from __future__ import annotations

from html import escape

from hovor.csat.service import MAX_COMMENT

_HEAD = (
    '<!doctype html><html lang="cs"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Hodnocení / Rating</title></head><body>"
)
_TAIL = "</body></html>"


def form_page(token: str, error: str | None = None) -> str:
    choices = "".join(
        f'<label><input type="radio" name="score" value="{n}" required> {n}</label> '
        for n in range(1, 6)
    )
    problem = f'<p role="alert"><strong>{escape(error)}</strong></p>' if error else ""
    return (
        f"{_HEAD}<h1>Jak jsme vám pomohli? / How did we do?</h1>{problem}"
        f'<form method="post" action="/csat/{escape(token)}">'
        "<fieldset><legend>1 = špatně / bad, 5 = výborně / great</legend>"
        f"{choices}</fieldset>"
        '<p><label for="comment">Komentář / Comment</label><br>'
        f'<textarea id="comment" name="comment" rows="4" cols="40" maxlength="{MAX_COMMENT}">'
        "</textarea></p>"
        '<p><button type="submit">Odeslat / Send</button></p></form>'
        f"{_TAIL}"
    )


def thanks_page(score: int | None) -> str:
    given = f" ({score}/5)" if score is not None else ""
    return (
        f"{_HEAD}<h1>Děkujeme za hodnocení{given}. / Thank you for your rating{given}.</h1>{_TAIL}"
    )


def invalid_page() -> str:
    return f"{_HEAD}<h1>Tento odkaz neplatí. / This link is not valid.</h1>{_TAIL}"
