"""The frames' JSON Schema: committed as generated, and describing what the sockets carry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from hovor.cli import main
from hovor.core.frames import ErrorFrame, PongFrame, error_frame
from hovor.realtime.agent_frames import agent_frame, to_agent_frame
from hovor.realtime.frame_schema import frame_schemas, frame_schemas_text
from hovor.realtime.visitor_frames import to_visitor_frame, visitor_frame
from hovor.tracking.schemas import MAX_BATCH

SCHEMA_FILE = Path(__file__).parents[2] / "src" / "hovor" / "frames.schema.json"


def test_the_committed_schema_is_what_the_models_give_now() -> None:
    # web/scripts/gen-frames.test.mjs checks the TypeScript generated from this file.
    assert SCHEMA_FILE.read_text() == frame_schemas_text(), (
        "src/hovor/frames.schema.json is stale: run `make openapi`"
    )


def test_the_cli_writes_the_schema(tmp_path: Path) -> None:
    out = tmp_path / "frames.json"
    main(["frames", "-o", str(out)])
    assert out.read_text() == frame_schemas_text()


def _frame_types(schema: dict[str, Any], union: str) -> set[str]:
    defs = schema["$defs"]
    refs = [ref["$ref"].rsplit("/", 1)[1] for ref in defs[union]["oneOf"]]
    return {defs[name]["properties"]["type"]["const"] for name in refs}


def test_each_socket_names_every_frame_type_of_both_directions() -> None:
    schemas = frame_schemas()
    assert _frame_types(schemas["visitor"], "ClientFrame") == {
        "message.send",
        "typing",
        "ping",
        "events",
        "offer.shown",
        "offer.declined",
        "offer.accepted",
        "cobrowse.consent",
        "cobrowse.events",
        "cobrowse.stop",
        "cobrowse.resume",
    }
    assert {"hello", "message.ack", "events.ack", "offer", "offer.updated", "error", "pong"} <= (
        _frame_types(schemas["visitor"], "ServerFrame")
    )
    assert {"cobrowse.state", "cobrowse.ack", "cobrowse.snapshot", "cobrowse.pointer"} <= (
        _frame_types(schemas["visitor"], "ServerFrame")
    )
    assert _frame_types(schemas["agent"], "ClientFrame") == {
        "typing",
        "ping",
        "cobrowse.join",
        "cobrowse.leave",
        "cobrowse.point",
        "cobrowse.input",
    }
    assert {"conversation.created", "message.created", "typing", "error", "pong"} <= (
        _frame_types(schemas["agent"], "ServerFrame")
    )
    assert {"cobrowse.batch", "cobrowse.updated"} <= _frame_types(schemas["agent"], "ServerFrame")


def test_a_server_frame_type_is_required_in_the_schema_though_it_has_a_default() -> None:
    defs = frame_schemas()["visitor"]["$defs"]
    assert "type" in defs["HelloFrame"]["required"]
    assert "v" in defs["HelloFrame"]["required"]
    assert "client_id" not in defs["ErrorFrame"]["required"]
    assert "title" not in defs["HelloFrame"]["properties"]["visitor_id"]


def test_the_events_batch_is_described_as_events_but_validated_as_it_was() -> None:
    defs = frame_schemas()["visitor"]["$defs"]
    assert defs["EventsFrame"]["properties"]["events"]["items"] == {"$ref": "#/$defs/EventIn"}
    # Each event is judged by ingestion, one by one: a bad one does not fail the frame.
    frame = visitor_frame.validate_python({"type": "events", "events": [{"id": 1}, "x"]})
    assert frame.events == [{"id": 1}, "x"]  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        visitor_frame.validate_python({"type": "events", "events": [{}] * (MAX_BATCH + 1)})
    with pytest.raises(ValidationError):
        visitor_frame.validate_python({"type": "events", "events": "all of them"})


def test_an_error_frame_names_the_client_id_only_when_there_is_one() -> None:
    assert error_frame("invalid_json", "no") == {
        "type": "error",
        "code": "invalid_json",
        "detail": "no",
    }
    assert error_frame("rate_limited", "slow down", client_id="k")["client_id"] == "k"
    parsed = to_visitor_frame.validate_python(error_frame("invalid_frame", "x", client_id="k"))
    assert isinstance(parsed, ErrorFrame) and parsed.client_id == "k"


def test_frames_the_server_builds_read_back_as_the_union_it_sends() -> None:
    assert isinstance(to_agent_frame.validate_python(PongFrame().data()), PongFrame)
    typing = {"type": "typing", "conversation_id": "c", "author_type": "visitor", "state": True}
    assert to_agent_frame.validate_python(typing).model_dump(mode="json") == typing
    with pytest.raises(ValidationError):  # the agent's typing frame is another shape
        to_visitor_frame.validate_python(typing)
    with pytest.raises(ValidationError):
        agent_frame.validate_python({"type": "typing", "state": True})


def test_the_schema_file_is_json_with_both_sockets() -> None:
    assert set(json.loads(SCHEMA_FILE.read_text())) == {"agent", "visitor"}
