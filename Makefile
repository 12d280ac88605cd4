# zhenxing: two commands on a fresh machine.
#   make run   — SQLite, demo users, serving on 127.0.0.1:8000
#   make test  — ruff, import-linter, mypy, pytest (browser tests included) on the database DATABASE_URL names (SQLite if unset)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# One stamp per install flavour, named after pyproject.toml's checksum: `make run` needs only the site and its
# dev tools; `make test` also needs the Spark extra (PySpark, hundreds of MB) for the engine-agreement tests.
# A full install is a base install plus Spark, so it builds on the base stamp; editing pyproject.toml renames
# both stamps, so each flavour reinstalls the next time it is asked for.
SUM := $(shell cksum < pyproject.toml | cut -d' ' -f1)
STAMP_BASE := $(VENV)/.installed-base-$(SUM)
STAMP_FULL := $(VENV)/.installed-full-$(SUM)

.PHONY: run test lint typecheck pytest install install-base clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_BASE): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-base-*
	touch $(STAMP_BASE)

$(STAMP_FULL): $(STAMP_BASE)
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	rm -f $(VENV)/.installed-full-*
	touch $(STAMP_FULL)

install-base: $(STAMP_BASE)

install: $(STAMP_FULL)

run: install-base
	$(BIN)/zhenxing demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
