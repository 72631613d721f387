"""The exceptions qnlp raises for problems a user can cause.

Every error derives from :class:`QnlpError`, and also from the built-in
exception it refines, so ``except ValueError`` keeps working for callers that
do not know qnlp. Messages name the bad input and say how to fix it.
"""

from __future__ import annotations

__all__ = [
    "QnlpError",
    "ParseError",
    "SequenceError",
    "DataError",
    "ConfigError",
    "BackendError",
    "NotFittedError",
]


class QnlpError(Exception):
    """Base class of every error raised by qnlp."""


class ParseError(QnlpError, ValueError):
    """A sentence cannot be parsed, or a word is unknown to a trained model."""


class SequenceError(QnlpError, ValueError):
    """A protein sequence holds a residue that cannot be read."""


class DataError(QnlpError, ValueError):
    """A data file is malformed or labels do not match their inputs."""


class ConfigError(QnlpError, ValueError):
    """An option or configuration key is unknown or has a wrong value."""


class BackendError(QnlpError, RuntimeError):
    """Compiling, submitting or reading a circuit on a backend failed."""


class NotFittedError(QnlpError, AttributeError):
    """A model was used before ``fit`` (or ``load``) gave it parameters."""
