"""The plain data of grammar files: token features, roles, rules, candidates.

Why a module of its own: these small frozen records are shared by the
grammar loader (:mod:`qnlp.parse.grammar`), the spaCy edge
(:mod:`qnlp.parse.tagger`) and the parsers; none of them needs spaCy or a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lambeq.backend.grammar import Ty

from qnlp.errors import ConfigError

__all__ = ["TokenFeatures", "Role", "Rule", "Offer", "Candidate", "parse_type"]

_SIMPLE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)((?:\.[lr])*)$")


@dataclass(frozen=True)
class TokenFeatures:
    """What the rules may look at for one token (spaCy-independent).

    ``side`` is ``"left"``/``"right"`` when the token stands before/after its
    head, ``"root"`` for the root; ``objects`` counts dependents whose label
    is one of the grammar's ``object_deps``; ``attested`` holds the parts of
    speech (``noun``, ``verb``, ``adj``, ``adv``) a lexicon knows the word
    form in (empty: unknown word, no evidence); ``class_gaps`` pairs a family
    with the tagger's log-odds gap between its best tag overall and its best
    tag of that family (empty: no tagger scores). ``position`` is ``"first"``,
    ``"middle"`` or ``"last"`` (``"only"`` for a one-word text) among the
    words of its sentence, ``final_punct`` the sentence's last punctuation
    mark (``"."``, ``"?"``, ``"!"``; ``""`` when there is none), and
    ``leading`` is ``"yes"`` when only adverbs, particles, interjections and
    auxiliaries stand before it ("close" in "Please close the door").
    ``next_lower`` is the next word, lower-cased (``""`` for the last one).
    """

    text: str
    lower: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head_pos: str = ""
    head_dep: str = ""
    head_lemma: str = ""
    side: str = "root"
    child_deps: tuple[str, ...] = ()
    objects: int = 0
    attested: frozenset[str] = frozenset()
    class_gaps: tuple[tuple[str, float], ...] = ()
    position: str = "middle"
    final_punct: str = ""
    leading: str = "no"
    next_lower: str = ""


@dataclass(frozen=True)
class Role:
    """A named role with its pregroup type and family.

    ``passes`` pairs an offset of the type with the offsets whose partners it
    stands for: a determiner ``n n.l`` has ``((0, (1,)),)``, its ``n`` is the
    noun its ``n.l`` takes. It only tells readers of a parse which noun a
    verb's wire reaches (:meth:`qnlp.parse.Analysis.heads`).
    """

    name: str
    type: Ty
    family: str
    passes: tuple[tuple[int, tuple[int, ...]], ...] = ()


@dataclass(frozen=True)
class Rule:
    """Conditions on a token's features that give it ``role``.

    Each condition lists the values a feature may take; a value written
    ``"!x"`` excludes ``x`` instead (a list of exclusions allows the rest).
    ``attested`` lists word classes the word form must be known in;
    ``"unknown"`` in that list also admits words the lemma lists lack.
    """

    role: str
    conditions: tuple[tuple[str, frozenset[str]], ...] = ()
    children: frozenset[str] = frozenset()
    objects: frozenset[int] | None = None
    min_objects: int | None = None
    without: frozenset[str] = frozenset()
    attested: frozenset[str] = frozenset()

    def matches(self, token: TokenFeatures) -> bool:
        """Whether every condition of the rule holds for ``token``."""
        for key, allowed in self.conditions:
            value = getattr(token, key)
            if "!" + value in allowed or (value not in allowed and any(a[:1] != "!" for a in allowed)):
                return False
        if self.children and not self.children.intersection(token.child_deps):
            return False
        if self.without and self.without.intersection(token.child_deps):
            return False
        if self.attested and not self.attested.intersection(token.attested or {"unknown"}):
            return False
        if self.objects is not None and token.objects not in self.objects:
            return False
        return self.min_objects is None or token.objects >= self.min_objects


@dataclass(frozen=True)
class Offer:
    """Extra roles, at ``cost``, for tokens matching the conditions of ``when``.

    Why: the rules give one role per token; an offer adds alternatives that
    depend on context rather than on the word, e.g. an imperative verb role
    for a word that opens its sentence, whatever spaCy tagged it.
    """

    roles: tuple[str, ...]
    cost: float
    when: Rule


@dataclass(frozen=True, order=True)
class Candidate:
    """A role a word may take, with the cost of taking it."""

    cost: float
    rank: int
    role: str = field(compare=False)
    type: Ty = field(compare=False)


def parse_type(text: str, atoms: frozenset[str] | None = None) -> Ty:
    """Read a pregroup type written like ``"n.r s n.l.l"``.

    Raises
    ------
    ConfigError
        If a simple type is malformed or its atom is not in ``atoms``.

    >>> parse_type("n.r s n.l")
    Ty(n).r @ Ty(s) @ Ty(n).l
    """
    result = Ty()
    parts = str(text).split()
    if not parts:
        raise ConfigError(f"empty pregroup type {text!r}; write e.g. 'n.r s n.l'")
    for part in parts:
        match = _SIMPLE.match(part)
        if match is None:
            raise ConfigError(f"malformed simple type {part!r} in {text!r}; write an atom then .l/.r marks, e.g. 'n.l'")
        name, marks = match.groups()
        if atoms is not None and name not in atoms:
            raise ConfigError(f"unknown atom {name!r} in type {text!r}; declare it under 'atoms' (known: {sorted(atoms)})")
        simple = Ty(name)
        for mark in marks.split(".")[1:]:
            simple = simple.l if mark == "l" else simple.r
        result = result @ simple
    return result
