# BackCheck — two commands:  make run   |   make test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-fast screenshots bench

run: $(VENV)/.app-installed   ## start the app at http://localhost:8501 (SQLite store under data/)
	$(PY) -m backcheck.serve

test: $(VENV)/.dev-installed /usr/bin/chromium   ## install everything the tests need, run the whole suite
	$(PY) -m pytest

test-fast: $(VENV)/.dev-installed   ## unit + AppTest only (no browser)
	$(PY) -m pytest -m "not e2e"

screenshots: $(VENV)/.dev-installed /usr/bin/chromium   ## refresh docs/screenshots from the browser tests
	BACKCHECK_SCREENSHOTS=docs/screenshots $(PY) -m pytest -m e2e

bench: $(VENV)/.dev-installed /usr/bin/chromium   ## speed as ratios against targets, a few minutes (not part of the test suite)
	$(PY) scripts/bench.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.app-installed: requirements.txt $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.app-installed $@

/usr/bin/chromium:
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends chromium chromium-driver
