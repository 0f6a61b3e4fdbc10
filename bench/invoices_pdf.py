"""Benchmark invoice PDF rendering on a warm worker, against a bare WeasyPrint reference.

    python bench/invoices_pdf.py                 # 20 renders of each
    python bench/invoices_pdf.py --runs 50

Runs the real job (`cloudmanager.invoices.jobs.render_invoice_pdf`: template,
WeasyPrint, storage with sha256, database row) for a one-page and a ten-page
invoice in a process that has already imported WeasyPrint and rendered once
(a warm RQ worker), and, in the same run, a bare `weasyprint.HTML(string=...)`
render of a plain one-page invoice as the reference: hand-written HTML with the
same information our invoice prints (sender, address, dates, five lines, tax
summary, totals, payment details, legal footer) and a plain stylesheet. A more
minimal invoice HTML (fewer fields) is rendered too, for comparison. Renders
alternate round by round. Prints ms per invoice (median and p90), the pages, peak
memory (Python allocations via tracemalloc, and the process's max RSS), and the
ratio of our one-page render to the reference (target <= 1.3) and, next to it, to
the minimal HTML. Uses SQLite and files under /tmp only.
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

ONE_PAGE_LINES = 5
# The first page holds 16 of these lines, every further page 17 (a render of 165 lines,
# 26 Nov 2026, put lines 153-165 and the totals and payment block on page ten), so 160
# lines end on page ten with room to spare; 200 lines made 12 pages. The table prints
# the PDF's own page count, and a warning if it is not 1 and 10.
TEN_PAGE_LINES = 160

MINIMAL_HTML = """<!doctype html><html><head><meta charset="utf-8"><style>
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

# What an accountant needs on one page, written by hand with a plain stylesheet: the
# reference for the ratio (the same information our template prints, without our
# template, adapter, QR code, storage or database).
PLAIN_INVOICE_HTML = """<!doctype html><html><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm 18mm 25mm 20mm;
  @bottom-left { content: "Example Cloud GmbH · Example Street 1, 10115 Berlin · VAT ID DE123456789 · HRB 12345 · billing@example.com · IBAN DE89370400440532013000"; font-size: 7.5pt; }
  @bottom-right { content: "Page " counter(page); font-size: 7.5pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.4; }
h1 { font-size: 18pt; text-align: right; }
table { border-collapse: collapse; } td, th { padding: 1.5mm 2mm; }
table.items { width: 100%; margin: 6mm 0; } .items td, .items th { border-bottom: 0.5pt solid #ccc; }
.num { text-align: right; } .small { font-size: 6.5pt; }
</style></head><body>
<p><strong>Example Cloud GmbH</strong></p>
<h1>Invoice INV-2026-00001</h1>
<p class="small">Example Cloud GmbH · Example Street 1 · 10115 Berlin</p>
<p>Acme Cloud GmbH<br>Hauptstraße 1<br>10115 Berlin<br>Germany</p>
<table><tr><th>Invoice number</th><td>INV-2026-00001</td></tr><tr><th>Issue date</th><td>26 Nov 2026</td></tr>
<tr><th>Delivery date</th><td>26 Nov 2026</td></tr><tr><th>Due date</th><td>10 Dec 2026</td></tr>
<tr><th>Customer number</th><td>C-000001</td></tr><tr><th>Our VAT ID</th><td>DE123456789</td></tr></table>
<table class="items"><thead><tr><th>#</th><th>Description</th><th class="num">Qty</th><th class="num">Unit price</th>
<th class="num">Discount</th><th class="num">VAT</th><th class="num">Net</th></tr></thead>
<tbody>{rows}</tbody></table>
<table class="items"><thead><tr><th>VAT category</th><th class="num">Rate</th><th class="num">Taxable amount</th><th class="num">VAT</th></tr></thead>
<tbody><tr><td>Standard (S)</td><td class="num">19%</td><td class="num">269.10 EUR</td><td class="num">51.13 EUR</td></tr></tbody></table>
<table><tr><td>Total net</td><td class="num">269.10 EUR</td></tr><tr><td>Total VAT</td><td class="num">51.13 EUR</td></tr>
<tr><td><strong>Total due</strong></td><td class="num"><strong>320.23 EUR</strong></td></tr></table>
<h2>Payment</h2>
<p>Please transfer <strong>320.23 EUR</strong> by <strong>10 Dec 2026</strong> to<br>Account holder: Example Cloud GmbH<br>
IBAN: DE89370400440532013000 · BIC: COBADEFFXXX<br>Payment reference: <strong>RF18INV202600001</strong></p>
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
    one = make_invoice(db, customer, admin, ONE_PAGE_LINES)
    ten = make_invoice(db, customer, admin, TEN_PAGE_LINES)
    db.session.commit()
    return one.id, ten.id


def render_job(invoice_id: int) -> tuple[float, int]:
    """ms for one run of the real job (its stored row removed first), and the PDF's pages."""
    import io

    from pypdf import PdfReader
    from sqlalchemy import delete

    from cloudmanager.extensions import db
    from cloudmanager.infra.storage import read_stored
    from cloudmanager.invoices.jobs import render_invoice_pdf
    from cloudmanager.invoices.models import InvoiceDocument

    db.session.execute(delete(InvoiceDocument))
    db.session.commit()
    started = time.perf_counter()
    document = render_invoice_pdf(invoice_id)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(PdfReader(io.BytesIO(read_stored(document.file_key))).pages)


def render_bare(html: str) -> float:
    """ms for one bare WeasyPrint render of `html`."""
    import weasyprint

    started = time.perf_counter()
    weasyprint.HTML(string=html).write_pdf()
    return (time.perf_counter() - started) * 1000


def peak_bytes(render) -> int:
    """Peak Python allocation of one call of `render` (tracemalloc is slow: not timed)."""
    tracemalloc.start()
    render()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def plain_invoice_html(minimal: bool = False) -> str:
    """The reference HTML with five lines like the invoice job's."""
    if minimal:
        rows = "".join(
            f"<tr><td>Cloud Server M – web{i:03d}</td><td class=num>1</td>"
            f"<td class=num>30.00</td><td class=num>30.00</td></tr>"
            for i in range(5)
        )
        return MINIMAL_HTML.replace("{rows}", rows)
    rows = "".join(
        f"<tr><td>{i + 1}</td><td>Cloud Server M – web{i:03d}, monthly fee for November 2026"
        + (" incl. 250 GB backup storage and monitoring" if i % 3 == 0 else "")
        + f"</td><td class=num>{1 + i % 3}</td><td class=num>29.90</td><td class=num></td>"
        f"<td class=num>19%</td><td class=num>{29.9 * (1 + i % 3):.2f} EUR</td></tr>"
        for i in range(5)
    )
    return PLAIN_INVOICE_HTML.replace("{rows}", rows)


def pages_label(pages: int) -> str:
    """The page count as the table prints it: "one page", "ten pages", else "N pages"."""
    return {1: "one page", 10: "ten pages"}.get(pages, f"{pages} pages")


def summary(label: str, timings: list[float], pages, peak: int) -> str:
    """One Markdown table row."""
    timings = sorted(timings)
    p90 = timings[max(0, int(len(timings) * 0.9) - 1)]
    return (
        f"| {label} | {pages} | {statistics.median(timings):.0f} | {p90:.0f} "
        f"| {peak / 1024 / 1024:.1f} |"
    )


def main() -> None:
    """Warm up, measure in interleaved rounds, print the table and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--tmp", default="/tmp/cm-bench-pdf")
    args = parser.parse_args()
    tmp = Path(args.tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    app = setup(tmp)
    plain, minimal = plain_invoice_html(), plain_invoice_html(minimal=True)
    times: dict[str, list[float]] = {"plain": [], "minimal": [], "one": [], "ten": []}
    ratios, minimal_ratios = [], []
    with app.app_context():
        one_id, ten_id = seed(app)
        import weasyprint  # noqa: F401  (a warm worker imported it at start)

        for _ in range(2):  # warm: fonts, templates, CSS
            render_job(one_id), render_bare(plain), render_bare(minimal)
        # Rounds alternate the renders so that a busy moment hits all of them alike.
        for run in range(args.runs):
            times["plain"].append(render_bare(plain))
            one_ms, one_pages = render_job(one_id)
            times["one"].append(one_ms)
            times["minimal"].append(render_bare(minimal))
            ratios.append(one_ms / times["plain"][-1])
            minimal_ratios.append(one_ms / times["minimal"][-1])
            if run % 4 == 0:
                ten_ms, ten_pages = render_job(ten_id)
                times["ten"].append(ten_ms)
        peaks = {
            "plain": peak_bytes(lambda: render_bare(plain)),
            "minimal": peak_bytes(lambda: render_bare(minimal)),
            "one": peak_bytes(lambda: render_job(one_id)),
            "ten": peak_bytes(lambda: render_job(ten_id)),
        }
    print(f"{args.runs} rounds after warm-up · WeasyPrint {weasyprint.__version__} · SQLite")
    print("\n| Render | pages | median ms | p90 ms | peak Python MB |")
    print("|---|---:|---:|---:|---:|")
    rows = [
        ("reference: bare WeasyPrint, plain one-page invoice HTML", "plain", 1),
        ("bare WeasyPrint, minimal invoice HTML (fewer fields)", "minimal", 1),
        (f"invoice job, {pages_label(one_pages)} ({ONE_PAGE_LINES} lines)", "one", one_pages),
        (f"invoice job, {pages_label(ten_pages)} ({TEN_PAGE_LINES} lines)", "ten", ten_pages),
    ]
    for label, key, pages in rows:
        print(summary(label, times[key], pages, peaks[key]))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        "\none-page job, median of per-round ratios: "
        f"{statistics.median(ratios):.2f} to the reference (target <= 1.3) · "
        f"{statistics.median(minimal_ratios):.2f} to the minimal HTML · max RSS {rss:.0f} MB"
    )
    if (one_pages, ten_pages) != (1, 10):
        print(f"warning: the invoices rendered {one_pages} and {ten_pages} pages, not 1 and 10")


if __name__ == "__main__":
    main()
