# loket: `make run` serves the API with demo data; `make test` runs every test tier.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
DYNAMODB_PORT ?= 8001
ROLE   ?= admin
PHONE  ?=
STAGE  ?=
MEASURE ?=
# Template checkers whose pins clash with the dev venv's (see infra/requirements-checkov.txt).
CHECKOV_VENV := .venv-checkov

.PHONY: install run import token chat check test lint typecheck test-unit test-integration clean package bench test-load \
        preflight-test preflight-package

# Every package of the dev venv, runtime included, at the version and hashes of requirements.lock.
$(VENV)/.installed: requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock 1>&2
	@touch $@

# requirements.lock from requirements.txt and requirements-dev.txt (pip-tools in a venv of its own).
.PHONY: lock
lock:
	@test -x .venv-lock/bin/pip-compile || { $(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet --disable-pip-version-check pip-tools==7.6.2 1>&2; }
	.venv-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --output-file=requirements.lock requirements-dev.txt

# .chalice/policy-<stage>-<function>.json from the one declaration, infra/policies.py GRANTS.
.PHONY: policies
policies: $(VENV)/.installed
	$(BIN)/python -m infra.policies

$(CHECKOV_VENV)/.installed: infra/requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	@$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/requirements-checkov.txt 1>&2
	@touch $@

node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --silent 1>&2
	@touch $@

install: $(VENV)/.installed node_modules/.installed $(CHECKOV_VENV)/.installed

run: $(VENV)/.installed
	@PORT=$(PORT) DYNAMODB_PORT=$(DYNAMODB_PORT) $(BIN)/python -m local serve

# A stage CSV into what `make run` serves (or AWS_ENDPOINT_URL_DYNAMODB): local/importing.py.
# Stages are per NIK and service, not per site, so the import takes no SITE.
import: $(VENV)/.installed
	@test -n "$(FILE)" || { echo "usage: make import FILE=export.csv" >&2; exit 2; }
	$(if $(SITE),$(error SITE: a stage import is not per site (stages are per NIK and service); drop SITE=))
	@$(BIN)/python -m local import "$(FILE)"

token: $(VENV)/.installed
	@$(BIN)/python -m local token $(ROLE) $(if $(PHONE),--phone $(PHONE))

# Type as a phone (PHONE, default 6285700000001) to the `make run` of another terminal; read its replies.
chat: $(VENV)/.installed
	@$(BIN)/python -m local chat $(if $(PHONE),--phone $(PHONE))

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

# The edit-run loop, under a minute: lint, types, and the tests not marked slow (tests/support/tiers.py).
check: lint typecheck
	$(BIN)/pytest -m "not slow"

test-unit: $(VENV)/.installed
	$(BIN)/pytest tests/unit tests/routes

test-integration: install
	$(BIN)/pytest tests/integration

# The concurrency rounds at the issue's full counts (5,000 requests a round: ~18 min on 2 cores;
# the booking races' 2,000 residents: ~17 min more, docs/PERFORMANCE.md).
test-load: install
	LOKET_RUSH_REQUESTS=5000 LOKET_BOOKING_RESIDENTS=2000 $(BIN)/pytest tests/integration/test_concurrency.py \
	    tests/integration/test_booking_races.py
	LOKET_DOOR_ROUNDS=5 LOKET_DOOR_TICKETS=400 $(BIN)/pytest tests/integration/test_door_races.py

# Costs, measured (not part of `make test`): docs/PERFORMANCE.md. `make bench ONLY=rush` runs one.
bench: $(VENV)/.installed
	$(BIN)/python -m bench $(ONLY)

# What the tiers need beyond the venv (Chromium, valgrind, Python 3.12, npm), checked before
# anything is installed: one message naming what is missing and the command for it.
preflight-test:
	@$(PYTHON) -m infra.preflight test

preflight-package:
	@$(PYTHON) -m infra.preflight package

# Every tier. The `long` modules (tests/support/tiers.py: the races, the rush, the 100,000-row
# import) each keep one core busy under one GIL, so they run in a second pytest beside the
# rest; their report follows the rest's. Either failing fails the target.
LONG_LOG := tests/artifacts/long-tests.log
test: preflight-test lint typecheck install
	@mkdir -p $(dir $(LONG_LOG))
	@echo "make test: the long tests run beside the rest; their report follows ($(LONG_LOG))"
	@$(BIN)/pytest tests -m long -p no:cacheprovider > $(LONG_LOG) 2>&1 & long=$$!; \
	trap 'kill $$long 2>/dev/null' INT TERM; \
	$(BIN)/pytest tests -m "not long"; rest=$$?; \
	wait $$long; longs=$$?; \
	echo "--- the long tests (-m long) ---"; cat $(LONG_LOG); \
	[ $$rest -eq 0 ] && [ $$longs -eq 0 ]

# dist/<stage>/: sam.json + deployment.zip for each stage (STAGE=prod: one; MEASURE=1: import costs too).
package: preflight-package $(VENV)/.installed
	$(BIN)/python -m infra.package $(if $(STAGE),--stage $(STAGE)) $(if $(MEASURE),--measure)

clean:
	rm -rf $(VENV) .venv-lock node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis dist $(CHECKOV_VENV)
