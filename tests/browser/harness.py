"""What every browser journey shares: watched pages, axe on each page, and signing in.

A watched page collects console errors (Content-Security-Policy violations
among them) and counts the documents it loads. ``audit(page)`` runs axe-core
on the current document; at teardown every loaded document must have been
audited and no console error may remain, so a journey cannot skip a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Locator, Page, Response, expect

from rapport.core.models import User
from tests.factories import PASSWORD, current_code

_axe = Axe()
# axe leaves duplicate ids to manual review, but one breaks aria-describedby.
_DUPLICATE_IDS = """() => {
    const seen = new Set(), twice = new Set();
    for (const element of document.querySelectorAll("[id]")) {
        (seen.has(element.id) ? twice : seen).add(element.id);
    }
    return [...twice];
}"""


@dataclass
class Watch:
    """What one page has done so far."""

    page: Page
    loads: list[str] = field(default_factory=list)
    audited: set[float] = field(default_factory=set)  # performance.timeOrigin per document
    errors: list[str] = field(default_factory=list)
    without_csp: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def on_response(self, response: Response) -> None:
        # The CSP checks mean nothing on a document served without the policy.
        request = response.request
        if request.resource_type == "document" and request.frame == self.page.main_frame:
            policy = response.headers.get("content-security-policy", "")
            if "script-src 'self'" not in policy:
                self.without_csp.append(response.url)

    def take_errors(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors

    def problems(self) -> list[str]:
        """What is wrong with this page's history, checked when the test ends."""
        found = [f"document without a strict CSP: {url}" for url in self.without_csp]
        found += self.errors
        if len(self.loads) > len(self.audited):
            found.append(
                f"{len(self.loads)} documents loaded but only {len(self.audited)} audited "
                f"with axe: {self.loads}"
            )
        return found


_watches: dict[int, Watch] = {}


def watch(page: Page) -> Watch:
    found = Watch(page)
    page.on("console", found.on_console)
    page.on("pageerror", lambda error: found.errors.append(f"uncaught: {error}"))
    page.on("load", lambda loaded: found.loads.append(loaded.url))
    page.on("response", found.on_response)
    _watches[id(page)] = found
    return found


def watched(page: Page) -> Watch:
    return _watches[id(page)]


def unwatch(page: Page) -> Watch:
    return _watches.pop(id(page))


def audit(page: Page) -> None:
    """Axe finds no violation on the current document, and the console is clean."""
    results = _axe.run(page).response
    watched(page).audited.add(page.evaluate("performance.timeOrigin"))
    violations = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(", ".join(node["target"]) for node in violation["nodes"])
        for violation in results["violations"]
    ]
    assert not violations, f"axe violations on {page.url}:\n" + "\n".join(violations)
    duplicates = page.evaluate(_DUPLICATE_IDS)
    assert not duplicates, f"duplicate ids on {page.url}: {duplicates}"
    assert_console_clean(page)


def assert_console_clean(page: Page) -> None:
    errors = watched(page).take_errors()
    assert not errors, f"browser errors on {page.url}:\n" + "\n".join(errors)


def visit(page: Page, path: str) -> None:
    """Open a path of the live server (the context's base URL), then audit it."""
    page.goto(path)
    audit(page)


def navigate(page: Page, action: Callable[[], object]) -> None:
    """Do something that loads a new document (submit, follow a link); audit the result."""
    with page.expect_navigation():
        action()
    audit(page)


def click(page: Page, target: Locator) -> None:
    navigate(page, target.click)


def confirm(page: Page, target: Locator, question: str | None = None) -> None:
    """Press a button that asks first (the shared dialog), check the question, say yes."""
    target.click()
    dialog = page.get_by_role("dialog", name="Please confirm")
    expect(dialog).to_be_visible()
    if question is not None:
        expect(dialog).to_contain_text(question)
    audit(page)
    navigate(page, dialog.get_by_role("button", name="Yes, continue").click)


def expect_path(page: Page, url_name: str, *args: object) -> None:
    """The browser shows ``url_name``'s page (any query string allowed)."""
    path = reverse(url_name, args=args)
    expect(page).to_have_url(re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$"))


def sign_in_with_password(page: Page, user: User) -> None:
    visit(page, reverse("core:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    click(page, page.get_by_role("button", name="Continue"))


def enter_code(page: Page, code: str) -> None:
    page.get_by_label("Code").fill(code)
    click(page, page.get_by_role("button", name="Verify"))


def sign_in(page: Page, user: User) -> None:
    """Password, then the current TOTP code: lands on the dashboard."""
    sign_in_with_password(page, user)
    expect_path(page, "core:two_factor_verify")
    enter_code(page, current_code(user))
    expect_path(page, "core:dashboard")
