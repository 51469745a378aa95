# Two commands matter: `make book` builds the site, `make test` runs every test.
# Both set everything up first on a fresh Debian machine: the programs they use
# from Debian's packages (scripts/system_tools.py), the Python packages pinned
# by requirements.lock and the JavaScript pinned by package-lock.json.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VENDOR := _vendor/vendor
LOCK   := requirements.lock
TOOLS  := $(PYTHON) scripts/system_tools.py

.PHONY: setup python-env book serve test check test-pythons bench clean lock system-python system-book system-test system-packages

# Debian's packages each command uses, installed when missing (as root, with apt):
# the venv module for every command; Node.js and npm for the book; for the tests
# also procps, util-linux's setpriv, bubblewrap, Chromium and PostgreSQL.
system-python:
	@$(TOOLS) install python
system-book:
	@$(TOOLS) install book
system-test:
	@$(TOOLS) install test
# The name the instructor guide and the sandbox's message give.
system-packages: system-test

# The virtualenv, installed from requirements.lock alone (every package pinned,
# with its hashes: `make lock` writes it from the pyproject.toml files), then
# the three parts of src/ editable with no dependencies of their own fetched.
# `pip check` fails if a pyproject.toml asks for something the lock lacks.
PARTS := src/model src/book src/grading
$(STAMP): $(LOCK) pyproject.toml $(addsuffix /pyproject.toml,$(PARTS)) | system-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation $(addprefix -e ,$(PARTS))
	$(BIN)/python -m pip check
	touch $@

python-env: $(STAMP)

# After changing a dependency in a pyproject.toml (UPGRADE=1: newest versions allowed).
lock:
	$(PYTHON) scripts/lock_python.py $(if $(UPGRADE),--upgrade)

# Vendored JavaScript from the npm registry, pinned by package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json | system-book
	npm ci --no-audit --no-fund
	touch $@

$(VENDOR)/.copied: node_modules/.package-lock.json scripts/vendor_js.py
	$(BIN)/python scripts/vendor_js.py
	touch $@

setup: $(STAMP) $(VENDOR)/.copied

book: system-book setup
	$(BIN)/python scripts/build_book.py
	@echo "The site is in $(CURDIR)/_build/html (open _build/html/index.html, or run make serve)"

serve:
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

# Two pytest processes side by side: everything that needs the built book (or builds one) and the
# site's browser tests in one, everything else (grading, model, text) in the other; only the first
# builds the book. Most of each side's time is spent waiting on a kernel,
# a server or a browser, so on two cores they take little longer together than the slower alone.
# The book side's output is shown when both have finished; `make test` fails if either does.
# (Its log is kept in _build: pytest-playwright empties test-results/ when a session starts.)
BOOK_TESTS := build or (browser and not grading)
test: system-test setup
	@mkdir -p _build
	@COURSE_TOOLS_REQUIRED=1 $(BIN)/python -m pytest -p no:cacheprovider --durations=15 -m "$(BOOK_TESTS)" > _build/book-tests.log 2>&1 & book=$$!; \
	COURSE_TOOLS_REQUIRED=1 $(BIN)/python -m pytest --durations=15 -m "not ($(BOOK_TESTS))"; others=$$?; \
	wait $$book; book_status=$$?; \
	echo "=== the book's build and browser tests (_build/book-tests.log) ==="; \
	cat _build/book-tests.log; \
	echo "make test: book tests exit $$book_status, other tests exit $$others"; \
	test $$book_status -eq 0 && test $$others -eq 0

# The fast part, for contributors: the model, the corpus, the parts' borders
# and the text, with no book build, browser, grading or fresh virtualenv,
# and so no JavaScript (no npm ci).
FAST := not build and not browser and not grading and not packaging
check: python-env
	$(BIN)/python -m pytest -m "$(FAST)"

# The model's tests on every Python this machine can get, each in a fresh virtualenv with carepool
# installed as a student installs it (scripts/test_pythons.py): each python3.N on PATH and, as
# root, those Debian's unstable archive packages. Not part of `make test`: it takes each Python's
# dependencies from PyPI unpinned, as a student's install does.
test-pythons:
	@$(TOOLS) install pythons
	$(PYTHON) scripts/test_pythons.py

bench: setup
	$(BIN)/python benchmarks/bench_model.py && $(BIN)/python benchmarks/bench_explorers.py
	$(BIN)/python benchmarks/bench_first_paint.py
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf _build $(VENDOR) exercises/release exercises/release_zips book/exercises/student

-include exercises/grading.mk
-include live.mk

-include hub.mk
