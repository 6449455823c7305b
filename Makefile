# Two commands do everything on a fresh machine: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test check fuzz bench install clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/dewtui

# both cores: pytest-xdist runs the tests in two worker processes (each its own tmp dirs,
# its own PostgreSQL server); the closing summary line is pytest's usual one
test: $(STAMP) check
	$(PY) -m pytest -q -n 2

# the layer contracts (pyproject's [tool.importlinter]) and the engine's types
check: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

# the property-based fuzz of every public method, many more examples, 1 s deadline per call
fuzz: $(STAMP)
	DEW_FUZZ=deep $(PY) -m pytest -q -n 2 tests/fuzz

# the baselines need moto and boto3: installed for `make bench` only, never for `make run`
BENCH_STAMP := $(VENV)/.bench-stamp
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
