"""Exact planar pregroup reduction by dynamic programming.

A pregroup sentence is a sequence of simple types ``x^z`` (an atom ``x`` with
adjoint order ``z``: ``n.l`` is ``("n", -1)``, ``n.r`` is ``("n", 1)``). A cup
joins a simple type with its right adjoint: ``x^z`` on the left with
``x^(z+1)`` on the right (``n`` with ``n.r``, ``n.l`` with ``n``). A sentence
reduces to a target when planar (non-crossing) cups remove every simple type
except the target's, which stay uncupped and in order.

Why a chart and not a stack: a greedy left-to-right stack cups the first
adjoint pair it meets, and that choice can be wrong (an adverb ``n.r s s.l n``
after a subject offers two places for the subject's ``n``). The chart below
tries every split, so it finds a reduction whenever one exists, and among
them the one with the largest total weight (e.g. the one whose cups agree
with a dependency parse). The functions take plain sequences of
``(atom, z)`` pairs or lambeq types, so any parser (spaCy-driven or
lexicon-driven) can reuse them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from lambeq.backend.grammar import Cup, Diagram, Layer, Ty, Word

__all__ = [
    "SimpleType",
    "Reduction",
    "as_simple",
    "can_cup",
    "balanced",
    "reduce",
    "unreduced",
    "build_diagram",
]

logger = logging.getLogger(__name__)

SimpleType = tuple[str, int]
"""An atom name and its adjoint order: ``("n", -1)`` is ``n.l``."""

_NEG = float("-inf")


@dataclass(frozen=True)
class Reduction:
    """A planar reduction of a sequence of simple types.

    Attributes
    ----------
    cups : tuple of (int, int)
        Positions ``(i, k)``, ``i < k``, of the simple types each cup joins.
    free : tuple of int
        Positions of the uncupped simple types; they spell the target.
    weight : float
        Sum of the weights of the cups (0 when no weight function was given).
    """

    cups: tuple[tuple[int, int], ...]
    free: tuple[int, ...]
    weight: float


def as_simple(types: Ty | Iterable[Ty | SimpleType]) -> list[SimpleType]:
    """Flatten lambeq types (or ``(atom, z)`` pairs) into simple types.

    >>> from lambeq.backend.grammar import Ty
    >>> n, s = Ty("n"), Ty("s")
    >>> as_simple(n.r @ s @ n.l)
    [('n', 1), ('s', 0), ('n', -1)]
    """
    out: list[SimpleType] = []
    for item in types:
        if isinstance(item, Ty):
            out.extend((atom.name, atom.z) for atom in item)
        else:
            name, z = item
            out.append((str(name), int(z)))
    return out


def can_cup(left: SimpleType, right: SimpleType) -> bool:
    """Whether ``left`` and ``right`` are adjoint: ``right`` is ``left.r``.

    >>> can_cup(("n", 0), ("n", 1)), can_cup(("n", -1), ("n", 0)), can_cup(("n", 1), ("n", 0))
    (True, True, False)
    """
    return left[0] == right[0] and right[1] == left[1] + 1


def balanced(types: Sequence[SimpleType], target: Sequence[SimpleType] = ()) -> bool:
    """Cheap necessary condition for ``types`` to reduce to ``target``.

    Each cup removes one even and one odd adjoint order of the same atom, so
    per atom the sum of ``(-1)**z`` is invariant. Used to skip hopeless type
    assignments before running the cubic chart.

    >>> balanced([("n", 0), ("n", 1), ("s", 0)], [("s", 0)])
    True
    >>> balanced([("n", 0), ("s", 0)], [("s", 0)])
    False
    """
    charge: dict[str, int] = {}
    for name, z in types:
        charge[name] = charge.get(name, 0) + (1 if z % 2 == 0 else -1)
    for name, z in target:
        charge[name] = charge.get(name, 0) - (1 if z % 2 == 0 else -1)
    return not any(charge.values())


def _chart(
    types: Sequence[SimpleType],
    weight: Callable[[int, int], float] | None,
    allow: Callable[[int, int], bool] | None,
) -> tuple[list[list[float]], list[list[int]]]:
    """Fill ``best[i][j]``: max weight of reducing ``types[i:j]`` to nothing.

    ``split[i][j]`` is the partner ``k`` of ``i`` in that best reduction.
    ``best[i][j]`` is ``-inf`` when the span cannot vanish.
    """
    size = len(types)
    best = [[_NEG] * (size + 1) for _ in range(size + 1)]
    split = [[-1] * (size + 1) for _ in range(size + 1)]
    for i in range(size + 1):
        best[i][i] = 0.0
    for length in range(2, size + 1, 2):
        for i in range(0, size - length + 1):
            j = i + length
            top, arg = _NEG, -1
            for k in range(i + 1, j, 2):
                if not can_cup(types[i], types[k]):
                    continue
                if allow is not None and not allow(i, k):
                    continue
                inner, outer = best[i + 1][k], best[k + 1][j]
                if inner == _NEG or outer == _NEG:
                    continue
                value = inner + outer + (weight(i, k) if weight is not None else 0.0)
                if value > top:
                    top, arg = value, k
            best[i][j], split[i][j] = top, arg
    return best, split


def _trace(split: list[list[int]], i: int, j: int, cups: list[tuple[int, int]]) -> None:
    """Collect the cups of the best reduction of span ``[i, j)``."""
    stack = [(i, j)]
    while stack:
        i, j = stack.pop()
        if i >= j:
            continue
        k = split[i][j]
        cups.append((i, k))
        stack.append((i + 1, k))
        stack.append((k + 1, j))


def reduce(
    types: Ty | Sequence[Ty | SimpleType],
    target: Ty | Sequence[Ty | SimpleType] = (),
    weight: Callable[[int, int], float] | None = None,
    allow: Callable[[int, int], bool] | None = None,
) -> Reduction | None:
    """Find the best planar reduction of ``types`` to ``target``, if any.

    Exact: a span ``[i, j)`` vanishes iff ``types[i]`` cups with some
    ``types[k]`` and both ``[i+1, k)`` and ``[k+1, j)`` vanish. The target's
    simple types stay uncupped, in order, and no cup passes over them.

    Parameters
    ----------
    types : lambeq Ty or sequence of Ty / (atom, z)
        The sentence's simple types, word after word.
    target : lambeq Ty or sequence, optional
        What the sentence must reduce to (``Ty('s')``); empty for the unit.
    weight : callable (i, k) -> float, optional
        Score of a cup between positions ``i < k``; the reduction with the
        largest total is returned (ties: the one found first).
    allow : callable (i, k) -> bool, optional
        Veto on cups (e.g. no cup inside one word).

    Returns
    -------
    Reduction or None
        ``None`` when no planar reduction exists.

    >>> from lambeq.backend.grammar import Ty
    >>> n, s = Ty("n"), Ty("s")
    >>> reduce(n @ n.r @ s @ n.l @ n, s).cups
    ((0, 1), (3, 4))
    >>> reduce(n @ n, s) is None
    True
    """
    simple = as_simple(types if isinstance(types, Ty) else list(types))
    goal = as_simple(target if isinstance(target, Ty) else list(target))
    if not balanced(simple, goal) or len(simple) < len(goal):
        return None
    best, split = _chart(simple, weight, allow)
    size, slots = len(simple), len(goal)
    # prefix[a][j]: best weight of reducing simple[:j] to goal[:a].
    prefix = [[_NEG] * (size + 1) for _ in range(slots + 1)]
    back = [[-1] * (size + 1) for _ in range(slots + 1)]
    prefix[0] = [best[0][j] for j in range(size + 1)]
    for a in range(1, slots + 1):
        for j in range(a, size + 1):
            for p in range(a - 1, j):
                if simple[p] != goal[a - 1] or prefix[a - 1][p] == _NEG:
                    continue
                rest = best[p + 1][j]
                if rest == _NEG:
                    continue
                value = prefix[a - 1][p] + rest
                if value > prefix[a][j]:
                    prefix[a][j], back[a][j] = value, p
    if prefix[slots][size] == _NEG:
        return None
    cups: list[tuple[int, int]] = []
    free: list[int] = []
    end = size
    for a in range(slots, 0, -1):
        p = back[a][end]
        _trace(split, p + 1, end, cups)
        free.append(p)
        end = p
    _trace(split, 0, end, cups)
    return Reduction(tuple(sorted(cups)), tuple(reversed(free)), prefix[slots][size])


def unreduced(
    types: Ty | Sequence[Ty | SimpleType],
    allow: Callable[[int, int], bool] | None = None,
) -> list[int]:
    """Positions left uncupped by a maximum planar partial reduction.

    Used to explain a failure: the types that cannot find a partner point to
    the word that does not fit. Maximises the number of cups (Nussinov's
    algorithm), so it is exact, not greedy.

    >>> from lambeq.backend.grammar import Ty
    >>> n, s = Ty("n"), Ty("s")
    >>> unreduced(n @ n.r @ s @ n)
    [2, 3]
    """
    simple = as_simple(types if isinstance(types, Ty) else list(types))
    size = len(simple)
    most = [[0] * (size + 1) for _ in range(size + 1)]
    choice = [[-1] * (size + 1) for _ in range(size + 1)]
    for length in range(1, size + 1):
        for i in range(0, size - length + 1):
            j = i + length
            top, arg = most[i + 1][j], -1
            for k in range(i + 1, j):
                if can_cup(simple[i], simple[k]) and (allow is None or allow(i, k)):
                    value = 1 + most[i + 1][k] + most[k + 1][j]
                    if value > top:
                        top, arg = value, k
            most[i][j], choice[i][j] = top, arg
    left: list[int] = []
    stack = [(0, size)]
    while stack:
        i, j = stack.pop()
        if i >= j:
            continue
        k = choice[i][j]
        if k < 0:
            left.append(i)
            stack.append((i + 1, j))
        else:
            stack.append((i + 1, k))
            stack.append((k + 1, j))
    return sorted(left)


def build_diagram(words: Sequence[Word], cups: Iterable[tuple[int, int]]) -> Diagram:
    """Make the pregroup diagram: the words side by side, then the cups.

    ``cups`` index the simple types of the words' codomains laid end to end.
    They are sorted so that inner cups come before the cups around them, the
    order :meth:`Diagram.create_pregroup_diagram` needs.

    Raises
    ------
    ValueError
        If a cup joins types that are not adjoint (lambeq's check).
    """
    ordered = sorted(cups, key=lambda cup: (cup[1], -cup[0]))
    atoms = [atom for word in words for atom in word.cod]
    for i, k in ordered:
        if not (0 <= i < k < len(atoms)) or atoms[i].name != atoms[k].name or atoms[k].z != atoms[i].z + 1:
            raise ValueError(f"cannot cup {atoms[i] if i < len(atoms) else i} with {atoms[k] if k < len(atoms) else k}: not adjoint")
    # Built layer by layer (as Diagram.create_pregroup_diagram does, without
    # composing one diagram per box): the same diagram, several times faster.
    make = Ty._fromiter
    layers = []
    start = 0
    for word in words:
        layers.append(Layer(make(atoms[:start]), word, Ty()))
        start += len(word.cod)
    open_wires = list(range(len(atoms)))
    for i, k in ordered:
        at = open_wires.index(i)
        if open_wires[at + 1] != k:
            raise ValueError(f"cups {list(ordered)} are not planar: wire {i} cannot reach wire {k}")
        left = make([atoms[w] for w in open_wires[:at]])
        right = make([atoms[w] for w in open_wires[at + 2:]])
        layers.append(Layer(left, Cup(atoms[i], atoms[k]), right))
        del open_wires[at:at + 2]
    return Diagram(Ty(), make([atoms[w] for w in open_wires]), layers)
