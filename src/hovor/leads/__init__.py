"""Leads: anonymous visitors who left contact details, with where they came from."""
