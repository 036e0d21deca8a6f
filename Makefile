# labelpool — one-command set-up. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench fuzz venv clean e2e-deps

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/labelpool db upgrade
	$(BIN)/labelpool demo
	$(BIN)/labelpool serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# Schemathesis as every kind of caller with many examples per operation (CI runs 4).
FUZZ_EXAMPLES ?= 200
fuzz: $(STAMP)
	LABELPOOL_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) LABELPOOL_FUZZ_RANDOM=1 $(BIN)/python -m pytest \
		tests/system/test_schemathesis.py -s -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
