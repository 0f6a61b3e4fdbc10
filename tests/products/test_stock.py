"""Stock: reserving is atomic, never goes below zero, and two racing orders cannot oversell."""

import threading
import time

import pytest
from sqlalchemy import select

from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.products.models import Product
from cloudmanager.products.services import (
    archive_product,
    delete_product,
    ensure_sellable,
    register_sales_check,
    release_stock,
    reserve_stock,
)
from cloudmanager.products import services


def test_reserving_takes_from_the_stock(db, make_product):
    product = make_product(stock=5)
    reserve_stock(product, 2)
    db.session.commit()
    assert product.stock == 3


def test_reserving_more_than_is_left_is_refused_and_changes_nothing(db, make_product):
    product = make_product(stock=1)
    with pytest.raises(Conflict, match="Only 1 of"):
        reserve_stock(product, 2)
    db.session.rollback()
    assert db.session.scalar(select(Product.stock).where(Product.id == product.id)) == 1


def test_unlimited_stock_is_never_short(db, make_product):
    product = make_product(stock=None)
    reserve_stock(product, 1000)
    assert product.stock is None


def test_quantity_must_be_positive(db, make_product):
    with pytest.raises(ValidationFailed):
        reserve_stock(make_product(stock=3), 0)


def test_releasing_gives_stock_back(db, make_product):
    product = make_product(stock=2)
    reserve_stock(product, 2)
    release_stock(product, 1)
    assert product.stock == 1


@pytest.mark.postgres
def test_two_concurrent_orders_cannot_oversell_the_last_item(app, db, make_product):
    """A holds the last item uncommitted; B's reservation waits for A, then is refused."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set TEST_DATABASE_URL)")
    product_id = make_product(stock=1).id
    a_reserved, a_may_commit = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def order(name: str, before_commit=None):
        with app.app_context():
            try:
                reserve_stock(db.session.get(Product, product_id), 1)
                if before_commit:
                    before_commit()
                db.session.commit()
                results[name] = "ok"
            except Conflict as exc:
                db.session.rollback()
                results[name] = exc
            finally:
                db.session.remove()

    def hold():
        a_reserved.set()
        a_may_commit.wait(10)

    first = threading.Thread(target=order, args=("a", hold))
    first.start()
    assert a_reserved.wait(10)
    second = threading.Thread(target=order, args=("b",))
    second.start()
    time.sleep(0.5)
    assert second.is_alive(), "B should be waiting for A's row lock"
    a_may_commit.set()
    first.join(10)
    second.join(10)
    assert results["a"] == "ok"
    assert isinstance(results["b"], Conflict)
    db.session.expire_all()
    assert db.session.get(Product, product_id).stock == 0


def test_archived_or_inactive_products_are_not_sellable(db, make_product):
    archived, inactive = make_product(), make_product(active=False)
    archive_product(archived)
    for product in (archived, inactive):
        with pytest.raises(Conflict):
            ensure_sellable(product)


def test_archiving_takes_the_product_off_sale_and_out_of_the_portal(db, make_product):
    product = make_product()
    archive_product(product)
    assert product.is_archived and not product.active and not product.visible_in_portal


def test_a_sold_product_cannot_be_deleted(db, make_product, monkeypatch):
    product = make_product()
    monkeypatch.setattr(services, "SALES_CHECKS", [])
    register_sales_check(lambda product_id: product_id == product.id)
    with pytest.raises(Conflict, match="archive it instead"):
        delete_product(product)


def test_a_product_never_sold_can_be_deleted(db, make_product, monkeypatch):
    product = make_product()
    monkeypatch.setattr(services, "SALES_CHECKS", [])
    delete_product(product)
    db.session.commit()
    assert db.session.get(Product, product.id) is None
