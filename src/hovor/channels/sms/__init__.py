"""SMS through Twilio Programmable Messaging (docs/sms.md)."""
