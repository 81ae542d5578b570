# Every target sets up .venv first, so each works on a fresh machine with python3 (3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench render clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The main job: the router profile, what informs one of its sub-outcomes, and OSCAL + Markdown exports in out/.
demo: $(STAMP)
	$(BIN)/iotprofile catalog show nist-ir-8425a
	$(BIN)/iotprofile crosswalk nist-ir-8425a:DP-1 --component-kind device
	$(BIN)/iotprofile crosswalk nist-ir-8425:IAC-1b --component-kind mobile_app
	$(BIN)/iotprofile export nist-ir-8425a --format oscal -o out/nist-ir-8425a.oscal.json
	$(BIN)/iotprofile export nist-ir-8425a --format markdown -o out/nist-ir-8425a.md
	$(BIN)/iotprofile export nist-ir-8425 --format csv -o out/nist-ir-8425.csv

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The whole test suite, after lint and type checks.
test: lint
	$(BIN)/pytest

# After editing bundled catalog data: rewrite the pre-rendered JSON (tests fail until you do).
render: $(STAMP)
	$(BIN)/python scripts/render_bundled.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
