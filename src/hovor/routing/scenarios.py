"""Ready-made simulation scenarios (``hovor simulate --scenario blended``)."""

from __future__ import annotations

from hovor.core.channels import ChannelCatalogue
from hovor.routing.model import Queue, Step
from hovor.routing.simulation import (
    CALLBACK_TARGET_SECONDS,
    AgentGroup,
    HandleTime,
    Scenario,
    Stream,
)


def blended(channels: ChannelCatalogue, hours: float = 8.0, seed: int = 1) -> Scenario:
    """One blended team on two web queues (skills, steps, overflow), callbacks and e-mail.

    Sales chats first go to strong sellers (level 3+) for 20 s, then to any seller, and
    after 60 s overflow to the general queue (anyone). Support chats prefer level 2+.
    Callbacks are half "as soon as possible", half booked up to two hours ahead. E-mail
    fills the gaps: an agent gets it only while no chat they could take is waiting (when
    ``channels`` says e-mail is deferred, as the built-in adapters' catalogue does).
    """
    queues = (
        Queue(
            "sales",
            steps=(Step("skills.sales >= 3", timeout=20), Step("skills.sales >= 1", timeout=40)),
            overflow_queue_id="general",
            strategy="longest_idle",
            weight_skill="sales",
            wrap_up_seconds=15,
        ),
        Queue(
            "support",
            steps=(Step("skills.support >= 2", timeout=30), Step("skills.support >= 1")),
            weight_skill="support",
            wrap_up_seconds=15,
        ),
        Queue("general", wrap_up_seconds=15),
        Queue("callbacks", steps=(Step("skills.sales >= 1 || skills.support >= 1"),)),
        Queue("email", sla_seconds={"email": 4 * 3600}),
    )
    chat, blend = {"webchat": 3, "email": 2}, {"webchat": 3, "callback": 1, "email": 2}
    agents = (
        AgentGroup("sales", 5, chat, {"sales": 4, "support": 1}),
        AgentGroup("junior", 3, chat, {"sales": 2}),
        AgentGroup("support", 6, blend, {"support": 3, "sales": 1}),
        AgentGroup("phone", 2, {"callback": 1, "email": 2}, {"support": 2}),
    )
    streams = (
        Stream("sales", "webchat", 110, HandleTime(540, "lognormal"), patience_seconds=240),
        Stream("support", "webchat", 90, HandleTime(720, "lognormal"), patience_seconds=300),
        Stream(
            "callbacks",
            "callback",
            60,
            HandleTime(360),
            target_seconds=CALLBACK_TARGET_SECONDS,
            scheduled_share=0.5,
        ),
        Stream("email", "email", 40, HandleTime(480)),
    )
    return Scenario(
        queues, agents, streams, hours=hours, seed=seed, title="blended team", channels=channels
    )
