"""The tabs of the customer page; later modules plug theirs in.

A module registers `CustomerTab("invoices", "Invoices", "receipt", "invoices.view",
render=lambda customer: render_template("invoices/_customer_tab.html", …))`.
Until a module does, its tab shows a "coming soon" empty state.
"""

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class CustomerTab:
    """A tab: key, label, icon, the permission to see it, and how to render its body."""

    key: str
    label: str
    icon: str
    permission: str = "customers.view"
    render: Callable[[Any], str] | None = None


CUSTOMER_TABS: list[CustomerTab] = [
    CustomerTab("services", "Services", "hdd-stack"),
    CustomerTab("orders", "Orders", "cart"),
    CustomerTab("invoices", "Invoices", "receipt"),
    CustomerTab("tickets", "Tickets", "life-preserver"),
]


def register_customer_tab(tab: CustomerTab) -> None:
    """Add a tab, or replace the placeholder with the same key."""
    for index, existing in enumerate(CUSTOMER_TABS):
        if existing.key == tab.key:
            CUSTOMER_TABS[index] = tab
            return
    CUSTOMER_TABS.append(tab)


def find_tab(key: str) -> CustomerTab | None:
    """The tab registered under `key`."""
    return next((tab for tab in CUSTOMER_TABS if tab.key == key), None)
