# Two commands on a fresh machine:  `make run` (the chat on the default article) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

AXE := $(VENV)/node_modules/axe-core/axe.min.js

.PHONY: setup run test browser axe clean

setup: $(STAMP)

# torch first and pinned: the CPU build lies on this machine's disk; a looser pin pulls CUDA.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: setup
	$(PY) -m assistant serve

# Browser tests drive Debian's chromium; install it when missing (needs root, as CI is).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# The accessibility audit's axe-core, from npm into the virtual environment (served from disk).
axe: $(AXE)
$(AXE):
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm >/dev/null)
	npm install --prefix $(VENV) --no-save --no-package-lock --silent axe-core@4.14.1

test: setup browser axe
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache test-artifacts
