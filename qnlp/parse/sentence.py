"""What the English parser reads from spaCy's analysis of a whole sentence.

Why a module of its own: besides each token's features
(:func:`qnlp.parse.tagger.token_features`), the parser needs facts about the
sentence: where each word stands, its final punctuation, which words spaCy's
tree links (cups between them are preferred), and whether the text looks
like a sentence or a noun phrase. Each is a small function of spaCy tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qnlp.parse.grammar import Grammar

__all__ = ["word_name", "position", "leading", "final_punct", "links", "last_linked", "preferred_targets"]


def word_name(token: Any) -> str:
    """A word box's name: proper nouns keep their case, other words are lower-cased."""
    return token.text if token.pos_ == "PROPN" else token.lower_


def position(index: int, size: int) -> str:
    """Where word ``index`` of ``size`` stands: ``"first"``, ``"middle"``, ``"last"`` or ``"only"``."""
    if size == 1:
        return "only"
    return "first" if index == 0 else "last" if index == size - 1 else "middle"


_LEADING_POS = frozenset({"ADV", "PART", "INTJ", "AUX"})


def leading(tokens: Sequence[Any]) -> list[str]:
    """``"yes"`` for each word with only adverbs, particles, interjections
    or auxiliaries (and "please") before it, else ``"no"``."""
    out, open_ = [], True
    for token in tokens:
        out.append("yes" if open_ else "no")
        open_ = open_ and (token.pos_ in _LEADING_POS or token.lower_ == "please")
    return out


def final_punct(doc: Any) -> str:
    """The last sentence-final mark (``. ? !``) of the text, or ``""``."""
    for token in reversed(doc):
        if token.is_space:
            continue
        text = token.text.strip()
        for mark in ("?", "!", "."):
            if text.endswith(mark):
                return mark
        return ""
    return ""


def links(tokens: Sequence[Any], depth: int = 2) -> set[tuple[int, int]]:
    """Pairs of word indices at most ``depth`` steps apart in spaCy's tree.

    Steps go up to a head or down to a child, so siblings are two steps
    apart: a determiner and an adjective of the same noun ("the" and "old"
    in "the old man") are linked, as DisCoCat cups the determiner with the
    adjective's ``n`` wire, which carries the whole phrase.
    """
    where = {token.i: index for index, token in enumerate(tokens)}
    neighbours: dict[int, set[int]] = {i: set() for i in range(len(tokens))}
    for token in tokens:
        if token.head.i != token.i and token.head.i in where:
            a, b = where[token.i], where[token.head.i]
            neighbours[a].add(b)
            neighbours[b].add(a)
    edges: set[tuple[int, int]] = set()
    for start in neighbours:
        frontier, seen = {start}, {start}
        for _ in range(depth):
            frontier = {n for f in frontier for n in neighbours[f]} - seen
            seen |= frontier
        edges.update((start, other) for other in seen if other != start)
    return edges


def preferred_targets(tokens: Sequence[Any], final: str, grammar: Grammar) -> tuple[list[str], list[float]]:
    """Both targets, cheapest first, with their costs.

    A sentence (``s``) is suggested by a verb at spaCy's root, by a final
    ``?`` or ``!``, or by a capitalised text ending in a full stop (the
    "sentence cue"). Without any of these the noun phrase (``n``) is
    preferred and ``s`` costs ``target_switch``. With a verb root, ``n``
    costs ``target_switch``; with a sentence cue it costs ``sentence_cue`` more.
    """
    roots = [token for token in tokens if token.head.i == token.i]
    root = roots[0] if roots else tokens[0]
    verb_root = root.pos_ in grammar.sentence_roots
    first = tokens[0].text
    cue = final in grammar.sentence_punct or (final == "." and first[:1].isupper())
    if not (verb_root or cue):
        return ["n", "s"], [0.0, grammar.target_cost]
    return ["s", "n"], [0.0, grammar.target_cost * verb_root + grammar.cue_cost * cue]


def last_linked(edges: set[tuple[int, int]], size: int) -> list[int]:
    """For each word, the last word linked to it (-1: none)."""
    last = [-1] * size
    for i, k in edges:
        last[i] = max(last[i], k)
    return last
