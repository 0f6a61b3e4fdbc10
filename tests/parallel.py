"""Give each pytest-xdist worker its own PostgreSQL database, Redis database and files.

The conftest imports it before anything else, so it runs before the app's
config reads the environment. Under `pytest -n N` every worker process
(`PYTEST_XDIST_WORKER` = gw0, gw1, …) rewrites the TEST_* variables it reads:

- TEST_DATABASE_URL  …/cloudmanager_ci   → …/cloudmanager_ci_gw1
- TEST_REDIS_URL     redis://…/15        → redis://…/14 (one database down per worker)
- TEST_STORAGE_DIR   /tmp/files          → /tmp/files/gw1

`.ci/run` creates those databases and starts one rq worker per test worker
with the same values (`worker_environment` prints them), because a job must
land in the database of the test that enqueued it. Without xdist, or on
SQLite (a file per worker under pytest's per-worker basetemp), nothing changes.
"""

import os
import sys
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url


def worker_environment(worker: str, environ=os.environ) -> dict[str, str]:
    """The TEST_* variables worker `worker` (gw0, gw1, …) uses instead of the shared ones."""
    index = int(worker.removeprefix("gw"))
    changed = {}
    if environ.get("TEST_DATABASE_URL"):
        url = make_url(environ["TEST_DATABASE_URL"])
        url = url.set(database=f"{url.database}_{worker}")
        changed["TEST_DATABASE_URL"] = url.render_as_string(hide_password=False)
    if environ.get("TEST_REDIS_URL"):
        url = urlsplit(environ["TEST_REDIS_URL"])
        base = int(url.path.strip("/") or 0)
        if index > base:
            raise RuntimeError(f"TEST_REDIS_URL's database {base} leaves no room for {worker}")
        changed["TEST_REDIS_URL"] = url._replace(path=f"/{base - index}").geturl()
    if environ.get("TEST_STORAGE_DIR"):
        changed["TEST_STORAGE_DIR"] = os.path.join(environ["TEST_STORAGE_DIR"], worker)
    return changed


def _apply() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        os.environ.update(worker_environment(worker))


_apply()

if __name__ == "__main__":  # `python -m tests.parallel gw1` prints the worker's variables
    for name, value in worker_environment(sys.argv[1]).items():
        print(f"{name}={value}")
