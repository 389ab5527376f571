# The two commands a newcomer needs: `make serve` and `make test`.
# Both install exactly what uv.lock pins (hashes checked), and refuse to run when
# pyproject.toml and the lock disagree: `make lock` is the only way the lock changes.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: serve test check lint typecheck pytest bench screenshots messages lock upgrade clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The runtime set alone for serving; --inexact keeps the dev tools of an earlier `make test`.
# Compiled as installed: a process that may not write bytecode (PYTHONDONTWRITEBYTECODE) would
# otherwise compile every library it imports, every time it starts.
$(VENV)/.runtime: $(UV) pyproject.toml uv.lock
	$(UV) sync --quiet --locked --inexact --no-default-groups --compile-bytecode --python $(PYTHON)
	touch $@

$(VENV)/.dev: $(UV) pyproject.toml uv.lock
	$(UV) sync --quiet --locked --extra dev --compile-bytecode --python $(PYTHON)
	touch $@ $(VENV)/.runtime

serve: $(VENV)/.runtime
	$(BIN)/livefeed serve --demo

test: lint typecheck pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check livefeed tests bench scripts
	$(BIN)/ruff format --check livefeed tests bench scripts

typecheck: $(VENV)/.dev
	$(BIN)/mypy

# Half as many workers again as cores: a test waits a good part of its time (on the servers and
# browsers it started, on timers), and two workers left a third of two cores idle. A module's
# tests stay on one worker so they share its browser, in the order tests/conftest.py gives (the
# long modules first), not xdist's own (the modules with the most tests first, which left the
# long ones, with few tests each, to the end). Our own code compiled first, for the same reason
# as the libraries: the tests start many servers.
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc) * 3 / 2 )))
pytest: $(VENV)/.dev
	$(BIN)/python -m compileall -q -j 0 livefeed tests bench scripts
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=25

bench: $(VENV)/.dev
	$(BIN)/python bench/page.py

screenshots: $(VENV)/.dev
	$(BIN)/python scripts/screenshots.py

# Every message of the code, templates and scripts into the catalogs (livefeed/locales).
messages: $(VENV)/.dev
	$(BIN)/python scripts/messages.py

# Re-resolve after editing pyproject.toml, keeping every pin that still fits.
lock: $(UV)
	$(UV) lock --python $(PYTHON)

# Move every pin to the newest release the bounds in pyproject.toml allow.
upgrade: $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

clean:
	rm -rf $(VENV) $(TOOLS) livefeed.db livefeed.db-wal livefeed.db-shm
