# Two commands for a newcomer: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast test-ray setup train clean .venv-ls

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

test: $(STAMP) .venv-ls
	$(PY) -m pytest -q

# The edit loop: no Label Studio server, no browser, no clean-venv wheel install (those stay in `make test`).
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not labelstudio and not browser and not slow"

# The Ray engine's tests start a real two-node Ray cluster on 127.0.0.1 (~3 min); Ray is an extra.
RAY_STAMP := $(VENV)/.installed-ray

$(RAY_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[test,ray]'
	touch $(RAY_STAMP)

test-ray: $(RAY_STAMP)
	$(PY) -m pytest -q -m ray tests/test_ray.py

train: $(STAMP)
	$(PY) -m training.train --config configs/default.yaml

# The Label Studio server for `pytest -m labelstudio` lives in its own venv: label-studio pins
# Django, numpy and its SDK, which must not leak into .venv (only label-studio-sdk is there).
# A fresh Label Studio data dir takes ~45 s to migrate: the tests copy one built once (gitignored).
LS_VENV := .venv-ls
LS_STAMP := $(LS_VENV)/.installed
LS_VERSION := 1.23.2
LS_TEMPLATE := .cache/ls-data-template/gktagger-template.json

.venv-ls: $(LS_STAMP) $(LS_TEMPLATE)

$(LS_STAMP):
	test -x $(LS_VENV)/bin/python || $(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/python -m pip install -q --upgrade pip
	$(LS_VENV)/bin/python -m pip install -q label-studio==$(LS_VERSION)
	touch $(LS_STAMP)

$(LS_TEMPLATE): $(LS_STAMP)
	$(LS_VENV)/bin/python tests/labelstudio_server.py template

clean:
	rm -rf $(VENV) $(LS_VENV) .cache demo.jsonl .pytest_cache
