"""Benchmark the invoice list at 1,000,000 invoices against the customers bench's bare reference.

    python bench/invoices_list.py                       # PostgreSQL
    python bench/invoices_list.py --rows 200000 --duration 5

Loads 10,000 customers and `--rows` invoices (COPY on PostgreSQL), then serves
CloudManager and the bare reference of `bench/customers_wsgi.py` (a 50-row
keyset table on the customers table) with gunicorn on 127.0.0.1 and drives each
page with wrk, printing requests/s, latency percentiles and the ratio to the
reference. The list page also sums the whole filtered set (count, invoiced,
still owed), which the reference does not. Figures go in docs/performance.md.
"""

import argparse
import csv
import io
import os
import random
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cloudmanager.core.database import ensure_database  # noqa: E402

from bench.customers_list import COLUMNS as CUSTOMER_COLUMNS  # noqa: E402
from bench.customers_list import customer_rows, run_wrk, session_cookies  # noqa: E402
from bench.customers_list import start_gunicorn, stop  # noqa: E402

DEFAULT_PG = "postgresql+psycopg2://root@127.0.0.1:5432/cm_invoices"
CUSTOMERS = 10_000
COLUMNS = (
    "customer_id state number sequence currency issue_date due_date payment_terms_days notes "
    "bill_name bill_address bill_country bill_vat_id customer_number net_total tax_total "
    "gross_total paid_total credited_total revision void_reason created_at updated_at"
).split()


def invoice_rows(count: int, seed: int = 2026):
    """`count` issued invoices spread over four years, a third paid, some part-paid."""
    rnd = random.Random(seed)
    start = date(2023, 1, 1)
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    for i in range(1, count + 1):
        customer = rnd.randint(1, CUSTOMERS)
        issued = start + timedelta(days=i * 1400 // count)
        net = rnd.randint(500, 500_000)
        tax = net * 19 // 100
        gross = net + tax
        paid = gross if i % 3 else (gross // 2 if i % 7 == 0 else 0)
        yield (
            customer, "issued", f"INV-{issued.year}-{i:07d}", i, "EUR", issued,
            issued + timedelta(days=14), 14, "", f"Customer {customer}", "Street 1\n10115 Berlin",
            "DE", "", f"C-{customer:06d}", f"{net / 100:.2f}", f"{tax / 100:.2f}",
            f"{gross / 100:.2f}", f"{paid / 100:.2f}", "0.00", 1, "", now, now,
        )  # fmt: skip


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    buffer.seek(0)
    # NULL '\N': an empty CSV field is an empty string, as the NOT NULL columns want.
    cursor.copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
    )


def load(url: str, count: int) -> None:
    """Recreate the schema, COPY 10,000 customers (the customers bench's rows) and `count` invoices."""
    from sqlalchemy import text

    from cloudmanager import create_app
    from cloudmanager.extensions import db

    os.environ["BENCH_DATABASE_URL"] = url
    from bench.customers_wsgi import BenchConfig

    app = create_app(BenchConfig)
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            sys.exit("the invoice list bench loads by COPY: use PostgreSQL")
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            _copy(cursor, "customers", CUSTOMER_COLUMNS, customer_rows(CUSTOMERS))
            rows = invoice_rows(count)
            while True:
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                chunk = 0
                for row in rows:
                    writer.writerow(row)
                    chunk += 1
                    if chunk == 100_000:
                        break
                if not chunk:
                    break
                buffer.seek(0)
                cursor.copy_expert(
                    f"COPY invoices ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                    buffer,
                )
            raw.commit()
        finally:
            raw.close()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"  loaded {count:,} invoices in {time.perf_counter() - started:.1f}s")


PAGES = [
    ("reference: 50-row keyset table", "reference", "/reference"),
    ("invoice list (50 rows, sums)", "cloudmanager", "/invoices/?size=50"),
    ("invoice list, deep cursor", "cloudmanager", None),
    ("one customer's invoices", "cloudmanager", "/invoices/?size=50&customer_id=4242"),
    ("overdue filter", "cloudmanager", "/invoices/?size=50&overdue=1"),
    (
        "issued in one month",
        "cloudmanager",
        "/invoices/?size=50&date_from=2025-03-01&date_to=2025-03-31",
    ),
]


def deep_cursor_path() -> str:
    """A list URL whose cursor points half-way down (keyset: same cost as page one)."""
    from cloudmanager.core.pagination import encode_cursor

    return "/invoices/?size=50&cursor=" + encode_cursor([500_000])


def main() -> None:
    """Load, serve, measure, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8491)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    url = ensure_database(args.postgres_url)
    load(url, args.rows)
    cookies = session_cookies(url)
    results = []
    for which, port in (("reference", args.port), ("cloudmanager", args.port + 1)):
        process = start_gunicorn(url, which, port, args.workers)
        try:
            for label, app_name, path in PAGES:
                if app_name != which:
                    continue
                figures = run_wrk(
                    f"http://127.0.0.1:{port}{path or deep_cursor_path()}",
                    cookies(),
                    args.duration,
                    args.connections,
                    args.threads,
                )
                results.append((label, figures))
                print(f"  {label:32} {figures['rps']:8.1f} req/s  p50 {figures['p50']:7.1f} ms")
        finally:
            stop(process)
    reference = results[0][1]["rps"]
    print(
        f"\n{args.rows:,} invoices · PostgreSQL · gunicorn {args.workers} workers · "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s\n"
    )
    print("| Page | req/s | p50 ms | p90 ms | p99 ms | ratio to reference | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, f in results:
        print(
            f"| {label} | {f['rps']:.1f} | {f['p50']:.1f} | {f['p90']:.1f} | {f['p99']:.1f} "
            f"| {f['rps'] / reference:.2f} | {f['non2xx']} |"
        )


if __name__ == "__main__":
    main()
