"""Property test through the real services and the database: every figure adds up.

Each example issues a batch of invoices for one customer (German VAT at two rates, or a
French business under reverse charge) and runs random partial, full and over-payments,
payments from account credit, and partial or complete credit notes (settled against the
invoice or refunded into account credit) through the services, committing after each
step as a request would. The expected figures come from `ledger_model`, computed from the
generated amounts alone; the stored ones are read back from the database and compared, and
no money value is a float, neither in Python nor as stored. A run issues about 2,200
invoices, 3,200 credit notes and 2,700 payments (45 s on SQLite on the 2-core machine);
PROPERTY_EXAMPLES=40 makes a quick local run.
"""

import itertools
import os
from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.money import Money
from cloudmanager.invoices.breakdown import TaxBreakdown
from cloudmanager.invoices.credit_models import CreditEntry, CreditNote, CreditNoteLine
from cloudmanager.invoices.credit_notes import create_credit_note
from cloudmanager.invoices.drafts import create_draft
from cloudmanager.invoices.issuing import issue_invoice
from cloudmanager.invoices.models import Invoice, InvoiceLine, Payment
from cloudmanager.invoices.payments import credit_balance, record_payment
from tests.invoices.ledger_model import RATES, ZERO, ModelInvoice, ModelLine, cents

D = Decimal
RUN_EXAMPLES = 480  # batches of 4-6 invoices: at least 2,000 invoices and credit notes
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", RUN_EXAMPLES))  # fewer for a quick look
REFERENCES = (f"PROP-{n}" for n in itertools.count(1))


# Whole quantities and half-cent prices often, so that roundings land on ties (x.xx5).
quantities = st.one_of(
    st.integers(1, 20).map(D), st.decimals(min_value=D("0.001"), max_value=D("50"), places=3)
)
prices = st.one_of(
    st.integers(0, 400_000).map(lambda n: D(n) / 200),
    st.decimals(min_value=D("0"), max_value=D("2000"), places=4),
)


@st.composite
def invoice_lines(draw):
    quantity, price = draw(quantities), draw(prices)
    most = int(quantity * price * 100)  # the discount cannot exceed the line's amount
    discount = draw(st.one_of(st.just(0), st.integers(0, most)))
    return quantity, price, D(discount).scaleb(-2), draw(st.sampled_from(sorted(RATES)))


# One step: (kind, which invoice, which line, how much: per mille of what is owed or left,
# > 1000 overpays or credits the whole rest, settle the credit note against the invoice).
KINDS = ["pay"] * 2 + ["pay_from_credit"] + ["credit"] * 5 + ["credit_all"]
operations = st.tuples(
    st.sampled_from(KINDS),
    st.integers(0, 9),
    st.integers(0, 9),
    st.integers(min_value=1, max_value=1500),
    st.booleans(),
)
batches = st.tuples(
    st.booleans(),  # reverse charge: the French business customer
    st.lists(st.lists(invoice_lines(), min_size=1, max_size=4), min_size=4, max_size=6),
    st.lists(operations, min_size=10, max_size=20),
)


def model_of(lines, reverse_charge: bool) -> ModelInvoice:
    return ModelInvoice(
        [
            ModelLine(
                qty, price, discount, (ZERO, True) if reverse_charge else (RATES[rate], False)
            )
            for qty, price, discount, rate in lines
        ]
    )


def issue(db, customer, lines, vat, admin):
    rows = [
        {
            "description": "item",
            "quantity": f"{qty:f}",
            "unit_price": f"{price:f}",
            "discount": f"{discount:f}",
            "tax_rate_id": "" if rate == "standard" else str(vat["reduced"].id),
        }
        for qty, price, discount, rate in lines
    ]
    draft = create_draft(customer, {"lines": rows}, by=admin)
    invoice = issue_invoice(draft, by=admin, notify=False)  # emails: tested elsewhere
    db.session.commit()
    return invoice


def run_operation(db, admin, operation, invoices, models, credit):
    """One step through the services; returns the change of the customer's account credit."""
    kind, pick, line_pick, permille, settle = operation
    invoice, model = invoices[pick % len(invoices)], models[pick % len(invoices)]
    if kind in ("pay", "pay_from_credit"):
        base = model.owed if model.owed > 0 else model.gross
        amount = max(cents(base * permille / 1000), D("0.01"))
        method = "card"
        if kind == "pay_from_credit":
            amount, method = min(amount, credit, max(model.owed, ZERO)), "account_credit"
            if amount <= 0:
                return ZERO
        reference = next(REFERENCES) if method == "card" else None
        data = {"amount": f"{amount:f}", "method": method, "reference": reference}
        record_payment(invoice, data, by=admin)
        excess = model.pay(amount)  # from account credit: never more than is owed
        change = excess if method == "card" else -amount
    else:
        open_lines = [i for i, line in enumerate(model.lines) if line.left > 0]
        if not open_lines:
            return ZERO
        settle = "invoice" if settle else "credit"
        if kind == "credit_all":
            wanted, data = {i: model.lines[i].left for i in open_lines}, {"all": True}
        else:
            index = open_lines[line_pick % len(open_lines)]
            left = model.lines[index].left
            part = (left * min(permille, 1000) / 1000).quantize(D("0.001"), ROUND_DOWN)
            wanted = {index: max(part, D("0.001"))}
            data = {"quantities": {invoice.lines[index].id: f"{wanted[index]:f}"}}
        create_credit_note(invoice, {**data, "reason": "p", "settle": settle}, by=admin)
        note = model.credit(wanted, settle)
        change = note.to_credit if note.to_credit > 0 else ZERO
    db.session.commit()
    return change


def load_batch(db, invoice_ids) -> dict[type, list]:
    """Every row of the batch that holds money, read back from the database."""
    db.session.expire_all()
    notes = select(CreditNote.id).where(CreditNote.invoice_id.in_(invoice_ids))
    wheres = {
        Invoice: Invoice.id.in_(invoice_ids),
        InvoiceLine: InvoiceLine.invoice_id.in_(invoice_ids),
        Payment: Payment.invoice_id.in_(invoice_ids),
        CreditNote: CreditNote.invoice_id.in_(invoice_ids),
        CreditNoteLine: CreditNoteLine.credit_note_id.in_(notes),
        CreditEntry: CreditEntry.invoice_id.in_(invoice_ids),
        TaxBreakdown: TaxBreakdown.invoice_id.in_(invoice_ids),
    }
    return {
        model: db.session.scalars(select(model).where(where).order_by(model.id)).all()
        for model, where in wheres.items()
    }


def assert_no_float(db, rows: dict[type, list]) -> None:
    """Every money value of the batch is a Decimal in Python and stored exactly."""
    counts = []
    for model, found in rows.items():
        columns = [c.key for c in model.__table__.columns if isinstance(c.type, Money)]
        for row in found:
            for name in columns:
                value = getattr(row, name)
                assert value is None or type(value) is Decimal, (model, name, value)
        ids = ", ".join(str(row.id) for row in found) or "0"
        inexact = " OR ".join(f"typeof({c}) NOT IN ('integer', 'null')" for c in columns)
        counts.append(
            f"SELECT count(*) FROM {model.__table__.name} WHERE id IN ({ids}) AND ({inexact})"
        )
    if db.engine.dialect.name == "sqlite":  # scaled integers there, never REAL
        assert db.session.execute(text(" UNION ALL ".join(counts))).scalars().all() == [0] * len(
            counts
        )


def assert_matches_the_model(rows: dict[type, list], invoice_ids, models) -> None:
    """Each stored figure of the batch is the model's, and the sums hold."""
    lines, note_lines, groups = {}, {}, {}
    for line in rows[InvoiceLine]:
        lines.setdefault(line.invoice_id, []).append(line)
    for line in rows[CreditNoteLine]:
        note_lines.setdefault(line.credit_note_id, []).append(line)
    for row in rows[TaxBreakdown]:
        owner = groups.setdefault((row.invoice_id, row.credit_note_id), {})
        owner[(row.rate, row.reverse_charge)] = (row.taxable, row.tax)
    invoices = {invoice.id: invoice for invoice in rows[Invoice]}
    for invoice_id, model in zip(invoice_ids, models):
        invoice = invoices[invoice_id]
        totals = (invoice.net_total, invoice.tax_total, invoice.gross_total)
        assert totals == (model.net, model.tax, model.gross)
        own_lines = sorted(lines[invoice_id], key=lambda line: line.position)
        assert [line.net for line in own_lines] == [line.net for line in model.lines]
        assert sum(line.net for line in own_lines) == invoice.net_total
        assert invoice.net_total + invoice.tax_total == invoice.gross_total
        assert groups[(invoice_id, None)] == model.groups
        stored = [cn for cn in rows[CreditNote] if cn.invoice_id == invoice_id]
        assert len(stored) == len(model.notes)
        for credit_note, expected in zip(stored, model.notes):
            own = sorted(note_lines[credit_note.id], key=lambda line: line.position)
            nets = [line.net for line in own]
            assert nets == expected.line_nets and sum(nets) == credit_note.net_total
            totals = (credit_note.net_total, credit_note.tax_total, credit_note.gross_total)
            assert totals == (expected.net, expected.tax, expected.gross)
            assert credit_note.net_total + credit_note.tax_total == credit_note.gross_total
            settled = (credit_note.applied_to_invoice, credit_note.to_customer_credit)
            assert settled == (expected.applied, expected.to_credit)
            assert groups[(invoice_id, credit_note.id)] == expected.groups
        # balance = gross − payments − credits: the stored balance is what the model says is
        # still owed after settling each generated amount in turn, and the invoice's running
        # sums are the sums of its payment and credit-note rows.
        payments = [p.applied for p in rows[Payment] if p.invoice_id == invoice_id]
        credits = [cn.applied_to_invoice for cn in stored]
        assert invoice.paid_total == sum(payments, ZERO) == model.paid
        assert invoice.credited_total == sum(credits, ZERO) == model.credited
        assert invoice.balance == model.owed
        assert invoice.status == model.status


@pytest.mark.slow
@pytest.mark.timeout(900)  # a failure is shrunk for up to five minutes to a small example
def test_random_invoices_payments_and_credit_notes_always_add_up(
    db, vat, admin, make_customer, no_jobs
):
    customers = {
        False: make_customer(),
        True: make_customer(country="FR", vat_id="FR12345678901", postcode="75001", city="Paris"),
    }

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(batch=batches)
    def check(batch):
        note(f"batch: {batch!r}")  # printed with a failure (the report can leave it out)
        reverse_charge, invoice_lines, operations = batch
        customer = customers[reverse_charge]
        credit = credit_balance(customer.id)
        invoices, models = [], []
        for lines in invoice_lines:
            model = model_of(lines, reverse_charge)
            if model.gross <= 0:
                with pytest.raises(ValidationFailed):
                    issue(db, customer, lines, vat, admin)
                db.session.rollback()
                continue
            invoices.append(issue(db, customer, lines, vat, admin))
            models.append(model)
        if not invoices:
            return
        for operation in operations:
            credit += run_operation(db, admin, operation, invoices, models, credit)
        invoice_ids = [invoice.id for invoice in invoices]
        rows = load_batch(db, invoice_ids)
        assert_matches_the_model(rows, invoice_ids, models)
        assert_no_float(db, rows)
        balance = credit_balance(customer.id)
        assert balance == credit and type(balance) is Decimal

    check()
    issued = db.session.scalar(select(func.count(Invoice.id)).where(Invoice.state == "issued"))
    noted = db.session.scalar(select(func.count(CreditNote.id)))
    paid = db.session.scalar(select(func.count(Payment.id)))
    print(f"{issued} invoices, {noted} credit notes, {paid} payments")
    if EXAMPLES >= RUN_EXAMPLES:
        assert issued >= 2000 and noted >= 2000
