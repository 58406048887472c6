"""The public consultation form as a person fills it in: details, the optional PHQ-9, sending."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient
from django.urls import reverse

from tests.factories import csrf_post

URL = reverse("intake:consultation")
CONCERN = "Since my mother died I cannot sleep and I avoid my friends."


def details(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "Ada Example",
        "email": "ada@example.com",
        "phone": "",
        "preferred_channel": "email",
        "age_group": "adult",
        "concern": CONCERN,
        "preferred_times": "Tuesday evenings",
        "consent_to_contact": "on",
        "website": "",
    }
    return {**data, **changes}


def screen(item9: int = 0, others: int = 0) -> dict[str, str]:
    answers = {f"phq9-q{n}": str(others) for n in range(1, 9)}
    answers["phq9-q9"] = str(item9)
    if others or item9:
        answers["phq9-difficulty"] = "1"
    return answers


def submit(data: dict[str, Any], http: HttpClient | None = None) -> Any:
    return csrf_post(http or HttpClient(enforce_csrf_checks=True), URL, data)
