"""Domain events emitted by the conversations context (payloads carry the API shapes)."""

CONVERSATION_CREATED = "conversation.created"
CONVERSATION_ASSIGNED = "conversation.assigned"
CONVERSATION_CLOSED = "conversation.closed"
CONVERSATION_REOPENED = "conversation.reopened"
CONVERSATION_READ = "conversation.read"
MESSAGE_CREATED = "message.created"

CONVERSATION_CHANGES = (
    CONVERSATION_CREATED,
    CONVERSATION_ASSIGNED,
    CONVERSATION_CLOSED,
    CONVERSATION_REOPENED,
    CONVERSATION_READ,
)
