"""Help-center search: answer quality on the labelled questions and speed over 5,000 articles.

On SQLite (a file) and on PostgreSQL (a scratch database), each:

- **quality**: the demo shop's help center (``tests/data/help_center``, 104 articles, 164
  translations) is imported with ``hovor knowledge import``'s code into a workspace, and
  every question of ``tests/data/help_questions.jsonl`` (396: Czech, English, Slovak, with
  and without diacritics, with typos, 24 the help center cannot answer) is searched with
  ``search_articles`` in any language. Reported: top-1 and top-3 accuracy, the threshold
  (the lowest best-hit score at which wrong confident answers are <= 5 %, see
  ``hovor.knowledge.quality``), the confident-wrong rate and the "I don't know" rate there.
- **speed**: a second workspace gets 5,000 articles, the real ones and variants of them
  (distinct ids and slugs, a product model in the title, paragraphs of two other articles
  mixed in, so the vocabulary and posting lists look like a real shop's), and the questions
  are searched again ``BENCH_ROUNDS`` times (a fresh session each, as a request has):
  ``search_p99`` is the 99th percentile of one ``search_articles`` call, wall-clock.

``search_p99`` is the worse of the two databases, the quality figures are SQLite's (the
default); each database's own figures are reported next to them.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.postgres import scratch_database
from bench.report import Metric, percentile, report
from hovor.auth import service as auth
from hovor.core.dispatch import Dispatcher
from hovor.db.migrate import upgrade_async
from hovor.db.transaction import Database
from hovor.knowledge.importer import Folder, SourceArticle, do_import, read_folder
from hovor.knowledge.quality import (
    Answer,
    ask,
    choose_threshold,
    confident_wrong_rate,
    dont_know_rate,
    load_questions,
    top_k_accuracy,
)

ROOT = Path(__file__).resolve().parents[1]
HELP_CENTER = ROOT / "tests" / "data" / "help_center"
QUESTIONS = ROOT / "tests" / "data" / "help_questions.jsonl"
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "5000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BATCH = 250  # articles per transaction while filling
MODELS = [
    "VistaView 55 QLED", "VistaView 75 OLED", "FrostLine Pro 500", "CoolMax 300",
    "BrewMate 1.7", "AquaWash 8", "DryCare 9", "CleanBot S2", "ChefLine Induction 60",
    "SilentDish 45", "AirPure 400", "SoundBar Nord 3.1", "PowerBook 14", "Nordphone 12",
]  # fmt: skip


def variants(folder: Folder, total: int, seed: int = 7) -> Folder:
    """``folder``'s articles and variants of them up to ``total`` articles."""
    rng = random.Random(seed)
    sources = folder.articles
    out: list[SourceArticle] = list(sources)
    n = 0
    while len(out) < total:
        n += 1
        for source in sources:
            if len(out) >= total:
                break
            model = f"{rng.choice(MODELS)} {2020 + n % 7}"
            others = rng.sample(sources, 2)
            translations = []
            for t in source.translations:
                extra = [
                    p
                    for other in others
                    for o in other.translations
                    if o.language == t.language
                    for p in o.body.split("\n\n")[:1]
                ]
                translations.append(
                    replace(
                        t,
                        slug=f"{t.slug}-{n}",
                        title=f"{t.title} ({model})",
                        body="\n\n".join([t.body.strip(), *extra, f"{model}."]) + "\n",
                    )
                )
            out.append(SourceArticle(f"{source.key}-v{n}", source.category, tuple(translations)))
    return Folder(folder.categories, out)


async def _fill(db: Database, name: str, folder: Folder) -> tuple[str, dict[str, str]]:
    """A new workspace with the folder's articles; (workspace id, {stored id: folder id})."""
    async with db.transaction() as tx:
        workspace_id = (await auth.do_create_workspace(tx, name)).id
    keys: dict[str, str] = {}
    for start in range(0, len(folder.articles), BATCH):
        part = replace(folder, articles=folder.articles[start : start + BATCH])
        async with db.transaction() as tx:
            result = await do_import(tx, workspace_id, part)
        keys.update({stored: key for key, stored in result.article_ids.items()})
    return workspace_id, keys


async def _measure(db: Database) -> tuple[list[Answer], list[float], float]:
    """(answers over the real help center, search times over the big one, fill seconds)."""
    questions = load_questions(QUESTIONS)
    folder = read_folder(HELP_CENTER)
    workspace_id, keys = await _fill(db, "Quality", folder)
    answers = []
    for question in questions:
        async with db.read() as session:
            answers.append(await ask(session, workspace_id, question, keys))
    started = time.perf_counter()
    big_id, big_keys = await _fill(db, "Speed", variants(folder, ARTICLES))
    filled = time.perf_counter() - started
    for question in questions[:20]:  # warm-up: caches, prepared statements
        async with db.read() as session:
            await ask(session, big_id, question, big_keys)
    times: list[float] = []
    for _ in range(ROUNDS):
        for question in questions:
            async with db.read() as session:
                times.append((await ask(session, big_id, question, big_keys)).ms)
    return answers, times, filled


async def _on(url: str) -> tuple[list[Answer], list[float], float]:
    await upgrade_async(url)
    db = Database(url, Dispatcher())
    try:
        return await _measure(db)
    finally:
        await db.dispose()


def _quality(answers: list[Answer], suffix: str) -> list[Metric]:
    threshold = choose_threshold(answers)
    return [
        Metric(f"top1_accuracy{suffix}", top_k_accuracy(answers, 1), "share", ">= 0.76"),
        Metric(f"top3_accuracy{suffix}", top_k_accuracy(answers, 3), "share", ">= 0.88"),
        Metric(f"threshold{suffix}", threshold, "score", "<= 1"),
        Metric(
            f"confident_wrong_rate{suffix}",
            confident_wrong_rate(answers, threshold),
            "share",
            "<= 0.05",
        ),
        Metric(f"dont_know_rate{suffix}", dont_know_rate(answers, threshold), "share", "<= 1"),
    ]


def _breakdown(answers: list[Answer], threshold: float) -> None:
    groups = {
        "all": answers,
        "cs": [a for a in answers if a.question.language == "cs"],
        "en": [a for a in answers if a.question.language == "en"],
        "sk": [a for a in answers if a.question.language == "sk"],
        "no diacritics": [a for a in answers if a.question.no_diacritics],
        "typo": [a for a in answers if a.question.typo],
        "unanswerable": [a for a in answers if a.question.article_id is None],
    }
    print(f"\n{'questions':<14} {'n':>4} {'top1':>6} {'top3':>6} {'wrong':>6} {'dont know':>9}")
    for name, group in groups.items():
        print(
            f"{name:<14} {len(group):>4} {top_k_accuracy(group, 1):>6.2f} "
            f"{top_k_accuracy(group, 3):>6.2f} {confident_wrong_rate(group, threshold):>6.2f} "
            f"{dont_know_rate(group, threshold):>9.2f}"
        )


async def run() -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        lite = await _on(f"sqlite+aiosqlite:///{tmp}/knowledge.db")
    async with scratch_database() as url:
        pg = await _on(url)
    (lite_answers, lite_times, lite_fill), (pg_answers, pg_times, pg_fill) = lite, pg
    p99 = {"sqlite": percentile(lite_times, 99), "postgresql": percentile(pg_times, 99)}
    metrics = [
        Metric("search_p99", max(p99.values()), "ms", "<= 30"),
        Metric("search_p99_sqlite", p99["sqlite"], "ms", "<= 30"),
        Metric("search_p99_postgresql", p99["postgresql"], "ms", "<= 30"),
        Metric("search_p50_sqlite", percentile(lite_times, 50), "ms", "<= 30"),
        Metric("search_p50_postgresql", percentile(pg_times, 50), "ms", "<= 30"),
        *_quality(lite_answers, ""),
        *_quality(pg_answers, "_postgresql"),
    ]
    _breakdown(lite_answers, choose_threshold(lite_answers))
    print(f"\nfilling {ARTICLES} articles: SQLite {lite_fill:.0f} s, PostgreSQL {pg_fill:.0f} s")
    return report(
        "knowledge",
        metrics,
        f"{len(lite_answers)} questions over 104 articles; "
        f"{len(lite_times)} searches over {ARTICLES} articles per database",
    )
