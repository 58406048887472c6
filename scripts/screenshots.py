"""Screenshots of the demo clinic's main screens (docs/screenshots/, README "Screenshots").

    .venv/bin/python scripts/screenshots.py OUTPUT_DIR [--project DIR]

Seeds the demo clinic into a temporary database, serves it with gunicorn as
`make run` does, signs in with the demo logins in Debian's Chromium (headless,
the browser tests' flags) and saves one 1280x800 PNG per screen. A screen this
version of Rapport does not have yet is skipped with a note. ``--project`` takes
the pictures of another checkout (its own code, this script's venv).
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django_otp.oath import totp
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
DEMO_PASSWORD = "quiet-harbour-lantern-42"  # noqa: S105  (published demo credential)
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105  (published, demo only)


def demo_environment(var_dir: Path) -> dict[str, str]:
    """Throwaway secrets and a database of its own: nothing of var/ is touched."""
    return os.environ | {
        "DEBUG": "1",
        "RAPPORT_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'demo.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "RAPPORT_ENCRYPTION_KEYS": f"shot:{base64.b64encode(os.urandom(32)).decode()}",
        "RAPPORT_AUDIT_KEY": secrets.token_urlsafe(32),
        "RAPPORT_HTTPS": "0",
        "EMAIL_FILE_PATH": str(var_dir / "mail"),
        "LOG_LEVEL": "WARNING",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(project: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603  (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


# Each screen: (file name, username, a Django shell snippet printing the path to open).
# The snippets find the demo's rows by name, so they work on any version of the demo.
EPISODE = (
    "from rapport.ipt.models import Episode;"
    "e = Episode.objects.filter(client__given_name='Jordan', client__family_name='Example')"
    ".order_by('started_on').first();"
)
REQUEST = (
    "from rapport.intake.models import ConsultationRequest;"
    "r = ConsultationRequest.objects.get(name='Alex Demo-Request');"
)
SCREENS = [
    ("dashboard", "therapist", "print(reverse('core:dashboard'))"),
    (
        "client-record",
        "therapist",
        EPISODE + "print(reverse('clients:detail', args=[e.client.public_id]))",
    ),
    (
        "booking",
        "intake",
        REQUEST
        + "from rapport.core.models import User;"
        + "t = User.objects.get(username='therapist');"
        + "print(reverse('intake:book', args=[r.public_id]) + f'?therapist={t.public_id}')",
    ),
    (
        "closeness-circle",
        "therapist",
        EPISODE + "print(reverse('ipt:closeness', args=[e.public_id]))",
    ),
    ("chart", "therapist", EPISODE + "print(reverse('ipt:measures', args=[e.public_id]))"),
    ("clinic-settings", "admin", "print(reverse('core:clinic_settings'))"),
    ("audit-log", "admin", "print(reverse('core:audit_log'))"),
]

# Screens whose subject sits below the fold: scrolled to it, the same on every version.
FOCUS = {"chart": "svg[role=img]", "closeness-circle": "svg[role=img]"}


def paths(project: Path, env: dict[str, str]) -> dict[str, str | None]:
    """Each screen's path, or None where this version has no such page."""
    found: dict[str, str | None] = {}
    for name, _user, snippet in SCREENS:
        code = "from django.urls import reverse\n" + snippet
        try:
            # Django's shell may announce its automatic imports first: the path is last.
            found[name] = manage(project, env, "shell", "-c", code).strip().splitlines()[-1]
        except subprocess.CalledProcessError:
            found[name] = None
    return found


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("the server stopped before answering")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310  (our local server)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server at {url} did not answer")


def sign_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(f"{totp(base64.b32decode(DEMO_TOTP_SECRET)):06d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/dashboard/")


def shoot(base_url: str, targets: dict[str, str | None], out: Path) -> None:
    users = {name: user for name, user, _snippet in SCREENS}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        pages: dict[str, Page] = {}
        for name, path in targets.items():
            if path is None:
                print(f"  {name}: no such page in this version, skipped")
                continue
            user = users[name]
            if user not in pages:
                context = browser.new_context(base_url=base_url, viewport=VIEWPORT, locale="en-US")
                pages[user] = context.new_page()
                sign_in(pages[user], user)
            page = pages[user]
            response = page.goto(path)
            if response is None or not response.ok:
                raise SystemExit(f"{name}: {path} answered {response and response.status}")
            page.wait_for_load_state("networkidle")
            if name in FOCUS and page.locator(FOCUS[name]).count():
                page.locator(FOCUS[name]).first.evaluate(
                    "e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 140)"
                )
            page.screenshot(path=out / f"{name}.png")
            print(f"  {name}: {out / f'{name}.png'}")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="directory for the PNG files")
    parser.add_argument("--project", type=Path, default=ROOT, help="checkout to photograph")
    args = parser.parse_args()
    project = args.project.resolve()
    out = args.output.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rapport-shots-") as tmp:
        env = demo_environment(Path(tmp))
        manage(project, env, "migrate", "--noinput", "-v0")
        manage(project, env, "seed_demo")
        targets = paths(project, env)
        port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(  # noqa: S603  (our own app server, fixed arguments)
            [str(gunicorn), "rapport.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_up(base_url + "/healthz", server)
            shoot(base_url, targets, out)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
