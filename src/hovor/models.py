"""Every context's tables, imported in one place for migrations and tests."""

from hovor.analytics import models as analytics_models
from hovor.audit import models as audit_models
from hovor.auth import models as auth_models
from hovor.bot import models as bot_models
from hovor.canned import models as canned_models
from hovor.channels.attachments import models as attachment_models
from hovor.channels.email import models as email_models
from hovor.channels.inboxes import models as inbox_models
from hovor.channels.mobile import models as mobile_models
from hovor.channels.voice import models as voice_models
from hovor.channels.whatsapp import models as whatsapp_models
from hovor.cobrowse import models as cobrowse_models
from hovor.contacts import models as contacts_models
from hovor.conversations import models as conversations_models
from hovor.csat import models as csat_models
from hovor.db.base import Base
from hovor.engagement import models as engagement_models
from hovor.knowledge import models as knowledge_models
from hovor.leads import models as leads_models
from hovor.orders import models as orders_models
from hovor.privacy import models as privacy_models
from hovor.routing import models as routing_models
from hovor.tickets import models as tickets_models
from hovor.tracking import models as tracking_models

metadata = Base.metadata

__all__ = [
    "analytics_models",
    "attachment_models",
    "audit_models",
    "auth_models",
    "bot_models",
    "canned_models",
    "cobrowse_models",
    "contacts_models",
    "conversations_models",
    "csat_models",
    "email_models",
    "engagement_models",
    "inbox_models",
    "knowledge_models",
    "leads_models",
    "metadata",
    "mobile_models",
    "orders_models",
    "privacy_models",
    "routing_models",
    "tickets_models",
    "tracking_models",
    "voice_models",
    "whatsapp_models",
]
