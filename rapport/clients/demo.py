"""The clients app's part of the demo clinic (``manage.py seed_demo``): a dozen fictional people."""

from __future__ import annotations

from datetime import date
from typing import Any

from rapport.clients.models import Client
from rapport.core.hooks import demo_loader

CLIENTS = [
    # given, family, born, therapist username, background
    (
        "Jordan",
        "Example",
        date(1988, 3, 14),
        "therapist",
        "Low mood since a move for work eight months ago; misses old friends.",
    ),
    (
        "Casey",
        "Sample",
        date(1975, 11, 2),
        "therapist",
        "Depressive symptoms after the death of a parent last spring.",
    ),
    (
        "Riley",
        "Placeholder",
        date(1995, 6, 21),
        "therapist",
        "Repeated arguments with partner about household roles.",
    ),
    ("Taylor", "Fictional", date(2001, 1, 9), "therapist", ""),
    (
        "Morgan",
        "Madeup",
        date(1969, 8, 30),
        "therapist",
        "Retired this year; days feel empty; withdrawn from family.",
    ),
    (
        "Quinn",
        "Imaginary",
        date(1983, 4, 17),
        "colleague",
        "Conflict with adult daughter; feels unheard.",
    ),
    ("Avery", "Notreal", date(1991, 9, 5), "colleague", ""),
    (
        "Harper",
        "Testperson",
        date(1979, 12, 12),
        "colleague",
        "Postnatal low mood; few close relationships.",
    ),
    ("Rowan", "Demo", date(1998, 2, 28), "supervisor", ""),
    ("Sky", "Specimen", date(1986, 7, 7), "trainee", "Rows with a flatmate over money."),
    ("Jamie", "Invented", date(1972, 5, 19), "trainee", "Low mood since a close friend died."),
    ("Emerson", "Pretend", date(2003, 10, 1), None, ""),
]


@demo_loader(order=100)
def load_clients(clinic: Any, staff: dict[str, Any]) -> None:
    for given, family, born, therapist, background in CLIENTS:
        Client.objects.create(
            clinic=clinic,
            given_name=given,
            family_name=family,
            date_of_birth=born,
            email=f"{given.lower()}.{family.lower()}@example.invalid",
            assigned_therapist=staff.get(therapist),
            background=background,
        )
