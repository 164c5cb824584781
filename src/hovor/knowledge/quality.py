"""How well the search answers labelled questions, and the threshold a bot should answer above.

A labelled set is JSON Lines, one question a line (``tests/data/help_questions.jsonl``)::

    {"id": "q001", "question": "vraceni zbozi", "article_id": "returns-30-days",
     "language": "cs", "no_diacritics": true, "typo": false}

``article_id`` is the article's id in the imported folder (its front matter), or null for
a question the help center cannot answer. The measures (docs/knowledge-quality.md):

- top-k accuracy: of the answerable questions, the share whose article is among the first
  k distinct articles found;
- at a score threshold t the bot answers when the best hit scores >= t and otherwise says
  "I don't know"; **confident-wrong rate** = wrong answers / all answers (an answer to an
  unanswerable question is wrong), **don't-know rate** = questions not answered / all;
- ``choose_threshold`` gives the lowest t whose confident-wrong rate is at most the limit
  (the lowest, so the bot answers as much as it can while staying right).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.knowledge.search import search_articles

MAX_CONFIDENT_WRONG = 0.05


class LabelledQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=40)
    question: str = Field(min_length=1, max_length=500)
    article_id: str | None = Field(max_length=120)
    language: str = Field(min_length=2, max_length=8)
    no_diacritics: bool = False
    typo: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    question: LabelledQuestion
    found: tuple[tuple[str | None, float], ...]  # (folder id of the article, score), best first
    ms: float  # how long the search took

    @property
    def best_score(self) -> float:
        return self.found[0][1] if self.found else 0.0

    def rank(self) -> int | None:
        """1-based position of the expected article among the distinct articles found."""
        for n, (key, _) in enumerate(self.found, 1):
            if key is not None and key == self.question.article_id:
                return n
        return None


def load_questions(path: Path) -> list[LabelledQuestion]:
    questions: list[LabelledQuestion] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            questions.append(LabelledQuestion.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(map(str, first["loc"]))
            raise ValueError(f"{path.name}:{number}: {where}: {first['msg']}") from None
    return questions


async def ask(
    session: AsyncSession,
    workspace_id: str,
    question: LabelledQuestion,
    keys: dict[str, str],
    *,
    limit: int = 5,
) -> Answer:
    """Search one question; ``keys`` maps stored article ids to the folder's ids."""
    start = time.perf_counter()
    hits = await search_articles(session, workspace_id, question.question, limit=limit)
    ms = (time.perf_counter() - start) * 1000
    found: dict[str, tuple[str | None, float]] = {}
    for hit in hits:  # an article found in two languages counts once, at its best
        found.setdefault(hit.article_id, (keys.get(hit.article_id), hit.score))
    return Answer(question, tuple(found.values()), ms)


def top_k_accuracy(answers: Sequence[Answer], k: int) -> float:
    answerable = [a for a in answers if a.question.article_id is not None]
    if not answerable:
        return 0.0
    return sum(1 for a in answerable if (r := a.rank()) is not None and r <= k) / len(answerable)


def _answered(answers: Iterable[Answer], threshold: float) -> list[Answer]:
    return [a for a in answers if a.found and a.best_score >= threshold]


def confident_wrong_rate(answers: Sequence[Answer], threshold: float) -> float:
    answered = _answered(answers, threshold)
    if not answered:
        return 0.0
    return sum(1 for a in answered if a.rank() != 1) / len(answered)


def dont_know_rate(answers: Sequence[Answer], threshold: float) -> float:
    if not answers:
        return 0.0
    return 1 - len(_answered(answers, threshold)) / len(answers)


def choose_threshold(answers: Sequence[Answer], limit: float = MAX_CONFIDENT_WRONG) -> float:
    """The lowest score threshold at which the confident-wrong rate is at most ``limit``
    (1.0, answering almost nothing, if no lower one is)."""
    for threshold in sorted({0.0, *(a.best_score for a in answers if a.found)}):
        if confident_wrong_rate(answers, threshold) <= limit:
            return threshold
    return 1.0
