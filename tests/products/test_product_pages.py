"""Catalog pages: forms with messages next to fields, htmx fragments, constant-cost lists."""

from datetime import date
from decimal import Decimal

from cloudmanager.products.models import Product
from cloudmanager.products.services import product_price

FORM = {
    "sku": "CS-S",
    "name": "Cloud Server S",
    "kind": "recurring",
    "currency": "EUR",
    "price_monthly": "9.90",
    "price_annual": "106.80",
    "setup_fee": "0",
    "group_id": "",
    "tax_rate_id": "",
    "support_tier": "basic",
    "stock": "",
    "active": "y",
    "visible_in_portal": "y",
}


def test_manager_creates_a_product_with_two_cycles(client, login_as, db):
    login_as("manager")
    response = client.post("/products/new", data=FORM)
    assert response.status_code == 302
    product = db.session.query(Product).one()
    assert product.offered_cycles == ["monthly", "annual"]
    assert product_price(product, "annual") == Decimal("106.80")


def test_invalid_price_is_shown_next_to_its_field_with_422(client, login_as, db):
    login_as("manager")
    response = client.post("/products/new", data={**FORM, "price_monthly": "-9.90"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="price_monthly-error"' in html and "cannot be negative" in html
    assert db.session.query(Product).count() == 0


def test_htmx_form_errors_return_only_the_form_fragment(client, login_as):
    login_as("manager")
    response = client.post(
        "/products/new", data={**FORM, "currency": "ABC"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<form") and "Unknown currency" in html


def test_edit_form_shows_the_current_values(client, login_as, make_product, make_rate):
    login_as("manager")
    rate = make_rate("DE", "7", name="VAT reduced")
    product = make_product(tax_rate_id=rate.id, prices={"quarterly": "28.5"})
    html = client.get(f"/products/{product.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{rate.id}">' in html
    assert 'value="28.50"' in html


def test_agent_sees_the_catalog_without_edit_buttons(client, login_as, make_product):
    login_as("agent")
    make_product(name="Cloud Server L")
    html = client.get("/products/").get_data(as_text=True)
    assert "Cloud Server L" in html and "New product" not in html


def test_search_filters_by_name_or_sku_and_htmx_gets_the_table(client, login_as, make_product):
    login_as("agent")
    make_product(sku="K8S-STD", name="Managed Kubernetes")
    make_product(sku="BS-100", name="Block Storage")
    response = client.get("/products/?q=k8s", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "Managed Kubernetes" in html and "Block Storage" not in html
    assert "<html" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_product_list_pages_follow_each_other_without_repeats(client, login_as, make_product):
    login_as("agent")
    for n in range(5):
        make_product(name=f"Product {n}")
    first = client.get("/products/?size=3").get_data(as_text=True)
    assert "Product 2" in first and "Product 3" not in first
    cursor = first.split("cursor=", 1)[1].split('"', 1)[0].split("&", 1)[0]
    second = client.get(f"/products/?size=3&cursor={cursor}").get_data(as_text=True)
    assert "Product 3" in second and "Product 4" in second and "Product 0" not in second


def _list_queries(client, count_queries, url):
    from cloudmanager.settings.services import invalidate_cache

    invalidate_cache()  # both runs load the settings once, however long apart they are
    with count_queries() as counter:
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    return counter.count


def test_product_list_costs_the_same_queries_for_3_or_40_rows(
    client, login_as, make_product, make_rate, count_queries
):
    login_as("agent")
    rate = make_rate()
    for n in range(3):
        make_product(tax_rate_id=rate.id)
    small = _list_queries(client, count_queries, "/products/?size=50")
    for n in range(37):
        make_product(tax_rate_id=rate.id, prices={"monthly": "1", "annual": "10"})
    assert _list_queries(client, count_queries, "/products/?size=50") == small


def test_tax_rate_list_costs_the_same_queries_for_2_or_30_rows(
    client, login_as, make_rate, count_queries
):
    login_as("accountant")
    make_rate("DE", "19")
    make_rate("AT", "20")
    small = _list_queries(client, count_queries, "/products/tax-rates?size=100")
    for n in range(28):
        make_rate("FR", "20", name=f"VAT {n}", valid_from=date(2020, 1, 1))
    assert _list_queries(client, count_queries, "/products/tax-rates?size=100") == small


def test_accountant_adds_a_new_rate_from_a_date(client, login_as, make_rate, db):
    login_as("accountant")
    rate = make_rate("DE", "19", valid_from=date(2021, 1, 1))
    response = client.post(
        f"/products/tax-rates/{rate.id}/new-version",
        data={"percent": "20", "from_date": "2027-01-01"},
    )
    assert response.status_code == 302
    db.session.refresh(rate)
    assert rate.valid_to == date(2026, 12, 31) and rate.percent == Decimal("19")


def test_overlapping_tax_rate_form_shows_the_message(client, login_as, make_rate):
    login_as("accountant")
    make_rate("DE", "19", valid_from=date(2021, 1, 1))
    response = client.post(
        "/products/tax-rates/new",
        data={"name": "VAT", "country": "DE", "percent": "16", "valid_from": "2022-01-01"},
    )
    assert response.status_code == 422 and b"Overlaps DE VAT 19%" in response.data


def test_archived_product_offers_restore_instead_of_edit(client, login_as, make_product):
    login_as("manager")
    product = make_product()
    assert client.post(f"/products/{product.id}/archive").status_code == 302
    html = client.get(f"/products/{product.id}").get_data(as_text=True)
    assert "Restore" in html and "Archived" in html
    assert client.post(f"/products/{product.id}/edit", data=FORM).status_code == 409


def test_dashboard_warns_about_products_low_on_stock(client, login_as, make_product):
    login_as("agent")
    assert "low on stock" not in client.get("/").get_data(as_text=True)
    make_product(stock=2)
    make_product(stock=50)
    html = client.get("/").get_data(as_text=True)
    assert "Products low on stock" in html


def test_edit_form_keeps_a_products_rate_that_has_ended(client, login_as, make_product, make_rate):
    login_as("manager")
    old = make_rate("DE", "16", valid_from=date(2020, 7, 1), valid_to=date(2020, 12, 31))
    product = make_product(tax_rate_id=old.id)
    html = client.get(f"/products/{product.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{old.id}">DE VAT 16% (no longer valid)</option>' in html


def test_the_product_form_sets_and_shows_when_services_start(client, login_as, db):
    import re

    login_as("manager")
    client.post("/products/new", data={**FORM, "activate_on_order": "y"})
    product = db.session.query(Product).one()
    assert product.activate_on_order is True
    html = client.get(f"/products/{product.id}/edit").get_data(as_text=True)
    checkbox = re.search(r"<input[^>]*name=\"activate_on_order\"[^>]*>", html).group(0)
    assert "checked" in checkbox
    detail = client.get(f"/products/{product.id}").get_data(as_text=True)
    assert "When the order is accepted" in detail
    client.post(f"/products/{product.id}/edit", data=FORM)  # the box left unticked
    assert db.session.get(Product, product.id).activate_on_order is False
