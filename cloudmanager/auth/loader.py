"""Flask-Login's user loader: the session id carries a kind, an id and a stamp.

`staff:<id>:<stamp>` loads a staff user only while the stamp still matches, so
rotating a user's stamp (sign-out, password or 2FA change, disabling) ends
every session of that user, even a copied cookie. Other kinds (the portal's
customer users) register their own loader.
"""

from functools import lru_cache
from typing import Any, Callable

from sqlalchemy import Select, bindparam, select

from cloudmanager.core.bounded import BoundedDict
from cloudmanager.core.change_stamps import on_forget_all, read_stamps, request_stamp
from cloudmanager.extensions import db, login_manager

LOADERS: dict[str, Callable[[int, str], Any]] = {}


def register_loader(kind: str, loader: Callable[[int, str], Any]) -> None:
    """Teach the session how to load users of `kind`."""
    LOADERS[kind] = loader


def load_staff(user_id: int, stamp: str):
    """A staff user whose stamp matches and who is still active.

    Every staff page first reads the change stamps (one small query). While the
    users' stamp holds, the user this process read last is still current: a copy of
    it joins the request's session without a query. Any write to `users` (a sign-in,
    a password or role change, a sign-out everywhere) moves the stamp.
    """
    read_stamps()
    users_stamp = request_stamp("users")
    known = _known_users.get(user_id)
    if known is not None and known[0] == users_stamp:
        user = db.session.merge(known[1], load=False)
    else:
        user = db.session.execute(_staff_by_id(), {"id": user_id}).scalar_one_or_none()
        if user is None:
            return None
        # The kept copy is detached and never changed; each request works on its own.
        db.session.expunge(user)
        _known_users.remember(user_id, (users_stamp, user))
        user = db.session.merge(user, load=False)
    if not user.active or user.session_stamp != stamp:
        return None
    return user


# user id -> (the users' stamp when read, the user as read then, detached)
_known_users: BoundedDict[int, tuple[Any, Any]] = BoundedDict(1024)
on_forget_all(_known_users.clear)


@lru_cache(maxsize=1)
def _staff_by_id() -> Select:
    """Built once: `session.get` builds and keys a new query on every request."""
    from cloudmanager.auth.models import User

    return select(User).where(User.id == bindparam("id"))


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
# Flask-Login hashes the client's address and user agent on every request before it
# looks at session protection, which is off: nothing reads the hash.
login_manager._session_identifier_generator = lambda: ""
