"""Domain events of co-browsing (payload: ``{"session": CobrowseSessionOut as JSON}``)."""

COBROWSE_CONSENTED = "cobrowse.consented"  # an accepted offer: consent kept for an agent
COBROWSE_REQUESTED = "cobrowse.requested"
COBROWSE_STARTED = "cobrowse.started"
COBROWSE_DECLINED = "cobrowse.declined"
COBROWSE_CONTROL_CHANGED = "cobrowse.control_changed"
COBROWSE_ENDED = "cobrowse.ended"

COBROWSE_CHANGES = (
    COBROWSE_CONSENTED,
    COBROWSE_REQUESTED,
    COBROWSE_STARTED,
    COBROWSE_DECLINED,
    COBROWSE_CONTROL_CHANGED,
    COBROWSE_ENDED,
)
