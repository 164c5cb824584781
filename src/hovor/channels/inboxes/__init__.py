"""Inboxes: a workspace's accounts on webhook channels, and the one webhook route."""
