"""The WhatsApp channel: webhook calls read from Meta-shaped fixtures, replies to a stand-in."""
