"""In Chromium: company profile, logo in the header, and the catalog/settings pages stay clean."""

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def logo_file(tmp_path):
    """A small PNG on disk, as a user would pick it."""
    path = tmp_path / "nimbus-logo.png"
    Image.new("RGB", (160, 48), (47, 111, 237)).save(path, "PNG")
    return path


def test_admin_edits_company_profile_and_uploaded_logo_shows_in_the_header(
    page, page_problems, sign_in, logo_file
):
    sign_in("admin")
    page.goto("/settings/company")
    page.get_by_label("Legal name").fill("Nimbus Hosting GmbH")
    page.get_by_label("VAT id").fill("DE811907980")
    page.get_by_role("button", name="Save company profile").click()
    expect(page.get_by_text("Company profile saved.")).to_be_visible()
    expect(page.get_by_label("Legal name")).to_have_value("Nimbus Hosting GmbH")

    page.get_by_label("Logo", exact=True).set_input_files(str(logo_file))
    page.get_by_role("button", name="Upload logo").click()
    expect(page.get_by_text("Logo uploaded.")).to_be_visible()

    header_logo = page.locator(".sidebar-brand img.company-logo")
    expect(header_logo).to_be_visible()
    assert header_logo.evaluate("img => img.complete && img.naturalWidth") == 160
    page.goto("/products/")
    expect(page.locator(".sidebar-brand img.company-logo")).to_be_visible()
    assert page_problems.all() == []


def test_a_text_file_as_logo_is_refused_next_to_the_field(page, sign_in, tmp_path):
    fake = tmp_path / "logo.png"
    fake.write_text("not an image")
    sign_in("admin")
    page.goto("/settings/company")
    page.get_by_label("Logo", exact=True).set_input_files(str(fake))
    page.get_by_role("button", name="Upload logo").click()
    expect(page.locator("#logo-error")).to_contain_text("not a PNG, JPEG or WebP")
    expect(page.locator(".sidebar-brand img.company-logo")).to_have_count(0)


@pytest.mark.parametrize(
    "path",
    [
        "/products/",
        "/products/new",
        "/products/tax-rates",
        "/settings/",
        "/settings/helpdesk",
        "/settings/notifications",
        "/settings/email-templates/reminder/preview",
    ],
)
def test_catalog_and_settings_pages_load_without_errors_or_csp_violations(
    page, page_problems, sign_in, path
):
    sign_in("admin")
    assert page.goto(path).status == 200
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("load")
    assert page_problems.all() == []


def test_product_search_narrows_the_table_as_you_type(page, sign_in, db):
    from decimal import Decimal

    from cloudmanager.products.services import create_product

    for sku, name in [("K8S-STD", "Managed Kubernetes"), ("BS-100", "Block Storage 100 GB")]:
        create_product(
            {
                "sku": sku,
                "name": name,
                "kind": "recurring",
                "currency": "EUR",
                "prices": {"monthly": Decimal("5")},
            }
        )
    db.session.commit()
    sign_in("agent")
    page.goto("/products/")
    page.get_by_label("Search").fill("kube")
    expect(page.locator("#product-table")).not_to_contain_text("Block Storage")
    expect(page.locator("#product-table")).to_contain_text("Managed Kubernetes")
