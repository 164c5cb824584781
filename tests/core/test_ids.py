"""ULIDs: python-ulid's text, sortable, monotonic within a millisecond (the clock is driven)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ulid import ULID, constants

from hovor.core import ids
from hovor.core.ids import IdGenerator

CROCKFORD = re.compile(r"[0-7][0-9A-HJKMNP-TV-Z]{25}")
T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z in ms
MAX_R = int.from_bytes(constants.MAX_RANDOMNESS, "big")


class Clock:
    """Unix milliseconds that move only when told to."""

    def __init__(self, ms: int = T0) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def fixed_randomness(value: int) -> Callable[[int], bytes]:
    return lambda _ms: value.to_bytes(constants.RANDOMNESS_LEN, "big")


def as_int(text: str) -> int:
    return int(ULID.from_str(text))


def test_module_ids_are_26_crockford_characters_of_now() -> None:
    one, many = ids.new_id(), ids.new_ids(3)
    for text in (one, *many):
        assert CROCKFORD.fullmatch(text)
    assert len({one, *many}) == 4
    assert many == sorted(many)
    assert ids.new_ids(0) == []


# From 1 ms: the library's policy starts as if an id had been made at 0 ms (its MIN_TIMESTAMP),
# so a first id at exactly the epoch would count on from zero instead of drawing.
@given(
    ms=st.integers(1, constants.MAX_TIMESTAMP),
    randomness=st.integers(0, MAX_R),
)
def test_the_text_is_python_ulids(ms: int, randomness: int) -> None:
    generator = IdGenerator(clock=Clock(ms), randomness=fixed_randomness(randomness))
    text = generator.new_id()
    assert CROCKFORD.fullmatch(text)
    expected = ULID.from_bytes(ms.to_bytes(6, "big") + randomness.to_bytes(10, "big"))
    assert text == str(expected)
    assert ULID.from_str(text).milliseconds == ms


def test_ids_of_one_millisecond_count_up_by_one_across_10_bit_runs() -> None:
    clock = Clock()
    generator = IdGenerator(clock=clock, randomness=fixed_randomness(1000))
    made = [generator.new_id() for _ in range(30)] + generator.new_ids(3000)
    made += [generator.new_id(), str(generator.generate()), generator.new_id()]
    values = [as_int(t) for t in made]
    assert values == list(range(values[0], values[0] + len(made)))
    assert made == sorted(made)
    assert {ULID.from_str(t).milliseconds for t in made} == {T0}


def test_a_later_millisecond_sorts_after_whatever_its_random_bits() -> None:
    clock = Clock()
    draws = iter([MAX_R - 5, 0, 7])
    generator = IdGenerator(clock=clock, randomness=lambda _ms: next(draws).to_bytes(10, "big"))
    first = generator.new_ids(3)
    clock.ms += 1
    second = generator.new_id()
    clock.ms += 1
    third = generator.new_ids(2)
    assert [as_int(t) & MAX_R for t in [*first, second, *third]] == [
        MAX_R - 5,
        MAX_R - 4,
        MAX_R - 3,
        0,
        7,
        8,
    ]
    assert [*first, second, *third] == sorted([*first, second, *third])


def test_running_out_of_random_bits_starts_afresh_instead_of_failing() -> None:
    draws = iter([MAX_R - 1, 40, MAX_R - 2, 500])
    generator = IdGenerator(clock=Clock(), randomness=lambda _ms: next(draws).to_bytes(10, "big"))
    assert [as_int(t) & MAX_R for t in generator.new_ids(2)] == [MAX_R - 1, MAX_R]
    assert as_int(generator.new_id()) & MAX_R == 40  # the policy's own overflow: a fresh draw
    # A batch that would pass the top is drawn again as a whole, still in order.
    generator = IdGenerator(clock=Clock(), randomness=lambda _ms: next(draws).to_bytes(10, "big"))
    batch = generator.new_ids(5)
    assert [as_int(t) & MAX_R for t in batch] == [500, 501, 502, 503, 504]


def test_threads_sharing_a_millisecond_get_distinct_ids() -> None:
    generator = IdGenerator(clock=Clock())
    made: list[list[str]] = [[] for _ in range(4)]

    def work(out: list[str]) -> None:
        for _ in range(500):
            out.append(generator.new_id())
        out.extend(generator.new_ids(500))

    threads = [threading.Thread(target=work, args=(out,)) for out in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [t for out in made for t in out]
    assert len(set(everything)) == 4000
    values = sorted(as_int(t) for t in everything)
    assert values == list(range(values[0], values[0] + 4000))  # one gap-free run
    for out in made:
        assert out == sorted(out)  # each thread sees its own ids increase


def test_a_time_outside_48_bits_is_refused() -> None:
    with pytest.raises(ValueError, match="48 bits"):
        IdGenerator(clock=Clock(constants.MAX_TIMESTAMP + 1)).new_id()
    with pytest.raises(ValueError, match="48 bits"):
        IdGenerator(clock=Clock(-1)).new_ids(2)
