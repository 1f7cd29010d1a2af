# Colombe — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_WORKERS ?= auto

.PHONY: run test test-fast lint typecheck check-deploy messages bench bench-petitions bench-meetings install clean-var bench-mail bench-radio

## run: install what is missing, migrate, load the demo and start web + worker
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py demo_logins
	$(BIN)/honcho start

## test: the whole suite (SQLite by default; DATABASE_URL=postgres://… for PostgreSQL)
test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## test-fast: everything but the slow (browser, large data) tests
test-fast: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy colombe tests e2e bench

check-deploy: install
	COLOMBE_ENV=production SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
	  ALLOWED_HOSTS=colombe.example.org REDIS_URL=redis://127.0.0.1:6379/0 \
	  COLOMBE_SIGNATURE_KEYS=$$($(BIN)/python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())') \
	  OUTREACH_SECRET_KEYS=$$($(BIN)/python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())') \
	  COLOMBE_EMAIL_HASH_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(40))') \
	  JANUS_ADMIN_SECRET=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(40))') \
	  JANUS_ROOM_ADMIN_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(40))') \
	  RADIO_ICECAST_SOURCE_PASSWORD=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(24))') \
	  RADIO_ICECAST_ADMIN_PASSWORD=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(24))') \
	  RADIO_CALLBACK_SECRET=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(40))') \
	  RADIO_RELAY_PASSWORD=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(40))') \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

## messages: extract translatable strings into the French catalogues
messages: install
	cd colombe && ../$(BIN)/django-admin makemessages -l fr --no-obsolete -i "*/tests/*"

## bench: production-like servers (gunicorn, PostgreSQL, Redis) loaded from another process; writes bench/results/
bench: bench-petitions bench-meetings bench-mail bench-radio

bench-petitions: install
	$(BIN)/python -m bench.petitions

bench-meetings: install
	$(BIN)/python -m bench.meetings

bench-mail: install
	$(BIN)/python -m bench.mail

## bench-radio: listeners one Icecast serves (loopback clients, 50 to 6,400), CPU per listener
bench-radio: install
	$(BIN)/python -m bench.radio $(BENCH_RADIO_ARGS)

install: $(VENV)/.installed node_modules/.installed var/.messages

$(VENV)/.installed: requirements.lock pyproject.toml
	scripts/install-system-packages.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

var/.messages: $(VENV)/.installed $(shell find colombe -name '*.po')
	mkdir -p var
	cd colombe && ../$(BIN)/django-admin compilemessages --ignore=".venv" -v0
	touch $@

clean-var:
	rm -rf var

.PHONY: bench-search
## bench-search: search, feed and committee page at scale (long: seeds 100,000 reports)
bench-search: install
	$(BIN)/python -m bench.search $(BENCH_SEARCH_ARGS)

.PHONY: bench-journal
## bench-journal: the journal's print PDF for an edition of 200 reports with photos (< 30 s)
bench-journal: install
	$(BIN)/python -m bench.journal_pdf $(BENCH_JOURNAL_ARGS)
