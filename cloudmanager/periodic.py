"""Periodic jobs run by the Procfile's `clock` process.

Each entry is (name, interval in seconds, dotted job path). The clock enqueues
a job when its interval has passed since the last run it recorded in Redis
(or in memory without Redis); the job itself must be idempotent.
"""

import time

from flask import current_app

from cloudmanager.extensions import db
from cloudmanager.infra.queue import enqueue

SCHEDULE: list[tuple[str, int, str]] = []

_last_run: dict[str, float] = {}


def register_periodic(name: str, every_seconds: int, path: str) -> None:
    """Add a periodic job (domains call this at import)."""
    if all(entry[0] != name for entry in SCHEDULE):
        SCHEDULE.append((name, every_seconds, path))


def _claim(name: str, every_seconds: int) -> bool:
    """True when this clock may run `name` now (one clock wins across processes)."""
    if current_app.config.get("REDIS_URL"):
        from cloudmanager.infra.queue import redis_connection

        return bool(redis_connection().set(f"cm:clock:{name}", "1", nx=True, ex=every_seconds))
    now = time.monotonic()
    if now - _last_run.get(name, -every_seconds) >= every_seconds:
        _last_run[name] = now
        return True
    return False


def run_due_jobs() -> list[str]:
    """Enqueue every periodic job that is due; returns what was enqueued."""
    started = []
    for name, every_seconds, path in SCHEDULE:
        if _claim(name, every_seconds):
            enqueue(path, queue="low")
            started.append(f"enqueued {name}")
    db.session.commit()
    return started
