"""The named rewrite rules and diagram steps a :class:`~qnlp.rewrite.Rewriter` runs.

Why: lambeq's rewrite rules (``lambeq.rewrite``) are the standard ways to
simplify DisCoCat diagrams before they become circuits: a determiner or an
auxiliary carries little meaning and becomes plain wires (caps), a relative
pronoun becomes Frobenius spiders, a coordination merges its conjuncts.
Here they are registered by name, with word lists that cover the words
qnlp's English grammar gives these types (lambeq lists only a few), next to
whole-diagram steps: snake removal (``normal_form``), cup removal and the
unknown-word rule.

Box rules match one box at a time (a word with a given type and name);
steps rewrite the whole diagram. Both are looked up by name in
:data:`BOX_RULES` and :data:`STEPS`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from lambeq.backend.grammar import Diagram
from lambeq.rewrite import CoordinationRewriteRule, CurryRewriteRule, RewriteRule, SimpleRewriteRule
from lambeq.rewrite.base import (
    auxiliary_rule,
    connector_rule,
    determiner_rule,
    object_rel_pronoun_rule,
    postadverb_rule,
    preadverb_rule,
    prepositional_phrase_rule,
    subject_rel_pronoun_rule,
)

__all__ = ["AUXILIARIES", "DETERMINERS", "CONNECTORS", "COORDINATORS", "RELATIVE_PRONOUNS",
           "BOX_RULES", "STEPS", "box_rule", "normal_form", "remove_snakes", "remove_cups"]

logger = logging.getLogger(__name__)

#: Words the ``determiner`` rule turns into wires (type ``n n.l``).
DETERMINERS = ("a", "an", "the", "this", "that", "these", "those", "some", "any", "every", "each", "no")

#: Words the ``auxiliary`` rule turns into wires (type ``n.r s s.l n``).
AUXILIARIES = ("am", "are", "be", "been", "being", "is", "was", "were", "'m", "'re", "'s",
               "did", "do", "does", "had", "has", "have", "'d", "'ve", "'ll",
               "can", "could", "may", "might", "must", "shall", "should", "will", "would", "to")

#: Words the ``connector`` rule turns into wires (type ``s s.l``).
CONNECTORS = ("and", "but", "however", "if", "that", "whether", "because", "although", "when", "while")

#: Words the ``coordination`` rule merges (types ``a.r a a.l``).
COORDINATORS = ("and", "or", "but", "nor")

#: Words the relative-pronoun rules turn into spiders.
RELATIVE_PRONOUNS = ("that", "which", "who", "whom", "whose")


def box_rule(name: str) -> RewriteRule:
    """The lambeq rewrite rule registered as ``name`` (a new object each time).

    Raises
    ------
    KeyError
        If ``name`` is not in :data:`BOX_RULES` (the Rewriter turns this into
        a :class:`~qnlp.errors.ConfigError`).
    """
    return BOX_RULES[name]()


def _with_words(rule: SimpleRewriteRule, words: tuple[str, ...]) -> Callable[[], RewriteRule]:
    """A factory of ``rule`` with another word list (same type and template)."""
    return lambda: SimpleRewriteRule(cod=rule.cod, template=rule.template, words=list(words))


#: Box rules by name: each value makes a fresh lambeq ``RewriteRule``.
BOX_RULES: dict[str, Callable[[], RewriteRule]] = {
    "determiner": _with_words(determiner_rule, DETERMINERS),
    "auxiliary": _with_words(auxiliary_rule, AUXILIARIES),
    "connector": _with_words(connector_rule, CONNECTORS),
    "preadverb": lambda: preadverb_rule,
    "postadverb": lambda: postadverb_rule,
    "prepositional_phrase": lambda: prepositional_phrase_rule,
    "coordination": lambda: CoordinationRewriteRule(list(COORDINATORS)),
    "object_rel_pronoun": _with_words(object_rel_pronoun_rule, RELATIVE_PRONOUNS),
    "subject_rel_pronoun": _with_words(subject_rel_pronoun_rule, RELATIVE_PRONOUNS),
    "curry": CurryRewriteRule,
}


def normal_form(diagram: Diagram) -> Diagram:
    """Snake removal and interchange normal form (lambeq's ``Diagram.normal_form``).

    Yanks every cap-cup snake the box rules leave, so a determiner rewritten
    to wires disappears and its noun connects straight to the verb.
    """
    return diagram.normal_form()


def remove_cups(diagram: Diagram) -> Diagram:
    """Bend cups away where possible (lambeq's ``RemoveCupsRewriter``).

    Fewer cups mean fewer post-selected qubits in the circuit.
    """
    from lambeq.rewrite import RemoveCupsRewriter

    return RemoveCupsRewriter()(diagram)


def remove_snakes(diagram: Diagram) -> Diagram:
    """Yank cap-cup snakes only (lambeq's ``Diagram.remove_snakes``), keeping the layout."""
    return diagram.remove_snakes()


def _remove_swaps(diagram: Diagram) -> Diagram:
    from lambeq.rewrite import RemoveSwapsRewriter

    return RemoveSwapsRewriter()(diagram)


#: Whole-diagram steps by name.
STEPS: dict[str, Callable[[Any], Any]] = {
    "normal_form": normal_form,
    "remove_snakes": remove_snakes,
    "remove_cups": remove_cups,
    "remove_swaps": _remove_swaps,
}
