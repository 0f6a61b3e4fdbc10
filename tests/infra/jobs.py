"""Job functions the queue tests enqueue; importable by a real `rq worker` from the repo root.

Each job records what it saw: in `CALLS` (inline mode, same process) and, when
run by an rq worker (another process), under `cm-test:*` keys in that worker's Redis.
"""

import json

from cloudmanager.extensions import db
from cloudmanager.settings.models import Setting

CALLS: list[tuple] = []
PROOF_TTL = 600


def _redis():
    """The Redis of the rq worker running this job; None when the job runs inline."""
    from rq import get_current_job

    job = get_current_job()
    return job.connection if job is not None else None


def proof_key(marker: str) -> str:
    """Where `record_setting` leaves its proof in Redis."""
    return f"cm-test:proof:{marker}"


def attempts_key(marker: str) -> str:
    """Where `always_fails` counts its attempts in Redis."""
    return f"cm-test:attempts:{marker}"


def record_setting(key: str, marker: str) -> None:
    """Read the settings row `key` (committed by the enqueuer) and record its value."""
    row = db.session.get(Setting, key)
    value = row.value if row is not None else "missing"
    CALLS.append(("record_setting", marker, value))
    redis = _redis()
    if redis is not None:
        redis.set(proof_key(marker), json.dumps(value), ex=PROOF_TTL)


def always_fails(marker: str) -> None:
    """Count the attempt, then raise: it must be retried and end in the failed list."""
    CALLS.append(("always_fails", marker))
    redis = _redis()
    if redis is not None:
        redis.incr(attempts_key(marker))
        redis.expire(attempts_key(marker), PROOF_TTL)
    raise RuntimeError(f"boom {marker}")
