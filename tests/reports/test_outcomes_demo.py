"""The outcomes dashboard on the demo clinic equals figures computed by hand from its data.

The demo also holds one course of each other IPT manual (groups, families, IPSRT and
the rest); those have no finished course. The hand computation is of the ten
individual-IPT courses, so the figures are filtered to that manual, as a user can.

The demo dates its courses relative to today, so the default period (the last 12
months) holds every one of them. Hand computation (measures.md §3, NHS Talking
Therapies; caseness PHQ-9 ≥ 10, GAD-7 ≥ 8; reliable change PHQ-9 6, GAD-7 4):

| Course (client, therapist)       | Area              | Started   | State                  |
|----------------------------------|-------------------|-----------|------------------------|
| Taylor Fictional, Alex Rivera    | role transition   | today-8   | active                 |
| Jordan Example, Alex Rivera      | role transition   | today-43  | active                 |
| Riley Placeholder, Alex Rivera   | role dispute      | today-50  | active                 |
| Casey Sample, Alex Rivera        | grief             | today-64  | active                 |
| Quinn Imaginary, Sam Okafor      | role dispute      | today-8   | active                 |
| Harper Testperson, Sam Okafor    | interp. deficits  | today-50  | active                 |
| Sky Specimen, Robin Chen         | role dispute      | today-29  | active                 |
| Jamie Invented, Robin Chen       | grief             | today-15  | active                 |
| Morgan Madeup, Alex Rivera       | role transition   | today-126 | closed completed -49   |
| Morgan Madeup (2nd), Alex Rivera | role transition   | today-21  | active                 |

Started 10, finished 1, dropped out 0. The one finished course (Morgan Madeup, 12
sessions attended): PHQ-9 16 → 3, GAD-7 10 → 2.

| Flag                   | Rule                                          | Result |
|------------------------|-----------------------------------------------|--------|
| at caseness at start   | 16 ≥ 10 (and 10 ≥ 8)                          | yes    |
| at caseness at end     | 3 < 10 and 2 < 8                              | no     |
| recovered              | finished, case at start, not at end           | yes    |
| reliable improvement   | 16 - 3 = 13 ≥ 6 (GAD-7 10 - 2 = 8 ≥ 4)        | yes    |
| reliable recovery      | recovered and reliable improvement            | yes    |
| reliable deterioration | no rise                                       | no     |

Rates: recovery 1 / (1 - 0 not at caseness) = 100 %; reliable improvement 1/1 =
100 %; reliable recovery 100 %; reliable deterioration 0/1 = 0 %; data completeness
1 finished with paired scores / 1 finished = 100 %.

Requests: the demo's 4 consultation requests are made at seeding (today), none has
a contact attempt or a client yet: 4 requests, no waits to report (—).

By therapist (admin): Alex Rivera 6 started / 1 finished (100 % recovery), Sam Okafor
2 / 0, Robin Chen 2 / 0. By primary problem area: role transition 4 / 1, role dispute
3 / 0, grief 2 / 0, interpersonal deficits 1 / 0. Manual: all 10 individual IPT.
Age at start: Taylor (born 2001-01-09) is 25 for a start before 2027-01-09, so
18–25 holds 1 and 26–64 the other 9 (the oldest, Morgan, born 1969-08-30, is 57).
The therapist Alex Rivera sees his 6 courses and the same outcome figures; the
supervisor Morgan Lee (supervising all three) sees all 10.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from rapport.core.models import User
from rapport.ipt.models import Episode
from tests.factories import signed_in

URL = reverse("reports:outcomes")
INDIVIDUAL = {"variant": "standard"}  # the manual of the hand-computed courses


@pytest.fixture
def demo(db) -> None:
    call_command("seed_demo")


def figures(username: str, **params: str):
    page = signed_in(User.objects.get(username=username)).get(URL, INDIVIDUAL | params)
    assert page.status_code == 200
    return page.context["made"]


def rows(made) -> dict[str, tuple[int, int]]:
    return {group.label: (group.started, group.finished) for group in made.groups}


def test_the_clinic_figures_match_the_hand_computation(demo) -> None:
    made = figures("admin")
    total = made.total
    assert (total.started, total.finished, total.dropped) == (10, 1, 0)
    assert (total.paired, total.at_caseness, total.recovered) == (1, 1, 1)
    assert (total.improved, total.reliably_recovered, total.deteriorated) == (1, 1, 0)
    assert total.recovery_rate == total.improvement_rate == total.reliable_recovery_rate == 100
    assert total.deterioration_rate == 0
    assert total.completeness == 100
    assert made.requests == 4
    assert (made.to_contact.count, made.to_contact.median) == (0, None)
    assert (made.to_session.count, made.to_session.median) == (0, None)
    assert rows(made) == {"Alex Rivera": (6, 1), "Sam Okafor": (2, 0), "Robin Chen": (2, 0)}
    [alex] = [group for group in made.groups if group.label == "Alex Rivera"]
    assert alex.recovery_rate == 100


def test_the_breakdowns_match_the_hand_computation(demo) -> None:
    assert rows(figures("admin", breakdown="problem_area")) == {
        "Role transition": (4, 1),
        "Role dispute": (3, 0),
        "Grief": (2, 0),
        "Interpersonal deficits": (1, 0),
    }
    assert rows(figures("admin", breakdown="variant")) == {
        "Individual IPT (Weissman, Markowitz & Klerman)": (10, 1)
    }
    taylor = Episode.objects.get(client__given_name="Taylor")
    young = "18 to 25" if taylor.started_on < date(2027, 1, 9) else "26 to 64"
    ages = {"18 to 25": (0, 0), "26 to 64": (0, 0)}
    ages[young] = (ages[young][0] + 1, 0)
    ages["26 to 64"] = (ages["26 to 64"][0] + 9, 1)
    assert rows(figures("admin", breakdown="age_group")) == {k: v for k, v in ages.items() if v[0]}
    grief = figures("admin", problem_area="role_transition").total
    assert (grief.started, grief.finished, grief.recovered) == (4, 1, 1)


def test_the_other_manuals_are_counted_beside_them_and_none_has_finished(demo) -> None:
    page = signed_in(User.objects.get(username="admin")).get(URL, {"breakdown": "variant"})
    made = page.context["made"]
    by_manual = rows(made)
    assert by_manual.pop("Individual IPT (Weissman, Markowitz & Klerman)") == (10, 1)
    assert by_manual
    assert all(finished == 0 for _started, finished in by_manual.values())
    assert made.total.started == 10 + sum(started for started, _ in by_manual.values())
    assert made.total.finished == 1


def test_clinicians_see_their_own_reach(demo) -> None:
    mine = figures("therapist").total
    assert (mine.started, mine.finished, mine.recovered, mine.completeness) == (6, 1, 1, 100)
    assert figures("colleague").total.started == 2
    assert figures("supervisor").total.started == 10


def test_the_csv_carries_the_same_figures(demo) -> None:
    http = signed_in(User.objects.get(username="admin"))
    body = http.get(reverse("reports:outcomes_csv"), INDIVIDUAL).content.decode()
    table = list(csv.reader(io.StringIO(body)))
    assert ["Consultation requests", "4"] in table
    total = next(row for row in table if row and row[0] == "All courses")
    assert total[1:4] == ["10", "1", "0"]
    for client in ("Taylor", "Morgan Madeup", "Casey"):
        assert client not in body
