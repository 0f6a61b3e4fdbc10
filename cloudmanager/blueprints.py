"""The list of blueprints the app mounts; a new domain adds one line here."""

from cloudmanager.api import docs as api_docs_bp
from cloudmanager.api import tokens_bp as api_tokens_bp
from cloudmanager.api import v1 as api_v1_bp
from cloudmanager.auth import bp as auth_bp
from cloudmanager.customers import bp as customers_bp
from cloudmanager.dashboard import bp as dashboard_bp
from cloudmanager.invoices import bp as invoices_bp
from cloudmanager.orders import billing_bp
from cloudmanager.orders import bp as orders_bp
from cloudmanager.orders import services_bp
from cloudmanager.portal import bp as portal_bp
from cloudmanager.portal import staff_bp as portal_access_bp
from cloudmanager.products import bp as products_bp
from cloudmanager.reporting import bp as reporting_bp
from cloudmanager.settings import bp as settings_bp
from cloudmanager.tickets import bp as tickets_bp
from cloudmanager.webhooks import bp as webhooks_bp

BLUEPRINTS = [
    dashboard_bp,
    auth_bp,
    api_v1_bp,
    api_docs_bp,
    api_tokens_bp,
    webhooks_bp,
    reporting_bp,
    customers_bp,
    invoices_bp,
    orders_bp,
    services_bp,
    billing_bp,
    tickets_bp,
    portal_bp,
    portal_access_bp,
    products_bp,
    settings_bp,
]
