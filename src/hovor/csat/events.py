"""Domain events of CSAT (payload: survey, conversation, contact, agent, channel, score)."""

CSAT_RATED = "csat.rated"
