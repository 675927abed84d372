# Hotline. Quick start: `make demo`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HOTLINE_ENV ?= development

.PHONY: install demo test lint format bench rules screenshots messages clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Hotline needs Python 3.11 or newer ($(PYTHON) is older)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Serving on http://127.0.0.1:8000/  (administration: /admin/); the worker runs beside it"
	$(BIN)/python manage.py run_huey --workers 2 --worker-type thread & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:8000

# Without Chromium the browser tests are skipped and the summary says so in
# red; with CI=true (as .ci/run sets) that fails the run.
test: install
	HOTLINE_HUEY_IMMEDIATE=1 $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/calendar_deadline.py
	$(BIN)/python bench/breach_clocks.py
	$(BIN)/python bench/case_path.py
	$(BIN)/python bench/api_intake.py
	@echo "bench/bulletin.py fills 10,000,000 cases (about 40 minutes): run it by hand"

screenshots: install
	@fc-list :lang=zh family 2>/dev/null | grep -q . || \
		{ echo "Screenshots need a Chinese font: apt-get install fonts-noto-cjk"; exit 1; }
	HOTLINE_SCREENSHOTS=docs/screenshots HOTLINE_HUEY_IMMEDIATE=1 $(BIN)/pytest -q \
		hotline/workbench/tests/test_browser.py hotline/workbench/tests/test_browser_intake.py \
		hotline/portal/tests/test_portal_browser.py hotline/portal/tests/test_knowledge_browser.py

rules: install
	$(BIN)/python scripts/rule_coverage.py

# Needs GNU gettext (Debian: gettext). The compiled catalogues are committed.
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --no-location --no-obsolete -i ".venv/*" -i "bench/*" -i "scripts/*"
	$(BIN)/python manage.py compilemessages -l zh_Hans -i ".venv"

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
