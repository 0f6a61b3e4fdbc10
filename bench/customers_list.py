"""Benchmark the customer list and search pages at 100,000 customers, against a bare reference.

    python bench/customers_list.py                      # SQLite and PostgreSQL
    python bench/customers_list.py --db sqlite --duration 10

For each database it loads 100,000 customers (executemany on SQLite, COPY on
PostgreSQL), starts gunicorn on 127.0.0.1 for CloudManager and for a minimal
Flask reference route (`bench/customers_wsgi.py`), drives both with `wrk`
(Debian package) for a bounded time, and prints requests/s, latency
percentiles and each page's throughput as a ratio of the reference (target
>= 0.6), and the CPU time gunicorn's processes spent per request (read from
/proc, so it holds on a busy machine where req/s does not). Only 127.0.0.1 is
contacted. The figures belong in docs/performance.md.
"""

import argparse
import csv
import io
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cloudmanager.core.database import ensure_database  # noqa: E402

VENV_BIN = Path(sys.executable).parent
SQLITE_PATH = Path("/tmp/cm-bench-customers.db")
# Its own database: the bench drops and refills every table.
DEFAULT_PG = "postgresql+psycopg2://root@127.0.0.1:5432/cm_customers_bench"
SECRET = "bench-only-secret"
WORDS_A = "Nord Alpen Blue Cloud Data Euro Hansa Iberia Lumen Meridian Nova Orbit Polar Quartz Rhein Sol Terra Vista Atlas Baltic".split()  # noqa: E501
WORDS_B = "Hosting Systems Logistik Media Consulting Software Networks Labs Digital Analytics Web Solutions Energy Foods Travel Finance Design Studio Retail Bau".split()  # noqa: E501
FORMS = "GmbH AG SAS SARL B.V. S.r.l. S.L. Oy AB ApS Kft. s.r.o. Ltd OÜ UAB".split()
COUNTRIES = (
    "DE AT FR NL BE IT ES PT FI SE DK PL CZ HU RO BG HR SI SK EE LV LT IE GR MT CY LU".split()
)
COLUMNS = (
    "number kind name email phone website vat_id address_line1 address_line2 city postcode "
    "country currency payment_terms_days status notes search_text created_at updated_at"
).split()


def customer_rows(count: int, seed: int = 2026):
    """`count` realistic customers as tuples in COLUMNS order (deterministic)."""
    rnd = random.Random(seed)
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    for i in range(1, count + 1):
        company = rnd.random() < 0.8
        if company:
            name = f"{rnd.choice(WORDS_A)} {rnd.choice(WORDS_B)} {rnd.choice(FORMS)} {i}"
        else:
            name = f"{rnd.choice(['Anna', 'Jonas', 'Lea', 'Marco', 'Sofia', 'Jan'])} Person {i}"
        number, email = f"C-{i:06d}", f"customer{i}@example-{i % 997}.eu"
        vat = f"DE{100000000 + i}" if company else ""
        contact = f"contact {i} | contact{i}@mail-{i % 89}.eu" if i % 10 == 0 else ""
        search = " | ".join(p for p in (name, number, email, vat, contact) if p).lower()
        status = "inactive" if i % 17 == 0 else "active"
        yield (
            number, "company" if company else "individual", name, email, "", "", vat,
            f"Street {i}", "", "City", "10115", rnd.choice(COUNTRIES), "EUR", 14, status, "",
            search, now, now,
        )  # fmt: skip


def load(url: str, count: int) -> None:
    """Recreate the schema and load `count` customers, a staff user and some tags."""
    from sqlalchemy import insert, text

    from cloudmanager import create_app
    from cloudmanager.customers import search_index
    from cloudmanager.customers.models import Customer, CustomerCounter, CustomerTag
    from cloudmanager.extensions import db

    from bench.customers_wsgi import bench_config

    app = create_app(bench_config(url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            buffer = io.StringIO()
            csv.writer(buffer).writerows(customer_rows(count))
            buffer.seek(0)
            raw = db.engine.raw_connection()
            try:
                raw.cursor().copy_expert(
                    f"COPY customers ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                    buffer,
                )
                raw.commit()
            finally:
                raw.close()
        else:
            rows = [dict(zip(COLUMNS, row)) for row in customer_rows(count)]
            for row in rows:
                row["created_at"] = row["updated_at"] = None
            with db.engine.begin() as connection:
                connection.execute(
                    insert(Customer.__table__).values(created_at=text("CURRENT_TIMESTAMP"),
                                                      updated_at=text("CURRENT_TIMESTAMP")),
                    [{k: v for k, v in r.items() if k not in ("created_at", "updated_at")} for r in rows],
                )  # fmt: skip
        tags = [
            {"customer_id": i, "tag": "vip" if i % 2 else "reseller"}
            for i in range(1, count + 1, 7)
        ]
        db.session.execute(insert(CustomerTag), tags)
        db.session.add(CustomerCounter(id=1, last_number=count))
        db.session.commit()
        search_index.compact()  # as the CSV import does after a large batch
        settle(db.engine)
        loaded = db.session.scalar(text("SELECT count(*) FROM customers"))
        assert loaded == count, f"expected {count} customers, found {loaded}"
        print(f"  loaded {loaded:,} customers in {time.perf_counter() - started:.1f}s", flush=True)
    return None


def settle(engine) -> None:
    """Bring the freshly loaded tables to the state a running database keeps them in.

    PostgreSQL: VACUUM ANALYZE, as autovacuum does after a large insert (it marks
    pages all-visible, so index-only scans skip the table, and empties the trigram
    index's pending list). SQLite: ANALYZE (its VACUUM only rewrites the file).
    """
    from sqlalchemy import text

    statement = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(statement))


def session_cookies(url: str) -> Callable[[], str]:
    """A maker of signed session cookies of a fresh admin (sign-in is not measured).

    Each cookie holds what a browser's holds after its first page: "last seen"
    stamped now (the app rewrites an older stamp, once a minute) and the session's
    CSRF token (a page with a form adds one to a session without). Without them the
    app would set a new cookie on every request, as wrk never stores one. Take a
    new cookie for each run.
    """
    from cloudmanager import create_app
    from cloudmanager.auth.services import create_user, find_user_by_email
    from cloudmanager.extensions import db

    from bench.customers_wsgi import bench_config

    app = create_app(bench_config(url))
    with app.app_context():
        user = find_user_by_email("bench@example.com") or create_user(
            email="bench@example.com", name="Bench", role="admin", password=None
        )
        db.session.commit()
        user_id = user.get_id()
        serializer = app.session_interface.get_signing_serializer(app)
    name = app.config["SESSION_COOKIE_NAME"]

    def fresh() -> str:
        state = {
            "_user_id": user_id,
            "_fresh": True,
            "last_seen": time.time(),
            "csrf_token": secrets.token_hex(20),
        }
        return f"{name}={serializer.dumps(state)}"

    return fresh


def start_gunicorn(url: str, which: str, port: int, workers: int) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:`port` serving `which` (cloudmanager or reference)."""
    env = {**os.environ, "BENCH_DATABASE_URL": url, "BENCH_APP": which, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "bench.customers_wsgi:app"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/app.css", timeout=1)
            return process
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP answer: the server is up
                return process
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"gunicorn for {which} did not start")


def stop(process: subprocess.Popen) -> None:
    """Stop a gunicorn started here (by its own pid)."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def server_cpu_seconds(process: subprocess.Popen) -> float:
    """CPU seconds (user + system) of a gunicorn master and its workers so far (Linux)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    total = 0
    for pid in [process.pid, *map(int, children)]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def run_wrk(
    url: str, cookie: str, duration: int, connections: int, threads: int, server=None
) -> dict:
    """requests/s and latency percentiles (ms) of `url` under wrk.

    With `server` (its gunicorn), also `cpu_ms`: the server's CPU per request.
    """
    warmup = urllib.request.urlopen(
        urllib.request.Request(url, headers={"Cookie": cookie}), timeout=30
    )
    # A sign-in redirect would be measured as a (fast) success: make sure we are signed in.
    assert warmup.status == 200 and warmup.geturl() == url, f"not signed in: {warmup.geturl()}"
    cpu_before = server_cpu_seconds(server) if server else 0.0
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
         "--latency", "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, timeout=duration + 60, check=True,
    ).stdout  # fmt: skip
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    if server:
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        result["cpu_ms"] = (server_cpu_seconds(server) - cpu_before) * 1000 / max(requests, 1)
    for pct in ("50", "75", "90", "99"):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        value, unit = float(match.group(1)), match.group(2)
        result[f"p{pct}"] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non2xx"] = int(errors.group(1)) if errors else 0
    return result


PAGES = [
    ("signed-in empty page (fixed cost)", "/auth/account/ok"),
    ("customer list (50 rows)", "/customers/?size=50"),
    ("list, deep page via cursor", None),
    ("search 'cloud' (common term)", "/customers/?size=50&q=cloud"),
    ("search 'cloud' by name (chosen)", "/customers/?size=50&q=cloud&sort=name&dir=asc"),
    ("search 'customer4242@' (rare)", "/customers/?size=50&q=customer4242%40"),
    ("filter country=FR, active", "/customers/?size=50&country=FR&status=active"),
]
REFERENCE_PATH = "/reference"
# The deep page starts after this (name, id); the reference reads the same keyset page
# for it (same rows, same query shape), and its first page for every other page.
DEEP_AFTER = ("Nord Hosting GmbH 1", 1)


def deep_cursor_path() -> str:
    """A list URL whose cursor points deep into the table (keyset: same cost)."""
    from cloudmanager.core.pagination import encode_cursor

    return "/customers/?size=50&cursor=" + encode_cursor(list(DEEP_AFTER))


def reference_path(path: str | None) -> str:
    """The reference page to compare `path` (None: the deep page) with."""
    if path is not None:
        return REFERENCE_PATH
    name, id_ = DEEP_AFTER
    return f"{REFERENCE_PATH}?{urlencode({'after_name': name, 'after_id': id_})}"


def median(values: list[float]) -> float:
    """The middle value (mean of the two middle ones for an even count)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def bench_database(label: str, url: str, args) -> list[tuple[str, dict]]:
    """Load, serve both apps, measure each page in rounds alternating with the reference.

    The machine is shared: alternating short runs of the page and the reference and
    taking the median of the per-round ratios cancels most of the background drift.
    """
    print(f"\n== {label} ==", flush=True)
    load(url, args.rows)
    cookies = session_cookies(url)
    reference = start_gunicorn(url, "reference", args.port, args.workers)
    ours = start_gunicorn(url, "cloudmanager", args.port + 1, args.workers)
    results = []
    try:
        for page_label, path in PAGES:
            ref_url = f"http://127.0.0.1:{args.port}{reference_path(path)}"
            page_url = f"http://127.0.0.1:{args.port + 1}{path or deep_cursor_path()}"
            rounds = []
            for _ in range(args.rounds):
                cookie = cookies()
                ref = run_wrk(
                    ref_url, cookie, args.duration, args.connections, args.threads, reference
                )
                page = run_wrk(
                    page_url, cookie, args.duration, args.connections, args.threads, ours
                )
                rounds.append((ref, page))
            figures = {key: median([page[key] for _ref, page in rounds]) for key in rounds[0][1]}
            figures["reference_rps"] = median([ref["rps"] for ref, _page in rounds])
            figures["ratio"] = median([page["rps"] / ref["rps"] for ref, page in rounds])
            figures["reference_cpu_ms"] = median([ref["cpu_ms"] for ref, _page in rounds])
            results.append((page_label, figures))
            print(
                f"  {page_label:34} {figures['rps']:7.1f} req/s (reference "
                f"{figures['reference_rps']:6.1f})  p50 {figures['p50']:6.1f} ms  "
                f"p99 {figures['p99']:6.1f} ms  ratio {figures['ratio']:.2f}  CPU/request "
                f"{figures['cpu_ms']:.2f} ms (reference {figures['reference_cpu_ms']:.2f})",
                flush=True,
            )
    finally:
        stop(ours)
        stop(reference)
    return results


def report(all_results: dict[str, list[tuple[str, dict]]], args) -> str:
    """The figures as a Markdown table with the ratio to the reference."""
    lines = [
        f"{args.rows:,} customers · gunicorn {args.workers} sync workers per app · "
        f"wrk -t{args.threads} -c{args.connections} · {args.rounds} rounds of "
        f"{args.duration}s per page, alternating with the reference (medians) · 127.0.0.1 · "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end",
        "",
        "| Database | Page | req/s | reference req/s | p50 ms | p75 ms | p90 ms | p99 ms "
        "| ratio | CPU ms/req | reference CPU ms/req |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for database, results in all_results.items():
        for page_label, f in results:
            lines.append(
                f"| {database} | {page_label} | {f['rps']:.1f} | {f['reference_rps']:.1f} "
                f"| {f['p50']:.1f} | {f['p75']:.1f} | {f['p90']:.1f} | {f['p99']:.1f} "
                f"| {f['ratio']:.2f} | {f['cpu_ms']:.2f} | {f['reference_cpu_ms']:.2f} |"
            )
    return "\n".join(lines)


def main() -> None:
    """Parse arguments, run the benchmark on each database, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=5, help="seconds per run (max 60)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8391)
    args = parser.parse_args()
    args.duration = max(1, min(args.duration, 60))
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    results = {}
    if args.db in ("sqlite", "both"):
        SQLITE_PATH.unlink(missing_ok=True)
        results["SQLite"] = bench_database("SQLite", f"sqlite:///{SQLITE_PATH}", args)
    if args.db in ("postgresql", "both"):
        url = ensure_database(args.postgres_url)
        results["PostgreSQL"] = bench_database("PostgreSQL", url, args)
    print("\n" + report(results, args))


if __name__ == "__main__":
    main()
