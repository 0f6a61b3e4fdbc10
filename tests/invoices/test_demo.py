"""Demo invoices: every state is shown, and seeding twice adds nothing."""

from sqlalchemy import func, select

from cloudmanager.invoices.models import Invoice


def test_the_demo_has_invoices_in_every_state_and_seeds_once(app, db):
    from cloudmanager.demo import seed

    seed()
    db.session.commit()
    statuses = {invoice.status for invoice in db.session.scalars(select(Invoice))}
    assert {"draft", "paid", "partially_paid", "overdue", "issued", "void"} <= statuses
    count = db.session.scalar(select(func.count(Invoice.id)))
    assert "invoices: already present" in seed()
    assert db.session.scalar(select(func.count(Invoice.id))) == count
