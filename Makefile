# BackCheck — two commands:  make run   |   make test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run run-cluster test test-fast screenshots bench server-packages

run: $(VENV)/.app-installed   ## start the app at http://localhost:8501 (SQLite store under data/); PORT=8502 another port; HOST=0.0.0.0 opens it to phones on the network
	$(if $(HOST),BACKCHECK_HOST=$(HOST) )$(PY) -m backcheck.serve$(if $(PORT), --server.port $(PORT))

run-cluster: $(VENV)/.app-installed server-packages   ## PostgreSQL + two BackCheck servers behind haproxy at http://127.0.0.1:8600 (data under .cluster/)
	$(PY) -m backcheck.cluster

test: $(VENV)/.dev-installed /usr/bin/chromium server-packages   ## install everything the tests need, run the whole suite
	$(PY) -m pytest

test-fast: $(VENV)/.dev-installed   ## unit + AppTest only (no browser, no PostgreSQL, no cluster)
	$(PY) -m pytest -m "not e2e and not postgres and not cluster and not signin"

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

# Debian's PostgreSQL server (the storage tests run on it too) and haproxy (the several-servers setup).
server-packages:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ ! -x /usr/sbin/haproxy ]; then \
		$(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends postgresql haproxy; \
	fi
