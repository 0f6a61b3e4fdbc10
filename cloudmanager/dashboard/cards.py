"""Figures on the dashboard: each domain registers a provider of stat cards.

A domain calls `register_cards(provider, permission)` from its package
`__init__`; the dashboard shows the cards of every provider the signed-in
user's role may see, in `order`.
"""

from dataclasses import dataclass
from typing import Any, Callable

from flask_login import current_user


@dataclass(frozen=True)
class StatCard:
    """One figure: a label, its value and where to read more."""

    label: str
    value: Any
    icon: str = "bar-chart"
    url: str | None = None
    hint: str | None = None
    tone: str = "primary"
    order: int = 100


CardProvider = Callable[[Any], list[StatCard]]
PROVIDERS: list[tuple[CardProvider, str | None]] = []


def register_cards(provider: CardProvider, permission: str | None = None) -> None:
    """Add a provider: `provider(user) -> [StatCard, …]`, shown to holders of `permission`."""
    if all(existing is not provider for existing, _ in PROVIDERS):
        PROVIDERS.append((provider, permission))


def dashboard_cards(user: Any = None) -> list[StatCard]:
    """The cards `user` (default: the signed-in user) may see, in order."""
    from cloudmanager.core.permissions import can

    user = user if user is not None else current_user
    cards: list[StatCard] = []
    for provider, permission in PROVIDERS:
        if permission is None or can(user, permission):
            cards.extend(provider(user))
    return sorted(cards, key=lambda card: card.order)
