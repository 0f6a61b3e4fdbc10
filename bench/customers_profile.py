"""CPU time per request of the customer pages, in-process (no gunicorn, no wrk).

    python bench/customers_profile.py                    # ms/request table
    python bench/customers_profile.py --profile list     # and a cProfile of one page
    python bench/customers_profile.py --postgres-url postgresql://root@127.0.0.1/cm_customers_bench

Loads 100,000 customers into an SQLite file (`bench/customers_list.py`'s loader,
once; `--reload` forces it), then times each page with Flask's test client,
signed in with the bench's session cookie, using `time.process_time()` per
request (the pages take turns), and prints the median and minimum of
`--requests` requests and each median's multiple of the bare reference route's. For a machine busy with other work: it measures CPU, not
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

from bench.customers_list import load, session_cookies  # noqa: E402
from cloudmanager.core.database import ensure_database  # noqa: E402
from bench.customers_wsgi import add_signed_in_ok_route, bench_config, reference_app  # noqa: E402

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

    cloudmanager = add_signed_in_ok_route(create_app(bench_config(url)))
    return {"reference": reference_app(url), "cloudmanager": cloudmanager}


def timed(pages: dict, clients: dict, count: int) -> dict[str, list[float]]:
    """CPU milliseconds of `count` requests per page, taken in turns.

    Pages take turns request by request, so a busy moment of the (shared)
    machine weighs on every page alike and the ratios stay comparable.
    """
    for which, path, headers in pages.values():
        for _ in range(2):  # warm-up: caches, compiled templates and statements
            response = clients[which].get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code, response.location)
    times: dict[str, list[float]] = {label: [] for label in pages}
    for _ in range(count):
        for label, (which, path, headers) in pages.items():
            started = time.process_time()
            clients[which].get(path, headers=headers)
            times[label].append((time.process_time() - started) * 1000)
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
    parser.add_argument(
        "--postgres-url", help="time on this PostgreSQL database (loaded with --reload)"
    )
    args = parser.parse_args()
    url = args.postgres_url or f"sqlite:///{SQLITE_PATH}"
    if args.reload or not (args.postgres_url or SQLITE_PATH.exists()):
        load(ensure_database(url), ROWS)
    cookie = session_cookies(url)()
    built = apps(url)
    clients = {name: client_for(app, cookie) for name, app in built.items()}
    pages = {label: page for label, page in PAGES.items() if not args.only or label in args.only}
    times = timed(pages, clients, args.requests)
    reference = statistics.median(times["reference"]) if "reference" in times else None
    print(f"{'page':12} {'median ms':>10} {'min ms':>8} {'÷ reference':>12}")
    for label, values in times.items():
        ratio = f"{statistics.median(values) / reference:12.2f}" if reference else ""
        print(f"{label:12} {statistics.median(values):10.2f} {min(values):8.2f} {ratio}")
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
