# loket: `make run` serves the API with demo data; `make test` runs every test tier.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
ROLE   ?= admin

.PHONY: install run token test lint typecheck test-unit test-integration clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt 1>&2
	@touch $@

node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --silent 1>&2
	@touch $@

install: $(VENV)/.installed node_modules/.installed

run: $(VENV)/.installed
	@PORT=$(PORT) $(BIN)/python -m local serve

token: $(VENV)/.installed
	@$(BIN)/python -m local token $(ROLE)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

test-unit: $(VENV)/.installed
	$(BIN)/pytest tests/unit tests/routes

test-integration: install
	$(BIN)/pytest tests/integration

test: lint typecheck install
	$(BIN)/pytest tests

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis dist
