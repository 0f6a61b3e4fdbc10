"""The API documentation pages render from our static files under our CSP."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_the_document_without_csp_violations(page, page_problems):
    assert page.goto("/api/docs").status == 200
    expect(page.get_by_text("CloudManager API").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page_problems.all() == []


def test_redoc_renders_the_document_without_csp_violations(page, page_problems):
    assert page.goto("/api/redoc").status == 200
    expect(page.get_by_text("CloudManager API (1.0.0)")).to_be_visible()
    expect(page.get_by_text("/api/v1/me").first).to_be_attached()
    page.wait_for_load_state("networkidle")
    assert page_problems.all() == []
