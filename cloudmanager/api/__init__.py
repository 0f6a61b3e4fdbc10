"""The JSON API (/api/v1) with bearer tokens, its OpenAPI document and docs pages."""

from flask import Blueprint

v1 = Blueprint("api_v1", __name__, url_prefix="/api/v1")
docs = Blueprint("api", __name__, url_prefix="/api")
tokens_bp = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens")

from cloudmanager.api import auth, docs_views, resources, token_views  # noqa: E402,F401
from cloudmanager.api import (  # noqa: E402,F401
    resources_catalog,
    resources_customers,
    resources_invoices,
    resources_orders,
    resources_services,
    resources_tickets,
)
