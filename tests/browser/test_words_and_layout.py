"""Layout at phone and desktop widths: radios beside labels, the public menu, one-row staff nav."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.intake.models import PublicPage
from rapport.ipt.models import SessionNote
from tests.browser.harness import navigate, sign_in, visit
from tests.ipt.test_episode_measures import with_sessions
from tests.measures.charts_helpers import add_series

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def _sized(new_page: Callable[[], Page], size: dict[str, int]) -> Page:
    page = new_page()
    page.set_viewport_size(size)
    return page


def test_the_public_form_puts_each_radio_beside_its_label_with_no_blank_choice(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    page = _sized(new_page, PHONE)
    visit(page, reverse("intake:consultation"))
    group = page.get_by_role("group", name="How should we contact you?")
    radios = group.get_by_role("radio")
    expect(radios).to_have_count(len(group.locator("label.option").all()))
    assert "---------" not in group.inner_text()
    for index in range(radios.count()):
        expect(radios.nth(index)).not_to_be_checked()
    box = radios.first.bounding_box()
    text = group.locator("label.option span").first.bounding_box()
    assert box
    assert text
    assert box["x"] + box["width"] <= text["x"]  # left of its words, not above them
    assert text["y"] < box["y"] + box["height"] / 2 < text["y"] + text["height"]


def test_the_public_menu_is_collapsed_on_a_phone_and_a_row_on_a_desktop(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    visit(_sized(new_page, PHONE), reverse("intake:home"))  # creates the default pages
    slug = PublicPage.objects.filter(clinic=cast.clinic).values_list("slug", flat=True).first()
    path = reverse("intake:page", args=[slug])

    phone = _sized(new_page, PHONE)
    visit(phone, path)
    menu = phone.get_by_role("navigation", name="About our practice")
    home = menu.get_by_role("link", name="Home")
    expect(home).to_be_hidden()
    collapsed = menu.bounding_box()
    assert collapsed
    assert collapsed["height"] < 80  # one "Menu" button, not seven stacked links
    menu.get_by_text("Menu").click()
    expect(home).to_be_visible()

    desktop = _sized(new_page, DESKTOP)
    visit(desktop, path)
    menu = desktop.get_by_role("navigation", name="About our practice")
    expect(menu.get_by_text("Menu")).to_be_hidden()
    links = menu.get_by_role("link")
    for index in range(links.count()):
        expect(links.nth(index)).to_be_visible()


def test_the_admin_navigation_fits_one_row_and_marks_the_public_site(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    page = _sized(new_page, DESKTOP)
    sign_in(page, cast.admin)
    visit(page, reverse("intake:page_list"))
    nav = page.get_by_role("navigation", name="Main")
    links = nav.get_by_role("link")
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(tops) == 1, [links.nth(i).inner_text() for i in range(links.count())]
    expect(nav.get_by_role("link", name="Public site")).to_have_attribute("aria-current", "page")
    expect(nav.locator("[aria-current]")).to_have_count(1)


def test_the_time_zone_is_a_searchable_box_led_by_the_clinic_s_zone(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    page = _sized(new_page, PHONE)
    sign_in(page, cast.therapist)
    url = reverse("scheduling:availability", kwargs={"public_id": cast.therapist.public_id})
    visit(page, url)
    box = page.get_by_role("combobox", name="Time zone")  # a text input with a datalist
    zone = cast.therapist.time_zone or cast.clinic.time_zone
    expect(box).to_have_value(zone)
    suggestions = page.locator(f"datalist#{box.get_attribute('list')} option")
    expect(suggestions.first).to_have_attribute("value", zone)
    assert suggestions.count() > 400
    box.fill("Berlin")
    navigate(page, page.get_by_role("button", name="Add hours").click)
    expect(page.get_by_role("alert")).to_contain_text("Choose a time zone from the list")


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_initial_phase_task_cards_have_room_around_their_text(
    new_page: Callable[[], Page], cast: SimpleNamespace, size: dict[str, int]
) -> None:
    page = _sized(new_page, size)
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:initial_phase", args=[cast.episode.public_id]))
    card = page.locator("li.task").first
    heading = card.get_by_role("heading").first
    outer, inner = card.bounding_box(), heading.bounding_box()
    assert outer
    assert inner
    assert inner["x"] - outer["x"] >= 12  # padding, not text against the border
    assert inner["x"] + inner["width"] <= outer["x"] + outer["width"]


_LINES = """(element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}"""


def test_a_signed_note_s_score_headers_keep_their_words_whole_on_a_phone(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    with_sessions(cast, 5)
    add_series(cast.client, [16, 16, 15, 15], cast.episode.public_id)
    note = cast.episode.notes.get(number=5)
    SessionNote.objects.filter(pk=note.pk).update(status=SessionNote.Status.SIGNED)
    page = _sized(new_page, PHONE)
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:note", args=[note.public_id]))
    header = page.locator("table.note-scores th", has_text="Measure").first
    expect(header).to_be_visible()
    assert header.evaluate(_LINES) == 1  # "Measure", never "Measu" / "re"
