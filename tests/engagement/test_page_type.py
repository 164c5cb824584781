"""The page type a shop declares reaches the rules through tracking, on both databases:
a ``page.view`` with ``page_type`` (as the tracker sends it from ``data-hovor-page-type``)
fires the terms template set to that type, whatever the page's URL."""

from __future__ import annotations

from itertools import count

import pytest

from hovor.core import clock
from hovor.engagement import service
from hovor.engagement.rules.templates import TEMPLATES
from hovor.tracking.live import LiveVisitor
from tests.engagement.test_runtime import Node, node
from tests.support.events import CaptureEvents

pytestmark = pytest.mark.storage
__all__ = ["node"]

_ids = count(1)


async def view(node: Node, live: LiveVisitor, url: str, **props: str) -> None:
    event = {
        "id": f"pt{next(_ids)}",
        "ts": clock.now().isoformat(),
        "type": "page.view",
        "props": props,
        "page": {"url": url, "title": "Page"},
    }
    ack = await node.tracking.track(live, [event])
    assert ack.rejected == []


async def test_the_terms_page_by_its_declared_type(
    node: Node, capture_events: CaptureEvents
) -> None:
    data = TEMPLATES["terms_revisited"].build(
        {
            "key": "terms",
            "page_type": "terms",
            "path": None,
            "times": 2,
            "action": "message",
            "control_share": 0,  # no control group: this visitor must see it
        }
    )
    async with node.db.transaction() as tx:
        await service.do_create_rule(tx, node.ws, data, author_id=None)
    node.engagement.rule_sets.changed(node.ws)
    live = await node.visitor()
    with capture_events(node.db) as captured:
        await view(node, live, "https://shop.example/vop.html", page_type="terms")
        await view(node, live, "https://shop.example/terms")  # no type declared: not it
        assert captured.names() == []
        await view(node, live, "https://shop.example/cs/vop", page_type="terms")
    (made,) = captured.payloads("offer.made")
    assert made["offer"]["rule_key"] == "terms"
