"""Domain events emitted by the contacts context."""

CONTACT_CREATED = "contact.created"
