# arize-api developer tasks. `make test` works on a fresh machine: it runs `setup` itself.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
NPX := node_modules/.bin
# The bench's own environment: the project plus the official arize SDK it is compared with.
BENCH_VENV := bench/.venv
BENCH_PY := $(BENCH_VENV)/bin/python
# The demo's own small environment: the project and its mock extra, none of the dev tools.
DEMO_VENV := .venv-demo
DEMO_PY := $(DEMO_VENV)/bin/python

.PHONY: setup generate check-generated lint-spec lint test test-oldest-httpx demo mock bench clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "arize-api needs Python >= 3.11 (found %s); set PYTHON=python3.11 or newer" % sys.version.split()[0])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

generate: setup
	$(PY) tools/generate.py

check-generated: setup
	$(PY) tools/generate.py --check

lint-spec: setup
	$(PY) -m openapi_spec_validator openapi.yaml
	$(NPX)/redocly lint --format=stylish openapi.yaml

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: setup lint-spec check-generated lint
	$(PY) -m pytest

# The client tests again with the oldest httpx the package supports (pyproject: httpx>=0.27),
# in an environment of their own: a user's http_client= may be any supported httpx.
OLDEST_HTTPX := 0.27.2
OLD_VENV := .venv-httpx-oldest
CLIENT_TESTS := tests/wires tests/engine tests/clients tests/v1/test_ledger.py

test-oldest-httpx: $(OLD_VENV)/.installed
	$(OLD_VENV)/bin/python -c 'import httpx; assert httpx.__version__ == "$(OLDEST_HTTPX)", httpx.__version__'
	$(OLD_VENV)/bin/python -m pytest -q $(CLIENT_TESTS)

$(OLD_VENV)/.installed: pyproject.toml
	test -x $(OLD_VENV)/bin/python || $(PYTHON) -m venv $(OLD_VENV)
	$(OLD_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(OLD_VENV)/bin/python -m pip install --quiet -e '.[dev]' 'httpx==$(OLDEST_HTTPX)'
	touch $@

# `make demo` and `make mock` need only the package and its mock extra: a venv of their own,
# no dev extras, no npm (about 15 s on a fresh clone instead of the whole toolchain).
demo: $(DEMO_VENV)/.installed
	$(DEMO_PY) tools/demo.py

mock: $(DEMO_VENV)/.installed
	$(DEMO_PY) -m arize_api.mock $(MOCK_ARGS)

$(DEMO_VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "arize-api needs Python >= 3.11 (found %s); set PYTHON=python3.11 or newer" % sys.version.split()[0])'
	test -x $(DEMO_PY) || $(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_PY) -m pip install --quiet -e '.[mock]'
	touch $@

# make bench [BENCH_ARGS="--quick" | "--only 1,2" | "--issue-sizes"]: see bench/README.md.
bench: $(BENCH_VENV)/.installed
	$(BENCH_PY) -m bench $(BENCH_ARGS)

$(BENCH_VENV)/.installed: pyproject.toml bench/requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "the bench needs Python >= 3.11")'
	test -x $(BENCH_PY) || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install --quiet --upgrade pip
	$(BENCH_PY) -m pip install --quiet -e . -r bench/requirements.txt
	touch $@

clean:
	rm -rf $(VENV) $(OLD_VENV) $(DEMO_VENV) $(BENCH_VENV) bench/.pycache node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis
