"""Imports every domain's models so metadata (and Alembic) sees all tables."""

from cloudmanager.api.models import ApiToken, IdempotentRequest  # noqa: F401
from cloudmanager.auth.models import AuditEntry, RecoveryCode, User  # noqa: F401
from cloudmanager.products.models import Product, ProductGroup, ProductPrice, TaxRate  # noqa: F401
from cloudmanager.settings.models import EmailTemplate, Setting  # noqa: F401
from cloudmanager.webhooks.models import Webhook, WebhookDelivery  # noqa: F401
import cloudmanager.customers.models  # noqa: F401,E402  (customers, contacts, imports)
import cloudmanager.invoices.models  # noqa: F401,E402  (invoices, payments, credit notes)
import cloudmanager.orders.models  # noqa: F401,E402  (orders, services, billing runs)
import cloudmanager.notifications.models  # noqa: F401,E402  (the outbox)
import cloudmanager.tickets.models  # noqa: F401,E402  (tickets, messages, canned responses)
import cloudmanager.portal.models  # noqa: F401,E402  (portal users)
import cloudmanager.reporting.mrr_ledger  # noqa: F401,E402  (the MRR ledger)
