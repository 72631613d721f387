"""Tests of qnlp.parse.reduce (exact planar pregroup reduction) and qnlp.parse.search."""

from __future__ import annotations

import itertools

import pytest
from lambeq.backend.grammar import Ty, Word

from qnlp.parse.reduce import as_simple, balanced, build_diagram, can_cup, reduce, unreduced
from qnlp.parse.search import cheapest_first

N, S = Ty("n"), Ty("s")


def greedy(types: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A left-to-right stack reduction: what the chart must beat."""
    stack: list[tuple[str, int]] = []
    for simple in types:
        if stack and can_cup(stack[-1], simple):
            stack.pop()
        else:
            stack.append(simple)
    return stack


def test_transitive_sentence() -> None:
    found = reduce(N @ N.r @ S @ N.l @ N, S)
    assert found is not None and found.cups == ((0, 1), (3, 4)) and found.free == (2,)


def test_chart_beats_a_greedy_stack() -> None:
    types = N.l @ N @ N.r @ N @ S
    assert greedy(as_simple(types)) != [("s", 0)]
    found = reduce(types, S)
    assert found is not None and found.cups == ((0, 3), (1, 2))


def test_adverb_and_object_relative() -> None:
    adverb = N @ (N.r @ S @ S.l @ N) @ (N.r @ S @ N.l) @ N
    assert reduce(adverb, S) is not None
    relative = N @ (N.r @ N @ N.l.l @ S.l) @ N @ (N.r @ S @ N.l)
    found = reduce(relative, N)
    assert found is not None and found.free == (2,)
    assert set(found.cups) == {(0, 1), (3, 8), (4, 7), (5, 6)}


def test_no_reduction_returns_none() -> None:
    assert reduce(N @ N, S) is None
    assert reduce(N @ N.r @ S, N) is None
    assert reduce(Ty(), Ty()) is not None


def test_chart_is_exact_against_brute_force() -> None:
    atoms = [("n", -1), ("n", 0), ("n", 1), ("s", -1), ("s", 0), ("s", 1)]

    def brute(types: tuple[tuple[str, int], ...], goal: tuple[tuple[str, int], ...]) -> bool:
        if types == goal:
            return True
        return any(can_cup(types[i], types[i + 1]) and brute(types[:i] + types[i + 2:], goal)
                   for i in range(len(types) - 1))

    for length in (1, 3, 5):
        for types in itertools.product(atoms, repeat=length):
            assert (reduce(list(types), [("s", 0)]) is not None) == brute(types, (("s", 0),))


def test_weights_choose_among_reductions() -> None:
    types = as_simple(S @ S.l @ S @ S.r @ S)   # keep the first s or the last one
    first = reduce(types, [("s", 0)], weight=lambda i, k: 1.0 if (i, k) == (2, 3) else 0.0)
    last = reduce(types, [("s", 0)], weight=lambda i, k: 1.0 if (i, k) == (0, 3) else 0.0)
    assert first is not None and first.free == (0,) and first.weight == 1.0
    assert last is not None and last.free == (4,) and last.cups == ((0, 3), (1, 2))


def test_allow_vetoes_cups() -> None:
    assert reduce(N @ N.r, Ty(), allow=lambda i, k: False) is None


def test_balanced_and_unreduced() -> None:
    assert balanced(as_simple(N @ N.r @ S), [("s", 0)])
    assert not balanced(as_simple(N @ S), [("s", 0)])
    assert unreduced(N @ N.r @ S @ N) == [2, 3]


def test_build_diagram_orders_nested_cups() -> None:
    words = [Word("org", N), Word("that", N.r @ N @ N.l.l @ S.l), Word("church", N), Word("runs", N.r @ S @ N.l)]
    found = reduce(N @ N.r @ N @ N.l.l @ S.l @ N @ N.r @ S @ N.l, N)
    assert found is not None
    assert build_diagram(words, found.cups).cod == N
    with pytest.raises(ValueError):
        build_diagram([Word("a", N), Word("b", N)], [(0, 1)])


def test_cheapest_first_is_sorted_and_bounded() -> None:
    costs = [[0, 0.25, 1], [0, 0.5], [0, 1]]
    out = list(cheapest_first(costs))
    assert len(out) == 12 and len({choice for _, choice in out}) == 12
    totals = [total for total, _ in out]
    assert totals == sorted(totals)
    assert len(list(cheapest_first(costs, limit=5))) == 5
    assert list(cheapest_first([[0], []])) == []
