# Two commands for a newcomer: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test setup train clean

setup: $(STAMP)

# torch first, pinned: on these machines torch==2.13.0 is a local CPU wheel, a bare `torch` a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/gktagger extract examples -o demo.jsonl

test: $(STAMP)
	$(PY) -m pytest -q

train: $(STAMP)
	$(PY) -m training.train --config configs/default.yaml

clean:
	rm -rf $(VENV) demo.jsonl .pytest_cache
