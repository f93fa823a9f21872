# One documented command per artefact. `make help` lists them.
#
# Learner and developer targets (lab, test, ...) build this checkout's .venv from $(PYTHON).
# Instructor targets (release, grade, feedback, hub-release, instructor-lab) never build one:
# they run in the environment they are started from (an activated venv or conda env, else
# this checkout's .venv if there is one, else python3 on PATH, which on the course's hub is
# the shared environment), so they work in a hub's shared environment without dev extras.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MODULES := $(notdir $(wildcard source/m*_*))

ifneq ($(VIRTUAL_ENV),)
  PY ?= $(VIRTUAL_ENV)/bin/python
else ifneq ($(CONDA_PREFIX),)
  PY ?= $(CONDA_PREFIX)/bin/python
else ifneq ($(wildcard $(BIN)/python),)
  PY ?= $(abspath $(BIN)/python)
else
  PY ?= python3
endif
# nbgrader runs `alembic` from PATH when it creates a gradebook: put PY's folder first.
PY_PATH = $(dir $(shell command -v $(PY))):$(PATH)

# The learner's Jupyter configuration, the same folder the hub gives every learner: no
# formgrader, no create-assignment, no course list, no news toast. `make lab` also hides the
# Nbgrader menu and assignment list (there is no exchange on a laptop).
LEARNER_CONFIG := $(CURDIR)/hub/selfpaced-jupyter-config:$(CURDIR)/hub/learner-jupyter-config

.PHONY: help venv lab instructor-lab test test-fast test-install test-hub release hub-release \
	grade feedback links lint bench chromium bubblewrap instructor-env clean

help:
	@echo "make lab             set up .venv and open the course in JupyterLab as a learner sees it"
	@echo "make test            set up .venv (and Debian's chromium) and run every test"
	@echo "make test-install    install the pinned set from each Python on the machine (3.11, 3.12, 3.13)"
	@echo "make test-hub        as root: a real JupyterHub on 127.0.0.1, release to feedback (hub/)"
	@echo "instructor targets (run in the active environment; no .venv is built):"
	@echo "make release         regenerate release/ from source/ (always, with --force)"
	@echo "make hub-release A=m1_model_literacy   generate + release one module to the nbgrader exchange"
	@echo "make grade A=...     autograde a cohort learner by learner (scripts/grade_cohort.py)"
	@echo "make feedback A=...  generate feedback for an assignment"
	@echo "make links HUB=https://hub.example.org   nbgitpuller links per module"
	@echo "make instructor-lab  JupyterLab with nbgrader's instructor tools"
	@echo "make bench | make lint"

$(STAMP): pyproject.toml constraints.txt scripts/install_env.sh
	bash scripts/install_env.sh --editable $(PYTHON) $(VENV) dev
	touch $(STAMP)

venv: $(STAMP)

# Jupyter refuses to run as root without --allow-root (containers, CI-like machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(LEARNER_CONFIG)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	PATH="$(abspath $(BIN)):$$PATH" \
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/START_HERE.ipynb

chromium:
	@bash scripts/ensure_chromium.sh

# Cohort grading sandboxes learner code with bubblewrap (course/grading/sandbox.py).
bubblewrap:
	@bash scripts/ensure_bubblewrap.sh

test: $(STAMP) chromium bubblewrap
	$(BIN)/python -m ruff check course tests source scripts hub
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest

test-fast: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest \
		-m "not browser and not grading and not install and not hub"

test-install: $(STAMP)
	$(BIN)/python -m pytest -m install tests/test_install.py

# Needs root (it creates and removes system users), node and configurable-http-proxy.
test-hub: $(STAMP) chromium bubblewrap
	bash hub/ensure_proxy.sh
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest -m hub tests/test_hub.py -v

instructor-env:
	@$(PY) -c "import nbgrader, course" 2>/dev/null || { \
	  echo "$(PY) has no nbgrader/course: activate the course environment first" \
	       "(source .venv/bin/activate after 'make venv'; on the course's hub it is already on PATH)," \
	       "or pass PY=/path/to/python"; exit 1; }

release: instructor-env
	PATH="$(PY_PATH)" $(PY) scripts/make_release.py release

hub-release: instructor-env
	@test -n "$(A)" || { echo "usage: make hub-release A=m1_model_literacy"; exit 2; }
	PATH="$(PY_PATH)" $(PY) scripts/make_release.py exchange $(A)

grade: instructor-env
	@test -n "$(A)" || { echo "usage: make grade A=m1_model_literacy"; exit 2; }
	PATH="$(PY_PATH)" $(PY) scripts/grade_cohort.py $(A) --course-dir "$(CURDIR)"

feedback: instructor-env
	@test -n "$(A)" || { echo "usage: make feedback A=m1_model_literacy"; exit 2; }
	PATH="$(PY_PATH)" $(PY) -m nbgrader generate_feedback $(A) --force

links:
	@$(or $(PY),python3) scripts/nbgitpuller_links.py --hub "$(HUB)" $(if $(REPO),--repo "$(REPO)")

instructor-lab: instructor-env
	PATH="$(PY_PATH)" $(PY) -m jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/START_HERE.ipynb

lint: $(STAMP)
	$(BIN)/python -m ruff check course tests source scripts hub

bench: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python scripts/bench.py

clean:
	rm -rf autograded/*/ submitted feedback gradebook.db .pytest_cache
