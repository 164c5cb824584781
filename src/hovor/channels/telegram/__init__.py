"""Telegram Bot API: a bot's private chats as conversations (docs/telegram.md)."""
