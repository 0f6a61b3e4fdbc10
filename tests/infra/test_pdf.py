"""The PDF adapter: real PDFs read back as text, and a fetcher that fetches nothing foreign."""

import io
import logging
import os
import socket
import urllib.request

import pytest
from jinja2 import ChoiceLoader, DictLoader
from pypdf import PdfReader

from cloudmanager.infra import pdf

SAMPLE = """{% extends "pdf/_base.html" %}
{% block title %}Invoice {{ number }}{% endblock %}
{% block content %}<p>Total due: {{ total|money }}</p>{% endblock %}
"""


def pdf_text(data: bytes) -> str:
    """All text of a PDF, pages joined."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def sample_template(app):
    """`pdf/sample.html`, extending the real PDF layout."""
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"pdf/sample.html": SAMPLE}), app.jinja_env.loader]
    )
    return "pdf/sample.html"


@pytest.fixture
def no_network(monkeypatch):
    """Fail loudly if anything tries to open a URL or a socket connection."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_template_renders_to_a_pdf_with_the_expected_text(app, sample_template):
    from decimal import Decimal

    data = pdf.render_pdf_template(sample_template, number="2026-0042", total=Decimal("1234.5"))

    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Invoice 2026-0042" in text
    assert "Total due: 1,234.50 EUR" in text


def test_static_pdf_css_is_applied_a4_and_page_numbers(app, sample_template):
    data = pdf.render_pdf_template(sample_template, number="1", total=0)

    page = PdfReader(io.BytesIO(data)).pages[0]
    # A4 in points; pdf.css sets it (and the page counter the default style lacks).
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert "Page 1" in page.extract_text()


def test_the_stylesheet_is_parsed_once_per_process_until_it_changes(app, tmp_path, monkeypatch):
    sheet = tmp_path / "sheet.css"
    sheet.write_text("@page { size: A5; }")
    monkeypatch.setattr(pdf, "static_root", lambda: tmp_path)
    parsed = [pdf.stylesheets(("sheet.css",))[0] for _ in range(3)]
    assert parsed[0] is parsed[1] is parsed[2]

    sheet.write_text("@page { size: A6; }")
    os.utime(sheet, (1, 1))
    assert pdf.stylesheets(("sheet.css",))[0] is not parsed[0]


def test_data_uri_images_are_embedded(app):
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    data = pdf.render_pdf(f'<img src="data:image/png;base64,{png}" alt="">')
    assert b"/Subtype /Image" in data


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.com/x.png",
        "http://127.0.0.1:5000.evil.example/static/css/pdf.css",
        "http://127.0.0.1:5000/static/../cloudmanager/config.py",
        "http://127.0.0.1:5000/static/%2e%2e/cloudmanager/config.py",
        "http://127.0.0.1:5000/etc/passwd",
        "ftp://127.0.0.1/static/css/pdf.css",
        "file://otherhost/static/css/pdf.css",
    ],
)
def test_fetcher_refuses_everything_but_our_static_files(app, url, no_network):
    with pytest.raises(pdf.FetchRefused):
        pdf.url_fetcher()(url)
    assert no_network == []


def test_fetcher_refuses_file_urls_outside_static_even_via_traversal(app):
    static = app.static_folder
    with pytest.raises(pdf.FetchRefused):
        pdf.url_fetcher()(f"file://{static}/../cloudmanager/config.py")


def test_fetcher_serves_static_files_by_url_and_by_file_path(app, no_network):
    by_url = pdf.url_fetcher()("http://127.0.0.1:5000/static/css/pdf.css")
    by_path = pdf.url_fetcher()(f"file://{app.static_folder}/css/pdf.css")
    assert b"@page" in by_url.read() and b"@page" in by_path.read()
    assert by_url.content_type == "text/css"


def test_pdf_does_not_embed_local_files_or_fetch_external_urls(app, caplog, no_network):
    html = """
    <link rel="stylesheet" href="file:///etc/passwd">
    <img src="https://example.com/x.png" alt="">
    <img src="file:///etc/passwd" alt="">
    <a rel="attachment" href="file:///etc/passwd">passwd</a>
    <p>Harmless text</p>
    """
    with caplog.at_level(logging.WARNING):
        data = pdf.render_pdf(html)

    assert "Harmless text" in pdf_text(data)
    reader = PdfReader(io.BytesIO(data))
    assert reader.attachments == {}
    assert b"root:" not in data and b"/Subtype /Image" not in data
    assert "refused file:///etc/passwd" in caplog.text
    assert "refused https://example.com/x.png" in caplog.text
    assert no_network == []


def test_weasyprint_is_imported_on_first_use_not_with_the_app():
    import subprocess
    import sys

    from cloudmanager.config import BASE_DIR

    code = (
        "import sys; from cloudmanager import create_app; import cloudmanager.infra.pdf; "
        "print('weasyprint' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"CM_ENV": "test", "PATH": "/usr/bin:/bin"},
        cwd=BASE_DIR,
        check=True,
    )
    assert result.stdout.strip() == "False"
