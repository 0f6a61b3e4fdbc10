"""The worker class refuses to listen on another Redis than the app enqueues to."""

import pytest
from redis import Redis

from cloudmanager.infra.worker import check_same_redis


def test_worker_on_the_apps_redis_starts():
    check_same_redis(Redis.from_url("redis://127.0.0.1:6379/2"), "redis://127.0.0.1:6379/2")


@pytest.mark.parametrize(
    "worker_url", ["redis://127.0.0.1:6379/0", "redis://127.0.0.1:6380/2", "redis://other:6379/2"]
)
def test_worker_on_another_redis_refuses_to_start_and_says_why(worker_url):
    with pytest.raises(RuntimeError, match="--url") as error:
        check_same_redis(Redis.from_url(worker_url), "redis://:secret@127.0.0.1:6379/2")
    assert "secret" not in str(error.value)


def test_worker_without_a_configured_redis_starts_with_a_warning(caplog):
    check_same_redis(Redis.from_url("redis://127.0.0.1:6379/0"), "")
    assert "REDIS_URL is not set" in caplog.text
