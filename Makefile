# Two commands set everything up from nothing: `make book` and `make test`.
# Both create the virtual environments from the lock files first.

PYTHON ?= python3.11
VENV := .venv
KERNEL_VENV := .venv-kernel
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
KERNEL_INSTALLED := $(KERNEL_VENV)/.installed
SYSTEM_INSTALLED := $(VENV)/.system-installed

.PHONY: help venv book site serve test test-fast lint format lock clean system-deps mutation-test

help:
	@echo "make book   build the course book into _build/html"
	@echo "make site   the book and the student downloads, as deployed, into _build/site"
	@echo "make serve  serve _build/site on 127.0.0.1 under its sub-path, as Pages would"
	@echo "make test   lint, then run the whole test suite (builds the book)"
	@echo "make test-fast  lint, then the tests not marked slow (no kernel, batch, book or browser)"
	@echo "make lint   ruff check and format check"
	@echo "make lock   re-resolve requirements/*.lock from pyproject.toml"
	@echo "make mutation-test  cosmic-ray mutants of the solutions vs the hidden tests (slow)"

$(INSTALLED): requirements/bootstrap.lock requirements/dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/bootstrap.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation --config-settings editable_mode=compat -e .
	touch $@

# The kernel that runs students' code while grading: NumPy and Matplotlib,
# but neither the reference solutions nor the grader.
$(KERNEL_INSTALLED): requirements/kernel.lock
	$(PYTHON) -m venv $(KERNEL_VENV)
	$(KERNEL_VENV)/bin/pip install --quiet --require-hashes -r requirements/kernel.lock
	touch $@

# Headless Chromium for the browser tests, bubblewrap for the grading
# sandbox and PostgreSQL for the gradebook tests' own server, all from
# Debian's packages.
$(SYSTEM_INSTALLED): $(INSTALLED)
	bash scripts/install-system-packages.sh
	touch $@

venv: $(INSTALLED) $(KERNEL_INSTALLED)

system-deps: $(SYSTEM_INSTALLED)

# The book links the released assignments, so they are released first.
book: venv
	$(BIN)/course release
	bash scripts/build-book.sh

# What the deploy workflows publish (.github/workflows/pages.yml,
# .gitlab-ci.yml): the book with the student downloads, checked complete and
# free of anything of the instructor's (scripts/check_site.py).
site: book
	bash scripts/build-site.sh

serve:
	$(BIN)/python scripts/serve_site.py

test: venv system-deps lint site
	$(BIN)/python -m pytest

# The edit loop: no grading kernel, nbgrader batch, book build or browser
# (those tests are marked slow), so neither the kernel environment, the sandbox
# nor the book is set up.
test-fast: lint
	$(BIN)/python -m pytest -m "not slow" -q

# Mutation testing of the hidden tests (issue 8): the catalogue's mutants and
# every cosmic-ray mutant of the solution regions, graded on SEEDS seeds;
# writes _build/mutation/report.md and catalogue.md.
SEEDS ?= 300
mutation-test: $(INSTALLED)
	nice $(BIN)/python -m tests.autograder.mutations.run --seeds $(SEEDS) --workers 2

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock:
	uv pip compile requirements/bootstrap.in --python-version 3.11 --generate-hashes \
		--custom-compile-command "make lock" -o requirements/bootstrap.lock
	uv pip compile pyproject.toml --extra book --extra dev --python-version 3.11 \
		--generate-hashes --custom-compile-command "make lock" -o requirements/dev.lock
	uv pip compile requirements/kernel.in --python-version 3.11 --generate-hashes \
		--custom-compile-command "make lock" -o requirements/kernel.lock

clean:
	rm -rf _build course/release course/autograded course/feedback
