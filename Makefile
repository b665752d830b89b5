# Two commands set everything up on a fresh machine:
#   make demo   builds the graph from examples/reports and prints the key facts
#   make test   runs the test suite (lint, types, tests, evaluation)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test venv lint typecheck eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/kg --store kg-data demo --reports examples/reports --out out
	$(BIN)/kg --store kg-data show JNIM

lint: $(STAMP)
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/ruff format --check kg tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

eval: $(STAMP)
	$(BIN)/kg eval --quiet --min 0.9 ../shared/eval/*.gold.yaml

test: $(STAMP)
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q
	$(BIN)/kg eval --quiet --min 0.9 ../shared/eval/*.gold.yaml

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) kg-data out .pytest_cache .mypy_cache .ruff_cache
