"""Benchmark invoice PDF rendering on a warm worker, against a bare WeasyPrint reference.

    python bench/invoices_pdf.py                 # 20 renders of each
    python bench/invoices_pdf.py --runs 50

Runs the real job (`cloudmanager.invoices.jobs.render_invoice_pdf`: template,
WeasyPrint, storage with sha256, database row) for a one-page and a ten-page
invoice in a process that has already imported WeasyPrint and rendered once
(a warm RQ worker), and, in the same run, a bare `weasyprint.HTML(string=...)`
render of a plain one-page invoice as the reference. Prints ms per invoice
(median and p90), the pages, peak memory (Python allocations via tracemalloc,
and the process's max RSS), and the ratio of our one-page render to the
reference (target <= 1.3). Uses SQLite and files under /tmp only.
"""

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_HTML = """<!doctype html><html><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm; } body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; }
table { width: 100%; border-collapse: collapse; } td, th { padding: 4px; border-bottom: 1px solid #ccc; }
.num { text-align: right; }
</style></head><body>
<h1>Invoice INV-2026-00001</h1>
<p>Example GmbH<br>Example Street 1<br>10115 Berlin</p>
<p>Customer: Acme Cloud GmbH, Hauptstraße 1, 10115 Berlin</p>
<table><thead><tr><th>Description</th><th class="num">Qty</th><th class="num">Price</th><th class="num">Net</th></tr></thead>
<tbody>{rows}</tbody></table>
<p class="num">Net 150.00 EUR<br>VAT 19% 28.50 EUR<br><strong>Total 178.50 EUR</strong></p>
<p>IBAN DE89370400440532013000 · Reference RF18INV202600001</p>
</body></html>"""  # noqa: E501


def setup(tmp: Path):
    """An app on a fresh SQLite file with a customer, VAT and the company's bank details."""
    from cloudmanager import create_app
    from cloudmanager.config import TestConfig

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp / 'bench-pdf.db'}"
        STORAGE_DIR = str(tmp / "files")

    app = create_app(BenchConfig)
    return app


def make_invoice(db, customer, admin, lines: int):
    """An issued invoice with `lines` lines (PDF jobs are not run here)."""
    from cloudmanager.invoices.drafts import create_draft
    from cloudmanager.invoices.issuing import issue_invoice

    rows = [
        {
            "description": f"Cloud Server M – web{i:03d}, monthly fee for November 2026"
            + (" incl. 250 GB backup storage and monitoring" if i % 3 == 0 else ""),
            "quantity": str(1 + i % 3),
            "unit_price": "29.9000",
        }
        for i in range(lines)
    ]
    invoice = create_draft(customer, {"lines": rows}, by=admin)
    issue_invoice(invoice, by=admin, notify=False)
    return invoice


def seed(app):
    """Users, VAT, company settings and a customer; returns (one-page id, ten-page id)."""
    from cloudmanager.auth.services import create_user
    from cloudmanager.customers.services import create_customer
    from cloudmanager.extensions import db
    from cloudmanager.infra import queue
    from cloudmanager.products.models import TaxRate
    from cloudmanager.settings.services import update_settings

    queue.dispatch = lambda job: None  # render explicitly below, not after each commit
    db.drop_all()
    db.create_all()
    admin = create_user(email="bench@example.com", name="Bench", role="admin", password=None)
    db.session.add(
        TaxRate(name="VAT", country="DE", percent=Decimal("19"), valid_from=date(2020, 1, 1))
    )
    update_settings(
        {"company.iban": "DE89370400440532013000", "company.bic": "COBADEFFXXX"}, by=admin
    )
    customer = create_customer(
        {
            "kind": "company",
            "name": "Acme Cloud GmbH",
            "email": "billing@acme.example",
            "country": "DE",
            "address_line1": "Hauptstraße 1",
            "postcode": "10115",
            "city": "Berlin",
        },
        by=admin,
    )
    one = make_invoice(db, customer, admin, 5)
    ten = make_invoice(db, customer, admin, 200)
    db.session.commit()
    return one.id, ten.id


def time_job(invoice_id: int, runs: int) -> tuple[list[float], int, int]:
    """ms per run of the real job (its stored row is removed between runs), pages, peak bytes."""
    import io

    from pypdf import PdfReader
    from sqlalchemy import delete

    from cloudmanager.extensions import db
    from cloudmanager.infra.storage import read_stored
    from cloudmanager.invoices.jobs import render_invoice_pdf
    from cloudmanager.invoices.models import InvoiceDocument

    timings, peak, pages = [], 0, 0
    for run in range(runs + 1):  # the extra last run traces memory (tracemalloc is slow)
        db.session.execute(delete(InvoiceDocument))
        db.session.commit()
        if run == runs:
            tracemalloc.start()
        started = time.perf_counter()
        document = render_invoice_pdf(invoice_id)
        if run == runs:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        else:
            timings.append((time.perf_counter() - started) * 1000)
        pages = len(PdfReader(io.BytesIO(read_stored(document.file_key))).pages)
    return timings, pages, peak


def time_bare(runs: int) -> tuple[list[float], int]:
    """ms per bare WeasyPrint render of a plain one-page invoice, and peak bytes."""
    import weasyprint

    rows = "".join(
        f"<tr><td>Cloud Server M – web{i:03d}</td><td class=num>1</td>"
        f"<td class=num>30.00</td><td class=num>30.00</td></tr>"
        for i in range(5)
    )
    html = BARE_HTML.replace("{rows}", rows)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        weasyprint.HTML(string=html).write_pdf()
        timings.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    weasyprint.HTML(string=html).write_pdf()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return timings, peak


def summary(label: str, timings: list[float], pages, peak: int) -> str:
    """One Markdown table row."""
    timings = sorted(timings)
    p90 = timings[max(0, int(len(timings) * 0.9) - 1)]
    return (
        f"| {label} | {pages} | {statistics.median(timings):.0f} | {p90:.0f} "
        f"| {peak / 1024 / 1024:.1f} |"
    )


def main() -> None:
    """Warm up, measure, print the table and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--tmp", default="/tmp/cm-bench-pdf")
    args = parser.parse_args()
    tmp = Path(args.tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    app = setup(tmp)
    with app.app_context():
        one_id, ten_id = seed(app)
        import weasyprint  # noqa: F401  (a warm worker imported it at start)

        time_job(one_id, 2)  # warm: fonts, templates, CSS
        time_bare(2)
        bare, bare_peak = time_bare(args.runs)
        one, one_pages, one_peak = time_job(one_id, args.runs)
        ten, ten_pages, ten_peak = time_job(ten_id, max(3, args.runs // 4))
    print(f"{args.runs} runs after warm-up · WeasyPrint {weasyprint.__version__} · SQLite")
    print("\n| Render | pages | median ms | p90 ms | peak Python MB |")
    print("|---|---:|---:|---:|---:|")
    print(summary("reference: bare WeasyPrint, plain one-page HTML", bare, 1, bare_peak))
    print(summary("invoice job, one page (5 lines)", one, one_pages, one_peak))
    print(summary("invoice job, ten pages (200 lines)", ten, ten_pages, ten_peak))
    ratio = statistics.median(one) / statistics.median(bare)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nratio one-page job / reference: {ratio:.2f} (target <= 1.3) · max RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
