# The two commands of the README.
VENV ?= $(or $(RAG_VENV),.venv)

.PHONY: run test setup

# Set up, index the seed articles (idempotent) and serve the chat UI and the APIs on http://127.0.0.1:7860
run:
	scripts/setup.sh
	$(VENV)/bin/rag index seeds/
	$(VENV)/bin/rag serve

# Set up (with the browser) and run the whole test suite, the answer-quality gate included
test:
	scripts/setup.sh --browser
	$(VENV)/bin/python -m pytest -q
