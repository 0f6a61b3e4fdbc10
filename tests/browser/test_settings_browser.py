"""In Chromium: an admin edits the company profile, uploads a logo and sees it in the header.

Uses the shared browser fixtures (`live_server`, `page`, `signed_in_page(role)`) from
tests/browser/conftest.py.
"""

import pytest
from PIL import Image

pytestmark = pytest.mark.browser


@pytest.fixture
def logo_file(tmp_path):
    """A small PNG on disk, as a user would pick it."""
    path = tmp_path / "nimbus-logo.png"
    Image.new("RGB", (160, 48), (47, 111, 237)).save(path, "PNG")
    return path


def test_admin_edits_company_profile_and_uploaded_logo_shows_in_the_header(
    live_server, signed_in_page, logo_file
):
    from playwright.sync_api import expect

    page = signed_in_page("admin")
    page.goto(f"{live_server.url}/settings/company")

    page.get_by_label("Legal name").fill("Nimbus Hosting GmbH")
    page.get_by_label("VAT id").fill("DE811907980")
    page.get_by_role("button", name="Save company profile").click()
    expect(page.get_by_label("Legal name")).to_have_value("Nimbus Hosting GmbH")
    expect(page.get_by_label("VAT id")).to_have_value("DE811907980")

    page.get_by_label("Logo", exact=True).set_input_files(str(logo_file))
    page.get_by_role("button", name="Upload logo").click()

    header_logo = page.locator(".sidebar-brand img")
    expect(header_logo).to_be_visible()
    assert header_logo.evaluate("img => img.complete && img.naturalWidth") == 160
    page.goto(f"{live_server.url}/products/")
    expect(page.locator(".sidebar-brand img")).to_be_visible()


def test_uploading_a_text_file_as_logo_shows_an_error_next_to_the_field(
    live_server, signed_in_page, tmp_path
):
    from playwright.sync_api import expect

    fake = tmp_path / "logo.png"
    fake.write_text("not an image")
    page = signed_in_page("admin")
    page.goto(f"{live_server.url}/settings/company")
    page.get_by_label("Logo", exact=True).set_input_files(str(fake))
    page.get_by_role("button", name="Upload logo").click()
    expect(page.locator("#logo-error")).to_contain_text("not a PNG, JPEG or WebP")
    expect(page.locator(".sidebar-brand img")).to_have_count(0)
