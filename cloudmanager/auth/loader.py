"""Flask-Login's user loader: the session id carries a kind, an id and a stamp.

`staff:<id>:<stamp>` loads a staff user only while the stamp still matches, so
rotating a user's stamp (sign-out, password or 2FA change, disabling) ends
every session of that user, even a copied cookie. Other kinds (the portal's
customer users) register their own loader.
"""

from functools import lru_cache
from typing import Any, Callable

from sqlalchemy import Select, bindparam, select

from cloudmanager.core.change_stamps import remember_stamps, stamps_column
from cloudmanager.extensions import db, login_manager

LOADERS: dict[str, Callable[[int, str], Any]] = {}


def register_loader(kind: str, loader: Callable[[int, str], Any]) -> None:
    """Teach the session how to load users of `kind`."""
    LOADERS[kind] = loader


def load_staff(user_id: int, stamp: str):
    """A staff user whose stamp matches and who is still active.

    The same query reads the change stamps, so a page whose settings (or tags and
    countries in use) have not changed since this process last read them needs no
    query for them.
    """
    row = db.session.execute(_staff_by_id(), {"id": user_id}).one_or_none()
    if row is None:
        return None
    user, change_stamps = row
    remember_stamps(change_stamps)
    if not user.active or user.session_stamp != stamp:
        return None
    return user


@lru_cache(maxsize=1)
def _staff_by_id() -> Select:
    """Built once: `session.get` builds and keys a new query on every request."""
    from cloudmanager.auth.models import User

    return select(User, stamps_column()).where(User.id == bindparam("id"))


@login_manager.user_loader
def load_user(session_id: str):
    """Resolve the id stored in the session; anything malformed is anonymous."""
    try:
        kind, raw_id, stamp = session_id.split(":", 2)
        loader = LOADERS[kind]
        return loader(int(raw_id), stamp)
    except (ValueError, KeyError):
        return None


register_loader("staff", load_staff)
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"
login_manager.session_protection = None  # the stamp does the revoking
