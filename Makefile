# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# Translations: kiosk/locale/<lang>.po, compiled to <lang>/LC_MESSAGES/messages.mo (not in git).
PO := $(wildcard kiosk/locale/*.po)
MO := $(patsubst kiosk/locale/%.po,kiosk/locale/%/LC_MESSAGES/messages.mo,$(PO))

.PHONY: run test lint typecheck unit clean catalogue messages bench

# The editable install also compiles the catalogues (hatch_build.py, a Hatch build hook).
$(STAMP): pyproject.toml hatch_build.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
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
		--project=pec-kiosk --version=0.1.0 -o kiosk/locale/messages.pot kiosk screens
	for po in $(PO); do \
		$(BIN)/pybabel update -i kiosk/locale/messages.pot -o $$po \
			-l $$(basename $$po .po) --no-fuzzy-matching --ignore-obsolete || exit 1; \
	done

run: $(STAMP) $(MO)
	$(BIN)/pec-kiosk --demo

lint: $(STAMP)
	$(BIN)/ruff check kiosk screens tests bench hatch_build.py
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy kiosk screens hatch_build.py

test: lint typecheck $(MO)
	$(BIN)/pytest -q

# Start-up, keystroke echo and screen transitions against a bare Textual app (bench/README.md);
# writes bench/results/. Fewer runs: make bench BENCH_ARGS=--quick
bench: $(STAMP) $(MO)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(MO)
