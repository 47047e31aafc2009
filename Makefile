# Tandem: `make demo` serves a seeded demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test install lint format worker beat bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# `make demo SEED_ARGS=--reset` rebuilds the demo data from scratch.
demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo $(SEED_ARGS)
	@echo "Serving Tandem on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(VENV)/bin/ruff check .
	TANDEM_TESTING=1 CACHE_KEY_PREFIX=test-$$$$ $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: $(STAMP)
	$(VENV)/bin/celery -A mentoring worker -l info

beat: $(STAMP)
	$(VENV)/bin/celery -A mentoring beat -l info

bench: $(STAMP)
	$(PY) manage.py bench_import --rows 50000
	$(PY) -m matching.bench
	$(PY) manage.py bench_matching --mentees 10000 --mentors 2000
	$(PY) manage.py bench_reminders --pairs 20000
	$(PY) manage.py bench_rollup
	$(PY) manage.py bench_rollup --cleanup

clean:
	rm -rf $(VENV) var
