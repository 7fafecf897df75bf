# kcvote — `make run` and `make test` work on a fresh clone with nothing but python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 4

.DEFAULT_GOAL := help
.PHONY: help install install-dev run serve db translations browser test test-sqlite test-postgres lint fmt typecheck bench clean messages

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed ## create .venv and install the app's dependencies

install-dev: $(VENV)/.installed-dev ## install what the tests need too

translations: $(VENV)/.installed ## compile the message catalogues
	$(BIN)/pybabel compile -d kcvote/translations -D "messages wtforms"

messages: $(VENV)/.installed ## extract strings and update the English catalogue
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o kcvote/translations/messages.pot .
	$(BIN)/pybabel update -i kcvote/translations/messages.pot -d kcvote/translations --no-fuzzy-matching

db: $(VENV)/.installed ## migrate the database, load reference and demo data (idempotent)
	$(FLASK) db upgrade
	$(FLASK) kcvote seed
	$(FLASK) kcvote demo

run: install translations db ## set up and serve on http://$(HOST):$(PORT) with demo data
	@echo "kcvote on http://$(HOST):$(PORT)"
	$(FLASK) run --host $(HOST) --port $(PORT)

serve: install translations ## serve with gunicorn (several workers); run `make db` first
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

lint: install-dev ## ruff (lint + format check) and mypy
	$(BIN)/ruff check kcvote tests bench
	$(BIN)/ruff format --check kcvote tests bench
	$(BIN)/mypy

fmt: install-dev ## format the code
	$(BIN)/ruff check --fix kcvote tests bench
	$(BIN)/ruff format kcvote tests bench

typecheck: install-dev
	$(BIN)/mypy

browser: ## install the Debian packages the tests use when missing: Chromium, zbarimg (QR), pdftoppm
	@need=""; \
	[ -x /usr/bin/chromium ] || need="$$need chromium"; \
	command -v zbarimg >/dev/null || need="$$need zbar-tools"; \
	command -v pdftoppm >/dev/null || need="$$need poppler-utils"; \
	if [ -z "$$need" ]; then :; \
	elif command -v apt-get >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "== installing$$need =="; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$need >/dev/null; \
	else echo "Install$$need (Debian package names) for the tests" >&2; exit 1; fi

# Two processes for the suite (pytest-xdist; each PostgreSQL worker gets its own database), then the
# browser journeys one at a time: a live server and Chromium each want a core of their own.
PYTEST_WORKERS ?= 2
PYTEST_ALL = $(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) --ignore=tests/browser && $(BIN)/pytest -p no:cacheprovider tests/browser

test-sqlite: install-dev translations browser
	$(PYTEST_ALL)

test-postgres: install-dev translations
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== pytest on PostgreSQL ($$TEST_DATABASE_URL) =="; \
	  $(PYTEST_ALL); \
	else \
	  echo "== TEST_DATABASE_URL not set: PostgreSQL run skipped =="; \
	fi

test: lint ## lint, then the whole suite on SQLite and (when TEST_DATABASE_URL is set) PostgreSQL
	@echo "== pytest on SQLite =="
	env -u TEST_DATABASE_URL $(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

bench: install-dev ## run the benchmarks in bench/
	for f in bench/[!_]*.py; do $(BIN)/python $$f || exit 1; done

clean: ## remove the virtualenv and caches (keeps instance/)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
