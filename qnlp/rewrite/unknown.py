"""Unknown words: rare training words and unseen words share one ``<UNK>``
word per pregroup type, so a model can read sentences with new words.

A word is known with a type: "train" seen as a noun does not make "train" as
a verb known. The vocabulary is plain data (sorted ``[word, type]`` pairs) so
it can be saved as JSON. The same rule works in a
:class:`~qnlp.rewrite.Rewriter`: ``Rewriter([unknown_words(train, 2), "normal_form"])``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from typing import Any

from lambeq import RewriteRule, Rewriter
from lambeq.backend.grammar import Box, Word

from qnlp.errors import ConfigError
from qnlp.parse.interop import to_lambeq

__all__ = ["UNK", "vocabulary", "replace_unknown", "UnknownWordRule", "unknown_words"]

logger = logging.getLogger(__name__)

#: The word that stands for every unknown word (one per type).
UNK = "<UNK>"


def _key(box: Any) -> tuple[str, str]:
    return (box.name, str(box.cod))


def vocabulary(diagrams: Iterable[Any], min_count: int, every_type: bool = True) -> list[tuple[str, str]]:
    """``(word, type)`` pairs seen at least ``min_count`` times, sorted.

    Why ``every_type``: the words left out become :data:`UNK`, and a model
    can only read an unseen word of a type whose ``<UNK>`` it was trained
    on. When every word of a type is frequent (each of the 17 words of the
    MC corpus occurs 10 times or more), no ``<UNK>`` of that type would be
    trained, so with ``every_type`` (default) and ``min_count > 1`` the
    least frequent word of such a type (ties: the first in alphabetical
    order) is left out too, and logged at INFO. With ``min_count == 1``
    nothing is left out.

    Diagrams may be qnlp/lambeq or DisCoPy pregroup diagrams.

    Raises
    ------
    ConfigError
        If ``min_count`` is not a positive integer.

    >>> from lambeq.backend.grammar import Ty, Word
    >>> d = Word("a", Ty("n")) @ Word("a", Ty("n")) @ Word("b", Ty("n"))
    >>> vocabulary([d], 2)
    [('a', 'n')]
    >>> vocabulary([d, d], 2)  # every noun is frequent: "b", the rarest, gives way to <UNK>
    [('a', 'n')]
    """
    if not isinstance(min_count, int) or isinstance(min_count, bool) or min_count < 1:
        raise ConfigError(f"min_word_count must be a positive integer, got {min_count!r}")
    counts = Counter(_key(box) for diagram in diagrams for box in to_lambeq(diagram).boxes if isinstance(box, Word))
    known = {key for key, count in counts.items() if count >= min_count}
    if every_type and min_count > 1:
        for ty in sorted({ty for _, ty in counts}):
            words = [(count, key) for key, count in counts.items() if key[1] == ty]
            if all(key in known for _, key in words):
                count, key = min(words)
                known.discard(key)
                logger.info("every %s word is frequent: %r (seen %d times) becomes %s so that %s of type %s is trained",
                            ty, key[0], count, UNK, UNK, ty)
    return sorted(known)


class UnknownWordRule(RewriteRule):
    """lambeq rewrite rule: a word not in ``known`` (with its type) becomes
    :data:`UNK` of the same type.

    >>> from lambeq.backend.grammar import Ty, Word
    >>> rule = UnknownWordRule([("cat", "n")])
    >>> rule(Word("dog", Ty("n"))).name, rule(Word("cat", Ty("n")))
    ('<UNK>', None)
    """

    name = "unknown_words"

    def __init__(self, known: Iterable[tuple[str, str]]) -> None:
        self.known = frozenset(tuple(k) for k in known)

    def matches(self, box: Box) -> bool:
        return isinstance(box, Word) and _key(box) not in self.known

    def rewrite(self, box: Box) -> Box:
        return Word(UNK, box.cod)


def unknown_words(diagrams: Iterable[Any], min_count: int = 2) -> UnknownWordRule:
    """The unknown-word rule of a training set: words seen fewer than
    ``min_count`` times there (and words never seen) become :data:`UNK`.

    Raises
    ------
    ConfigError
        If ``min_count`` is not a positive integer.
    """
    return UnknownWordRule(vocabulary(diagrams, min_count))


def replace_unknown(diagrams: Iterable[Any], known: Iterable[tuple[str, str]]) -> list[Any]:
    """Each diagram with its unknown words replaced by :data:`UNK` (new
    diagrams; the inputs are unchanged)."""
    rewriter = Rewriter([UnknownWordRule(known)])
    return [rewriter(to_lambeq(d)) for d in diagrams]
