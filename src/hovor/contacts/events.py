"""Domain events emitted by the contacts context."""

CONTACT_CREATED = "contact.created"
CONTACT_UPDATED = "contact.updated"
CONTACT_MERGED = "contact.merged"
CONTACT_UNMERGED = "contact.unmerged"
CONTACT_IDENTIFIED = "contact.identified"
