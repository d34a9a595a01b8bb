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
