# Two commands set everything up on a fresh machine:
#   make demo   builds the graph from examples/reports and prints the key facts
#   make test   runs the test suite (lint, types, tests, evaluation)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test venv lint typecheck eval bench clean system-deps

# Debian packages the pictures and the browser tests use: Graphviz's dot (affiliation diagram),
# Chromium and its driver (browser tests). Installed when missing and we are root; otherwise
# the message says what to install.
SYSTEM_PACKAGES = graphviz chromium chromium-driver fonts-dejavu-core

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

system-deps:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing" >&2; \
	    apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	  else \
	    echo "missing system packages:$$missing (Debian/Ubuntu: sudo apt-get install$$missing; macOS: brew install graphviz chromium chromedriver)" >&2; \
	  fi; \
	fi

demo: $(STAMP) system-deps
	$(BIN)/kg --store kg-data demo --reports examples/reports --out out
	$(BIN)/kg --store kg-data show JNIM

lint: $(STAMP)
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/ruff format --check kg tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

eval: $(STAMP)
	$(BIN)/kg eval --quiet --min 0.9 ../shared/eval/*.gold.yaml

test: $(STAMP) system-deps
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q
	$(BIN)/kg eval --quiet --min 0.9 ../shared/eval/*.gold.yaml

bench: $(STAMP) system-deps
	$(BIN)/python benchmarks/paths.py
	$(BIN)/python benchmarks/viz.py
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) kg-data out test-artifacts .pytest_cache .mypy_cache .ruff_cache
