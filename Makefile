# Two commands matter: `make book` builds the site, `make test` runs every test.
# Both set everything up first on a fresh machine (Python 3.11, Node/npm, apt).

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VENDOR := _vendor/vendor

.PHONY: setup book serve test check bench clean system-packages

# The three parts of src/ (see pyproject.toml), each installed editable, and
# the test tools; reinstalled when a pyproject.toml changes. pip 25.1 or later
# reads the `test` dependency group.
PARTS := src/model src/book src/grading
$(STAMP): pyproject.toml $(addsuffix /pyproject.toml,$(PARTS))
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(addprefix -e ,$(PARTS)) --group test
	touch $@

# Vendored JavaScript from the npm registry, pinned by package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENDOR)/.copied: node_modules/.package-lock.json scripts/vendor_js.py
	$(BIN)/python scripts/vendor_js.py
	touch $@

setup: $(STAMP) $(VENDOR)/.copied

book: setup
	$(BIN)/python scripts/build_book.py
	@echo "The site is in $(CURDIR)/_build/html (open _build/html/index.html, or run make serve)"

serve:
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

# Debian's packages the tests need: Chromium for the browser tests (Playwright
# cannot download one here), bubblewrap for the autograding sandbox and
# PostgreSQL for the shared gradebook's tests.
SYSTEM_PACKAGES := chromium bubblewrap postgresql
system-packages:
	@missing=""; for pkg in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

# Two pytest processes side by side: everything that needs the built book (or builds one) and the
# site's browser tests in one, everything else (grading, model, text) in the other; only the first
# builds the book. Most of each side's time is spent waiting on a kernel,
# a server or a browser, so on two cores they take little longer together than the slower alone.
# The book side's output is shown when both have finished; `make test` fails if either does.
# (Its log is kept in _build: pytest-playwright empties test-results/ when a session starts.)
BOOK_TESTS := build or (browser and not grading)
test: setup system-packages
	@mkdir -p _build
	@$(BIN)/python -m pytest -p no:cacheprovider -m "$(BOOK_TESTS)" > _build/book-tests.log 2>&1 & book=$$!; \
	$(BIN)/python -m pytest -m "not ($(BOOK_TESTS))"; others=$$?; \
	wait $$book; book_status=$$?; \
	echo "=== the book's build and browser tests (_build/book-tests.log) ==="; \
	cat _build/book-tests.log; \
	echo "make test: book tests exit $$book_status, other tests exit $$others"; \
	test $$book_status -eq 0 && test $$others -eq 0

# The fast part, for contributors: the model, the corpus, the parts' borders
# and the text, with no book build, browser, grading or fresh virtualenv.
FAST := not build and not browser and not grading and not packaging
check: setup
	$(BIN)/python -m pytest -m "$(FAST)"

bench: setup
	$(BIN)/python benchmarks/bench_model.py && $(BIN)/python benchmarks/bench_explorers.py

clean:
	rm -rf _build $(VENDOR) exercises/release exercises/release_zips book/exercises/student

-include exercises/grading.mk
-include live.mk
