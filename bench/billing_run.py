"""Benchmark the billing run: N active monthly services, all due, one run; prints services/s.

    python bench/billing_run.py                          # 100,000 services on PostgreSQL
    python bench/billing_run.py --services 5000 --runs 2 # smaller, two concurrent runs

It recreates the schema on the bench database (default: cm_orders on
127.0.0.1), loads customers and active services (bulk insert, first period
already billed), then times `run_billing` for a day on which every service's
next period is inside the renewal window. Each service gets its own
transaction: lock, period row, draft, issue (number, audit, outbox email),
advance. Background jobs (PDF, email sending) are left to workers and not
timed: they are counted and dropped. Finally it checks that exactly one
renewal invoice per service exists. The figure belongs in docs/performance.md.
"""

import argparse
import os
import sys
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cloudmanager.core.database import ensure_database  # noqa: E402

DEFAULT_PG = "postgresql+psycopg2://root@127.0.0.1:5432/cm_orders"
ANCHOR = date(2026, 1, 31)
RUN_DAY = date(2026, 2, 20)  # next periods start 2026-02-28, inside the 14-day window


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


def load(count: int, customers: int) -> None:
    """Fresh schema, German VAT, one product, `customers` customers and `count` services."""
    from cloudmanager.customers.services import create_customer
    from cloudmanager.extensions import db
    from cloudmanager.orders.models import Service
    from cloudmanager.products.models import TaxRate
    from cloudmanager.products.services import create_product

    db.drop_all()
    db.create_all()
    rate = TaxRate(name="VAT", country="DE", percent=Decimal("19"), valid_from=date(2020, 1, 1))
    rate.is_default = True
    db.session.add(rate)
    product = create_product(
        {
            "sku": "CS-M",
            "name": "Cloud Server M",
            "kind": "recurring",
            "currency": "EUR",
            "prices": {"monthly": "19.90"},
            "setup_fee": "0",
            "support_tier": "basic",
            "stock": None,
            "active": True,
            "visible_in_portal": True,
        }
    )
    ids = []
    for n in range(customers):
        data = {
            "kind": "company",
            "name": f"Bench Customer {n:05d} GmbH",
            "email": f"billing{n}@bench.example",
            "country": "DE",
            "currency": "EUR",
            "payment_terms_days": "14",
            "address_line1": f"Street {n}",
            "postcode": "10115",
            "city": "Berlin",
        }
        ids.append(create_customer(data, by=None).id)
    db.session.commit()
    row = {
        "product_id": product.id,
        "name": product.name,
        "cycle": "monthly",
        "quantity": 1,
        "unit_price": Decimal("19.90"),
        "discount": Decimal("0"),
        "status": "active",
        "period_anchor": ANCHOR,
        "periods_billed": 1,
        "next_due_date": date(2026, 2, 28),
        "cancel_at_period_end": False,
        "suspended_reason": "",
    }
    for start in range(0, count, 5000):
        chunk = range(start, min(start + 5000, count))
        db.session.execute(
            Service.__table__.insert(), [{**row, "customer_id": ids[i % len(ids)]} for i in chunk]
        )
        db.session.commit()


def bill(app, runs: int) -> float:
    """Start `runs` billing runs at once; returns the wall-clock seconds."""
    from cloudmanager.extensions import db
    from cloudmanager.orders.billing import run_billing

    def one_run():
        with app.app_context():
            run_billing(RUN_DAY, trigger="bench")
            db.session.remove()

    threads = [threading.Thread(target=one_run) for _ in range(runs)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def main() -> None:
    """Load, run, verify, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1, help="concurrent billing runs")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from cloudmanager.extensions import db
    from cloudmanager.infra import queue
    from cloudmanager.invoices.models import Invoice

    dropped = {"jobs": 0}

    def count_only(job):
        dropped["jobs"] += 1

    queue.dispatch = count_only  # PDFs and emails are the workers' job, not the run's
    app = make_app(ensure_database(args.url))
    with app.app_context():
        print(f"loading {args.services} services for {args.customers} customers …", flush=True)
        load(args.services, args.customers)
        seconds = bill(app, args.runs)
        invoices = db.session.scalar(select(func.count(Invoice.id)))
        print(f"database:  {db.engine.dialect.name}")
        print(f"runs:      {args.runs} concurrent")
        print(f"services:  {args.services}")
        print(f"invoices:  {invoices} ({'OK, one each' if invoices == args.services else 'WRONG'})")
        print(f"time:      {seconds:.1f} s")
        print(f"rate:      {args.services / seconds:.0f} services/s")
        print(f"jobs:      {dropped['jobs']} enqueued for workers (not timed)")


if __name__ == "__main__":
    main()
