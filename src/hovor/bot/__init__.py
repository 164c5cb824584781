"""The bot: first responder on web chat and messaging inboxes, answers from the help center,
runs simple flows and hands off to a person."""
