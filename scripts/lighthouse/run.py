"""Lighthouse accessibility and best-practices scores of public and staff pages (`make lighthouse`).

    .venv/bin/python scripts/lighthouse/run.py [--base-url URL] [--out DIR] [--project DIR]

Without ``--base-url`` it seeds the demo clinic into a temporary database and
serves it with gunicorn, as scripts/screenshots.py does, so nothing in var/ is
touched; ``--project`` serves another checkout (its code, this script's venv).
With ``--base-url`` it scores an app already running with the demo loaded
(`make run`), reading the demo's rows through this checkout's settings.

Staff pages are scored signed in: the script signs in the way a person does
(password, then the demo's TOTP code) and hands Lighthouse the session cookie
with ``--extra-headers``. Lighthouse (pinned in package-lock.json, installed
with scripts ignored) drives Debian's Chromium through CHROME_PATH; it never
downloads a browser. Each page's report is written to OUT/<page>.json, and a
table of scores is printed; the exit status is 1 when a score is below 100.
"""

from __future__ import annotations

import argparse
import base64
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import screenshots as demo  # noqa: E402  (the demo server and sign-in details, shared)

LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = "accessibility,best-practices"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"

CLIENT = (
    "from rapport.clients.models import Client;"
    "c = Client.objects.filter(given_name='Jordan', family_name='Example').first();"
)
# A questionnaire link of the demo's client, made here: the demo's own links were e-mailed.
QUESTIONNAIRE = (
    CLIENT + "from datetime import timedelta;"
    "from django.utils import timezone;"
    "from rapport.measures.invitations import new_token;"
    "from rapport.measures.models import Invitation;"
    "token, digest = new_token();"
    "Invitation.objects.create(client=c, instruments=['phq9'], token_hash=digest,"
    " status=Invitation.Status.SENT, send_at=timezone.now(),"
    " expires_at=timezone.now() + timedelta(days=2));"
    "print(reverse('questionnaires:form', args=[token]))"
)
# (page, who signs in or None for public pages, Django shell snippet printing its path)
PAGES = [
    ("home", None, "print(reverse('intake:home'))"),
    ("consultation-form", None, "print(reverse('intake:consultation'))"),
    ("questionnaire", None, QUESTIONNAIRE),
    ("dashboard", "therapist", "print(reverse('core:dashboard'))"),
    ("client-record", "therapist", CLIENT + "print(reverse('clients:detail', args=[c.public_id]))"),
    ("booking-grid", "intake", demo.SCREENS[2][2]),
    ("calendar-week", "therapist", "print(reverse('scheduling:calendar_week'))"),
    ("audit-log", "admin", "print(reverse('core:audit_log'))"),
    ("clinic-settings", "admin", "print(reverse('core:clinic_settings'))"),
]


def served_as_make_run(var_dir: Path) -> dict[str, str]:
    """The screenshots' throwaway demo, with DEBUG off and hashed static files as `make run`."""
    env = demo.demo_environment(var_dir) | {"ALLOWED_HOSTS": "127.0.0.1,localhost"}
    del env["DEBUG"]
    return env


def page_paths(project: Path, env: dict[str, str]) -> dict[str, str]:
    snippets = "\n".join(f"print({name!r});{snippet}" for name, _who, snippet in PAGES)
    lines = demo.manage(project, env, "shell", "-c", "from django.urls import reverse\n" + snippets)
    lines = lines.strip().splitlines()
    names = {name for name, _who, _snippet in PAGES}
    # Each name is followed by its path; Django's shell may announce its imports first.
    return {line: lines[i + 1] for i, line in enumerate(lines) if line in names}


def _form_fields(html: str) -> dict[str, str]:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return {"csrfmiddlewaretoken": token.group(1)} if token else {}


def session_cookie(base_url: str, username: str) -> str:
    """Sign in as a person would (password, then TOTP); the Cookie header of that session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(path: str, fields: dict[str, str]) -> str:
        # Our own local server, over http: the only URLs this opens.
        page = opener.open(base_url + path).read().decode()
        data = urllib.parse.urlencode(_form_fields(page) | fields).encode()
        request = urllib.request.Request(base_url + path, data=data)  # noqa: S310
        with opener.open(request) as response:
            return response.geturl()

    post("/login/", {"username": username, "password": demo.DEMO_PASSWORD})
    code = f"{demo.totp(base64.b32decode(demo.DEMO_TOTP_SECRET)):06d}"
    landed = post("/login/verify/", {"token": code})
    if not landed.endswith("/dashboard/"):
        raise SystemExit(f"signing in as {username} did not reach the dashboard ({landed})")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def lighthouse(url: str, report: Path, cookie: str | None) -> dict[str, int]:
    command = [
        str(LIGHTHOUSE),
        url,
        f"--only-categories={CATEGORIES}",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    env = os.environ | {
        "CHROME_PATH": "/usr/bin/chromium",
        "PUPPETEER_SKIP_DOWNLOAD": "1",
        "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1",
    }
    subprocess.run(command, env=env, check=True)  # noqa: S603  (pinned tool, fixed arguments)
    categories = json.loads(report.read_text())["categories"]
    return {key: round(100 * (value["score"] or 0)) for key, value in categories.items()}


def failing_audits(report: Path) -> list[str]:
    data = json.loads(report.read_text())
    failing = []
    for category in data["categories"].values():
        for ref in category["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                failing.append(f"{ref['id']}: {audit['title']}")
    return failing


def score_all(base_url: str, paths: dict[str, str], out: Path) -> bool:
    out.mkdir(parents=True, exist_ok=True)
    cookies: dict[str, str] = {}
    rows = []
    for name, who, _snippet in PAGES:
        if who and who not in cookies:
            cookies[who] = session_cookie(base_url, who)
        report = out / f"{name}.json"
        scores = lighthouse(base_url + paths[name], report, cookies.get(who) if who else None)
        rows.append((name, scores, failing_audits(report)))
    print(f"\n{'page':<20} {'accessibility':>14} {'best-practices':>15}")
    for name, scores, failing in rows:
        print(f"{name:<20} {scores['accessibility']:>14} {scores['best-practices']:>15}")
        for line in failing:
            print(f"    below 100: {line}")
    print(f"\nReports: {out}/<page>.json")
    return all(score == 100 for _name, scores, _failing in rows for score in scores.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="an app already running with the demo clinic")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "lighthouse")
    parser.add_argument("--project", type=Path, default=ROOT, help="checkout to serve")
    args = parser.parse_args()
    project = args.project.resolve()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `make lighthouse`.")
    if args.base_url:
        paths = page_paths(project, os.environ | {"DEBUG": os.environ.get("DEBUG", "1")})
        sys.exit(0 if score_all(args.base_url.rstrip("/"), paths, args.out.resolve()) else 1)
    with tempfile.TemporaryDirectory(prefix="rapport-lighthouse-") as tmp:
        env = served_as_make_run(Path(tmp))
        demo.manage(project, env, "migrate", "--noinput", "-v0")
        demo.manage(project, env, "collectstatic", "--noinput", "-v0")
        demo.manage(project, env, "seed_demo")
        paths = page_paths(project, env)
        port = demo.free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        out = args.out.resolve()
        out.mkdir(parents=True, exist_ok=True)
        log = (out / "server.log").open("w")  # the app's errors, should a page fail
        server = subprocess.Popen(  # noqa: S603  (our own app server, fixed arguments)
            [str(gunicorn), "rapport.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=project,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            demo.wait_until_up(base_url + "/healthz", server)
            passed = score_all(base_url, paths, out)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
