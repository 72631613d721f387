"""Unknown words: rare training words and unseen words share one ``<UNK>``
word per pregroup type, so a model can read sentences with new words.

A word is known with a type: "train" seen as a noun does not make "train" as
a verb known. The vocabulary is plain data (sorted ``[word, type]`` pairs) so
it can be saved as JSON.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from lambeq import RewriteRule, Rewriter
from lambeq.backend.grammar import Box, Word

from qnlp.errors import ConfigError

__all__ = ["UNK", "vocabulary", "replace_unknown", "UnknownWordRule"]

#: The word that stands for every unknown word (one per type).
UNK = "<UNK>"


def _key(box: Any) -> tuple[str, str]:
    return (box.name, str(box.cod))


def vocabulary(diagrams: Iterable[Any], min_count: int) -> list[tuple[str, str]]:
    """``(word, type)`` pairs seen at least ``min_count`` times, sorted.

    >>> from lambeq.backend.grammar import Ty, Word
    >>> d = Word("a", Ty("n")) @ Word("a", Ty("n")) @ Word("b", Ty("n"))
    >>> vocabulary([d], 2)
    [('a', 'n')]
    """
    if not isinstance(min_count, int) or min_count < 1:
        raise ConfigError(f"min_word_count must be a positive integer, got {min_count!r}")
    counts = Counter(_key(box) for diagram in diagrams for box in diagram.boxes if isinstance(box, Word))
    return sorted(key for key, count in counts.items() if count >= min_count)


class UnknownWordRule(RewriteRule):
    """lambeq rewrite rule: a word not in ``known`` (with its type) becomes
    :data:`UNK` of the same type."""

    def __init__(self, known: Iterable[tuple[str, str]]) -> None:
        self.known = frozenset(tuple(k) for k in known)

    def matches(self, box: Box) -> bool:
        return isinstance(box, Word) and _key(box) not in self.known

    def rewrite(self, box: Box) -> Box:
        return Word(UNK, box.cod)


def replace_unknown(diagrams: Iterable[Any], known: Iterable[tuple[str, str]]) -> list[Any]:
    """Each diagram with its unknown words replaced by :data:`UNK` (new
    diagrams; the inputs are unchanged)."""
    rewriter = Rewriter([UnknownWordRule(known)])
    return [rewriter(d) for d in diagrams]
