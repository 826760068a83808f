# spinepath: `make run` serves the demo clinic, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
# The one public address (links in e-mails, printed URLs): SPINEPATH_SITE_URL when set, otherwise the
# address `make run` serves on. Passed to the demo and run commands only (not exported to the tests).
SITE_URL := $(or $(SPINEPATH_SITE_URL),http://$(HOST):$(PORT))

# The browser tests render the FHIR Questionnaire in NLM's LHC-Forms: npm package `lforms`, pinned in
# package-lock.json (.npmrc: no install scripts). Node.js comes from Debian when it is missing.
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json | sha1sum | cut -c1-12)

.PHONY: run test test-fast install browser node lint typecheck contracts pytest bench demo clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium; install it when it is missing (CI machines start without it).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

demo: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	SPINEPATH_SITE_URL=$(SITE_URL) $(PY) manage.py load_demo

# The background worker (every e-mail: confirmations, reminders, staff alerts) runs beside the web
# server and stops with it.
run: demo
	@echo "spinepath is serving on $(SITE_URL)/  (Ctrl-C to stop); e-mails go to var/outbox/"
	export SPINEPATH_SITE_URL=$(SITE_URL); \
	$(PY) manage.py db_worker --interval 5 & WORKER=$$!; trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: install
	$(VENV)/bin/mypy

contracts: install
	$(VENV)/bin/lint-imports

$(NODE_STAMP): package.json package-lock.json .npmrc
	@command -v npm >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null)
	npm ci --silent
	touch $(NODE_STAMP)

node: $(NODE_STAMP)

pytest: install browser node
	mkdir -p var build
	$(VENV)/bin/pytest

test: lint typecheck contracts pytest

# The edit loop: lint, types and the suite without browser tests, stopping at the first failure.
# `make test` stays the whole suite (CI runs it).
test-fast: lint typecheck contracts
	mkdir -p var build
	$(VENV)/bin/pytest -x -m "not browser"

bench: install
	$(PY) bench/engine.py
	$(PY) bench/booking_race.py

clean:
	rm -rf $(VENV) var build node_modules
