# Continuum: `make run` serves the demo, `make test` runs the whole suite. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := $(shell cat .python-version)
BOOT_PYTHON := $(firstword $(wildcard $(HOME)/.pyenv/versions/$(PYTHON_VERSION)/bin/python3) $(shell command -v python3.12 2>/dev/null) python3)
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
FE_STAMP := frontend/node_modules/.installed
STATIC_STAMP := src/continuum/portal/static/vendor/.built
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on two processes (pytest-xdist), a test file per process; PYTEST_WORKERS= runs it in one.
PYTEST_WORKERS ?= -n 2 --dist loadfile

# Development defaults; production sets these in its environment (see README).
export DEBUG ?= 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install run serve demo test test-spark lint check bench bench-load mutation audit probe chromium clean

help:
	@echo "make run    install, migrate, load the demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   install, lint, check, run the whole suite"
	@echo "make test-spark  install the spark extra, run the Spark reducer's tests (needs Java 17+)"
	@echo "make bench  speed and memory benchmarks (not part of the suite)"
	@echo "make audit  known vulnerabilities in the pinned dependencies (needs PyPI and npm's advisory data)"
	@echo "make bench-load  50 clients against gunicorn on a throwaway PostgreSQL database (127.0.0.1:5432)"
	@echo "make mutation  mutation testing of the core (mutmut; about 20 min); scores in benchmarks/results/mutation.md"

$(PY_STAMP): pyproject.toml .python-version
	@$(BOOT_PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), f"Python 3.12+ needed, found {sys.version}"'
	test -x $(BIN)/python || $(BOOT_PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(FE_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STATIC_STAMP): $(FE_STAMP) frontend/build.mjs
	cd frontend && node build.mjs
	touch $@

install: $(PY_STAMP) $(STATIC_STAMP)

# Debian's Chromium drives the accessibility and browser tests (no browser download).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The demo's staff and provider log-ins need a second factor; in development this code stands in for the
# authenticator app (allauth refuses it when DEBUG is off). load_demo prints it with the log-ins.
demo run: export CONTINUUM_DEMO_MFA_CODE ?= 246810
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

run: demo
	@echo "Serving Continuum on http://$(HOST):$(PORT) with a task worker (Ctrl-C stops both)"
	PYTHON=$(BIN)/python scripts/run.sh $(HOST):$(PORT)

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check: install
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

# The Spark extra (pyspark, sqlglot) only for the Spark reducer's tests; they skip themselves without it.
SPARK_STAMP := $(VENV)/.spark-installed
$(SPARK_STAMP): pyproject.toml $(PY_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $@

test: install chromium lint check
	@if java -version >/dev/null 2>&1; then $(MAKE) --no-print-directory $(SPARK_STAMP); \
	  else echo "No Java: the Spark tests will be skipped."; fi
	$(BIN)/pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-spark: install
	@java -version >/dev/null 2>&1 || { echo "The Spark tests need Java 17+"; exit 1; }
	$(MAKE) --no-print-directory $(SPARK_STAMP)
	$(BIN)/pytest -m spark tests/analysis $(PYTEST_ARGS)

# The hardening probe (issue 20): its attacks against gunicorn, DEBUG off, on a throwaway PostgreSQL database.
probe: install
	timeout 1200 $(BIN)/python -m benchmarks.probe

# Known vulnerabilities in the pinned dependencies (pip-audit, npm audit). Needs the advisory databases on the
# network; says plainly what could not be checked (exit 2) rather than reporting a clean result.
audit: install
	$(BIN)/python -m pip install --quiet -e '.[audit]'
	$(BIN)/python scripts/audit.py

bench: install
	$(BIN)/python -m benchmarks $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.threshold

# Load: demo + bulk data (10,000 sites, 50,000 requests) on a throwaway PostgreSQL database, gunicorn, 50 locust
# clients on 127.0.0.1; at most 10 minutes in all. LOAD_ARGS="--run-time 60 --users 20" to change the run.
bench-load: install
	$(BIN)/python -m pip install --quiet -e '.[load]'
	timeout 600 $(BIN)/python -m benchmarks.load $(LOAD_ARGS)

# Mutation testing of the core (permission rules, transitions, screening, work plans, the engine's statistics and
# traffic-stop analyses): scores per module in benchmarks/results/mutation.md. Not part of `make test`.
mutation: install
	$(BIN)/python -m pip install --quiet -e '.[mutation]'
	$(BIN)/python benchmarks/mutation.py $(ARGS)

clean:
	rm -rf $(VENV) frontend/node_modules src/continuum/portal/static/vendor .pytest_cache .ruff_cache mutants
