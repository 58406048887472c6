"""PDF documents rendered by WeasyPrint from templates, with the app's print stylesheet."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

STYLESHEET = "css/report-print.css"


def render(template: str, context: dict[str, Any]) -> bytes:
    """The PDF of ``template``; nothing is fetched from the network (no base URL)."""
    from weasyprint import CSS, HTML  # loads Pango: only in processes that make a PDF

    html = render_to_string(template, context)
    stylesheet = CSS(filename=finders.find(STYLESHEET))
    return HTML(string=html, base_url=None).write_pdf(stylesheets=[stylesheet])


def download(content: bytes, filename: str) -> HttpResponse:
    """A PDF attachment. ``filename`` must carry no personal data (it shows in
    download lists and browser histories)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
