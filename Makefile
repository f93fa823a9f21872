# One documented command per artefact. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader runs `alembic` from PATH when it creates a gradebook: keep the venv first on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
MODULES := $(notdir $(wildcard source/m*_*))

.PHONY: help venv lab test test-fast release lint bench chromium bubblewrap clean

help:
	@echo "make lab      set up .venv and open the course in JupyterLab (start page: START_HERE.ipynb)"
	@echo "make test     set up .venv (and Debian's chromium) and run every test"
	@echo "make release  regenerate release/ from source/ with nbgrader generate_assignment"
	@echo "make bench    print explorer update times and notebook run-all times"
	@echo "make lint     ruff over course/, tests/ and source/"

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

# Jupyter refuses to run as root without --allow-root (containers, CI-like machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/START_HERE.ipynb

chromium:
	@bash scripts/ensure_chromium.sh

# Cohort grading sandboxes learner code with bubblewrap (course/grading/sandbox.py).
bubblewrap:
	@bash scripts/ensure_bubblewrap.sh

test: $(STAMP) chromium bubblewrap
	$(BIN)/python -m ruff check course tests source scripts
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not grading"

release: $(STAMP)
	$(BIN)/python scripts/make_release.py release

lint: $(STAMP)
	$(BIN)/python -m ruff check course tests source scripts

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf autograded/*/ submitted feedback gradebook.db .pytest_cache
