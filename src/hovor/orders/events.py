"""Domain events emitted by the orders context."""

ORDER_CREATED = "order.created"
