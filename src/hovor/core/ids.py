"""Identifiers: ULIDs, sortable by creation time, as 26-character strings.

python-ulid makes them: a ``ULIDGenerator`` with the library's lax monotonic policy, so ids
made in the same millisecond sort in the order they were made (the first one of a millisecond
has random low bits, each next one adds 1; should the 80 bits ever run out within one
millisecond, the next id starts from fresh randomness instead of failing). Across a clock step
backwards ids follow the clock, as the library's do.

``IdGenerator`` adds what the hot paths need and the library does not offer (an id is made per
tracked event): the text without building a ``ULID`` object (``str(ULID)`` encodes in pure
Python, ~3 µs an id) and a batch of consecutive ids reserved under one lock. Both share the
generator's lock and policy state with ``generate()``, so the three can be mixed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from ulid import LaxMonotonicPolicy, RandomnessSource, ULIDGenerator, constants

# Crockford's base32, the ULID alphabet, two characters (10 bits) at a time. A ULID's text is
# its 48 bits of time (with 2 leading zero bits: 10 characters) and 80 random bits (16); ids made
# one after another share all but their last 10 bits, so the first 24 characters are kept
# (``_head``) and an id costs one look-up. The same text python-ulid writes.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]
_RANDOMNESS_LEN = constants.RANDOMNESS_LEN
_MAX_RANDOMNESS = int.from_bytes(constants.MAX_RANDOMNESS, "big")


class _ReservingPolicy(LaxMonotonicPolicy):
    """The lax monotonic policy that can also hand out ``n`` consecutive values at once."""

    def reserve(self, timestamp: int, randomness_source: RandomnessSource, n: int) -> int:
        """The randomness of the first of ``n`` consecutive ids in ``timestamp``; the policy
        then continues after the last of them."""
        first = int.from_bytes(self.resolve_randomness(timestamp, randomness_source), "big")
        if n > 1:
            # Would the run pass the 80 bits? Start afresh, as the lax policy does for one id.
            while first + n - 1 > _MAX_RANDOMNESS:
                first = int.from_bytes(randomness_source(timestamp), "big")
            self.prev_randomness = (first + n - 1).to_bytes(_RANDOMNESS_LEN, "big")
        return first


class IdGenerator(ULIDGenerator):
    """A ``ULIDGenerator`` (lax monotonic) that also writes ids straight as text.

    ``clock`` returns Unix milliseconds (the system clock by default) and ``randomness`` the
    10 random bytes of a new millisecond (``os.urandom`` by default); tests drive both.
    """

    def __init__(
        self,
        clock: Callable[[], int] | None = None,
        randomness: RandomnessSource | None = None,
    ) -> None:
        self._reserving = _ReservingPolicy()
        super().__init__(clock=clock, randomness=randomness, policy=self._reserving)
        self._cached_head: tuple[int, str] = (-1, "")  # one tuple: threads never see half of it

    def _head(self, ms: int, high: int) -> str:
        """The first 24 characters: the time and the random bits but the last 10 (``high``)."""
        key = (ms << 70) | high
        cached = self._cached_head
        if cached[0] != key:
            if not 0 <= ms <= constants.MAX_TIMESTAMP:
                raise ValueError(f"{ms} ms is outside the 48 bits of a ULID's time")
            text = "".join(
                [_PAIRS[(ms >> s) & 1023] for s in (40, 30, 20, 10, 0)]
                + [_PAIRS[(high >> s) & 1023] for s in (60, 50, 40, 30, 20, 10, 0)]
            )
            cached = self._cached_head = (key, text)
        return cached[1]

    def new_id(self) -> str:
        with self.lock:  # the clock is read under the lock too, so threads cannot interleave
            ms = self.clock()
            randomness = self._reserving.resolve_randomness(ms, self.randomness_source)
        r = int.from_bytes(randomness, "big")
        return self._head(ms, r >> 10) + _PAIRS[r & 1023]

    def new_ids(self, n: int) -> list[str]:
        """``n`` consecutive ids of one millisecond, in order."""
        if n <= 0:
            return []
        with self.lock:
            ms = self.clock()
            first = self._reserving.reserve(ms, self.randomness_source, n)
        out: list[str] = []
        r, end = first, first + n
        while r < end:  # in runs that share their first 24 characters
            run_end = min(end, (r | 1023) + 1)
            head = self._head(ms, r >> 10)
            out.extend([head + _PAIRS[v & 1023] for v in range(r, run_end)])
            r = run_end
        return out


_generator = IdGenerator()


def new_id() -> str:
    """A ULID, greater than every id this process made before in the same millisecond."""
    return _generator.new_id()


def new_ids(n: int) -> list[str]:
    """``n`` ULIDs at once, in increasing order (one lock and one encoding for all of them)."""
    return _generator.new_ids(n)


def new_secret(prefix: str, nbytes: int = 24) -> str:
    """A random, URL-safe secret with a readable prefix (``hvr_…``, ``pk_…``)."""
    return f"{prefix}_{secrets.token_urlsafe(nbytes)}"
