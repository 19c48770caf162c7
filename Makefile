# PeerPath: `make demo` to look at it, `make test` to check it.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
PEERPATH := $(VENV)/bin/peerpath
HOST ?= 127.0.0.1
PORT ?= 8000
export PEERPATH_SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: install demo test test-postgres lint browser serve clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "PeerPath needs Python 3.12+ (see .python-version)"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
	  { echo "Installing Chromium from Debian for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "Chromium could not be installed: browser tests will be skipped"; }

demo: install
	$(PEERPATH) migrate --noinput
	$(PEERPATH) demo
	$(PEERPATH) serve --host $(HOST) --port $(PORT)

serve: install
	$(PEERPATH) serve --host $(HOST) --port $(PORT)

test: install browser
	$(PY) -m pytest -n 2 -q

test-postgres: install browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest -n 2 -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) var
