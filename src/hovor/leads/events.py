"""Domain events of the leads context (the same names in webhooks)."""

LEAD_CREATED = "lead.created"
LEAD_UPDATED = "lead.updated"
