"""The in-memory router on a clock we drive by hand (``now`` is just a float)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from hovor.core.channels import ChannelCatalogue
from hovor.routing.engine import Router
from hovor.routing.model import (
    DEFAULT_HANDLE_SECONDS,
    FALLBACK_SLA_SECONDS,
    REJECTION_MEMORY,
    Agent,
    Change,
    Queue,
    Step,
    TargetError,
    Task,
    compile_target,
    target_matches,
)
from tests.routing.channels import CHANNELS, EMAIL, WEBCHAT

SLA_KINDS = {"sla_warning", "sla_breached"}


def agent(
    agent_id: str,
    status: str = "available",
    *,
    skills: dict[str, int] | None = None,
    capacity: dict[str, int] | None = None,
    **attributes: Any,
) -> Agent:
    return Agent(
        agent_id,
        status,
        skills=skills or {},
        attributes=attributes,
        capacity={"webchat": 1} if capacity is None else capacity,
    )


def task(
    task_id: str, queue_id: str = "q", channel: str = "webchat", at: float = 0.0, **kw: Any
) -> Task:
    return Task(task_id, queue_id, channel, created_at=at, **kw)


def router(*queues: Queue, agents: tuple[Agent, ...] = (), now: float = 0.0) -> Router:
    r = Router(CHANNELS)
    for q in queues or (Queue("q"),):
        r.put_queue(q, now)
    for a in agents:
        r.put_agent(a, now)
    return r


def moves(changes: list[Change]) -> list[tuple[str, str, str | None]]:
    """The changes without the SLA timers, as (kind, task, agent)."""
    return [(c.kind, c.task_id, c.agent_id) for c in changes if c.kind not in SLA_KINDS]


def holder(changes: list[Change], task_id: str) -> str | None:
    got = [
        c.agent_id for c in changes if c.kind in ("reserved", "assigned") and c.task_id == task_id
    ]
    return got[-1] if got else None


@pytest.fixture(autouse=True)
def _no_endless_loops() -> Iterator[None]:
    """A timer that re-arms itself at the same instant would hang ``advance``: fail instead."""

    def stop(*_: object) -> None:
        raise TimeoutError("the router did not return within 5 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


# -- strategies ---------------------------------------------------------------------------


def test_least_occupied_takes_the_lowest_share_of_capacity_on_the_channel() -> None:
    r = router()
    r.put_agent(agent("a", capacity={"webchat": 4}), 0)  # idle longer: wins ties
    r.put_agent(agent("b", capacity={"webchat": 2}), 1)
    got = [holder(r.submit(task(f"t{i}", at=2), 2), f"t{i}") for i in range(7)]
    # 0/4 = 0/2 (a idle longer), 1/4 < 0/2? no: b at 0, then a .25 < b .5, tie .5 → a, ...
    assert got == ["a", "b", "a", "a", "b", "a", None]
    assert r.agents["a"].load == {"webchat": 4} and r.agents["b"].load == {"webchat": 2}


def test_least_occupied_weighted_by_skill_divides_occupancy_by_the_level() -> None:
    r = router(Queue("q", weight_skill="sales"))
    r.put_agent(agent("a", skills={"sales": 1}, capacity={"webchat": 4}), 0)
    r.put_agent(agent("b", skills={"sales": 4}, capacity={"webchat": 4}), 1)
    got = [holder(r.submit(task(f"t{i}", at=2), 2), f"t{i}") for i in range(6)]
    # tie at 0: higher level first; then b's .25/4 = .0625 against a's 0, and so on
    assert got == ["b", "a", "b", "b", "b", "a"]


def test_longest_idle_takes_the_agent_free_of_work_for_longest() -> None:
    r = router(Queue("q", strategy="longest_idle"))
    r.put_agent(agent("a"), 0)
    r.put_agent(agent("c"), 5)
    r.put_agent(agent("b"), 10)
    got = [holder(r.submit(task(f"t{i}", at=20), 20), f"t{i}") for i in range(3)]
    assert got == ["a", "c", "b"]
    r.complete("t2", 30)  # b free since 30
    r.complete("t0", 40)  # a free since 40
    assert holder(r.submit(task("t3", at=60), 60), "t3") == "b"
    assert holder(r.submit(task("t4", at=60), 60), "t4") == "a"


def test_longest_idle_prefers_an_agent_with_no_work_over_one_idle_longer_with_some() -> None:
    r = router(Queue("q", strategy="longest_idle"))
    r.put_agent(agent("a", capacity={"webchat": 2}), 0)
    r.put_agent(agent("b", capacity={"webchat": 2}), 10)
    assert holder(r.submit(task("t1", at=20), 20), "t1") == "a"
    assert holder(r.submit(task("t2", at=20), 20), "t2") == "b"
    assert holder(r.submit(task("t3", at=20), 20), "t3") == "a"


@pytest.mark.parametrize(
    ("a_since", "weight", "expected"),
    [
        (0.0, "sales", "a"),  # idle 48 s longer x level 1 = 49 beats b's 1 x 5
        (47.0, "sales", "b"),  # 1 s longer x 1 = 2 loses to b's 5
        (47.0, None, "a"),  # unweighted: longest idle wins
    ],
)
def test_longest_idle_weighted_by_skill_multiplies_idle_time_by_the_level(
    a_since: float, weight: str | None, expected: str
) -> None:
    r = router(Queue("q", strategy="longest_idle", weight_skill=weight))
    r.put_agent(agent("a", skills={"sales": 1}), a_since)
    r.put_agent(agent("b", skills={"sales": 5}), 48)
    assert holder(r.submit(task("t", at=50), 50), "t") == expected


# -- steps and overflow -------------------------------------------------------------------

WIDENING = Queue(
    "q",
    steps=(Step("skills.billing >= 4", timeout=30), Step("skills.billing >= 1")),
    sla_seconds={"webchat": 1000},
)


def test_a_step_timeout_widens_the_target() -> None:
    r = router(
        WIDENING,
        agents=(
            agent("senior", "busy", skills={"billing": 5}),
            agent("junior", skills={"billing": 2}),
        ),
    )
    assert moves(r.submit(task("t"), 0)) == []
    assert r.tasks["t"].step == 0 and [t.id for t in r.waiting("q")] == ["t"]
    assert moves(r.advance(29.9)) == []
    changes = r.advance(30)
    assert moves(changes) == [("step", "t", None), ("assigned", "t", "junior")]
    assert changes[0].detail == {"step": 1}


def test_an_agent_who_matches_the_first_step_and_frees_in_time_gets_it() -> None:
    r = router(
        WIDENING,
        agents=(
            agent("senior", "busy", skills={"billing": 5}),
            agent("junior", skills={"billing": 2}),
        ),
    )
    r.submit(task("t"), 0)
    changes = r.put_agent(agent("senior", skills={"billing": 5}), 20)
    assert moves(changes) == [("assigned", "t", "senior")]
    assert moves(r.advance(30)) == []  # the step timer of a task that left does nothing


def test_after_the_last_step_the_task_overflows_and_keeps_its_sla_deadline() -> None:
    r = router(
        Queue(
            "a",
            steps=(Step("skills.a >= 2", timeout=10), Step("skills.a >= 1", timeout=20)),
            overflow_queue_id="b",
            sla_seconds={"webchat": 35},
        ),
        Queue("b", steps=(Step("skills.b >= 1"),), sla_seconds={"webchat": 500}),
        agents=(agent("y", skills={"b": 1}),),
    )
    assert moves(r.submit(task("t", "a"), 0)) == []  # y is reachable: not unroutable
    assert moves(r.advance(10)) == [("step", "t", None)]
    changes = r.advance(29.9)
    assert [c.kind for c in changes] == ["sla_warning"]  # 80 % of 35 s = 28 s
    assert [c.kind for c in r.advance(30)] == ["overflowed", "assigned"]
    assert r.tasks["t"].queue_id == "b" and r.tasks["t"].agent_id == "y"
    assert r.tasks["t"].deadline == 35  # from queue a, where it arrived


def test_breach_counts_from_arrival_through_the_overflow() -> None:
    r = router(
        Queue("a", steps=(Step("skills.a >= 1", timeout=20),), overflow_queue_id="b"),
        Queue("b", steps=(Step("skills.b >= 1"),), sla_seconds={"webchat": 500}),
        agents=(agent("y", "busy", skills={"b": 1}),),
    )
    r.submit(task("t", "a"), 0)
    assert [c.kind for c in r.advance(25)] == ["overflowed", "sla_warning"]
    assert [c.kind for c in r.advance(30)] == ["sla_breached"]  # webchat default 30 s


def test_repeated_rejections_do_not_skip_the_first_step_of_the_overflow_queue() -> None:
    r = router(
        Queue(
            "a",
            steps=(Step("skills.a >= 1", timeout=30),),
            overflow_queue_id="b",
            auto_accept=False,
            sla_seconds={"webchat": 1000},
        ),
        Queue("b", steps=(Step("skills.b >= 1", timeout=60), Step(""))),
        agents=(
            agent("x", skills={"a": 1}),
            agent("y", "offline", skills={"a": 1}),
            agent("w", "offline", skills={"a": 1}),
            agent("z", "offline", skills={"b": 1}),
        ),
    )
    r.submit(task("t", "a"), 0)
    r.reject("t", "x", 5)  # waits again (y and w have not said no)
    r.put_agent(agent("y", skills={"a": 1}), 6)
    r.reject("t", "y", 7)  # waits again: each wait armed a step timer for 30 s
    assert moves(r.advance(31)) == [("overflowed", "t", None)]
    assert r.tasks["t"].step == 0  # not pushed on to b's second step by the duplicate
    assert moves(r.advance(90)) == []
    assert moves(r.advance(91))[0] == ("step", "t", None)


def test_a_last_step_with_a_timeout_and_nowhere_to_go_keeps_the_task_waiting() -> None:
    r = router(Queue("q", steps=(Step("skills.x >= 1", timeout=60),)))
    r.put_agent(agent("x", "away", skills={"x": 1}), 0)
    r.submit(task("t"), 0)
    assert moves(r.advance(61)) == []
    assert moves(r.advance(500)) == []
    assert [t.id for t in r.waiting()] == ["t"]
    assert moves(r.put_agent(agent("x", skills={"x": 1}), 600)) == [("assigned", "t", "x")]


# -- reservations -------------------------------------------------------------------------

MANUAL = Queue("q", auto_accept=False, reservation_seconds=20, sla_seconds={"webchat": 1000})


def test_a_reservation_is_offered_and_accepted() -> None:
    r = router(MANUAL, agents=(agent("a"),))
    changes = r.submit(task("t"), 0)
    assert moves(changes) == [("reserved", "t", "a")]
    assert changes[0].detail == {"expires_at": 20}
    assert r.tasks["t"].status == "reserved" and r.agents["a"].load == {"webchat": 1}
    assert moves(r.accept("t", "a", 5)) == [("assigned", "t", "a")]
    assert r.tasks["t"].status == "assigned" and r.tasks["t"].assigned_at == 5
    assert moves(r.advance(25)) == []  # the old reservation timer does nothing
    with pytest.raises(LookupError):
        r.accept("t", "a", 6)


def test_accept_or_reject_by_someone_else_is_refused() -> None:
    r = router(MANUAL, agents=(agent("a"), agent("b", "away")))
    r.submit(task("t"), 0)
    with pytest.raises(LookupError):
        r.accept("t", "b", 1)
    with pytest.raises(LookupError):
        r.reject("t", "b", 1)
    with pytest.raises(LookupError):
        r.accept("nope", "a", 1)


def test_a_rejected_reservation_goes_to_the_next_agent() -> None:
    r = router(MANUAL)
    r.put_agent(agent("a"), 0)
    r.put_agent(agent("b"), 1)
    r.submit(task("t"), 2)
    assert r.tasks["t"].agent_id == "a"
    changes = r.reject("t", "a", 3)
    assert moves(changes) == [("requeued", "t", "a"), ("reserved", "t", "b")]
    assert changes[0].detail == {"reason": "rejected"}
    assert r.agents["a"].load == {"webchat": 0} and r.agents["b"].load == {"webchat": 1}


def test_a_reservation_that_times_out_goes_to_the_next_agent() -> None:
    r = router(MANUAL)
    r.put_agent(agent("a"), 0)
    r.put_agent(agent("b"), 1)
    r.submit(task("t"), 2)
    assert moves(r.advance(21.9)) == []
    changes = r.advance(22)
    assert moves(changes) == [("requeued", "t", "a"), ("reserved", "t", "b")]
    assert changes[0].detail == {"reason": "timeout"}
    assert r.tasks["t"].reservation_expires_at == 42


def test_when_everyone_rejected_the_task_is_offered_round_again() -> None:
    r = router(MANUAL)
    r.put_agent(agent("a"), 0)
    r.put_agent(agent("b"), 1)
    r.submit(task("t"), 2)
    r.reject("t", "a", 3)
    changes = r.reject("t", "b", 4)
    assert moves(changes) == [("requeued", "t", "b"), ("reserved", "t", "a")]
    assert r.tasks["t"].rejected == set()


def test_a_rejected_task_waits_for_an_agent_who_has_not_said_no() -> None:
    r = router(MANUAL, agents=(agent("a"), agent("b", "away")))
    r.submit(task("t"), 0)
    assert moves(r.reject("t", "a", 1)) == [("requeued", "t", "a")]
    assert moves(r.submit(task("u"), 2)) == [("reserved", "u", "a")]  # other work still comes
    assert moves(r.put_agent(agent("b"), 3)) == [("reserved", "t", "b")]


def test_auto_accept_assigns_at_once_without_a_reservation_timer() -> None:
    r = router(Queue("q", auto_accept=True), agents=(agent("a"),))
    assert moves(r.submit(task("t"), 0)) == [("assigned", "t", "a")]
    assert r.tasks["t"].status == "assigned" and r.tasks["t"].reservation_expires_at is None
    assert moves(r.advance(1000)) == []


# -- sticky agent -------------------------------------------------------------------------

STICKY = Queue("q", sticky_seconds=60, sla_seconds={"webchat": 1000})


def test_a_free_sticky_agent_gets_the_task_even_if_another_is_the_better_choice() -> None:
    r = router(STICKY)
    r.put_agent(agent("other"), 0)  # idle longer, would win otherwise
    r.put_agent(agent("last"), 5)
    assert moves(r.submit(task("t", at=10, sticky_agent_id="last"), 10)) == [
        ("assigned", "t", "last")
    ]


def test_a_busy_sticky_agent_is_waited_for_until_the_sticky_time_then_anyone() -> None:
    r = router(STICKY, agents=(agent("last", "busy"), agent("other")))
    assert moves(r.submit(task("t", sticky_agent_id="last"), 0)) == []
    assert [t.id for t in r.waiting()] == ["t"]
    assert moves(r.advance(59.9)) == []
    assert moves(r.advance(60)) == [("assigned", "t", "other")]


def test_a_sticky_agent_who_frees_up_within_the_window_gets_the_task() -> None:
    r = router(STICKY, agents=(agent("last"), agent("other", "away")))
    r.submit(task("first"), 0)
    assert r.tasks["first"].agent_id == "last"
    r.submit(task("t", at=1, sticky_agent_id="last"), 1)
    r.put_agent(agent("other"), 2)  # free, but t waits for "last"
    assert r.tasks["t"].status == "waiting"
    assert moves(r.complete("first", 30)) == [("assigned", "t", "last")]
    assert moves(r.advance(100)) == []


def test_when_the_sticky_agent_rejects_the_task_goes_to_someone_else_at_once() -> None:
    r = router(
        Queue("q", sticky_seconds=60, auto_accept=False, sla_seconds={"webchat": 1000}),
        agents=(agent("last"), agent("other")),
    )
    r.submit(task("t", sticky_agent_id="last"), 0)
    assert r.tasks["t"].agent_id == "last"
    assert moves(r.reject("t", "last", 5)) == [
        ("requeued", "t", "last"),
        ("reserved", "t", "other"),
    ]


def test_a_task_moved_out_of_its_sticky_wait_is_not_entered_twice_when_the_window_ends() -> None:
    r = router(STICKY, Queue("plain"), agents=(agent("last", "busy"), agent("other", "busy")))
    r.submit(task("t", sticky_agent_id="last"), 0)
    r.transfer("t", "plain", 10)  # no sticky time there: waits in plain's list
    r.advance(60)  # the old sticky timer
    r.put_agent(agent("other"), 70)
    assert r.tasks["t"].agent_id == "other" and r.waiting() == []
    assert moves(r.put_agent(agent("last"), 80)) == []  # no copy of t left in a list


def test_without_sticky_seconds_the_sticky_agent_is_ignored() -> None:
    r = router(Queue("q"))
    r.put_agent(agent("other"), 0)
    r.put_agent(agent("last"), 5)
    assert holder(r.submit(task("t", at=10, sticky_agent_id="last"), 10), "t") == "other"


# -- wrap-up ------------------------------------------------------------------------------


def test_wrap_up_holds_the_slot_then_frees_it_and_the_agent_takes_the_next_task() -> None:
    r = router(Queue("q", wrap_up_seconds=60, sla_seconds={"webchat": 1000}), agents=(agent("a"),))
    r.submit(task("t1"), 0)
    r.submit(task("t2", at=1), 1)
    assert moves(r.complete("t1", 100)) == []
    assert r.agents["a"].load == {"webchat": 1}
    assert moves(r.advance(159.9)) == []
    changes = r.advance(160)
    assert moves(changes) == [("wrap_up_ended", "", "a"), ("assigned", "t2", "a")]
    assert changes[0].detail == {"channel": "webchat"}


def test_a_reservation_cancelled_before_it_was_accepted_has_no_wrap_up() -> None:
    r = router(Queue("q", wrap_up_seconds=60, auto_accept=False), agents=(agent("a"),))
    r.submit(task("t1"), 0)
    r.submit(task("t2"), 0)
    assert moves(r.cancel("t1", 5)) == [("reserved", "t2", "a")]


# -- capacity per channel, e-mail deferred ------------------------------------------------


def test_per_channel_capacity_three_chats_and_one_callback() -> None:
    r = router(agents=(agent("a", capacity={"webchat": 3, "callback": 1}),))
    for i in range(4):
        r.submit(task(f"c{i}"), 0)
    for i in range(2):
        r.submit(task(f"cb{i}", channel="callback"), 0)
    assert r.agents["a"].load == {"webchat": 3, "callback": 1}
    assert sorted(t.id for t in r.waiting()) == ["c3", "cb1"]
    assert moves(r.complete("c0", 10)) == [("assigned", "c3", "a")]  # a chat frees a chat slot
    assert moves(r.complete("cb0", 11)) == [("assigned", "cb1", "a")]


def test_one_blended_team_serves_several_channels_from_several_queues() -> None:
    r = router(Queue("web"), Queue("phone"))
    r.put_agent(agent("a", capacity={"webchat": 2, "callback": 1}), 0)
    r.put_agent(agent("b", capacity={"webchat": 2}), 1)
    assert holder(r.submit(task("cb", "phone", "callback"), 2), "cb") == "a"
    # least occupied on the chat channel: the callback does not count against chats
    assert holder(r.submit(task("c1", "web"), 2), "c1") == "a"
    assert holder(r.submit(task("c2", "web"), 2), "c2") == "b"


def test_an_agent_without_capacity_on_a_channel_never_gets_it() -> None:
    r = router(agents=(agent("a", capacity={"webchat": 3}),))
    assert moves(r.submit(task("m", channel="email"), 0)) == [("unroutable", "m", None)]
    assert r.agents["a"].load == {}


def test_email_waits_while_a_chat_the_agent_could_take_waits() -> None:
    r = router(
        Queue("web"), Queue("mail"), agents=(agent("a", capacity={"webchat": 1, "email": 1}),)
    )
    r.submit(task("c1", "web"), 0)
    r.submit(task("c2", "web"), 1)
    assert moves(r.submit(task("m", "mail", "email"), 2)) == []  # a has e-mail room, but c2 waits
    changes = r.complete("c1", 10)
    assert moves(changes) == [("assigned", "c2", "a"), ("assigned", "m", "a")]


def test_email_goes_at_once_when_no_chat_waits() -> None:
    r = router(agents=(agent("a", capacity={"webchat": 1, "email": 2}),))
    r.submit(task("c1"), 0)
    assert moves(r.submit(task("m", channel="email"), 1)) == [("assigned", "m", "a")]


def test_a_waiting_chat_the_agent_cannot_take_does_not_hold_back_their_email() -> None:
    r = router(Queue("web", steps=(Step("skills.web >= 1"),)), Queue("mail"))
    r.put_agent(agent("chatty", skills={"web": 1}), 0)
    r.put_agent(agent("writer", capacity={"email": 1}), 0)
    r.submit(task("c1", "web"), 1)
    r.submit(task("c2", "web"), 1)  # waits; writer has no skill for it
    assert moves(r.submit(task("m", "mail", "email"), 2)) == [("assigned", "m", "writer")]


def test_when_a_waiting_chat_is_cancelled_the_held_back_email_goes() -> None:
    r = router(agents=(agent("a", capacity={"webchat": 1, "email": 1}),))
    r.submit(task("c1"), 0)
    r.submit(task("c2"), 0)
    r.submit(task("m", channel="email"), 0)
    assert moves(r.cancel("c2", 5)) == [("assigned", "m", "a")]


def test_what_is_deferred_and_each_channels_sla_come_from_the_catalogue() -> None:
    # A catalogue where e-mail is real-time and chat deferred turns the rule around.
    swapped = ChannelCatalogue(
        [replace(EMAIL, realtime=True), replace(WEBCHAT, realtime=False, default_sla_seconds=90)]
    )
    r = Router(swapped)
    r.put_queue(Queue("q"), 0)
    r.put_agent(agent("a", capacity={"webchat": 1, "email": 1}), 0)
    r.submit(task("m1", channel="email"), 0)  # takes the e-mail slot
    r.submit(task("m2", channel="email"), 0)  # waits: real-time now
    assert moves(r.submit(task("c", channel="webchat"), 0)) == []  # held back for m2
    assert r.tasks["c"].deadline == 90
    # A channel the catalogue does not know: real-time, a day's SLA.
    r.put_agent(agent("b", capacity={"fax": 1}), 0)
    assert moves(r.submit(task("f", channel="fax"), 0)) == [("assigned", "f", "b")]
    assert r.tasks["f"].deadline == FALLBACK_SLA_SECONDS


def test_a_resumed_wrap_up_holds_the_slot_until_it_ends() -> None:
    r = router(agents=(agent("a"),))
    r.resume_wrap_up("a", "webchat", until=40, now=10)  # completed elsewhere at 0, 40 s
    assert moves(r.submit(task("c"), 10)) == []
    assert moves(r.advance(39)) == []
    assert moves(r.advance(40)) == [("wrap_up_ended", "", "a"), ("assigned", "c", "a")]
    r.resume_wrap_up("a", "webchat", until=40, now=41)  # over already: nothing held
    assert r.agents["a"].load == {"webchat": 1}


# -- order --------------------------------------------------------------------------------


def test_higher_priority_first_then_the_oldest() -> None:
    r = router(agents=(agent("a", "away"),))
    r.submit(task("old", at=0), 0)
    r.submit(task("vip", at=5, priority=10), 5)
    r.submit(task("newer", at=3), 6)
    r.submit(task("vip2", at=7, priority=10), 7)
    order = []
    r.put_agent(agent("a"), 10)
    for _ in range(4):
        current = next(t for t in r.tasks.values() if t.status == "assigned")
        order.append(current.id)
        r.complete(current.id, 20)
    assert order == ["vip", "vip2", "old", "newer"]


# -- callbacks ----------------------------------------------------------------------------


def test_a_callback_is_not_routed_before_its_time_and_its_sla_counts_from_then() -> None:
    r = router(agents=(agent("a", capacity={"callback": 1}),))
    cb = task("cb", channel="callback", ready_at=600)
    assert moves(r.submit(cb, 0)) == []
    assert cb.deadline == 900  # ready_at + the 300 s callback target
    assert cb.status == "waiting" and r.agents["a"].load == {}
    assert moves(r.advance(599.9)) == []
    assert moves(r.advance(600)) == [("assigned", "cb", "a")]


def test_a_callback_due_with_everyone_busy_warns_at_80_percent_and_breaches() -> None:
    r = router(agents=(agent("a", "busy", capacity={"callback": 1}),))
    r.submit(task("cb", channel="callback", ready_at=600), 0)
    assert r.advance(839.9) == []
    assert [(c.kind, c.detail) for c in r.advance(840)] == [("sla_warning", {"deadline": 900})]
    assert [c.kind for c in r.advance(900)] == ["sla_breached"]


# -- SLA ----------------------------------------------------------------------------------


def test_sla_warning_at_80_percent_and_breach_at_the_target() -> None:
    r = router(Queue("q", sla_seconds={"webchat": 50}), agents=(agent("a", "busy"),))
    r.submit(task("t", at=10), 10)
    assert r.advance(49.9) == []
    assert [c.kind for c in r.advance(50)] == ["sla_warning"]  # 10 + 0.8 * 50
    assert [c.kind for c in r.advance(60)] == ["sla_breached"]
    assert r.tasks["t"].sla_warned and r.tasks["t"].sla_breached


def test_a_task_answered_in_time_neither_warns_nor_breaches() -> None:
    r = router(agents=(agent("a", "busy"),))
    r.submit(task("t"), 0)
    r.put_agent(agent("a"), 10)
    assert r.advance(100) == []


def test_a_reservation_not_yet_accepted_still_warns_and_breaches() -> None:
    r = router(Queue("q", auto_accept=False, reservation_seconds=100), agents=(agent("a"),))
    r.submit(task("t"), 0)
    assert [c.kind for c in r.advance(30)] == ["sla_warning", "sla_breached"]


# -- unroutable ---------------------------------------------------------------------------


def test_a_task_no_agent_matches_is_reported_and_routable_again_when_one_arrives() -> None:
    r = router(Queue("q", steps=(Step('skills.german >= 1 && attributes.site == "berlin"'),)))
    r.put_agent(agent("a", skills={"german": 2}, site="paris"), 0)
    assert moves(r.submit(task("t"), 0)) == [("unroutable", "t", None)]
    assert r.tasks["t"].unroutable and [t.id for t in r.waiting()] == ["t"]
    # an agent with the skill, even offline, makes it routable
    assert moves(r.put_agent(agent("b", "offline", skills={"german": 1}, site="berlin"), 5)) == [
        ("routable", "t", None)
    ]
    assert moves(r.put_agent(agent("b", skills={"german": 1}, site="berlin"), 6)) == [
        ("assigned", "t", "b")
    ]


def test_no_capacity_on_the_channel_is_unroutable() -> None:
    r = router(agents=(agent("a", capacity={"webchat": 2}),))
    assert moves(r.submit(task("cb", channel="callback"), 0)) == [("unroutable", "cb", None)]
    changes = r.put_agent(agent("a", capacity={"webchat": 2, "callback": 1}), 1)
    assert moves(changes) == [("routable", "cb", None), ("assigned", "cb", "a")]


def test_a_match_only_in_a_later_step_or_the_overflow_queue_is_routable() -> None:
    r = router(
        Queue("a", steps=(Step("skills.x >= 5", timeout=10),), overflow_queue_id="b"),
        Queue("b", steps=(Step("skills.y >= 5", timeout=10), Step("skills.x >= 1"))),
        agents=(agent("low", "away", skills={"x": 1}),),
    )
    assert moves(r.submit(task("t", "a"), 0)) == []
    r.advance(20)  # now in b, step 0: only step 1 matches "low"
    assert not r.tasks["t"].unroutable


def test_an_agent_losing_the_skill_or_leaving_makes_waiting_tasks_unroutable() -> None:
    r = router(Queue("q", steps=(Step("skills.x >= 1"),)))
    r.put_agent(agent("a", "away", skills={"x": 1}), 0)
    r.put_agent(agent("b", "away", skills={"x": 1}), 0)
    r.submit(task("t"), 0)
    assert moves(r.put_agent(agent("a", "away"), 1)) == []  # b still matches
    assert moves(r.remove_agent("b")) == [("unroutable", "t", None)]


# -- targets ------------------------------------------------------------------------------


def test_a_target_that_does_not_compile_names_line_and_column() -> None:
    with pytest.raises(TargetError, match=r"1:\d+"):
        compile_target("skills.billing >=")
    with pytest.raises(TargetError, match=r"2:\d+"):
        Queue("q", steps=(Step("skills.a >= 1 &&\n  )"),))


def test_a_target_reading_anything_but_skills_and_attributes_is_refused() -> None:
    with pytest.raises(TargetError, match="unknown name visitor"):
        compile_target('visitor.country == "de"')
    with pytest.raises(TargetError, match="unknown name task"):
        Queue("q", steps=(Step(""), Step("task.priority > 1")))


def test_a_queue_needs_a_step() -> None:
    with pytest.raises(TargetError, match="at least one step"):
        Queue("q", steps=())


@pytest.mark.parametrize(
    ("source", "skills", "attributes", "expected"),
    [
        ("", {}, {}, True),
        ("skills.billing >= 3", {"billing": 3}, {}, True),
        ("skills.billing >= 3", {"billing": 2}, {}, False),
        ("skills.billing >= 3", {}, {}, False),  # no such skill: no match, not an error
        ('"billing" in skills', {"billing": 1}, {}, True),
        (
            'attributes.language == "de" || skills.german > 2',
            {"german": 3},
            {"language": "fr"},
            True,
        ),
        ('attributes.team in ["a", "b"]', {}, {"team": "b"}, True),
        ("skills.billing", {"billing": 3}, {}, False),  # not a boolean: not a match
    ],
)
def test_targets_match_over_skills_and_attributes(
    source: str, skills: dict[str, int], attributes: dict[str, Any], expected: bool
) -> None:
    assert target_matches(compile_target(source), skills, attributes) is expected


# -- transfers, manual assignment ---------------------------------------------------------


def test_transfer_to_another_queue_keeps_arrival_and_sla_and_frees_the_agent() -> None:
    r = router(
        Queue("sales", steps=(Step("skills.sales >= 1"),)),
        Queue("billing", steps=(Step("skills.billing >= 1"),), sla_seconds={"webchat": 999}),
        agents=(agent("s", skills={"sales": 1}), agent("b", skills={"billing": 1})),
    )
    r.submit(task("t", "sales", at=0), 0)
    r.submit(task("next", "sales", at=1), 1)  # waits for s
    changes = r.transfer("t", "billing", 10)
    assert moves(changes) == [("assigned", "next", "s"), ("assigned", "t", "b")]
    t = r.tasks["t"]
    assert (t.queue_id, t.created_at, t.deadline, t.step) == ("billing", 0, 30, 0)


def test_a_transfer_restarts_the_step_timers_of_the_new_queue() -> None:
    r = router(
        Queue("a", steps=(Step("skills.a >= 1", timeout=30),), sla_seconds={"webchat": 1000}),
        Queue("b", steps=(Step("skills.b >= 1", timeout=60), Step(""))),
        agents=(agent("x", "away", skills={"a": 1}), agent("y", "away", skills={"b": 1})),
    )
    r.submit(task("t", "a"), 0)
    r.transfer("t", "b", 20)
    assert moves(r.advance(31)) == []  # queue a's timer belongs to the old queue
    assert r.tasks["t"].step == 0
    assert moves(r.advance(80)) == [("step", "t", None)]


def test_a_transferred_callback_still_waits_for_its_time() -> None:
    r = router(Queue("a"), Queue("b"), agents=(agent("x", capacity={"callback": 1}),))
    r.submit(task("cb", "a", "callback", ready_at=600), 0)
    assert moves(r.transfer("cb", "b", 10)) == []
    assert moves(r.advance(600)) == [("assigned", "cb", "x")]


def test_transfer_to_a_missing_queue_is_refused_and_changes_nothing() -> None:
    r = router(agents=(agent("a"),))
    r.submit(task("t"), 0)
    with pytest.raises(KeyError):
        r.transfer("t", "nope", 1)
    assert r.tasks["t"].status == "assigned" and r.agents["a"].load == {"webchat": 1}


def test_assign_to_gives_the_task_to_that_agent_whatever_their_capacity() -> None:
    r = router(agents=(agent("a"), agent("b")))
    r.submit(task("t1"), 0)
    r.submit(task("t2"), 0)
    r.submit(task("t3"), 0)  # waits: both full
    changes = r.assign_to("t3", "a", 1)
    assert moves(changes) == [("assigned", "t3", "a")]
    assert r.agents["a"].load == {"webchat": 2} and r.waiting() == []
    holder_of_t1 = r.tasks["t1"].agent_id
    changes = r.assign_to("t1", "b" if holder_of_t1 == "a" else "a", 2)
    assert [c.kind for c in changes] == ["assigned"]
    assert r.assign_to("t3", "a", 3) == []  # already theirs
    with pytest.raises(KeyError):
        r.assign_to("t3", "nobody", 4)


def test_an_agent_removed_while_holding_work_comes_back_with_that_work_counted() -> None:
    r = router(Queue("q", wrap_up_seconds=10), agents=(agent("a"),))
    r.submit(task("t1"), 0)
    r.remove_agent("a")
    r.submit(task("t2"), 1)  # nobody can take it now
    assert moves(r.put_agent(agent("a"), 2)) == [("routable", "t2", None)]  # a is full: t1
    assert r.agents["a"].load == {"webchat": 1}
    r.complete("t1", 3)
    assert moves(r.advance(13)) == [("wrap_up_ended", "", "a"), ("assigned", "t2", "a")]


# -- estimated wait, restart --------------------------------------------------------------


def test_estimated_wait_is_tasks_ahead_plus_one_times_handle_time_over_slots() -> None:
    r = router(Queue("q", steps=(Step("skills.x >= 1"),)))
    assert r.estimated_wait("q", "webchat") is None  # nobody could take it
    r.put_agent(agent("a", skills={"x": 1}), 0)
    r.put_agent(agent("b", skills={"x": 1}), 0)
    assert r.estimated_wait("q", "webchat") == 0.0
    for i in range(5):
        r.submit(task(f"t{i}"), 0)
    assert r.estimated_wait("q", "webchat") == (3 + 1) * DEFAULT_HANDLE_SECONDS / 2
    r.complete("t0", 100)  # handled in 100 s: the average moves 20 % towards it
    assert r.average_handle_seconds("q") == 100
    r.complete("t1", 300)
    assert r.average_handle_seconds("q") == pytest.approx(0.8 * 100 + 0.2 * 300)


def test_a_task_reloaded_after_a_restart_keeps_its_reservation_and_load() -> None:
    r = router(Queue("q", auto_accept=False), agents=(agent("a"), agent("b")))
    reloaded = task("t", status="reserved", agent_id="a", reservation_expires_at=50.0, seq=7)
    assert r.submit(reloaded, 40) == []
    assert r.agents["a"].load == {"webchat": 1}
    assert moves(r.advance(50)) == [("requeued", "t", "a"), ("reserved", "t", "b")]


def test_unknown_queue_is_refused() -> None:
    with pytest.raises(KeyError):
        router().submit(task("t", "nope"), 0)


def test_a_no_is_forgotten_after_a_while_when_nobody_else_comes() -> None:
    r = router(MANUAL, agents=(agent("a"), agent("b", "offline")))
    r.submit(task("t"), 0)
    assert moves(r.reject("t", "a", 1)) == [("requeued", "t", "a")]
    assert moves(r.advance(1 + REJECTION_MEMORY - 1)) == []  # b is offline, a said no
    assert moves(r.advance(1 + REJECTION_MEMORY)) == [("reserved", "t", "a")]  # asked again
    assert r.tasks["t"].rejected == set()
