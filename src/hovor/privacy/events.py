"""Domain events emitted by the privacy context."""

CONTACT_ERASED = "contact.erased"
