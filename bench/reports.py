"""Benchmark every registered report on a large PostgreSQL data set (target: < 500 ms each).

    python bench/reports.py                    # 100,000 customers, 1,000,000 invoices, 200,000 tickets
    python bench/reports.py --scale 0.01       # 1 % of that: a quick check
    python bench/reports.py --skip-load        # time again on the data already loaded

It recreates the schema on the bench database (default: cm_reports_bench on
127.0.0.1), seeds the VAT rates and the catalog through their services, adds
agents, then loads by COPY (rows built from the models' tables, see
`bench/reports_copy.py`): customers (the customers bench's rows), services
with their MRR and some plan changes, invoices over three years with lines,
payments, a few partial payments, voids and credit notes, and two years of
tickets with their messages and stored SLA measures, and derives the MRR
ledger from the services (COPY bypasses the session that keeps it). It then times each
report in the registry (whoever added it) for its default period (the last
twelve months) and filters: one warm-up, then the median of `--runs` runs,
in milliseconds. The table it prints belongs in docs/performance.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cloudmanager.core.database import ensure_database  # noqa: E402

from bench.customers_list import COLUMNS as CUSTOMER_COLUMNS  # noqa: E402
from bench.customers_list import customer_rows  # noqa: E402
from bench.reports_copy import TableCopier, reset_sequences  # noqa: E402
from bench.reports_data import Buyer, Ids, invoice_documents, sellables  # noqa: E402
from bench.reports_data import service_rows  # noqa: E402

DEFAULT_PG = "postgresql+psycopg2://root@127.0.0.1:5432/cm_reports_bench"
FULL = {"customers": 100_000, "services": 150_000, "invoices": 1_000_000, "tickets": 200_000}
# Parents before children: each chunk is copied in this order.
TABLES = (
    "customers services service_events invoices invoice_lines payments credit_notes "
    "credit_note_lines tax_breakdowns tickets ticket_messages"
).split()
AGENTS = ["Alex", "Sam", "Jo", "Kim", "Lou", "Mika", "Noor", "Ravi"]
TARGET_MS = 500


def make_app(url: str):
    """The app on the bench database with production settings and no Redis."""
    from cloudmanager import create_app
    from cloudmanager.config import Config

    class BenchConfig(Config):
        SECRET_KEY = "bench-only-secret"
        SQLALCHEMY_DATABASE_URI = url
        REDIS_URL = ""
        RATELIMIT_STORAGE_URI = "memory://"

    return create_app(BenchConfig)


def copy_documents(cursor, copiers: dict, documents, chunk: int = 20_000) -> dict[str, int]:
    """COPY {table: rows} documents in chunks, parents first; returns rows per table."""
    pending: dict[str, list] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)

    def flush():
        for table in TABLES:
            if pending.get(table):
                counts[table] += copiers[table].copy(cursor, pending.pop(table))

    for n, document in enumerate(documents, 1):
        for table, rows in document.items():
            pending[table].extend(rows)
        if n % chunk == 0:
            flush()
    flush()
    return counts


def _customers(count: int):
    """Documents of one customer each, and the buyers and requesters they make."""
    buyers, requesters = [], []

    def documents():
        for i, values in enumerate(customer_rows(count), 1):
            row = dict(zip(CUSTOMER_COLUMNS, values), id=i)
            buyers.append(
                Buyer(i, row["number"], row["name"], row["country"], row["kind"],
                      row["vat_id"], row["currency"])
            )  # fmt: skip
            requesters.append(
                {"customer_id": i, "requester_email": row["email"], "requester_name": row["name"]}
            )
            yield {"customers": [row]}

    return documents(), buyers, requesters


def _tickets(ids: Ids, spec):
    from cloudmanager.tickets.history import ticket_history

    for row, messages in ticket_history(spec):
        ticket_id = ids.next("tickets")
        row.update(id=ticket_id, number=f"T-{ticket_id:06d}")
        yield {
            "tickets": [row],
            "ticket_messages": [
                {**m, "id": ids.next("ticket_messages"), "ticket_id": ticket_id} for m in messages
            ],
        }


def _agents() -> list[tuple[int, str]]:
    from cloudmanager.auth.services import create_user

    users = [
        create_user(email=f"{name.lower()}@bench.example", name=f"{name} Agent", role="agent",
                    password=None)
        for name in AGENTS
    ]  # fmt: skip
    return [(user.id, user.name) for user in users]


def fill(sizes: dict[str, int], seed: int, agents: list[tuple[int, str]]) -> dict[str, int]:
    """COPY customers, services, invoices and tickets of `sizes`; returns rows per table.

    Needs the catalog and tax rates in place; commits on its own connection.
    """
    from cloudmanager.core.timeutil import utcnow
    from cloudmanager.extensions import db
    from cloudmanager.tickets.helpdesk import calendar_for, departments, sla_targets
    from cloudmanager.tickets.history import HistorySpec

    now = utcnow()
    today = now.date()
    rng, ids = random.Random(seed), Ids()
    products = sellables()
    copiers = {name: TableCopier(db.metadata.tables[name], now) for name in TABLES}
    customers, buyers, requesters = _customers(sizes["customers"])
    first = date(today.year - 3, today.month, 1)
    spec = HistorySpec(
        start=now - timedelta(days=730),
        end=now,
        count=sizes["tickets"],
        departments=departments(),
        agents=agents,
        requesters=requesters,
        calendar_for=calendar_for,
        targets=sla_targets,
        seed=seed,
    )
    # Each part reads the buyers the customers part filled in: they run in this order.
    parts = {
        "customers": lambda: customers,
        "services": lambda: service_rows(rng, ids, buyers, products, sizes["services"], today),
        "invoices": lambda: invoice_documents(
            rng, ids, buyers, products, sizes["invoices"], first, today
        ),
        "tickets": lambda: _tickets(ids, spec),
    }
    counts: dict[str, int] = {}
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for label, documents in parts.items():
            started = time.perf_counter()
            counts.update(copy_documents(cursor, copiers, documents()))
            print(f"  {label}: {time.perf_counter() - started:.0f}s", flush=True)
        reset_sequences(cursor, (db.metadata.tables[name] for name in TABLES))
        raw.commit()
    finally:
        raw.close()
    return counts


def load(app, scale: float, seed: int) -> None:
    """Fresh schema, catalog and agents through the services, everything else by COPY."""
    from sqlalchemy import text

    from cloudmanager.extensions import db
    from cloudmanager.products.demo import seed_catalog, seed_tax_rates
    from cloudmanager.reporting.mrr_ledger import rebuild

    sizes = {name: max(1, int(count * scale)) for name, count in FULL.items()}
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            sys.exit("the reports bench loads by COPY: use PostgreSQL")
        started = time.perf_counter()
        db.drop_all()
        db.create_all()
        seed_tax_rates()
        seed_catalog()
        agents = _agents()
        db.session.commit()
        counts = fill(sizes, seed, agents)
        # COPY bypasses the session: derive the MRR ledger as `flask rebuild-mrr` would.
        with db.engine.begin() as connection:
            counts["customer_mrr_months"] = rebuild(connection)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        print(f"  loaded in {time.perf_counter() - started:.0f}s: " + ", ".join(
            f"{counts.get(name, 0):,} {name}" for name in (*TABLES, "customer_mrr_months")
        ), flush=True)  # fmt: skip


def _cases():
    """(key, title, compute() → row count) of every registered report at its defaults, then
    the dashboard cards and the aging as of a day five months back (its slowest case)."""
    from cloudmanager.reporting.finance_cards import finance_cards
    from cloudmanager.reporting.framework import REPORTS
    from cloudmanager.reporting.helpdesk_cards import helpdesk_cards
    from cloudmanager.reporting.params import parse_params

    def run(report, args=None):
        return lambda: len(report.compute(parse_params(report, args or {})).rows)

    cases = [(key, report.title, run(report)) for key, report in REPORTS.items()]
    past = (date.today() - timedelta(days=150)).isoformat()
    cases += [
        ("receivables@-150d", "Receivables aging as of 150 days ago",
         run(REPORTS["receivables"], {"date_to": past})),
        ("dashboard-finance", "Dashboard finance cards", lambda: len(finance_cards(None))),
        ("dashboard-helpdesk", "Dashboard helpdesk cards", lambda: len(helpdesk_cards(None))),
    ]  # fmt: skip
    return cases


def time_reports(app, runs: int, only: str = "") -> list[tuple[str, str, float, int]]:
    """(key, title, median ms, rows) of each case (`only`: keys containing it)."""
    from cloudmanager.extensions import db

    results = []
    with app.app_context():
        cases = [case for case in _cases() if only in case[0]]
    for key, title, compute in cases:
        timings = []
        for run in range(runs + 1):
            with app.test_request_context(f"/reports/{key}"):
                started = time.perf_counter()
                rows = compute()
                elapsed = (time.perf_counter() - started) * 1000
                db.session.remove()
            if run:  # the first run warms caches and the connection pool
                timings.append(elapsed)
        ms = statistics.median(timings)
        results.append((key, title, ms, rows))
        flag = "" if ms < TARGET_MS else f"  over {TARGET_MS} ms"
        print(f"  {key:32} {ms:8.1f} ms  ({rows} rows){flag}", flush=True)
    return results


def main() -> None:
    """Load (unless --skip-load), time every report, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the full data set")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per report")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--only", default="", help="time the cases whose key contains this")
    args = parser.parse_args()
    app = make_app(ensure_database(args.postgres_url))
    if not args.skip_load:
        load(app, args.scale, args.seed)
    results = time_reports(app, args.runs, args.only)
    sizes = ", ".join(f"{int(n * args.scale):,} {name}" for name, n in FULL.items())
    print(
        f"\n{sizes} · PostgreSQL · default period (last 12 months) · median of {args.runs} "
        f"runs · {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| Report | ms | rows |\n|---|---:|---:|")
    for key, title, ms, rows in results:
        print(f"| {title} (`{key}`) | {ms:.1f} | {rows} |")


if __name__ == "__main__":
    main()
