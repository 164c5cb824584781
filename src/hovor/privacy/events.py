"""Domain events emitted by the privacy context."""

CONTACT_ERASED = "contact.erased"
CONTACT_EXPORTED = "contact.exported"
