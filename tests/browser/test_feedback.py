"""Toasts, confirm dialogs and focus after swaps, driven through htmx in Chromium.

Each test adds tiny test-only routes to the app before its first request and
lists them in the permission matrix for the duration of the test.
"""

import re
import time

import pytest
from flask import flash, make_response, redirect, render_template_string, url_for
from playwright.sync_api import expect

from cloudmanager.core import permissions
from cloudmanager.core.htmx import toast

pytestmark = pytest.mark.browser

PAGE = """{% extends "layouts/app.html" %}
{% block title %}Playground{% endblock %}
{% block content %}
<h1>Playground</h1>
<button type="button" class="btn btn-primary" hx-post="/_test/save" hx-swap="none">Save</button>
<button type="button" class="btn btn-danger" hx-post="/_test/delete" hx-swap="none"
        data-confirm="Delete the playground?" data-confirm-button="Delete">Delete</button>
<div id="swap-area"><button type="button" class="btn btn-light" hx-get="/_test/fragment"
     hx-target="#swap-area">Load more</button></div>
<form id="slow-form" hx-post="/_test/slow" hx-swap="none">
  <button type="submit" class="btn btn-primary">
    <span class="spinner-border spinner-border-sm htmx-indicator" aria-hidden="true"></span> Run slowly
  </button>
</form>
<button type="button" class="btn btn-light" hx-get="/jobs" hx-target="#swap-area">Open jobs</button>
<div id="live" hx-get="/_test/live" hx-trigger="load delay:200ms"></div>
<div id="form-area">{{ form_html|safe }}</div>
<form method="post" action="/_test/plain-delete" data-confirm="Really delete?">
  <button type="submit" class="btn btn-outline-danger">Remove plainly</button>
</form>
{% endblock %}"""

FORM = """<form hx-post="/_test/form" hx-target="#form-area">
  <label class="form-label" for="name">Name</label>
  <input class="form-control{{ ' is-invalid' if error }}" id="name" name="name"
         {% if error %}aria-invalid="true" aria-describedby="name-error"{% endif %}>
  {% if error %}<div class="invalid-feedback d-block" id="name-error">{{ error }}</div>{% endif %}
  <button type="submit" class="btn btn-primary">Send form</button>
</form>"""


@pytest.fixture
def playground(app, monkeypatch):
    """Routes: a page, an htmx save answering with a toast, a delete, a fragment, a flash."""
    calls: list[str] = []

    def page_view():
        return render_template_string(PAGE, form_html=render_template_string(FORM, error=None))

    def save():
        calls.append("save")
        return toast(make_response("", 200), "Playground saved", "success")

    def delete():
        calls.append("delete")
        return toast(make_response("", 200), "Playground deleted", "success")

    def fragment():
        return '<h2 class="h5">More results</h2><p>Loaded.</p>'

    def live():
        return '<h2 class="h5">Live figures</h2>'

    def flash_and_redirect():
        flash("Settings saved.", "success")
        return redirect(url_for("dashboard.index"))

    def slow():
        time.sleep(1.0)
        return toast(make_response("", 200), "Slow work done", "info")

    def form():
        return render_template_string(FORM, error="Please enter a name."), 422

    def plain_delete():
        calls.append("plain-delete")
        flash("Deleted.", "success")
        return redirect(url_for("test_playground"))

    routes = [
        ("/_test/playground", "test_playground", page_view, ["GET"]),
        ("/_test/save", "test_save", save, ["POST"]),
        ("/_test/delete", "test_delete", delete, ["POST"]),
        ("/_test/fragment", "test_fragment", fragment, ["GET"]),
        ("/_test/live", "test_live", live, ["GET"]),
        ("/_test/flash", "test_flash", flash_and_redirect, ["GET"]),
        ("/_test/slow", "test_slow", slow, ["POST"]),
        ("/_test/form", "test_form", form, ["POST"]),
        ("/_test/plain-delete", "test_plain_delete", plain_delete, ["POST"]),
    ]
    for rule, endpoint, view, methods in routes:
        app.add_url_rule(rule, endpoint, view, methods=methods)
        monkeypatch.setitem(permissions.ENDPOINTS, endpoint, "dashboard.view")
    return calls


def test_toast_from_hx_trigger_appears(page, page_problems, sign_in, playground):
    sign_in("agent")
    page.goto("/_test/playground")
    page.get_by_role("button", name="Save").click()
    toast_node = page.locator("#toasts .toast", has_text="Playground saved")
    expect(toast_node).to_be_visible()
    expect(toast_node).to_have_attribute("role", "status")
    assert playground == ["save"]
    assert page_problems.all() == []


def test_flash_message_shows_as_a_toast_after_a_redirect(page, page_problems, sign_in, playground):
    sign_in("agent")
    page.goto("/_test/flash")
    expect(page.locator("#toasts .toast", has_text="Settings saved.")).to_be_visible()
    assert page_problems.all() == []


def test_confirm_dialog_cancel_sends_nothing(page, sign_in, playground):
    sign_in("agent")
    page.goto("/_test/playground")
    page.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Delete the playground?")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Delete")).to_be_focused()
    assert playground == []


def test_confirm_dialog_accept_sends_the_request(page, page_problems, sign_in, playground):
    sign_in("agent")
    page.goto("/_test/playground")
    page.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.locator("#toasts .toast", has_text="Playground deleted")).to_be_visible()
    assert playground == ["delete"]
    assert page_problems.all() == []


def test_focus_moves_to_the_new_content_when_the_focused_button_is_swapped_away(
    page, sign_in, playground
):
    sign_in("agent")
    page.goto("/_test/playground")
    page.get_by_role("button", name="Load more").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="More results")).to_be_focused()


def test_slow_action_shows_the_loading_bar_and_a_spinner_in_its_button(page, sign_in, playground):
    sign_in("agent")
    page.goto("/_test/playground")
    button = page.get_by_role("button", name="Run slowly")
    button.click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bis-loading\b"))
    expect(page.locator("#loading-bar")).to_have_css("opacity", "1")
    expect(button.locator(".spinner-border")).to_be_visible()
    expect(button).to_be_disabled()
    expect(page.locator("#toasts .toast", has_text="Slow work done")).to_be_visible()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bis-loading\b"))
    expect(button.locator(".spinner-border")).to_be_hidden()
    expect(button).to_be_enabled()


def test_invalid_form_rerendered_with_422_puts_focus_on_the_first_bad_field(
    page, page_problems, sign_in, playground
):
    sign_in("agent")
    page.goto("/_test/playground")
    page.get_by_role("button", name="Send form").click()
    expect(page.get_by_text("Please enter a name.")).to_be_visible()
    expect(page.get_by_label("Name")).to_be_focused()
    assert page_problems.page_errors == []


def test_plain_form_with_data_confirm_posts_only_after_confirmation(page, sign_in, playground):
    sign_in("agent")
    page.goto("/_test/playground")
    page.get_by_role("button", name="Remove plainly").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Really delete?")
    assert playground == []
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.locator("#toasts .toast", has_text="Deleted.")).to_be_visible()
    assert playground == ["plain-delete"]


def test_a_swap_that_did_not_hold_the_focus_leaves_the_focus_alone(page, sign_in, playground):
    sign_in("agent")
    page.goto("/_test/playground")
    expect(page.get_by_role("heading", name="Live figures")).to_be_visible()
    page.wait_for_timeout(100)  # settling happens after the swap
    assert page.evaluate("document.activeElement === document.body")


def test_refused_htmx_request_explains_itself_in_one_toast(page, sign_in, playground):
    sign_in("agent")  # agents may not see background jobs
    page.goto("/_test/playground")
    page.get_by_role("button", name="Open jobs").click()
    refusal = page.locator("#toasts .toast", has_text="Your role does not allow this.")
    expect(refusal).to_be_visible()
    expect(refusal).to_have_attribute("role", "alert")
    expect(page.locator("#toasts .toast")).to_have_count(1)
    expect(page.locator("#swap-area")).to_contain_text("Load more")
