"""Errors users can act on: each message says what went wrong and what to do about it."""

from __future__ import annotations


class RagError(Exception):
    """Base of every expected failure; the CLI and the app show ``str(error)`` as one line."""

    def __init__(self, message: str, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        super().__init__(f"{message} ({fix})" if fix else message)


class SettingsError(RagError):
    """A setting from the environment or the settings file has an unusable value."""


class SourceError(RagError):
    """The report text cannot be read or parsed."""


class ModelError(RagError):
    """A model cannot be found, prepared or loaded."""


class IndexError_(RagError):
    """The index is missing, stale or corrupt and could not be rebuilt."""


class InputError(RagError):
    """A question or an input file is unusable (empty, too long, malformed)."""


class EndpointError(RagError):
    """An OpenAI-compatible server did not answer as expected."""
