"""Domain events emitted by the tickets context (payloads carry the API shapes)."""

TICKET_CREATED = "ticket.created"
TICKET_UPDATED = "ticket.updated"
TICKET_NOTE_ADDED = "ticket.note_added"
