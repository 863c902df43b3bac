# Set-up and everyday commands. `make run` and `make test` each install what they need first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch is installed first and pinned: pip would otherwise pull a multi-GB CUDA build.
TORCH_SPEC ?= torch==2.13.0

.PHONY: run demo test lint install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $@

install: $(VENV)/.installed

run: install
	HF_HUB_OFFLINE=$${HF_HUB_OFFLINE:-1} $(BIN)/digestbot run

# The real bot in a local web chat at http://127.0.0.1:8080, against a Telegram stand-in: no token.
demo: install
	HF_HUB_OFFLINE=$${HF_HUB_OFFLINE:-1} $(BIN)/digestbot demo

# Three test processes even on two cores: most of the run waits (bot processes starting, sends at
# Telegram's pace, leases running out); worksteal evens out the minute-long tests.
test: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -n 3 --dist worksteal

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile
