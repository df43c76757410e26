PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint examples system-deps clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p out
	$(BIN)/qscan scan examples --format json --output out/inventory.json --format html --output out/report.html --format text --output -

examples: $(STAMP)
	$(BIN)/python examples/generate.py examples

system-deps:
	bash .ci/system-deps

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint system-deps
	$(BIN)/pytest -q -p no:cacheprovider

# The edit-test loop: both cores, without the interop tests against real servers (slow),
# headless Chromium and PostgreSQL. `make test` (and CI) runs everything.
test-fast: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider -n auto --dist loadfile \
		-m "not slow and not needs_chromium and not needs_postgres"

clean:
	rm -rf $(VENV) out build dist
