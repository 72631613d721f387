"""What the English parser decided for one text, as plain data.

Why a module of its own: the parser (:mod:`qnlp.parse.english`) makes an
:class:`Analysis`, and tests, the CLI and users read it: which role and type
each word got, which wires are cupped, and so which noun phrase is the
subject or object of which verb (:meth:`Analysis.subject`,
:meth:`Analysis.objects`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lambeq.backend.grammar import Diagram, Ty

__all__ = ["Repair", "Analysis"]


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
        Total cost: the chosen roles' costs, the cost of the target (see
        ``target_switch`` and ``sentence_cue`` in the grammar file), and
        ``unlinked_cup`` for each cup joining words spaCy's tree does not link.
    repairs : tuple of Repair
        The words whose role was changed from spaCy's.
    diagram : lambeq Diagram
        The pregroup diagram: word boxes then cups.
    passes : tuple of tuple of (int, tuple of int)
        Per word, the wires it only passes on: ``(3, (0,))`` on an auxiliary
        ``n.r s s.l n`` says that its ``n`` (wire 3) carries whatever its
        ``n.r`` (wire 0) is cupped to, the subject. Read by :meth:`heads`.
    route : str
        ``"chart"``: the cheapest reading by the grammar's roles (``roles``
        name them); ``"dependency"``: the reading built from spaCy's
        dependency tree (:mod:`qnlp.parse.dependency`; ``roles`` are
        ``argument:<label>``, ``modifier:<label>`` or ``root``, and ``cost``
        is 0).
    notes : tuple of str
        Why the fallback route was taken, and what it changed in spaCy's
        tree (crossing arcs lifted, sentences joined).
    sentences : int
        How many sentences spaCy found in the text.
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
    passes: tuple[tuple[tuple[int, tuple[int, ...]], ...], ...] = ()
    route: str = "chart"
    notes: tuple[str, ...] = ()
    sentences: int = 1

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

    def heads(self, word: int, offset: int) -> tuple[int, ...]:
        """The words at the far end of wire ``offset`` of ``word``.

        Follows the cup from that wire; when it lands on a word that only
        passes a phrase on (a determiner or adjective ``n n.l`` passes its
        noun, an auxiliary its subject, a relative pronoun its head noun, a
        coordination both conjuncts), follows on through that word. So the
        subject wire of "cooks" in "the old man will cook" leads to "man".

        Returns
        -------
        tuple of int
            Word indices, sorted; empty when the wire is free.
        """
        found: set[int] = set()
        seen: set[tuple[int, int]] = set()
        stack = [(word, offset)]
        while stack:
            here = stack.pop()
            if here in seen:
                continue
            seen.add(here)
            other = self.partner(*here)
            if other is None:
                continue
            through = dict(self.passes[other[0]]).get(other[1]) if other[0] < len(self.passes) else None
            if through:
                stack.extend((other[0], o) for o in through)
            else:
                found.add(other[0])
        return tuple(sorted(found))

    def _wires(self, word: int, simple: tuple[str, int]) -> list[int]:
        return [o for o, atom in enumerate(self.types[word]) if (atom.name, atom.z) == simple]

    def subject(self, word: int) -> tuple[int, ...]:
        """The head word(s) of the noun phrase cupped to the verb's first ``n.r``.

        Empty when the word has no ``n.r`` wire (an imperative verb) or it is free.
        """
        wires = self._wires(word, ("n", 1))
        return self.heads(word, wires[0]) if wires else ()

    def objects(self, word: int) -> tuple[tuple[int, ...], ...]:
        """The head word(s) of each noun phrase cupped to the word's ``n.l`` wires.

        In sentence order: for a ditransitive ``n.r s n.l n.l`` the indirect
        object (the last wire) comes first.
        """
        return tuple(self.heads(word, o) for o in reversed(self._wires(word, ("n", -1))))
