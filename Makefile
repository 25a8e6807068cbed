# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# the kiosk and what it needs (`make run`); then the development tools too (tests, lint, bench)
RUNTIME_STAMP := $(VENV)/.runtime-stamp
STAMP := $(VENV)/.installed-stamp
# xdist workers for the parallel pass, two per core: the Pilot tests spend much of their time
# waiting for the app to be idle (measured on 2 cores when the suite was much smaller:
# 4 workers ~90 s, 2 workers ~110 s)
TEST_WORKERS ?= $(shell echo $$(( 2 * $$(nproc 2>/dev/null || echo 1) )))
# Bytecode is written even where the environment asks not to (PYTHONDONTWRITEBYTECODE=1 here):
# without it every pytest process compiled the kiosk and rewrote the tests' asserts again
# (collection 13 s instead of 6 s) and every kiosk process a test starts compiled ~0.5 s of
# modules (a CLI call 1.4 s instead of 0.9 s). An installed kiosk has its bytecode too.
unexport PYTHONDONTWRITEBYTECODE

# Translations: kiosk/locale/<lang>.po, compiled to <lang>/LC_MESSAGES/messages.mo (not in git).
PO := $(wildcard kiosk/locale/*.po)
MO := $(patsubst kiosk/locale/%.po,kiosk/locale/%/LC_MESSAGES/messages.mo,$(PO))

.PHONY: install run test test-parallel test-serial test-slow lint typecheck unit clean catalogue messages bench browser

# The editable install also compiles the catalogues (hatch_build.py, a Hatch build hook).
$(RUNTIME_STAMP): pyproject.toml hatch_build.py $(PO)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME_STAMP)

$(STAMP): $(RUNTIME_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# After an edit to a .po: recompile in place (the editable install reads this tree), no reinstall.
$(MO): kiosk/locale/%/LC_MESSAGES/messages.mo: kiosk/locale/%.po | $(STAMP)
	$(BIN)/python hatch_build.py

catalogue: $(MO)

# After texts change in kiosk/ or screens/: re-extract messages.pot and merge it into every .po;
# then translate each new empty msgstr (tests/unit/test_catalogue.py lists them) and `make test`.
messages: $(STAMP)
	$(BIN)/pybabel extract -k _ -k N_ -k _n:1,2 --no-default-keywords \
		-w 100 --project=pec-kiosk --version=0.1.0 -o kiosk/locale/messages.pot kiosk screens
	for po in $(PO); do \
		$(BIN)/pybabel update -i kiosk/locale/messages.pot -o $$po \
			-l $$(basename $$po .po) -w 100 --no-fuzzy-matching --ignore-obsolete || exit 1; \
	done

install: $(RUNTIME_STAMP)

# The browser test's headless Chromium and its driver (tests/e2e/test_browser.py): Debian's
# packages, since no browser can be downloaded here (playwright install fails). As root or with
# passwordless sudo; where apt-get is missing the test is skipped and says why.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "apt-get non disponibile: il test nel browser sarà saltato"; \
	else \
		if [ "$$(id -u)" = 0 ]; then sudo=; else sudo="sudo -n"; fi; \
		echo "apt-get install chromium chromium-driver (per il test nel browser)"; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium chromium-driver \
			>/dev/null || echo "installazione di chromium non riuscita"; \
	fi

run: install
	$(BIN)/pec-kiosk --demo

lint: $(STAMP)
	$(BIN)/ruff check kiosk screens tests bench docs hatch_build.py
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy kiosk screens tests bench hatch_build.py

# everything but the tests marked `serial` or `slow`, spread over $(TEST_WORKERS) processes
PARALLEL_PASS = $(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal -m "not serial and not slow"
# many processes at once or a real terminal: alone, so that they race and time as designed
SERIAL_PASS = $(BIN)/pytest -q -m "serial and not slow"
# the long stress runs (kill -9 at random points, ≥ 50 per backend): `make test-slow`, after
# `make test` in CI
SLOW_PASS = $(BIN)/pytest -q -m slow

# both passes run even when the first fails; `make test` fails if either does
test: lint typecheck $(MO) browser
	@status=0; \
	echo '$(PARALLEL_PASS)'; $(PARALLEL_PASS) || status=1; \
	echo '$(SERIAL_PASS)'; $(SERIAL_PASS) || status=1; \
	exit $$status

test-parallel: $(STAMP) $(MO)
	$(PARALLEL_PASS)

test-serial: $(STAMP) $(MO) browser
	$(SERIAL_PASS)

test-slow: $(STAMP) $(MO)
	$(SLOW_PASS)

# Start-up, keystroke echo and screen transitions against a bare Textual app (bench/README.md);
# writes bench/results/. Fewer runs: make bench BENCH_ARGS=--quick
bench: $(STAMP) $(MO)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(MO)
