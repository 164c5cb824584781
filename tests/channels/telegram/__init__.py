"""The Telegram channel: its updates, its Bot API calls and a local stand-in of the Bot API."""
