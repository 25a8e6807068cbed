# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck unit clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pec-kiosk --demo

lint: $(STAMP)
	$(BIN)/ruff check kiosk screens tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy kiosk screens

test: lint typecheck
	$(BIN)/pytest -q

# Start-up, keystroke echo and screen transitions against a bare Textual app (bench/README.md);
# writes bench/results/. Fewer runs: make bench BENCH_ARGS=--quick
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
