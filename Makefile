# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# the kiosk and what it needs (`make run`); then the development tools too (tests, lint, bench)
RUNTIME_STAMP := $(VENV)/.runtime-stamp
STAMP := $(VENV)/.installed-stamp
# xdist workers for the parallel pass, two per core: the Pilot tests spend much of their time
# waiting for the app to be idle, so on 2 cores 4 workers take ~90 s where 2 take ~110 s
TEST_WORKERS ?= $(shell echo $$(( 2 * $$(nproc 2>/dev/null || echo 1) )))

.PHONY: install run test test-parallel test-serial lint typecheck unit clean

$(RUNTIME_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME_STAMP)

$(STAMP): $(RUNTIME_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(RUNTIME_STAMP)

run: install
	$(BIN)/pec-kiosk --demo

lint: $(STAMP)
	$(BIN)/ruff check kiosk screens tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy kiosk screens

# everything but the tests marked `serial`, spread over $(TEST_WORKERS) processes
PARALLEL_PASS = $(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal -m "not serial"
# many processes at once or a real terminal: alone, so that they race and time as designed
SERIAL_PASS = $(BIN)/pytest -q -m serial

# both passes run even when the first fails; `make test` fails if either does
test: lint typecheck
	@status=0; \
	echo '$(PARALLEL_PASS)'; $(PARALLEL_PASS) || status=1; \
	echo '$(SERIAL_PASS)'; $(SERIAL_PASS) || status=1; \
	exit $$status

test-parallel: $(STAMP)
	$(PARALLEL_PASS)

test-serial: $(STAMP)
	$(SERIAL_PASS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
