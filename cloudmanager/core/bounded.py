"""A dict that forgets its oldest entry when full: the per-process caches of hot paths.

Lookups stay a plain `dict.get`; only `remember` pays for the bound.
"""

from typing import Callable, TypeVar, cast

K = TypeVar("K")
V = TypeVar("V")


class BoundedDict(dict[K, V]):
    """At most `limit` entries; a new one pushes out the oldest."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key: K, value: V) -> V:
        """Store `value` under `key` (dropping the oldest entry when full); returns it."""
        if key not in self and len(self) >= self.limit:
            self.pop(next(iter(self)), None)
        self[key] = value
        return value

    def get_or_build(self, key: K, build: Callable[[], V]) -> V:
        """The value under `key`, built and remembered the first time.

        A key that cannot be hashed (a list among its values) is built every time.
        """
        try:
            found = self.get(key, _MISSING)
        except TypeError:
            return build()
        if found is _MISSING:
            return self.remember(key, build())
        return cast(V, found)


_MISSING = object()  # a remembered None is an answer too
