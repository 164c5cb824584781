"""The mobile API: push tokens, push delivery through the outbox, visitors' attachments.

Mobile apps (and the widget, for Web Push) speak the widget protocol (docs/widget-protocol.md)
with the same visitor authentication; this package adds what an app needs besides the chat
itself (docs/mobile-api.md).
"""
