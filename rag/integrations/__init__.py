"""Adapters to other frameworks; each imports its framework, so nothing here loads with `import rag`."""
