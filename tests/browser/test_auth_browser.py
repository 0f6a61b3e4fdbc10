"""Sign-in in Chromium: enrol TOTP with the key shown, then sign in with a code and a recovery code."""

import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.fixtures.users import PASSWORD

pytestmark = pytest.mark.browser


def submit_password(page, email):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()


def sign_out(page):
    page.wait_for_load_state("load")  # Bootstrap's dropdown works once its script has run
    page.get_by_role("button", name="Ada Admin").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_admin_enrols_totp_then_signs_in_with_a_code_and_a_recovery_code(
    page, page_problems, make_user
):
    admin = make_user("admin", name="Ada Admin")

    submit_password(page, admin.email)
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("img", name="QR code of your two-factor key")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")
    sign_out(page)

    # The code of the enrolment step was used; the next step's code is new (drift ±1).
    submit_password(page, admin.email)
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    page.get_by_label("Authentication code").fill(totp.at(time.time() + totp.interval))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")
    sign_out(page)

    submit_password(page, admin.email)
    page.get_by_label("Authentication code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")
    expect(page.get_by_text("Signed in with a recovery code; 9 left.")).to_be_visible()
    assert page_problems.all() == []
