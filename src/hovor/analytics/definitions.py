"""Service metrics, one function per definition in docs/analytics.md ("Service metrics").

Each function takes plain values (times, statuses) so the definitions are tested on
hand-made timelines, and each docstring quotes the documentation it implements. The
rollups (``facts.py``) store what these functions return; the reports only add them up.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

REPEAT_WINDOW = timedelta(days=7)
CALLBACK_TARGET = timedelta(minutes=5)
CSAT_SATISFIED = 4  # on the 1-5 scale: 4 and 5 are "satisfied"


def first_response_seconds(
    opened_at: datetime, first_agent_reply_at: datetime | None
) -> float | None:
    """ "First response time: from the conversation's opening to the first message an agent
    sent in it that the customer could see (private notes and system notes do not count).
    A conversation no agent has answered has none."""
    if first_agent_reply_at is None:
        return None
    return max(0.0, (first_agent_reply_at - opened_at).total_seconds())


def resolution_seconds(opened_at: datetime, closed_at: datetime | None) -> float | None:
    """ "Resolution time: from the conversation's opening to its closing; a reopened
    conversation counts to its last closing. An open conversation has none."""
    if closed_at is None:
        return None
    return max(0.0, (closed_at - opened_at).total_seconds())


def is_repeat_contact(opened_at: datetime, others_opened_at: Iterable[datetime]) -> bool:
    """ "Repeat contact within 7 days: a conversation is repeated when the same contact
    opened another conversation, on any channel, within 7 days after it was opened."""
    return any(opened_at < other <= opened_at + REPEAT_WINDOW for other in others_opened_at)


def is_first_contact_resolution(
    closed_at: datetime | None, others_opened_at: Iterable[datetime]
) -> bool | None:
    """ "First-contact resolution (FCR): a closed conversation is resolved at first contact
    when the same contact opened no other conversation, on any channel, within 7 days
    after it was closed. Open conversations are not counted."""
    if closed_at is None:
        return None
    return not any(closed_at < other <= closed_at + REPEAT_WINDOW for other in others_opened_at)


def speed_of_answer_seconds(queued_at: datetime, assigned_at: datetime | None) -> float | None:
    """ "ASA (average speed of answer): the mean, over routing tasks an agent took, of the
    time from the task entering its queue to its assignment."""
    if assigned_at is None:
        return None
    return max(0.0, (assigned_at - queued_at).total_seconds())


def is_abandoned(assigned_at: datetime | None, ended_at: datetime | None) -> bool | None:
    """ "Abandonment: the share of routing tasks that ended without ever being assigned to an
    agent (the customer left, the conversation was closed unanswered), among the tasks that
    were assigned or ended. A task still waiting is not counted yet."""
    if assigned_at is not None:
        return False
    if ended_at is None:
        return None
    return True


def met_service_level(
    assigned_at: datetime | None, ended_at: datetime | None, deadline: datetime
) -> bool | None:
    """ "Service level: the share of routing tasks assigned by their first-response target
    (the queue's SLA for the channel), among the tasks that were assigned or abandoned; an
    abandoned task is a miss."""
    if assigned_at is not None:
        return assigned_at <= deadline
    if ended_at is None:
        return None
    return False


def reached_within_target(
    requested_at: datetime, status: str, reached_at: datetime | None
) -> bool | None:
    """ "Callbacks reached within 5 minutes: the share of callback requests whose call
    reached the customer (outcome *reached*) with the outcome recorded within 5 minutes of
    the request, among the requests that ended (reached, failed or cancelled)."""
    if status == "pending":
        return None
    if status != "done" or reached_at is None:
        return False
    return reached_at - requested_at <= CALLBACK_TARGET


def handle_seconds(assigned_at: datetime | None, ended_at: datetime | None) -> float | None:
    """ "Handle time: from a routing task's assignment to an agent to its end (the
    conversation closed or handed on). Occupancy is handle time over staffed time."""
    if assigned_at is None or ended_at is None:
        return None
    return max(0.0, (ended_at - assigned_at).total_seconds())


def is_satisfied(score: int) -> bool:
    """ "CSAT: the share of ratings of 4 or 5 on the 1-5 scale, among all ratings."""
    return score >= CSAT_SATISFIED


def staffed_seconds(
    status: str, started_at: datetime, ended_at: datetime | None, staffed: tuple[str, ...]
) -> float | None:
    """ "Staffed time: the time an agent's presence was online or busy (logged in and
    working); away and offline are not staffed. A presence period counts once it ends."""
    if status not in staffed or ended_at is None:
        return None
    return max(0.0, (ended_at - started_at).total_seconds())


def occupancy(handle_seconds: float, staffed_seconds: float) -> float | None:
    """ "Occupancy: the share of staffed time spent handling conversations, the handle time
    of the routing tasks an agent took divided by their staffed time over the same period
    (for a team or everyone: the sums of both). Conversations handled at the same time each
    count, so an agent taking several chats at once can pass 100 %. None without staffed
    time."""
    if staffed_seconds <= 0:
        return None
    return handle_seconds / staffed_seconds
