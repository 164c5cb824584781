"""The e-mail channel: raw RFC 5322 messages in over HTTP, agent replies out by SMTP."""
