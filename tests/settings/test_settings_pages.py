"""Settings pages through the test client: edit, validate, logo upload and its display."""

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.settings.services import get_setting

COMPANY = {
    "legal_name": "Nimbus Hosting GmbH",
    "address": "Cloudweg 7\n20095 Hamburg",
    "country": "DE",
    "vat_id": "DE811907980",
    "registration_number": "HRB 123456",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "COBADEFFXXX",
    "email": "billing@nimbus.example",
    "phone": "+49 40 123456",
}


def image_bytes(kind="PNG", size=(120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (47, 111, 237)).save(buffer, kind)
    return buffer.getvalue()


def upload(client, data: bytes, filename="logo.png"):
    return client.post(
        "/settings/company/logo",
        data={"logo": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_admin_edits_the_company_profile(client, login_as, db):
    login_as("admin")
    response = client.post("/settings/company", data=COMPANY)
    assert response.status_code == 302
    assert get_setting("company.legal_name") == "Nimbus Hosting GmbH"
    assert get_setting("company.iban") == "DE89370400440532013000"
    actions = db.session.scalars(select(AuditEntry.object_id)).all()
    assert "company.legal_name" in actions


def test_invalid_company_profile_shows_the_message_next_to_the_field(client, login_as):
    login_as("admin")
    response = client.post("/settings/company", data={**COMPANY, "iban": "DE00 1234"})
    assert response.status_code == 422
    assert b"is-invalid" in response.data and b"This is not an IBAN." in response.data
    assert get_setting("company.legal_name") != "Nimbus Hosting GmbH"


def test_uploaded_logo_appears_in_the_back_office_header(client, login_as):
    login_as("admin")
    assert upload(client, image_bytes()).status_code == 302
    key = get_setting("company.logo")
    assert key.endswith(".png") and "logo" not in key  # a generated name
    page = client.get("/").get_data(as_text=True)
    brand = page.split('class="sidebar-brand"', 1)[1].split("</a>", 1)[0]
    assert f'src="/settings/logo/{key}"' in brand


def test_logo_is_served_with_its_image_type(client, login_as):
    login_as("admin")
    upload(client, image_bytes("JPEG"), filename="photo.png")
    name = get_setting("company.logo")
    assert name.endswith(".jpg")
    response = client.get(f"/settings/logo/{name}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "data, filename",
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
        (b"<html>not an image</html>", "logo.png"),
        (b"", "logo.png"),
    ],
)
def test_logo_upload_refuses_what_is_not_a_png_jpeg_or_webp(client, login_as, data, filename):
    login_as("admin")
    response = upload(client, data, filename)
    assert response.status_code == 422
    assert get_setting("company.logo") == ""


def test_logo_upload_refuses_gif_even_when_valid(client, login_as):
    login_as("admin")
    assert upload(client, image_bytes("GIF"), "logo.gif").status_code == 422


def test_logo_route_refuses_other_files_and_paths(client, login_as, app):
    from cloudmanager.infra.storage import save_bytes

    pdf = save_bytes(b"%PDF-1.4 invoice", "invoice.pdf")
    assert client.get(f"/settings/logo/{pdf.key}").status_code == 404
    assert client.get("/settings/logo/..%2F..%2Fsecret.png").status_code == 404
    assert client.get(f"/settings/logo/{'0' * 32}.png").status_code == 404


def test_accountant_changes_invoicing_settings(client, login_as):
    login_as("accountant")
    form = {
        "number_prefix": "RE-",
        "number_digits": "6",
        "yearly_reset": "y",
        "credit_note_prefix": "GS-",
        "payment_terms_days": "30",
        "reminder_days_before": "3",
        "reminder_days_after": "14, 7",
        "renewal_days_before": "10",
        "suspend_after_days": "28",
        "reverse_charge_note": "Reverse charge.",
    }
    assert client.post("/settings/invoicing", data=form).status_code == 302
    assert get_setting("invoicing.reminder_days_after") == [7, 14]
    assert b"RE-" in client.get("/settings/invoicing").data


def test_accountant_cannot_change_the_company_profile(client, login_as):
    login_as("accountant")
    assert client.post("/settings/company", data=COMPANY).status_code == 403


def helpdesk_form_data(**changes) -> dict:
    """What the helpdesk page posts as it stands (every field, each department's too)."""
    from cloudmanager.settings.helpdesk_form import HelpdeskForm
    from cloudmanager.settings.services import get_settings

    form = HelpdeskForm(formdata=None)
    form.load(get_settings("helpdesk"))
    data = {}
    for f in form:
        for sub in f if f.type == "FieldList" else [f]:
            for leaf in sub if sub.type == "FormField" else [sub]:
                data[leaf.name] = leaf.data
    data.update(changes)
    # A browser leaves unticked checkboxes out.
    return {k: v for k, v in data.items() if v not in (None, False) and k != "csrf_token"}


def test_helpdesk_form_round_trips_hours_holidays_and_sla(client, login_as):
    login_as("admin")
    page = client.get("/settings/helpdesk")
    assert page.status_code == 200
    data = helpdesk_form_data(
        hours_sat="10:00-14:00", holidays="2027-01-01\n2026-12-25", sla_premium_urgent_first="2"
    )
    assert client.post("/settings/helpdesk", data=data).status_code == 302
    assert get_setting("helpdesk.business_hours")["sat"] == "10:00-14:00"
    assert get_setting("helpdesk.holidays") == ["2026-12-25", "2027-01-01"]
    assert get_setting("helpdesk.sla")["premium"]["urgent"] == [2, 4]
    assert get_setting("helpdesk.department_calendars") == {}


def test_admin_gives_a_department_its_own_calendar_and_members(client, login_as, make_user):
    login_as("admin")
    agent, accountant = make_user("agent", name="Bea Billing"), make_user("accountant")
    page = client.get("/settings/helpdesk").get_data(as_text=True)
    assert "<summary" in page and "Bea Billing" in page and accountant.name not in page
    assert get_setting("helpdesk.departments")[1] == "Billing"
    data = helpdesk_form_data(
        **{
            "per_department-1-timezone": "Europe/London",
            "per_department-1-hours_mon": "08:00-12:00",
            "per_department-1-holidays": "2026-12-31",
            "per_department-1-members": [agent.id],
        }
    )
    assert client.post("/settings/helpdesk", data=data).status_code == 302
    assert get_setting("helpdesk.department_calendars") == {
        "Billing": {
            "timezone": "Europe/London",
            "business_hours": {
                "mon": "08:00-12:00",
                **{d: "" for d in ("tue", "wed", "thu", "fri", "sat", "sun")},
            },
            "holidays": ["2026-12-31"],
        }
    }
    assert get_setting("helpdesk.department_members") == {"Billing": [agent.id]}
    page = client.get("/settings/helpdesk").get_data(as_text=True)
    assert (
        'value="Europe/London"' in page and '<details class="border rounded p-2 mb-2" open>' in page
    )


def test_bad_department_input_shows_next_to_its_field_and_stores_nothing(client, login_as):
    login_as("admin")
    data = helpdesk_form_data(
        **{
            "per_department-0-hours_tue": "17:00-09:00",
            "per_department-2-timezone": "Mars/Olympus",
            "per_department-2-holidays": "someday",
        }
    )
    response = client.post("/settings/helpdesk", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="per_department-0-hours_tue-error">Use HH:MM-HH:MM' in html
    assert 'id="per_department-2-timezone-error">Unknown time zone' in html
    assert 'id="per_department-2-holidays-error">someday is not a date' in html
    assert get_setting("helpdesk.department_calendars") == {}


def test_a_department_can_work_through_the_helpdesks_holidays(client, login_as):
    login_as("admin")
    data = helpdesk_form_data(**{"per_department-1-works_holidays": "y"})
    assert client.post("/settings/helpdesk", data=data).status_code == 302
    assert get_setting("helpdesk.department_calendars")["Billing"]["works_holidays"] is True
    page = client.get("/settings/helpdesk").get_data(as_text=True)
    box = re.search(r'<input[^>]*id="per_department-1-works_holidays"[^>]*>', page).group(0)
    assert " checked " in box and 'type="checkbox"' in box
    data = helpdesk_form_data(
        **{"per_department-1-works_holidays": "y", "per_department-1-holidays": "2026-12-24"}
    )
    response = client.post("/settings/helpdesk", data=data)
    assert response.status_code == 422
    assert "It has holidays of its own: clear them, or untick this." in response.get_data(
        as_text=True
    )


def test_only_staff_who_work_tickets_can_be_department_members(client, login_as, make_user):
    login_as("admin")
    accountant = make_user("accountant")
    data = helpdesk_form_data(**{"per_department-0-members": [accountant.id]})
    response = client.post("/settings/helpdesk", data=data)
    assert response.status_code == 422 and "not a valid choice" in response.get_data(as_text=True)
    assert get_setting("helpdesk.department_members") == {}


def test_a_department_taken_off_the_list_loses_its_own_settings(client, login_as, make_user):
    login_as("admin")
    agent = make_user("agent")
    data = helpdesk_form_data(
        **{"per_department-2-members": [agent.id], "per_department-2-timezone": "UTC"}
    )
    client.post("/settings/helpdesk", data=data)
    assert get_setting("helpdesk.department_members") == {"Sales": [agent.id]}
    data = helpdesk_form_data(departments="Technical support\nBilling")
    assert client.post("/settings/helpdesk", data=data).status_code == 302
    assert get_setting("helpdesk.department_members") == {}
    assert get_setting("helpdesk.department_calendars") == {}


def test_email_template_preview_renders_the_draft_without_saving(client, login_as):
    login_as("admin")
    data = {
        "subject": "Draft {{ invoice.number }}",
        "body_text": "T",
        "body_html": "<p>H</p>",
        "action": "preview",
    }
    response = client.post("/settings/email-templates/invoice_issued", data=data)
    assert response.status_code == 200 and b"Draft INV-2026-00042" in response.data
    assert client.get("/settings/email-templates/invoice_issued").data.count(b"Draft") == 0


def test_unsafe_email_template_is_refused_on_the_page(client, login_as):
    login_as("admin")
    data = {
        "subject": "S",
        "body_text": "{{ ''.__class__.__mro__ }}",
        "body_html": "<p>H</p>",
        "action": "save",
    }
    response = client.post("/settings/email-templates/reminder", data=data)
    assert response.status_code == 422 and b"Not allowed in templates" in response.data


def test_html_preview_frame_is_sandboxed(client, login_as):
    login_as("admin")
    response = client.get("/settings/email-templates/reminder/preview.html")
    assert response.status_code == 200
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_draft_preview_frame_shows_the_signed_draft_and_refuses_forged_ones(client, login_as):
    login_as("admin")
    data = {
        "subject": "S",
        "body_text": "T",
        "body_html": "<p>Draft body {{ invoice.number }}</p>",
        "action": "preview",
    }
    page = client.post("/settings/email-templates/invoice_issued", data=data).get_data(as_text=True)
    frame_url = (
        page.split('title="HTML preview" src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    )
    assert "Draft body INV-2026-00042" in client.get(frame_url).get_data(as_text=True)
    forged = "/settings/email-templates/invoice_issued/preview.html?draft=eyJ4IjoxfQ.forged"
    assert client.get(forged).status_code == 404
