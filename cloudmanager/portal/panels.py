"""The portal dashboard is a list of panels; each module registers its own.

Tickets add "Open tickets"; invoices and services add theirs when they land:
`register_panel(PortalPanel("invoices", 20, render=lambda user: render_template(…)))`.
A panel renders only rows of `user.customer_id`.
"""

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class PortalPanel:
    """One card of the dashboard: key, position and how to render it for a portal user."""

    key: str
    order: int
    render: Callable[[Any], str]


PANELS: list[PortalPanel] = []


def register_panel(panel: PortalPanel) -> None:
    """Add (or replace by key) a dashboard panel."""
    PANELS[:] = [p for p in PANELS if p.key != panel.key] + [panel]
    PANELS.sort(key=lambda p: p.order)


def render_panels(user: Any) -> list[str]:
    """The HTML of every panel for `user`."""
    return [panel.render(user) for panel in PANELS]
