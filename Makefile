# Hovor: `make run` (everything from a fresh clone to a running demo) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NAME ?=

.PHONY: run test test-py test-web lint build bench openapi clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

build: web/node_modules/.installed
	cd web && npm run --silent build

run: $(BIN)/.installed build
	$(BIN)/hovor run --demo

test: $(BIN)/.installed build test-web test-py

test-web: web/node_modules/.installed
	cd web && npm test --silent

test-py: $(BIN)/.installed
	$(BIN)/pytest -q -rfER

lint: $(BIN)/.installed web/node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	cd web && npm run --silent typecheck

bench: $(BIN)/.installed
	$(BIN)/python -m bench $(NAME)

openapi: $(BIN)/.installed
	$(BIN)/hovor openapi -o src/hovor/openapi.json
	$(BIN)/hovor frames -o src/hovor/frames.schema.json
	$(BIN)/hovor asyncapi -o src/hovor/asyncapi.json
	cd web && npm run --silent gen:api && npm run --silent gen:frames

clean:
	rm -rf $(VENV) web/node_modules src/hovor/static var
