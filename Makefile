# CX Workbench. Two commands do everything on a machine with only python3:
#   make demo   -- environment, demo clients, validation, reports
#   make test   -- environment, whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: env compile demo test test-slow bench browser clean clean-all

env: $(STAMP)

# uv is bootstrapped with pip: ~4 s instead of ~45 s for the same packages (shared/TOOLCHAIN.md).
# --compile-bytecode: uv, unlike pip, leaves packages uncompiled, so every new process (each report
# kernel, each CLI call) compiled pandas, scipy and statsmodels again: ~9 s of imports instead of ~4 s
# where bytecode is not written back (PYTHONDONTWRITEBYTECODE, read-only installs). docs/benchmarks/scale.md.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	@echo "installing packages and compiling them to bytecode (about a minute)"
	@$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	@touch $(STAMP)
	@echo "environment ready in $(VENV)"

# cxlib's own bytecode, refreshed for the files that changed (a second or two)
compile: env
	@$(BIN)/python -m compileall -q cxlib > /dev/null

demo: env compile
	$(BIN)/cx demo
	$(BIN)/cx validate --all
	$(BIN)/cx batch
	@echo
	@echo "Reports (open the HTML in a browser, or the PDF):"
	@ls -1 reports/*/*.html reports/*/*.pdf 2>/dev/null | sed 's/^/  /'
	@echo "Executed notebooks for audit sit beside them; inputs in data/, validated stores in build/."

test: env compile
	$(BIN)/python -m pytest -n 2 -m "not slow" $(PYTEST_ARGS)

# exit status 5 = no slow test collected, which is fine
test-slow: env compile
	$(BIN)/python -m pytest -n 2 -m "slow" $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Debian's chromium for the real-browser report test (needs root; the test skips without it).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@chromium --version

bench: env compile
	$(BIN)/python bench/run_all.py

clean:
	rm -rf build reports/*/ .pytest_cache

clean-all: clean
	rm -rf $(VENV)
