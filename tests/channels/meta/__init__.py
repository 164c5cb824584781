"""Tests of the Meta channels (Messenger, Instagram Direct)."""
