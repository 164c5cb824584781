"""Telephony: click to call and inbound calls through one connector interface (docs/telephony.md)."""
