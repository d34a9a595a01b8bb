# The two commands of the README.
VENV ?= $(or $(RAG_VENV),.venv)

.PHONY: run test lint setup

# Set up, index the seed articles (idempotent) and serve the chat UI and the APIs on http://127.0.0.1:7860
run:
	scripts/setup.sh
	$(VENV)/bin/rag index seeds/
	$(VENV)/bin/rag serve

# Set up (with the browser), lint and type-check, and run the whole test suite, the answer-quality gate included
test:
	scripts/setup.sh --browser
	$(MAKE) --no-print-directory lint
	$(VENV)/bin/python -m pytest -q

# ruff (pyflakes, pycodestyle, import order, bugbear, pyupgrade) on everything, mypy on rag/ (pyproject.toml)
lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
