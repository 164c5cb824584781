"""A minimal reference client of Hovor's mobile API (docs/mobile-api.md), in Python.

It shows every call a mobile SDK makes, and the tests use it to hold a full conversation
with a real server. It depends only on ``httpx`` and ``websockets``, never on the server's
own modules, so it can be copied out as it is.
"""

from hovor.sdk.client import ChatSocket, HovorClient, HovorError

__all__ = ["ChatSocket", "HovorClient", "HovorError"]
