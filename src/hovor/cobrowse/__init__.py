"""Co-browsing: an agent sees the visitor's page live (rrweb), with the visitor's consent."""
