"""Domain events emitted by routing."""

# Internal: a queue, agent profile or task row changed; the routing node re-reads it.
ROUTING_CHANGED = "routing.changed"
# For clients (desktop, wallboard) and other contexts.
TASK_CHANGED = "routing.task_changed"  # payload: the task as the API shows it
SLA_WARNING = "routing.sla_warning"
SLA_BREACHED = "routing.sla_breached"
TASK_UNROUTABLE = "routing.task_unroutable"
STATS_PUBLISHED = "routing.stats"
