"""Engagement: rules, per-visitor complex-event state, offers. The pure engine lives in
``rules`` (model, compiler, templates, guards) and ``cep`` (visitor state, engine)."""
