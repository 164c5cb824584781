"""Domain events emitted by the auth context."""

USER_CREATED = "user.created"
AGENT_PRESENCE_CHANGED = "agent.presence_changed"
AGENT_PROFILE_CHANGED = "agent.profile_changed"
PRESENCE_HOURS_ENDED = "presence.hours_ended"  # open presence periods cut at the hour
