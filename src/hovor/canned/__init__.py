"""Canned responses: the team's saved replies with variables, inserted with ``/`` in the composer."""
