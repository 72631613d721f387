"""Parsing many texts: the result of a batch, and the progress bar.

Why: a corpus holds sentences the grammar cannot read. A caller that asks
for it (``errors="collect"``) gets every diagram that parsed and, beside
them, every failure with its input index, instead of one exception for the
whole batch. Nothing is dropped silently and there is no ``None`` in place
of a diagram: ``len(batch.diagrams) + len(batch.errors) == len(texts)``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from qnlp.errors import ConfigError, ParseError

__all__ = ["ParseBatch", "ERROR_MODES", "check_errors", "progress"]

#: The values ``parse_many(..., errors=...)`` accepts.
ERROR_MODES = ("raise", "collect")


@dataclass(frozen=True)
class ParseBatch:
    """What ``parse_many(texts, errors="collect")`` returns.

    Attributes
    ----------
    diagrams : tuple of Diagram
        The diagrams of the texts that parsed, in input order.
    indices : tuple of int
        ``indices[k]`` is the input index of ``diagrams[k]``.
    errors : tuple of (int, ParseError)
        The input index and the error of each text that did not parse.
    analyses : tuple of Analysis
        The full analyses (same order as ``diagrams``) when the parser makes
        them (:meth:`qnlp.parse.EnglishParser.analyse_many`); else empty.

    >>> batch = ParseBatch(("d0", "d2"), (0, 2), ((1, ParseError("bad")),))
    >>> len(batch), batch.failed, batch.ok
    (3, (1,), False)
    """

    diagrams: tuple[Any, ...]
    indices: tuple[int, ...]
    errors: tuple[tuple[int, ParseError], ...]
    analyses: tuple[Any, ...] = ()

    def __len__(self) -> int:
        """The number of inputs: parsed plus failed."""
        return len(self.diagrams) + len(self.errors)

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        """``(input index, diagram)`` for each text that parsed."""
        return iter(zip(self.indices, self.diagrams))

    @property
    def ok(self) -> bool:
        """Whether every text parsed."""
        return not self.errors

    @property
    def failed(self) -> tuple[int, ...]:
        """The input indices of the texts that did not parse."""
        return tuple(index for index, _ in self.errors)

    def raise_first(self) -> None:
        """Raise the first collected error (with its index), if any.

        Raises
        ------
        ParseError
            The first failure, its message prefixed with the input index.
        """
        if self.errors:
            index, error = self.errors[0]
            raise ParseError(f"text {index}: {error} ({len(self.errors)} of {len(self)} texts failed)") from error

    @classmethod
    def gather(cls, results: Sequence[Any], diagram_of: Any = None) -> ParseBatch:
        """Split per-text results (objects or :class:`ParseError`) into a batch.

        ``diagram_of`` turns a result into its diagram (default: the result
        itself); when given, the results are also kept as ``analyses``.
        """
        good = [(i, r) for i, r in enumerate(results) if not isinstance(r, ParseError)]
        bad = tuple((i, r) for i, r in enumerate(results) if isinstance(r, ParseError))
        if diagram_of is None:
            return cls(tuple(r for _, r in good), tuple(i for i, _ in good), bad)
        return cls(tuple(diagram_of(r) for _, r in good), tuple(i for i, _ in good), bad, tuple(r for _, r in good))


def check_errors(errors: object) -> str:
    """Validate an ``errors=`` argument.

    Raises
    ------
    ConfigError
        If it is not one of :data:`ERROR_MODES`.
    """
    if errors not in ERROR_MODES:
        raise ConfigError(f"unknown errors={errors!r}; use 'raise' (stop at the first unparseable text) "
                          "or 'collect' (return a ParseBatch with the diagrams and the errors)")
    return str(errors)


def progress(total: int, verbose: bool, desc: str = "parsing") -> Any:
    """A tqdm progress bar on stderr, silent unless ``verbose``."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="text", file=sys.stderr, disable=not verbose, leave=False)
