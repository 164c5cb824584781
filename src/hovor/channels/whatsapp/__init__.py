"""WhatsApp Cloud API: a business phone number as an inbox (docs/whatsapp.md)."""
