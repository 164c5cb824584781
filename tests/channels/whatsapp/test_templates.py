"""Templates as Meta lists them: which ones the desktop offers, how one is rendered and
checked, the listing read page by page from the stand-in, and the exact ``template`` object
of a Cloud API message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hovor.channels.base import DeliveryFailed
from hovor.channels.whatsapp.adapter import WhatsAppAdapter
from hovor.channels.whatsapp.models import WhatsAppTemplate
from hovor.channels.whatsapp.templates import (
    Template,
    check_parameters,
    cloud_api_template,
    offerable,
    read_listing,
    render,
)
from hovor.core.errors import InvalidInput, ServiceUnavailable
from hovor.db.transaction import Database
from tests.channels.whatsapp.cloud_api import (
    BUSINESS_ACCOUNT_ID,
    TOKEN,
    CloudApi,
    cloud_api,
    fixture,
    inbox_ref,
)


@pytest.fixture
def api() -> Iterator[CloudApi]:
    with cloud_api() as api:
        yield api


def row(item: dict[str, Any]) -> WhatsAppTemplate:
    return WhatsAppTemplate(
        name=item["name"],
        language=item["language"],
        status=item["status"],
        category=item.get("category"),
        components=item["components"],
    )


def listed() -> list[dict[str, Any]]:
    return [
        *read_listing(fixture("message_templates.json")),
        *read_listing(fixture("message_templates_page2.json")),
    ]


def test_only_approved_templates_with_numbered_body_parameters_are_offered() -> None:
    offered = [t for t in (offerable(row(item)) for item in listed()) if t is not None]
    assert offered == [
        Template(
            name="order_shipped",
            language="en_US",
            category="UTILITY",
            body="Hi {{1}}, your order #{{2}} has shipped and arrives {{3}}.",
            parameters=3,
            header="Your order is on its way",
            footer="Lucky Shrub",
        ),
        Template(
            name="follow_up",
            language="en_US",
            category="UTILITY",
            body=(
                "Hello {{1}}, we have an answer to your question. Reply to this message to "
                "continue the conversation."
            ),
            parameters=1,
            header=None,
            footer=None,
        ),
    ]
    # Not offered: a location header (needs a parameter), PENDING, REJECTED, named variables.


def test_a_body_without_its_first_variable_or_with_a_url_parameter_is_not_offered() -> None:
    body = {"type": "BODY", "text": "Hi {{2}}"}
    assert offerable(row({**listed()[1], "components": [body]})) is None
    button = {
        "type": "BUTTONS",
        "buttons": [{"type": "URL", "text": "Track", "url": "https://x.example/{{1}}"}],
    }
    ok = {"type": "BODY", "text": "Hi {{1}}"}
    assert offerable(row({**listed()[1], "components": [ok, button]})) is None
    assert offerable(row({**listed()[1], "components": [ok]})) is not None


def test_parameters_are_counted_checked_and_rendered() -> None:
    template = offerable(row(listed()[1]))
    assert template is not None
    values = check_parameters(template, [" Pablo ", "860198-230332", "on Friday"])
    assert values == ["Pablo", "860198-230332", "on Friday"]
    assert render(template.body, values) == (
        "Hi Pablo, your order #860198-230332 has shipped and arrives on Friday."
    )
    for wrong, loc in [
        (["Pablo"], ["body", "parameters"]),
        (["Pablo", "", "x"], ["body", "parameters", 1]),
        (["Pablo", "a\nb", "x"], ["body", "parameters", 1]),
        (["Pablo", "x", "y" * 1025], ["body", "parameters", 2]),
    ]:
        with pytest.raises(InvalidInput) as refused:
            check_parameters(template, wrong)
        assert refused.value.errors is not None and refused.value.errors[0]["loc"] == loc


def test_the_template_object_is_the_one_meta_documents() -> None:
    assert cloud_api_template("follow_up", "en_US", ["Sheena"]) == {
        "name": "follow_up",
        "language": {"code": "en_US"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "Sheena"}]}],
    }
    # A template without variables is sent without components.
    assert cloud_api_template("spring_sale", "en_US", []) == {
        "name": "spring_sale",
        "language": {"code": "en_US"},
    }


def test_an_answer_without_data_is_the_providers_fault() -> None:
    with pytest.raises(ServiceUnavailable):
        read_listing({"error": "nope"})


@pytest.mark.storage
async def test_the_list_is_read_from_the_business_account_page_by_page(
    db: Database, api: CloudApi
) -> None:
    adapter = WhatsAppAdapter(db)
    got = await adapter.fetch_templates(inbox_ref(api.url))
    assert [(t["name"], t["language"], t["status"]) for t in got] == [
        ("order_delivery_update", "en_US", "APPROVED"),
        ("order_shipped", "en_US", "APPROVED"),
        ("spring_sale", "en_US", "PENDING"),
        ("follow_up", "en_US", "APPROVED"),
        ("follow_up", "es", "REJECTED"),
        ("order_pickup", "en_US", "APPROVED"),
    ]
    first, second = api.calls
    path = f"/v26.0/{BUSINESS_ACCOUNT_ID}/message_templates"
    assert (first["method"], first["path"], second["path"]) == ("GET", path, path)
    fields = {"fields": "name,language,status,category,components", "limit": "100"}
    assert first["query"] == fields
    assert second["query"] == {**fields, "after": "MjQZD"}  # on our base, not Meta's "next"
    assert first["headers"]["authorization"] == f"Bearer {TOKEN}"

    api.fail = (401, fixture("error_token_expired.json"))
    with pytest.raises(DeliveryFailed, match="Session has expired") as refused:
        await adapter.fetch_templates(inbox_ref(api.url))
    assert refused.value.permanent
