"""Started by `make crash-test`: the kill -9 harness (tests/crash) with many kills.

    scripts/crash_test.py --kills 1000 [--seed N] [--database-url postgres://…/name]

Without a database URL it runs on SQLite (a file); with one, pytest creates and
drops the test database ``test_<name>`` next to it. The run's summary (kills, what
was acknowledged, e-mail written, failures) is printed at the end.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=1000, help="SIGKILLs in all (default 1000)")
    seed = int(os.environ.get("CRASH_SEED", "20261130"))
    parser.add_argument("--seed", type=int, default=seed, help="the kill plan's seed")
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite)")
    options = parser.parse_args()
    env = dict(os.environ, CRASH_KILLS=str(options.kills), CRASH_SEED=str(options.seed))
    env.pop("DATABASE_URL", None)
    if options.database_url:
        env["DATABASE_URL"] = options.database_url
    pytest = [str(Path(sys.executable).parent / "pytest"), "-p", "no:cacheprovider", "-q", "-s"]
    return subprocess.call([*pytest, "tests/crash"], cwd=ROOT, env=env)  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
