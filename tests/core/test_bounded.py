"""The bounded dict behind the per-process caches."""

from cloudmanager.core.bounded import BoundedDict


def test_a_full_dict_forgets_its_oldest_entry():
    cache = BoundedDict(2)
    cache.remember("a", 1)
    cache.remember("b", 2)
    cache.remember("a", 3)  # a known key: nothing is pushed out
    assert cache == {"a": 3, "b": 2}
    assert cache.remember("c", 4) == 4
    assert list(cache) == ["b", "c"]
