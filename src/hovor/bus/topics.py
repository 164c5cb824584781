"""Bus topic names, in one place so publishers and the gateway agree."""


def agents_topic(workspace_id: str) -> str:
    """Everything every agent of a workspace should see live."""
    return f"ws:{workspace_id}:agents"


def visitor_topic(workspace_id: str, visitor_id: str) -> str:
    """Frames for one visitor's open widgets (all their tabs)."""
    return f"ws:{workspace_id}:visitor:{visitor_id}"
