"""Errors with messages meant for the person at the keyboard, not for a traceback."""


class RagError(Exception):
    """Base class: `str(err)` is a complete, readable message."""


class EmptyIndexError(RagError):
    pass


class InvalidQuestionError(RagError):
    pass


class UnreadableFileError(RagError):
    pass


class StoreError(RagError):
    pass


class ConfigError(RagError):
    """A setting names something that does not exist (a backend, a filter, a model, an option value)."""


class ModelError(RagError):
    """A model file is missing, unknown, or does not match its published checksum."""


class InvalidFilterError(RagError):
    """A retrieval filter the store does not know (see rag/store/filters.py)."""
