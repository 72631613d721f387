"""Tests of qnlp.parse.chart: chart parsing with several types per word, against brute force."""

from __future__ import annotations

import itertools
import random

import pytest

from qnlp.parse.chart import Option, all_parses, best_parse, longest_span
from qnlp.parse.reduce import SimpleType, can_cup

N, NR, NL, S, SL, SR = ("n", 0), ("n", 1), ("n", -1), ("s", 0), ("s", -1), ("s", 1)
TYPES: list[tuple[SimpleType, ...]] = [(N,), (N, NL), (NR, S), (NR, S, NL), (NR, N, NL), (S, SL), (SR, S), (NR, S, SL, N)]


def planar_matchings(simple: list[SimpleType], owner: list[int], lo: int, hi: int, free_ok: bool) -> list[list[tuple[int, int]]]:
    """Every planar cup set on simple[lo:hi] leaving uncupped only positions allowed free (brute force)."""
    if lo >= hi:
        return [[]]
    out = []
    if free_ok:  # position lo stays free: then nothing to its right may enclose it, fine
        out += [m for m in planar_matchings(simple, owner, lo + 1, hi, True)]
    for k in range(lo + 1, hi):
        if owner[lo] != owner[k] and can_cup(simple[lo], simple[k]):
            for inner in planar_matchings(simple, owner, lo + 1, k, False):
                for rest in planar_matchings(simple, owner, k + 1, hi, free_ok):
                    out.append([(lo, k), *inner, *rest])
    return out


def brute(options: list[list[Option]], target: tuple[SimpleType, ...]) -> set[tuple[tuple[int, ...], tuple[tuple[int, int], ...]]]:
    found = set()
    for choice in itertools.product(*[range(len(o)) for o in options]):
        simple, owner = [], []
        for w, c in enumerate(choice):
            simple += list(options[w][c].type)
            owner += [w] * len(options[w][c].type)
        for cups in planar_matchings(simple, owner, 0, len(simple), True):
            cupped = {i for cup in cups for i in cup}
            if tuple(s for i, s in enumerate(simple) if i not in cupped) == target:
                found.add((choice, tuple(sorted(cups))))
    return found


@pytest.mark.parametrize("seed", range(30))
def test_all_parses_equal_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    options = [[Option(t) for t in rng.sample(TYPES, rng.randint(1, 3))] for _ in range(rng.randint(1, 5))]
    for target in ((S,), (N,)):
        expected = brute(options, target)
        got = {(p.choices, p.cups) for p in all_parses(options, [target])}
        assert got == expected
        best = best_parse(options, [target])
        assert (best is None) == (not expected)
        if best is not None:
            assert (best.choices, best.cups) in expected


def test_best_parse_minimises_cost_and_respects_links() -> None:
    # "Alice (n|verb) ..." : the verb reading is dearer, so the noun wins when both reduce.
    options = [[Option((N,))], [Option((NR, S, NL), 1.0, "verb"), Option((NR, S), 0.0, "intransitive")], [Option((SR, S), 0.5), Option((N,), 0.0)]]
    best = best_parse(options, [[S]])
    assert best is not None and best.choices == (0, 1, 0) and best.cost == 0.5
    forbid = best_parse(options, [[S]], link=lambda lw, lc, rw, rc: None if (lw, rw) == (1, 2) and lc == 1 else 0.0)
    assert forbid is not None and forbid.choices == (0, 0, 1) and forbid.cost == 1.0
    targets = best_parse([[Option((N,))]], [[S], [N]], target_costs=[0.0, 0.3])
    assert targets is not None and targets.target == 1 and targets.cost == 0.3


def test_ambiguity_gives_every_parse() -> None:
    # PP attachment: "Alice saw Bob with glasses": the preposition on the noun or on the verb.
    prep = [Option((NR, N, NL), label="noun"), Option((SR, S, NL), label="verb")]
    options = [[Option((N,))], [Option((NR, S, NL))], [Option((N,))], prep, [Option((N,))]]
    parses = all_parses(options, [[S]])
    assert sorted(p.choices[3] for p in parses) == [0, 1]
    assert all_parses(options, [[S]], limit=1) == parses[:1]


def test_longest_span_and_failures() -> None:
    options = [[Option((N, NL))], [Option((N,))], [Option((NR, S, NL))], [Option((N, NL))]]
    assert best_parse(options, [[S]]) is None and all_parses(options, [[S]]) == []
    span = longest_span(options)
    assert span is not None and (span.start, span.end, span.type) == (0, 2, N)
    with pytest.raises(ValueError, match="word 1 has no option"):
        best_parse([[Option((N,))], []], [[S]])


def test_beam_keeps_the_search_bounded() -> None:
    options = [[Option(t, 0.1 * i) for i, t in enumerate(TYPES)] for _ in range(8)]
    exact = best_parse(options, [[S]])
    beamed = best_parse(options, [[S]], max_states=50)   # may lose the best parse, or every parse
    assert exact is not None and (beamed is None or beamed.cost >= exact.cost)
    assert best_parse(options, [[S]], max_states=10**6) == exact


@pytest.mark.parametrize("seed", range(10))
def test_cost_bound_and_floor_keep_the_optimum(seed: int) -> None:
    rng = random.Random(seed)
    options = [[Option(t, rng.choice([0.0, 0.25, 1.0])) for t in rng.sample(TYPES, rng.randint(1, 4))] for _ in range(6)]
    link = lambda lw, lc, rw, rc: 0.0 if abs(lw - rw) == 1 else 0.05  # noqa: E731 (neighbours are "linked")
    floor = lambda i, j: 0.0 if j <= i + 1 else 0.05  # noqa: E731 (a true lower bound of link)
    best = best_parse(options, [[S], [N]], [0.0, 0.4], link)
    if best is None:
        assert best_parse(options, [[S], [N]], [0.0, 0.4], link, max_cost=100.0, floor=floor) is None
        return
    assert best_parse(options, [[S], [N]], [0.0, 0.4], link, max_cost=best.cost, floor=floor) == best
    assert best_parse(options, [[S], [N]], [0.0, 0.4], link, max_cost=best.cost + 1, floor=floor) == best
    if best.cost > 0:
        assert best_parse(options, [[S], [N]], [0.0, 0.4], link, max_cost=best.cost - 0.01, floor=floor) is None
