"""Domain events of calls (payloads carry the API shape)."""

CALL_UPDATED = "call.updated"  # started, ringing, answered, ended: the desktop shows it live
