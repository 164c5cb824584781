"""A test-only channel: one folder and one registration line (HOVOR_CHANNEL_ADAPTERS)."""
