"""Child processes as production runs them, for tests that need real processes.

``gunicorn rapport.wsgi`` and ``manage.py worker --loop`` on the committed test
database, with e-mail written by the file backend so every message sent can be
counted (tests/scale_out, tests/crash).
"""

from __future__ import annotations

import email
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email.message import Message
from pathlib import Path
from urllib.parse import quote

from django.db import connection

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # written by the file backend after each message


def database_url() -> str:
    """The test database as DATABASE_URL, so the child processes see what the test commits."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"  # the test database is a file (settings.py)
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "localhost"
    return f"postgres://{quote(db['USER'])}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def child_env(mail_dir: Path, **extra: str) -> dict[str, str]:
    # The test run's settings (pytest-env), minus any e-mail settings of the shell.
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    env.update(DATABASE_URL=database_url(), EMAIL_FILE_PATH=str(mail_dir), **extra)
    env.pop("DEBUG", None)  # production settings, as deployed
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_server(port: int) -> list[str]:
    # As scripts/serve starts it, with one process per server to spare a small machine
    # and no control socket (its default path is shared by every gunicorn of the user).
    gunicorn, bind = str(BIN / "gunicorn"), f"127.0.0.1:{port}"
    threads = ["--workers", "1", "--threads", "4", "--no-control-socket"]
    return [gunicorn, "rapport.wsgi", "--bind", bind, *threads]


def worker(name: str, interval: float = 0.2) -> list[str]:
    # A short interval: idle workers poll often, so due work is picked up at once.
    loop = ["worker", "--loop", "--interval", str(interval), "--name", name]
    return [sys.executable, "manage.py", *loop]


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """A child logging to a file (a full pipe would stall it), in its own process group
    so a SIGKILL reaches all of it (gunicorn's master and its worker)."""
    with log.open("ab") as out:
        child = subprocess.Popen(
            args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    child.log = log  # shown if it dies early
    return child


def stop(child: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM, as a supervisor stops it; SIGKILL if it does not go."""
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill(child)


def kill(child: subprocess.Popen) -> None:
    """SIGKILL the child's whole process group, as the OOM killer or a power cut would."""
    with suppress(ProcessLookupError):  # already gone
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A child process, always reaped."""
    child = start(args, env, log)
    try:
        yield child
    finally:
        stop(child)


def wait_until(
    ready: Callable[[], bool], guard: float, what: str, children: list[subprocess.Popen]
) -> None:
    """Poll ``ready``; ``guard`` only catches a hang, it is never a timing check."""
    deadline = time.monotonic() + guard
    while not ready():
        dead = [c for c in children if c.poll() is not None]
        assert not dead, f"{dead[0].args} exited early: {dead[0].log.read_text()[-2000:]}"
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def get(base: str, path: str, cookie: str = "") -> int:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def answers(base: str) -> bool:
    try:
        return get(base, "/healthz") == 200
    except OSError:
        return False


def written_messages(directory: Path) -> tuple[list[Message], int]:
    """Every message the file backend finished writing, and how many were torn.

    A message counts once its separator is written: a process killed mid-write
    leaves a torn tail, which no reader would take for a delivered message (as an
    SMTP transfer cut before its end is not delivered)."""
    messages, torn = [], 0
    for path in sorted(directory.glob("*.log")):
        written, tail = read_messages(path)
        messages += written
        torn += tail
    return messages, torn


def read_messages(path: Path) -> tuple[list[Message], bool]:
    """The finished messages of one file, and whether a torn one ends it."""
    *chunks, tail = path.read_bytes().split(SEPARATOR)
    return [email.message_from_bytes(c) for c in chunks if c.strip()], bool(tail.strip())
