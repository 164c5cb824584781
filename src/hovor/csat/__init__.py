"""Customer satisfaction: a rating (1-5 and a comment) asked for when a conversation closes."""
