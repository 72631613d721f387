"""Rewrites of pregroup diagrams (diagram in, new diagram out).

:class:`Rewriter` runs lambeq's rewrite rules (determiner, auxiliary,
connector, pre/post adverb, prepositional phrase, coordination, relative
pronouns, curry), snake removal / normal form, cup removal and the
unknown-word rule, by name or as objects, on qnlp, lambeq or DisCoPy
diagrams. :func:`vocabulary` / :func:`replace_unknown` are the unknown-word
helpers :class:`qnlp.SentenceClassifier` uses (``min_word_count``).
"""

from __future__ import annotations

from qnlp.rewrite.rewriter import DEFAULT_RULES, Rewriter, Rewritten
from qnlp.rewrite.rules import BOX_RULES, STEPS, normal_form, remove_cups, remove_snakes
from qnlp.rewrite.unknown import UNK, UnknownWordRule, replace_unknown, unknown_words, vocabulary

__all__ = [
    "Rewriter",
    "Rewritten",
    "DEFAULT_RULES",
    "BOX_RULES",
    "STEPS",
    "normal_form",
    "remove_snakes",
    "remove_cups",
    "UNK",
    "UnknownWordRule",
    "unknown_words",
    "replace_unknown",
    "vocabulary",
]
