# `make demo` sets everything up on a fresh machine and runs the demo; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BROWSER := $(VENV)/.browser
# syft 0.9.5 pins numpy 1.24, pandas 2.2 and protobuf 5: it lives in its own environment (docs/syft.md).
SYFT_VENV := .venv-syft
SYFT_STAMP := $(SYFT_VENV)/.installed
SYFT_REQUIREMENTS := federation/syft_bridge/requirements.txt
SYFT_CONSTRAINTS := federation/syft_bridge/constraints.txt

.PHONY: demo test install syft protos bench-psi clean

demo: $(STAMP) $(SYFT_STAMP)
	$(BIN)/fedcredit demo

test: $(STAMP) $(BROWSER) $(SYFT_STAMP)
	$(BIN)/python -m pytest

install: $(STAMP)

syft: $(SYFT_STAMP)

$(SYFT_STAMP): $(SYFT_REQUIREMENTS) $(SYFT_CONSTRAINTS)
	$(PYTHON) -m venv $(SYFT_VENV)
	$(SYFT_VENV)/bin/pip install --quiet --upgrade pip
	$(SYFT_VENV)/bin/pip install --quiet -r $(SYFT_REQUIREMENTS) -c $(SYFT_CONSTRAINTS)
	touch $(SYFT_STAMP)

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
	rm -rf $(SYFT_VENV)
