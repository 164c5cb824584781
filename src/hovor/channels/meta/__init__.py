"""Meta's messaging channels: Messenger (a Facebook Page) and Instagram Direct.

Both come through the same Graph API webhooks (``X-Hub-Signature-256``, ``entry[].messaging[]``)
and send through the same Send API, so one module serves both kinds (docs/meta.md).
"""
