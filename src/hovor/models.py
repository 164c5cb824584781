"""Every context's tables, imported in one place for migrations and tests."""

from hovor.auth import models as auth_models
from hovor.channels.email import models as email_models
from hovor.channels.voice import models as voice_models
from hovor.contacts import models as contacts_models
from hovor.conversations import models as conversations_models
from hovor.db.base import Base
from hovor.engagement import models as engagement_models
from hovor.orders import models as orders_models
from hovor.privacy import models as privacy_models
from hovor.routing import models as routing_models
from hovor.tickets import models as tickets_models
from hovor.tracking import models as tracking_models

metadata = Base.metadata

__all__ = [
    "auth_models",
    "contacts_models",
    "conversations_models",
    "email_models",
    "engagement_models",
    "metadata",
    "orders_models",
    "privacy_models",
    "routing_models",
    "tickets_models",
    "tracking_models",
    "voice_models",
]
