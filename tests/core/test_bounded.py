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


def test_get_or_build_builds_once_even_when_the_answer_is_none():
    cache = BoundedDict(4)
    built = []

    def build():
        built.append(True)
        return None

    assert cache.get_or_build("k", build) is None
    assert cache.get_or_build("k", build) is None
    assert built == [True]
    assert cache.get_or_build(("x", [1]), lambda: "unhashable") == "unhashable"
