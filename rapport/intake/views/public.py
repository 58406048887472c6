from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The practice's front page (no sign-in)."""
    return render(request, "intake/public/home.html")
