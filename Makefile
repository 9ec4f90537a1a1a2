# `make demo` sets everything up on a fresh machine and runs the demo; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BROWSER := $(VENV)/.browser

.PHONY: demo test install protos bench-psi clean

demo: $(STAMP)
	$(BIN)/fedcredit demo

test: $(STAMP) $(BROWSER)
	$(BIN)/python -m pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Headless Chromium and a CJK font check the portrait page (tests/models/portrait). Installed
# with apt where this runs as root; elsewhere install them by hand, or that one test skips.
$(BROWSER): $(STAMP)
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  { apt-get install -y -q chromium fonts-wqy-microhei >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium fonts-wqy-microhei >/dev/null 2>&1; }; }; } || \
	  echo "note: no Chromium; the portrait rendering test will skip (install chromium to run it)"
	touch $(BROWSER)

protos: $(STAMP)
	$(BIN)/python -m grpc_tools.protoc -Iprotos --python_out=. --pyi_out=. --grpc_python_out=. protos/federation/rpc/*.proto

clean:
	rm -rf $(VENV) build *.egg-info
