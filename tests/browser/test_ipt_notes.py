"""Session notes in the browser: autosave through a crash, an edit conflict, signing and
addenda, co-signature, and the author-only process note."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from rapport.core.models import Supervision
from rapport.ipt.models import Addendum, SessionNote
from tests.browser.harness import (
    audit,
    click,
    confirm,
    expect_path,
    navigate,
    sign_in,
    visit,
    watched,
)
from tests.ipt.notes_helpers import contract, held_sessions

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Saved at \d\d:\d\d [A-Z]{3,4}$")  # the zone named
INTERVAL = "Interval events linked to mood"


def _sign_in_on_another_device(page: Page, user: object) -> None:
    """The same person on a second device within one TOTP step: the code was just used,
    and replay protection would refuse it; forget the last step as a new step would."""
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    sign_in(page, user)


def _expected_http_error(page: Page, status: int) -> None:
    """Chromium logs every 4xx response; take the one this step expects, and only it."""
    errors = watched(page).take_errors()
    assert errors, "the browser reported no failed response"
    assert all(f"status of {status}" in error for error in errors), errors


def _status(page: Page):
    return page.locator("#autosave-status")


def _open_note(page: Page, note: SessionNote) -> None:
    visit(page, reverse("ipt:note", args=[note.public_id]))


def _middle_phase_setup(cast: SimpleNamespace) -> None:
    cast.note.delete()
    contract(cast.episode, planned=12)
    held_sessions(cast.episode, 3)


def test_it_autosaves_a_middle_phase_note_and_keeps_it_through_a_crash(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    _middle_phase_setup(cast)
    page = new_page()
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:notes", args=[cast.episode.public_id]))
    click(page, page.get_by_role("button", name="Write session 4"))
    note = cast.episode.notes.get(number=4)
    expect_path(page, "ipt:note", note.public_id)
    expect(page.get_by_text("Middle phase", exact=True).first).to_be_visible()

    page.get_by_label(INTERVAL).fill("Argued with her sister on Sunday; mood dropped to 3.")
    page.get_by_role("group", name=re.compile("Techniques used")).get_by_label(
        "Communication analysis"
    ).check()
    expect(_status(page)).to_have_text(SAVED)
    audit(page)

    # More typing, then the browser dies before the next save can leave.
    page.get_by_role("textbox", name=re.compile("^Problem-area work")).press_sequentially(
        "Unsaved tail"
    )
    page.context.close()

    again = new_page()
    _sign_in_on_another_device(again, cast.therapist)
    _open_note(again, note)
    expect(again.get_by_label(INTERVAL)).to_have_value(
        "Argued with her sister on Sunday; mood dropped to 3."
    )
    expect(again.get_by_label("Communication analysis")).to_be_checked()
    note.refresh_from_db()
    assert note.techniques == ["communication_analysis"]


def test_it_shows_both_texts_on_an_edit_conflict_and_resolves_it(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    first, second = new_page(), new_page()
    for page in (first, second):
        _sign_in_on_another_device(page, cast.therapist)
        _open_note(page, cast.note)

    first.get_by_label(INTERVAL).fill("First tab: the move went badly.")
    expect(_status(first)).to_have_text(SAVED)

    second.get_by_label(INTERVAL).fill("Second tab: she started a new job.")
    conflict = second.get_by_role("alert")
    expect(conflict).to_contain_text("saved elsewhere while you were editing")
    expect(conflict).to_contain_text("First tab: the move went badly.")
    expect(conflict).to_contain_text("Second tab: she started a new job.")
    expect(_status(second)).to_contain_text("Not saved")
    _expected_http_error(second, 409)
    audit(second)
    cast.note.refresh_from_db()
    assert cast.note.interval_events == "First tab: the move went badly."

    # Take theirs, then merge by editing, then save.
    conflict.get_by_role("button", name=re.compile("Use their version")).click()
    field = second.get_by_label(INTERVAL)
    expect(field).to_have_value("First tab: the move went badly.")
    field.press("End")
    field.press_sequentially(" Also: she started a new job.")
    navigate(second, second.get_by_role("button", name="Save draft").click)
    expect(second.get_by_role("status").first).to_have_text("Draft saved.")
    cast.note.refresh_from_db()
    assert cast.note.interval_events == (
        "First tab: the move went badly. Also: she started a new job."
    )


def test_it_signs_with_confirmation_then_adds_an_addendum(
    page: Page, cast: SimpleNamespace
) -> None:
    sign_in(page, cast.therapist)
    _open_note(page, cast.note)
    page.get_by_label("No thoughts of self-harm").check()
    page.get_by_label("Between-session plan").fill("Ask her sister for a calm talk.")

    sign = page.get_by_role("button", name="Sign note")
    sign.click()
    dialog = page.get_by_role("dialog", name="Please confirm")
    expect(dialog).to_contain_text("Sign this note?")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(sign).to_be_focused()
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.DRAFT  # dismissed: nothing signed

    confirm(page, page.get_by_role("button", name="Sign note"))
    expect(page.get_by_role("status").first).to_contain_text("Note signed.")
    expect(page.get_by_text("Ask her sister for a calm talk.")).to_be_visible()
    expect(page.get_by_label("Between-session plan")).to_have_count(0)

    click(page, page.get_by_role("link", name="Add an addendum"))
    navigate(page, page.get_by_role("button", name="Add addendum").click)
    expect(page.get_by_role("alert")).to_contain_text("This field is required.")
    page.get_by_label("Reason for the addendum").fill("Information after signing")
    page.get_by_label("Addendum", exact=True).fill("Her sister phoned to cancel the talk.")
    navigate(page, page.get_by_role("button", name="Add addendum").click)
    expect_path(page, "ipt:note", cast.note.public_id)
    addenda = page.get_by_role("region", name="Addenda")
    expect(addenda).to_contain_text("Information after signing")
    expect(addenda).to_contain_text("Her sister phoned to cancel the talk.")
    expect(page.get_by_text("Ask her sister for a calm talk.")).to_be_visible()
    assert Addendum.objects.get().author == cast.therapist


def _trainee_signs(page: Page, cast: SimpleNamespace) -> None:
    page.get_by_label("No thoughts of self-harm").check()
    confirm(page, page.get_by_role("button", name="Sign note"))
    expect(page.get_by_role("status").first).to_contain_text("sent to your supervisor")


def test_a_trainees_note_is_returned_then_co_signed_from_the_queue(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    Supervision.objects.filter(supervisee=cast.therapist).update(cosigns_notes=True)
    trainee, supervisor = new_page(), new_page()
    sign_in(trainee, cast.therapist)
    _open_note(trainee, cast.note)
    _trainee_signs(trainee, cast)

    sign_in(supervisor, cast.supervisor)
    visit(supervisor, reverse("ipt:cosign_queue"))
    click(supervisor, supervisor.get_by_role("link", name="Session 1"))
    supervisor.get_by_label("Comments for the trainee").fill("Link the low mood to Sunday.")
    navigate(supervisor, supervisor.get_by_role("button", name="Return with comments").click)
    expect(supervisor.get_by_role("status").first).to_contain_text("returned to the trainee")

    _open_note(trainee, cast.note)
    expect(trainee.get_by_role("region", name="Returned by your supervisor")).to_contain_text(
        "Link the low mood to Sunday."
    )
    trainee.get_by_label(INTERVAL).fill("Low mood after Sunday's argument.")
    expect(_status(trainee)).to_have_text(SAVED)
    _trainee_signs(trainee, cast)

    visit(supervisor, reverse("ipt:cosign_queue"))
    click(supervisor, supervisor.get_by_role("link", name="Session 1"))
    expect(supervisor.get_by_text("Low mood after Sunday's argument.")).to_be_visible()
    navigate(supervisor, supervisor.get_by_role("button", name="Co-sign").click)
    expect(supervisor.get_by_role("status").first).to_contain_text("Note co-signed.")
    expect(supervisor.get_by_text("No notes are waiting for your co-signature.")).to_be_visible()
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.SIGNED
    assert cast.note.cosigned_by == cast.supervisor


def test_the_process_note_is_its_authors_alone(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    author = new_page()
    sign_in(author, cast.therapist)
    _open_note(author, cast.note)
    click(author, author.get_by_role("link", name="Process note (private to you)"))
    text = author.get_by_label("Process note")
    expect(text).to_have_value(cast.process_note.text)
    text.fill("My own reaction to her silence.")
    expect(_status(author)).to_have_text(SAVED)
    cast.process_note.refresh_from_db()
    assert cast.process_note.text == "My own reaction to her silence."

    supervisor = new_page()
    sign_in(supervisor, cast.supervisor)
    _open_note(supervisor, cast.note)
    expect(supervisor.get_by_role("link", name=re.compile("Process note"))).to_have_count(0)
    response = supervisor.goto(reverse("ipt:process_note", args=[cast.note.public_id]))
    assert response is not None
    assert response.status == 404
    _expected_http_error(supervisor, 404)
    audit(supervisor)
    expect(supervisor.get_by_text("My own reaction")).to_have_count(0)
