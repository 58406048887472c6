"""The group pages with a group in them are valid HTML (the Nu checker, as in
tests/test_html_valid.py): members, an attendance grid, a signed note with addenda."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse

from rapport.groups import services
from rapport.groups.models import MemberEntry
from tests.factories import signed_in
from tests.groups.helpers import make_group, member, signed_note, written_note
from tests.test_html_valid import JAVA, _vnu_errors

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(not JAVA, reason="needs Java: `make test` installs it")
def test_the_group_pages_are_valid_html(cast: SimpleNamespace, tmp_path: Path) -> None:
    setup = make_group(cast)
    signed = signed_note(cast, setup)
    entry = MemberEntry.objects.get(session=signed, membership=member(setup, "M1"))
    services.add_member_addendum(entry, cast.therapist, "Late detail", "More for M1")
    services.add_shared_addendum(signed, cast.therapist, "Typo", "Shared fix")
    draft = written_note(cast, setup)
    http = signed_in(cast.therapist)
    urls = [
        reverse("groups:list"),
        reverse("groups:create"),
        reverse("groups:detail", args=[setup.group.public_id]),
        reverse("groups:meeting", args=[member(setup, "M2").public_id]),
        reverse("groups:session", args=[signed.public_id]),
        reverse("groups:session", args=[draft.public_id]),
        reverse("groups:session_addendum", args=[signed.public_id]),
    ]
    files = []
    for url in urls:
        response = http.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{hashlib.sha256(url.encode()).hexdigest()[:12]}.html"
        path.write_bytes(response.content)
        files.append(path)
    errors = _vnu_errors(files)
    assert not errors, [(e.get("url"), e.get("lastLine"), e["message"]) for e in errors]
