"""The RQ worker class: builds the app and imports WeasyPrint once, before forking."""

import logging

from redis import Redis
from rq.worker import Worker

from cloudmanager.infra import queue

log = logging.getLogger(__name__)


def redis_address(connection: Redis) -> tuple:
    """(host, port, db) or (path, db) of a Redis client, to compare two of them."""
    kwargs = connection.connection_pool.connection_kwargs
    if kwargs.get("path"):
        return (kwargs["path"], int(kwargs.get("db", 0)))
    return (kwargs.get("host"), int(kwargs.get("port", 6379)), int(kwargs.get("db", 0)))


class AppWorker(Worker):
    """An RQ worker whose forked job processes inherit a ready app."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        app = queue.worker_app()
        check_same_redis(self.connection, app.config.get("REDIS_URL", ""))
        try:
            import weasyprint  # noqa: F401  (slow import: pay it once per worker)
        except OSError:  # Pango missing: PDF jobs will fail and say why
            pass


def check_same_redis(connection: Redis, app_redis_url: str) -> None:
    """Refuse to start when the worker listens on another Redis than the app enqueues to.

    `rq worker` reads `--url` or the REDIS_URL variable, the app reads its
    config (TEST_REDIS_URL under CM_ENV=test): a mismatch would leave every
    job waiting forever without a word.
    """
    if not app_redis_url:
        # Tests (CM_ENV=test) leave it empty on purpose; elsewhere it is a misconfiguration.
        log.warning("REDIS_URL is not set: jobs enqueued by jobs will run inline in the worker")
        return
    expected = redis_address(Redis.from_url(app_redis_url))
    actual = redis_address(connection)
    if expected != actual:
        raise RuntimeError(
            f"rq worker listens on Redis {actual} but the app enqueues to {expected}; "
            "start it with --url set to the app's REDIS_URL (TEST_REDIS_URL in tests)"
        )
