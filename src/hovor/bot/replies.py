"""What the bot says: decided from the customer's words and the help center's hits, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from hovor.knowledge.search import ArticleHit
from hovor.knowledge.text import fold, words

# A word starting so asks for a person ("člověk", "člověka", "operátora", "agent", "human").
PERSON_WORDS = ("clovek", "clovec", "operator", "agent", "human", "person", "clovick")
FAILED_ANSWERS = 2  # "I don't know" this often: hand off
SHOWN_ARTICLES = 3


def wants_person(text: str) -> bool:
    return any(w.startswith(PERSON_WORDS) for w in words(text))


NOT_HELPED = ("nepomohl", "nepomoh", "nefung", "didn't help", "did not help", "not helpful")
NOT_HELPED_WORDS = frozenset({"ne", "no", "nope", "nie"})


def not_helped(text: str) -> bool:
    """The customer says the last answer did not help ("ne", "nepomohlo", "didn't help")."""
    folded = fold(text)
    found = words(text)
    return (len(found) <= 3 and bool(found) and found[0] in NOT_HELPED_WORDS) or any(
        p in folded for p in NOT_HELPED
    )


SORRY = (
    "Omlouvám se, že to nepomohlo. Zkuste to prosím popsat jinak, nebo napište „člověk“. / "
    "Sorry that did not help. Try other words, or write “human”."
)


def starts_flow(text: str, keywords: list[str]) -> bool:
    folded = f" {' '.join(words(text))} "
    return any(f" {fold(k).strip()}" in folded for k in keywords if k.strip())


@dataclass(frozen=True)
class Answer:
    text: str
    confident: bool
    best_score: float


def answer_from(
    hits: list[ArticleHit], threshold: float, origin: str, *, phrased: str | None = None
) -> Answer:
    """Links to the best articles when the best hit is at or above ``threshold``; else
    "I don't know" (the caller counts it as a failed answer)."""
    best = hits[0].score if hits else 0.0
    if best < threshold:
        return Answer(
            "Tady si nejsem jistý a nechci vám poradit špatně. Zkuste to prosím napsat jinak, "
            "nebo napište „člověk“ a předám vás kolegovi. / I'm not sure about this one. "
            "Try other words, or write “human” and I'll pass you to a colleague.",
            confident=False,
            best_score=best,
        )
    shown = [h for h in hits[:SHOWN_ARTICLES] if h.score >= threshold]
    lines = [f"• {h.title}: {origin}{h.url}" for h in shown]
    top = shown[0]
    if phrased:  # an LLM's words from these articles; the links are still ours
        return Answer(phrased + "\n\n" + "\n".join(lines), confident=True, best_score=best)
    return Answer(
        "Tohle by vám mohlo pomoci / This may help:\n"
        + "\n".join(lines)
        + (f"\n\n{top.snippet}" if top.snippet else ""),
        confident=True,
        best_score=best,
    )


def handoff_text(reason: str) -> str:
    return f"Bot handed the conversation to a person: {reason}."


def connect_text(wait_seconds: float) -> str:
    minutes = max(1, round(wait_seconds / 60))
    return (
        f"Přepojuji vás na kolegu, odhad čekání asi {minutes} min. / "
        f"Connecting you to a colleague, about {minutes} min."
    )


CALLBACK_OFFER = (
    "Teď není nikdo z kolegů volný. Napište mi své telefonní číslo a zavoláme vám zpět. / "
    "Nobody is free right now. Write your phone number and we will call you back."
)
CALLBACK_BAD_PHONE = (
    "Tohle číslo nedokážu přečíst, zkuste ho prosím i s předvolbou (+420…). / "
    "I can't read that number; please include the country code (+420…)."
)


def callback_done(phone: str) -> str:
    return f"Děkuji, zavoláme vám na {phone}. / Thank you, we will call you at {phone}."


TRANSCRIPT_HEADING = "The chat with the bot before this callback"
TRANSCRIPT_LINE = 600  # a longer message is cut, so one long message cannot crowd out the rest


def transcript_note(lines: list[tuple[str, str]], chat_id: str, limit: int) -> str:
    """The bot's chat as a note of the callback it led to, so the agent who calls back reads
    what was said in the conversation they open. ``lines`` are (who, text), oldest first;
    the newest that fit in ``limit`` characters are kept, the rest counted."""
    head = f"{TRANSCRIPT_HEADING} (conversation {chat_id}):"
    kept: list[str] = []
    used = len(head) + 80  # room for the line counting what was left out
    for who, text in reversed(lines):
        flat = " ".join(text.split())
        if len(flat) > TRANSCRIPT_LINE:
            flat = flat[: TRANSCRIPT_LINE - 1] + "…"
        line = f"{who}: {flat}"
        if used + len(line) + 1 > limit:
            break
        kept.append(line)
        used += len(line) + 1
    dropped = len(lines) - len(kept)
    parts = [head] + ([f"… {dropped} earlier message(s) in the chat"] if dropped else [])
    return "\n".join(parts + kept[::-1])
