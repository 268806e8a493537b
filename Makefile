# Bluezone Hậu Giang portal. `make run` to try it, `make test` to check it.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install assets migrate demo lint check-migrations bench clean messages screenshots

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

install: $(BIN)/activate assets

# Front-end libraries come pinned from the npm registry (package-lock.json), served by the portal.
assets: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

migrate: install
	mkdir -p var/broker/out var/broker/processed
	DEBUG=on $(PYTHON) manage.py migrate --noinput
	DEBUG=on $(PYTHON) manage.py load_units

demo: migrate
	DEBUG=on $(PYTHON) manage.py load_demo

# Web server, Celery worker and beat on the embedded broker; Ctrl-C stops all three.
run: demo
	@echo "Portal: http://$(HOST):$(PORT)/  (Ctrl-C stops the web server, worker and beat)"
	@DEBUG=on exec $(PYTHON) -m bluezone_portal.devserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest --ds=bluezone_portal.settings_test

# The README's pictures, taken by the browser walks of each role (tests/browser/test_browser_first_hour.py), the
# question round trip and the phone form with no signal.
screenshots: install
	BLUEZONE_SCREENSHOTS=docs/screenshots $(BIN)/pytest --ds=bluezone_portal.settings_test -q \
		tests/browser/test_browser_first_hour.py tests/browser/test_browser_questions.py \
		tests/browser/test_browser_offline_form.py -k "commune_reporter or reviewer or typed_offline"

lint: install
	$(BIN)/ruff check .

# The national-scale benchmark (issue 7): PostgreSQL only (its own database, created if missing), about
# four minutes; not part of `make test`. Figures: bench/results/latest.json; see docs/performance.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bz_bench
bench: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PYTHON) bench/run.py

check-migrations: install
	DEBUG=on $(PYTHON) manage.py makemigrations --check --dry-run

# Re-extract the English catalogue from the code and templates, then compile en and vi (needs GNU gettext).
# locale/vi is hand-maintained: never run makemessages on it. Translate new or fuzzy entries of
# locale/en/LC_MESSAGES/django.po, run this again, and commit both .po and .mo files.
messages: install
	DEBUG=on $(PYTHON) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var --ignore=test-output --no-obsolete
	DEBUG=on $(PYTHON) manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf var/broker var/celerybeat-schedule* .pytest_cache
