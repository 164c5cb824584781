"""Tickets: one customer's issue, followed across conversations on any channel."""
