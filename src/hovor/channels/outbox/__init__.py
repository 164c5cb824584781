"""The durable outbox: the only way a message leaves Hovor on its channel."""
