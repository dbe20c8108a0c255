# Two commands for a newcomer: `make demo` and `make test`. Everything else is a helper.
.PHONY: demo test setup system-deps browser-tools lint format messages bench

HOST ?= 127.0.0.1
PORT ?= 8000
CUSTOMERS ?= 100000

setup:
	@scripts/setup.sh

system-deps:
	@scripts/system-deps.sh

browser-tools: setup
	@scripts/browser-tools.sh

demo: setup
	.venv/bin/guanxi demo --host $(HOST) --port $(PORT)

test: setup system-deps browser-tools
	scripts/check.sh

lint: setup
	.venv/bin/ruff check src tests bench scripts
	.venv/bin/ruff format --check src tests bench scripts
	.venv/bin/mypy

format: setup
	.venv/bin/ruff format src tests bench scripts
	.venv/bin/ruff check --fix src tests bench scripts

messages: setup
	.venv/bin/python scripts/translations.py update

bench: setup
	.venv/bin/python -m bench run --customers $(CUSTOMERS)
