"""CPU time per request of the customer pages, in-process (no gunicorn, no wrk).

    python bench/customers_profile.py                    # ms/request table
    python bench/customers_profile.py --profile list     # and a cProfile of one page

Loads 100,000 customers into an SQLite file (`bench/customers_list.py`'s loader,
once; `--reload` forces it), then times each page with Flask's test client,
signed in with the bench's session cookie, using `time.process_time()` per
request, and prints the median and minimum of `--requests` requests next to the
bare reference route. For a machine busy with other work: it measures CPU, not
throughput, so it stays meaningful where `bench/customers_list.py` does not.
"""

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.customers_list import load, session_cookie  # noqa: E402
from bench.customers_wsgi import bench_config, reference_app  # noqa: E402

SQLITE_PATH = Path("/tmp/cm-profile-customers.db")
ROWS = 100_000
PAGES = {
    "reference": ("reference", "/reference", {}),
    "ok route": ("cloudmanager", "/auth/account/ok", {}),
    "list": ("cloudmanager", "/customers/?size=50", {}),
    "search": ("cloudmanager", "/customers/?size=50&q=customer4242%40", {}),
    "search cloud": ("cloudmanager", "/customers/?size=50&q=cloud", {}),
    "fragment": ("cloudmanager", "/customers/?size=50&q=customer4242%40", {"HX-Request": "true"}),
}


def apps(url: str) -> dict:
    """The reference app and CloudManager (with a bare signed-in "ok" route added)."""
    from cloudmanager import create_app
    from cloudmanager.core.permissions import ENDPOINTS, SIGNED_IN

    cloudmanager = create_app(bench_config(url))
    # A signed-in route that renders nothing: the fixed cost of every page.
    cloudmanager.add_url_rule("/auth/account/ok", "bench_ok", lambda: "ok")
    ENDPOINTS["bench_ok"] = SIGNED_IN
    return {"reference": reference_app(url), "cloudmanager": cloudmanager}


def timed(client, path: str, headers: dict, count: int) -> list[float]:
    """CPU milliseconds of each of `count` requests (after two warm-up requests)."""
    for _ in range(2):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code, response.location)
    times = []
    for _ in range(count):
        started = time.process_time()
        client.get(path, headers=headers)
        times.append((time.process_time() - started) * 1000)
    return times


def client_for(app, cookie: str):
    """A test client that sends the bench's session cookie."""
    client = app.test_client()
    name, value = cookie.split("=", 1)
    client.set_cookie(name, value)
    return client


def main() -> None:
    """Load once, time every page, optionally profile one."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reload", action="store_true", help="reload the customers")
    parser.add_argument("--profile", choices=sorted(PAGES), help="print a cProfile of a page")
    parser.add_argument("--only", choices=sorted(PAGES), action="append")
    args = parser.parse_args()
    url = f"sqlite:///{SQLITE_PATH}"
    if args.reload or not SQLITE_PATH.exists():
        load(url, ROWS)
    cookie = session_cookie(url)
    built = apps(url)
    clients = {name: client_for(app, cookie) for name, app in built.items()}
    print(f"{'page':12} {'median ms':>10} {'min ms':>8}")
    for label, (which, path, headers) in PAGES.items():
        if args.only and label not in args.only:
            continue
        times = timed(clients[which], path, headers, args.requests)
        print(f"{label:12} {statistics.median(times):10.2f} {min(times):8.2f}", flush=True)
    if args.profile:
        which, path, headers = PAGES[args.profile]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            clients[which].get(path, headers=headers)
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
