"""Group IPT in the browser (issue 15, done-when): a group of four through a signed group
session, after which each member's record shows only their own part."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.groups import services
from rapport.groups.models import GroupSession, MemberEntry, TherapyGroup
from rapport.ipt.models import SessionNote
from rapport.ipt.services import open_episode
from tests.browser.harness import audit, click, confirm, expect_path, sign_in, visit
from tests.factories import make_client
from tests.groups.helpers import NAMES

pytestmark = pytest.mark.browser


def _clients(cast: SimpleNamespace) -> list:
    """Four clients with an episode of the group manual: two each of lead and co-lead."""
    variant = services.group_formats()[0].code
    episodes = []
    for given, family, who in NAMES:
        therapist = getattr(cast, who)
        client = make_client(cast.clinic, therapist, given_name=given, family_name=family)
        episodes.append(
            open_episode(client, therapist=therapist, started_on=date(2026, 9, 1), variant=variant)
        )
    return episodes


def _create_group(page: Page, cast: SimpleNamespace) -> TherapyGroup:
    sign_in(page, cast.therapist)
    click(page, page.get_by_role("link", name="Groups", exact=True))
    expect(page.get_by_text("You facilitate no group yet.")).to_be_visible()
    click(page, page.get_by_role("link", name="New group"))
    page.get_by_label("Group name", exact=True).fill("Tuesday evening group")
    page.get_by_label("Manual", exact=True).select_option(label=services.group_formats()[0].label)
    page.get_by_label("Co-facilitator").select_option(value=str(cast.colleague.pk))
    click(page, page.get_by_role("button", name="Create group"))
    group = TherapyGroup.objects.get()
    expect_path(page, "groups:detail", group.public_id)
    return group


def _add_members(page: Page, group: TherapyGroup, episodes: list, cast: SimpleNamespace) -> None:
    for given, family, _who in NAMES[:2]:
        page.get_by_label("Client").select_option(label=f"{given} {family}")
        click(page, page.get_by_role("button", name="Add member"))
    # The co-facilitator adds their own two clients (a facilitator adds only their own).
    for episode in episodes[2:]:
        services.add_member(group, episode, cast.colleague)
    page.reload()
    audit(page)
    for code in ("M1", "M2", "M3", "M4"):
        expect(page.get_by_role("row", name=code).first).to_be_visible()


def _pre_group_meeting(page: Page) -> None:
    click(page, page.get_by_role("link", name="Record a meeting with M1"))
    page.get_by_label("Symptom inventory (PHQ-9 items) and onset").fill("Pre-group inventory")
    page.get_by_label("No thoughts of self-harm").check()
    confirm(page, page.get_by_role("button", name="Record and sign"))
    expect(page.get_by_role("status").first).to_contain_text("Meeting recorded and signed")


def _write_and_sign(page: Page) -> GroupSession:
    click(page, page.get_by_role("button", name="Write the next group note"))
    session = GroupSession.objects.get()
    expect_path(page, "groups:session", session.public_id)
    page.get_by_label("Themes").fill("Shared: introductions and each member's goal")
    page.get_by_label("Group process").fill("Shared: warmth grew")
    for code, _name in zip(("M1", "M2", "M3", "M4"), NAMES, strict=True):
        page.locator(f"#id_{code}-symptom_review").fill(f"Own part of {code}")
        page.locator(f"input[name='{code}-suicidality'][value='none']").check()
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    audit(page)
    confirm(page, page.get_by_role("button", name="Sign the group note"))
    expect(page.get_by_role("status").first).to_contain_text("Group note signed")
    return GroupSession.objects.get()


def test_a_group_of_four_through_a_signed_session_then_each_record_shows_its_own_part(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    episodes = _clients(cast)
    page = new_page()
    group = _create_group(page, cast)
    _add_members(page, group, episodes, cast)
    _pre_group_meeting(page)
    session = _write_and_sign(page)
    assert session.status == GroupSession.Status.SIGNED
    audit(page)

    colleague_page = new_page()
    sign_in(colleague_page, cast.colleague)
    for index, (given, family, who) in enumerate(NAMES):
        code = f"M{index + 1}"
        entry = MemberEntry.objects.get(session=session, membership__code=code)
        assert entry.note.status == SessionNote.Status.SIGNED
        reader = page if who == "therapist" else colleague_page
        visit(reader, reverse("ipt:notes", args=[entry.note.episode.public_id]))
        visit(reader, reverse("ipt:note", args=[entry.note.public_id]))
        body = reader.locator("main")
        expect(body).to_contain_text(f"Own part of {code}")
        expect(body).to_contain_text(f"{given} {family}")
        for other_index, (other_given, other_family, _w) in enumerate(NAMES):
            if other_index == index:
                continue
            expect(body).not_to_contain_text(other_given)
            expect(body).not_to_contain_text(other_family)
            expect(body).not_to_contain_text(f"Own part of M{other_index + 1}")
        expect(body).not_to_contain_text("Shared: introductions")
