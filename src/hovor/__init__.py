"""Hovor: real-time web engagement and omnichannel customer service."""

__version__ = "0.1.0"
