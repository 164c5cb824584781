"""The bot's optional LLM phrasing against a local stand-in of an OpenAI-compatible API, on
both databases: the model's words with Hovor's links, and the plain answer when it fails."""

from __future__ import annotations

from typing import Any

import pytest

from hovor.config import Settings
from hovor.db.transaction import Database
from tests.bot.test_service import setup, transcript
from tests.support.factories import visitor_writes
from tests.support.stand_in import stand_in

pytestmark = pytest.mark.storage
PHRASED = "Zboží můžete vrátit do 14 dnů bez udání důvodu."


def completion(_call: dict[str, Any]) -> tuple[int, Any]:
    return 200, {"choices": [{"index": 0, "message": {"role": "assistant", "content": PHRASED}}]}


async def test_the_model_phrases_and_hovor_adds_the_links(db: Database) -> None:
    with stand_in(completion) as llm:
        settings = Settings(
            bot_llm_url=f"{llm.origin}/v1", bot_llm_api_key="sk-local", bot_llm_model="local-model"
        )
        _, ws = await setup(db, wait=10.0, settings=settings)
        got = await visitor_writes(db, ws, "v_llm_1", "Jak vrátit zboží?")
        said = await transcript(db, got.conversation_id)
        calls = llm.wait_for_calls(1)
    answer = [b for _, who, b in said if who == "bot"][-1]
    assert answer.startswith(PHRASED + "\n\n• Vrácení zboží: https://shop.example.cz/help/")
    call = calls[0]
    assert call["path"] == "/v1/chat/completions"
    assert call["headers"]["authorization"] == "Bearer sk-local"
    assert call["json"]["model"] == "local-model"
    user = call["json"]["messages"][-1]["content"]
    assert "# Vrácení zboží" in user and user.endswith("Question: Jak vrátit zboží?")


async def test_a_failing_model_leaves_the_plain_answer(db: Database) -> None:
    with stand_in(lambda _call: (500, {"error": "overloaded"})) as llm:
        _, ws = await setup(db, wait=10.0, settings=Settings(bot_llm_url=llm.origin))
        got = await visitor_writes(db, ws, "v_llm_2", "Jak vrátit zboží?")
        said = await transcript(db, got.conversation_id)
        assert len(llm.wait_for_calls(1)) == 1
    answer = [b for _, who, b in said if who == "bot"][-1]
    assert answer.startswith("Tohle by vám mohlo pomoci / This may help:")
