# Two commands do all set-up on a fresh machine:
#   make demo   — install, index the sample corpus, open the chat on http://localhost:8501
#   make test   — install (with test tools, a model server and Debian's Chromium), lint, run
#                 the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# llama-cpp-python (the summary tests' model server) compiles for ~8 minutes on two cores: its
# wheel is built once per machine into this cache and reused. GGML_NATIVE=OFF: a wheel that runs
# on any x86-64, not only the CPU it was built on.
WHEELS ?= $(HOME)/.cache/inspection-assistant/wheels
# The version is pyproject.toml's pin, read from there so the two cannot drift apart.
LLAMA_CPP_VERSION := $(shell sed -n 's/.*"llama-cpp-python\[server\]==\([0-9.]*\)".*/\1/p' pyproject.toml)

.PHONY: demo test install install-dev install-llm browser ingest lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

# torch first, pinned to the CPU wheel: an unpinned torch pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(VENV)/.installed-llm: $(VENV)/.installed-dev
	@ls $(WHEELS)/llama_cpp_python-$(LLAMA_CPP_VERSION)-*.whl >/dev/null 2>&1 || { \
		echo "Building llama-cpp-python $(LLAMA_CPP_VERSION) once into $(WHEELS) (about 8 minutes)"; \
		CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip wheel --quiet --disable-pip-version-check \
			--no-deps --wheel-dir $(WHEELS) llama-cpp-python==$(LLAMA_CPP_VERSION); }
	$(BIN)/pip install --quiet --disable-pip-version-check --find-links $(WHEELS) -e '.[llm-server]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-llm: $(VENV)/.installed-llm

# Debian's Chromium for the browser tests; Playwright never downloads a browser of its own.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

ingest: install
	$(BIN)/assistant ingest corpus/

demo: ingest
	$(BIN)/streamlit run ui/app.py --server.port $(PORT) --server.address localhost \
		--server.headless true --browser.gatherUsageStats false

lint: install-dev
	$(BIN)/ruff check assistant tests ui bench
	$(BIN)/ruff format --check assistant tests ui bench

test: install-llm browser
	$(BIN)/ruff check assistant tests ui bench
	$(BIN)/python -m pytest -q --timeout 1800

clean:
	rm -rf $(VENV) index/chroma index/keyword_* index/ingest.lock
