"""The bot's chat written into the callback it led to: pure text, no database."""

from __future__ import annotations

from hovor.bot.replies import TRANSCRIPT_LINE, transcript_note


def test_the_whole_chat_in_order_with_its_conversation_named() -> None:
    note = transcript_note(
        [("Customer", "Jak  vrátit\nzboží?"), ("Hovorka", "Nejsem si jistý.")], "c1", 4000
    )
    assert note.splitlines() == [
        "The chat with the bot before this callback (conversation c1):",
        "Customer: Jak vrátit zboží?",
        "Hovorka: Nejsem si jistý.",
    ]


def test_a_long_chat_keeps_its_newest_messages_within_the_limit() -> None:
    lines = [("Customer", f"message {i} " + "x" * 80) for i in range(100)]
    note = transcript_note(lines, "c1", 4000)
    assert len(note) <= 4000
    kept = note.splitlines()
    assert kept[1].startswith("… ") and kept[1].endswith("earlier message(s) in the chat")
    assert kept[-1].startswith("Customer: message 99 ")
    dropped = int(kept[1].split()[1])
    assert dropped + len(kept) - 2 == 100


def test_one_huge_message_is_cut_not_dropped() -> None:
    note = transcript_note([("Customer", "a" * 4000)], "c1", 4000)
    line = note.splitlines()[1]
    assert len(line) == len("Customer: ") + TRANSCRIPT_LINE and line.endswith("…")
