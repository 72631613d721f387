"""A chart parser over pregroup types, for words with several possible types.

Why: choosing each word's type and then checking that the types reduce
(:func:`qnlp.parse.reduce.reduce`) costs one cubic chart per assignment, and
the number of assignments grows exponentially with the sentence. This module
does both at once, left to right, as a dynamic programme over *remainders*.

After the words ``0..i`` the remainder is the sequence of their simple types
that no cup has joined yet. A planar reduction can always be built word by
word: the cups from a new word to its left join a prefix of the word's type
with a suffix of the remainder, innermost first (``r[-1]`` with ``w[0]``,
``r[-2]`` with ``w[1]``, ...). So the states after word ``i`` are the
remainders reachable by some choice of types and junction lengths; a sentence
parses when a state after the last word spells a target type. Every wire in a
remainder remembers its word and type choice, so cup costs and vetoes may
depend on which words they join (a dependency parse, a forbidden pair).

Exact pruning keeps the chart small: a remainder longer than the target
plus every wire still to come cannot reduce; a wire that no later word can
cup with must stay free, so it and everything left of it must spell the
start of a target; per atom, the parity of the words must match the
target's. With costs, a bound (``max_cost``) and a lower bound of the cost
still to come (``floor``) drop partial parses that cannot stay cheap:
branch and bound, still exact. A beam (``max_states``) is the only inexact
option, and it is logged when it cuts.

Worst cases stay exponential (a pregroup grammar with lexical ambiguity can
have exponentially many parses), but the chart merges equal states.

The parser is generic: :class:`~qnlp.parse.english.EnglishParser` feeds it
spaCy-ranked roles with costs and keeps the cheapest parse,
:class:`~qnlp.parse.lexicon.LexiconParser` feeds it a lexicon and keeps
every parse.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from qnlp.parse.reduce import SimpleType

__all__ = ["Option", "Parse", "Span", "Budget", "SearchLimit", "best_parse", "all_parses", "longest_span"]

logger = logging.getLogger(__name__)

#: Extra cost of a cup between (left word, its option) and (right word, its
#: option); ``None`` forbids the cup.
LinkCost = Callable[[int, int, int, int], "float | None"]

_State = tuple[int, ...]  # the ids of the uncupped wires, left to right (see _Chart)
_INF = float("inf")


@dataclass(frozen=True)
class Option:
    """One type a word may take, with its cost and a label (a role name)."""

    type: tuple[SimpleType, ...]
    cost: float = 0.0
    label: str = ""


@dataclass(frozen=True)
class Parse:
    """One parse: a type choice per word and the cups that reduce it.

    Attributes
    ----------
    choices : tuple of int
        The index of the chosen :class:`Option` for each word.
    cups : tuple of (int, int)
        Cups as positions ``i < k`` in the chosen types laid end to end.
    target : int
        Index of the target the parse reduces to.
    cost : float
        Options' costs + cup costs + the target's cost.
    """

    choices: tuple[int, ...]
    cups: tuple[tuple[int, int], ...]
    target: int
    cost: float


@dataclass(frozen=True)
class Span:
    """Words ``start .. end - 1`` reduce to ``type`` (one simple type)."""

    start: int
    end: int
    type: SimpleType


#: Above this many parity vectors the chart bounds parities per atom instead.
_EXACT_PARITIES = 64


class _Box:
    """Parity vectors within per-atom bounds, for one of several goals."""

    def __init__(self, boxes: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> None:
        self.boxes = boxes

    def __contains__(self, parity: object) -> bool:
        return any(all(lo <= p <= hi for p, lo, hi in zip(parity, low, high))  # type: ignore[call-overload]
                   for low, high in self.boxes)


class SearchLimit(Exception):
    """Raised by :func:`best_parse` when its :class:`Budget` runs out."""


class Budget:
    """How many chart steps a search may still take, shared by several calls.

    Why: the chart is exact but its worst cases are exponential; a caller
    that has another way to read a text (the dependency route) stops the
    chart after a fixed amount of work, so no text costs more than that.
    """

    def __init__(self, steps: int) -> None:
        self.steps = int(steps)

    def spend(self, steps: int) -> None:
        """Take ``steps``; raise :class:`SearchLimit` once none are left."""
        self.steps -= steps
        if self.steps < 0:
            raise SearchLimit("chart search stopped: step budget spent")


class _Chart:
    """The transitions of the chart: options laid out as wires, cup costs, pruning.

    Each wire of each option gets an integer id; a state is the tuple of the
    ids of its uncupped wires (cheap to hash). Pruning (only when ``targets``
    are given) is exact: a state is dropped only when no continuation can
    reach a target. Three tests: length (each later cup needs a later wire),
    free wires (a wire no later word can cup with must stay free, with
    everything to its left, and so spell the start of a target) and atom
    parity (a cup removes ``x^z`` and ``x^(z+1)``, so per atom the sum of
    ``(-1)^z`` over the words equals the target's).
    """

    def __init__(self, options: Sequence[Sequence[Option]], targets: Sequence[tuple[SimpleType, ...]] | None,
                 link: LinkCost | None, floor: Callable[[int, int], float] | None = None) -> None:
        size = len(options)
        self.options = options
        self.link = link
        # floors[j][i]: least cost of a cup between a wire of word i and any word from j on
        self.floors = None if floor is None else [[floor(i, j) for i in range(size)] for j in range(size + 1)]
        self.cache: dict[tuple[int, int, int, int], float | None] = {}
        self.key: list[SimpleType] = []            # wire id -> (atom, z)
        self.owner: list[tuple[int, int]] = []     # wire id -> (word, option)
        self.offset: list[int] = []                # wire id -> offset in its option's type
        self.ids: list[list[tuple[int, ...]]] = []
        for w, choices in enumerate(options):
            per_word = []
            for c, option in enumerate(choices):
                start = len(self.key)
                for o, simple in enumerate(option.type):
                    self.key.append((str(simple[0]), int(simple[1])))
                    self.owner.append((w, c))
                    self.offset.append(o)
                per_word.append(tuple(range(start, len(self.key))))
            self.ids.append(per_word)
        self.left_partner = [(a, z - 1) for a, z in self.key]
        self.right_partner = [(a, z + 1) for a, z in self.key]
        self.targets = None if targets is None else [tuple(t) for t in targets]
        if self.targets is None:
            return
        self.firsts = {t[0] for t in self.targets if t}
        atoms = sorted({a for a, _ in self.key} | {a for t in self.targets for a, _ in t})
        index = {a: i for i, a in enumerate(atoms)}

        def parity(simple: Sequence[SimpleType]) -> tuple[int, ...]:
            out = [0] * len(atoms)
            for a, z in simple:
                out[index[a]] += -1 if z % 2 else 1
            return tuple(out)

        self.goal_parity = {parity(t) for t in self.targets}
        self.option_parity = [[parity(o.type) for o in choices] for choices in options]
        self.longest = max((len(t) for t in self.targets), default=0)
        self.partners: list[set[SimpleType]] = [set() for _ in range(size + 1)]
        self.room = [0] * (size + 1)
        # The parities the words from w on may add: an exact set while it is
        # small, then per-atom bounds (a superset: pruning stays exact, only weaker).
        zero = tuple([0] * len(atoms))
        future: set[tuple[int, ...]] | None = {zero}
        low, high = list(zero), list(zero)
        self.allowed: list[Any] = [None] * (size + 1)
        for w in range(size, -1, -1):
            if w < size:
                self.partners[w] = self.partners[w + 1] | {(str(a), int(z)) for o in options[w] for a, z in o.type}
                self.room[w] = self.room[w + 1] + max((len(o.type) for o in options[w]), default=0)
                here = set(self.option_parity[w])
                low = [lo + min(p[a] for p in here) for a, lo in enumerate(low)]
                high = [hi + max(p[a] for p in here) for a, hi in enumerate(high)]
                if future is not None:
                    future = {tuple(x + y for x, y in zip(p, f)) for p in here for f in future}
                    if len(future) > _EXACT_PARITIES:
                        future = None
            # the parities a prefix ending before word w may have and still reach a goal
            if future is not None:
                self.allowed[w] = {tuple(g - f for g, f in zip(goal, fut)) for goal in self.goal_parity for fut in future}
            else:
                self.allowed[w] = _Box([(tuple(g - h for g, h in zip(goal, high)), tuple(g - lo for g, lo in zip(goal, low)))
                                        for goal in self.goal_parity])

    def spell(self, state: _State) -> tuple[SimpleType, ...]:
        """The simple types of a state's wires."""
        return tuple(self.key[i] for i in state)

    def cup_cost(self, left: int, w: int, c: int) -> float | None:
        if self.link is None:
            return 0.0
        lw, lc = self.owner[left]
        key = (lw, lc, w, c)
        if key not in self.cache:
            self.cache[key] = self.link(lw, lc, w, c)
        return self.cache[key]

    def future(self, state: _State, next_word: int) -> float:
        """A lower bound of the cost of the cups still to come (0 without ``floor``).

        Every wire of the state but a free first one will be cupped with a
        later word, at a cost of at least its word's floor.
        """
        if self.floors is None or not state:
            return 0.0
        floors, owner = self.floors[next_word], self.owner
        total = sum(floors[owner[i][0]] for i in state)
        if self.key[state[0]] in self.firsts:
            total -= floors[owner[state[0]][0]]
        return total

    def viable(self, state: _State, next_word: int) -> bool:
        if self.targets is None:
            return True
        if len(state) > self.longest + self.room[next_word]:
            return False
        partners, right = self.partners[next_word], self.right_partner
        for j in range(len(state) - 1, -1, -1):
            if right[state[j]] not in partners:
                head = self.spell(state[: j + 1])
                return any(t[: j + 1] == head for t in self.targets)
        return True

    def expand(self, states: Iterable[tuple[_State, tuple[int, ...] | None, float]], w: int, limit: float = _INF
               ) -> Iterator[tuple[_State, int, int, float, _State, tuple[int, ...] | None]]:
        """Each step from ``(state, parity, cost so far)`` through word ``w``
        that keeps the cost within ``limit``: (state, option, cups made, step
        cost, new state, new parity)."""
        options, ids = self.options[w], self.ids[w]
        pruning = self.targets is not None
        allowed = self.allowed[w + 1] if pruning else None
        key, left_partner = self.key, self.left_partner
        for state, parity, spent in states:
            size = len(state)
            for c, option in enumerate(options):
                step = option.cost
                if spent + step > limit:
                    continue
                new_parity = None
                if pruning:
                    new_parity = tuple(x + y for x, y in zip(parity, self.option_parity[w][c]))  # type: ignore[arg-type]
                    if new_parity not in allowed:
                        continue
                full = ids[c]
                k = 0
                while True:
                    new = state[: size - k] + full[k:] if k else state + full
                    if self.viable(new, w + 1) and (limit == _INF or spent + step + self.future(new, w + 1) <= limit):
                        yield state, c, k, step, new, new_parity
                    if k >= len(full) or k >= size:
                        break
                    left = state[size - 1 - k]
                    if key[left] != left_partner[full[k]]:
                        break
                    extra = self.cup_cost(left, w, c)
                    if extra is None or spent + step + extra > limit:
                        break
                    step += extra
                    k += 1

    def start(self) -> tuple[int, ...] | None:
        return None if self.targets is None else tuple([0] * len(next(iter(self.goal_parity))))


def _replay(options: Sequence[Sequence[Option]], choices: Sequence[int], ks: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """The cups (as global positions) of a path of choices and junction lengths."""
    start, offset = [], 0
    for w, c in enumerate(choices):
        start.append(offset)
        offset += len(options[w][c].type)
    remainder: list[int] = []
    cups = []
    for w, (c, k) in enumerate(zip(choices, ks)):
        for j in range(k):
            cups.append((remainder.pop(), start[w] + j))
        remainder.extend(start[w] + o for o in range(k, len(options[w][c].type)))
    return tuple(sorted(cups))


def _check(options: Sequence[Sequence[Option]]) -> None:
    for w, choices in enumerate(options):
        if not choices:
            raise ValueError(f"word {w} has no option; give every word at least one type")


def best_parse(options: Sequence[Sequence[Option]], targets: Sequence[Sequence[SimpleType]],
               target_costs: Sequence[float] | None = None, link: LinkCost | None = None,
               max_states: int | None = None, max_cost: float | Sequence[float] | None = None,
               floor: Callable[[int, int], float] | None = None, budget: Budget | None = None) -> Parse | None:
    """The cheapest parse of the words into one of the targets, or ``None``.

    Cost is the sum of the chosen options' costs, the costs ``link`` gives the
    cups and the target's cost. Ties go to the earlier target, then to the
    lexicographically smallest choice of options, then to the reduction that
    cups earliest (a determiner takes its noun before a preposition takes
    the phrase), so results are reproducible.

    Parameters
    ----------
    options : sequence of sequences of Option
        The types each word may take.
    targets : sequence of sequences of (atom, z)
        What the whole text may reduce to, e.g. ``[[("s", 0)], [("n", 0)]]``.
    target_costs : sequence of float, optional
        Extra cost of each target (default 0).
    link : callable (left word, left option, right word, right option) -> float or None
        Cost of a cup between two words' options; ``None`` forbids it.
    max_states : int, optional
        Keep at most this many cheapest states after each word (a beam). The
        search is exact while no layer overflows; an overflow is logged.
    max_cost : float, optional
        Only look for parses costing at most this (branch and bound: costs
        are not negative, so a partial parse dearer than the bound is
        dropped). Exact: ``None`` is returned only when no parse is that cheap.
        A sequence of growing bounds searches with each in turn (on one
        chart) and returns the first parse found: cheap parses come fast.
    floor : callable (word i, word j) -> float, optional
        A lower bound of ``link`` between any option of word ``i`` and any
        option of any word from ``j`` on. With ``max_cost`` it prunes partial
        parses whose open wires must later cost too much (A*-style, still
        exact when it is a true lower bound).
    budget : Budget, optional
        Each state expanded spends one step; :class:`SearchLimit` is raised
        when the budget runs out, so the search's time is bounded.

    Returns
    -------
    Parse or None

    >>> n, tv = [("n", 0)], [("n", 1), ("s", 0), ("n", -1)]
    >>> words = [[Option(tuple(n))], [Option(tuple(n), 0.0), Option(tuple(tv), 1.0)], [Option(tuple(n))]]
    >>> best_parse(words, [[("s", 0)]])
    Parse(choices=(0, 1, 0), cups=((0, 1), (3, 4)), target=0, cost=1.0)
    """
    _check(options)
    goals = [tuple((str(a), int(z)) for a, z in t) for t in targets]
    extra = list(target_costs) if target_costs is not None else [0.0] * len(goals)
    chart = _Chart(options, goals, link, floor)
    bounds = list(max_cost) if isinstance(max_cost, Sequence) else [max_cost]
    for bound in bounds:  # one chart, growing bounds: cheap readings are found first
        found = _search(chart, goals, extra, max_states, bound, budget)
        if found is not None:
            return found
    return None


def _search(chart: _Chart, goals: list[tuple[SimpleType, ...]], extra: list[float], max_states: int | None,
            max_cost: float | None, budget: Budget | None) -> Parse | None:
    """One branch-and-bound pass of :func:`best_parse` within ``max_cost``."""
    options = chart.options
    limit = _INF if max_cost is None else max_cost - min(extra, default=0.0) + 1e-9
    # state -> (cost, choices so far, minus the junction lengths so far, parity)
    layer: dict[_State, tuple[float, tuple[int, ...], tuple[int, ...], Any]] = {(): (0.0, (), (), chart.start())}
    for w in range(len(options)):
        if budget is not None:
            budget.spend(len(layer))
        nxt: dict[_State, tuple[float, tuple[int, ...], tuple[int, ...], Any]] = {}
        for state, c, k, step, new, parity in chart.expand(((s, v[3], v[0]) for s, v in layer.items()), w, limit):
            cost, path, ks, _ = layer[state]
            key = (round(cost + step, 9), path + (c,), ks + (-k,), parity)
            old = nxt.get(new)
            if old is None or key[:3] < old[:3]:
                nxt[new] = key
        if max_states is not None and len(nxt) > max_states:
            logger.info("chart beam: kept %d of %d states after word %d", max_states, len(nxt), w)
            # keep the states with the best cost so far plus least cost still to come
            nxt = dict(sorted(nxt.items(), key=lambda item: (item[1][0] + chart.future(item[0], w + 1), item[1][1:3]))[:max_states])
        layer = nxt
        if not layer:
            return None
    best: tuple[tuple[float, int, tuple[int, ...], tuple[int, ...]], int] | None = None
    for state, (cost, path, ks, _) in layer.items():
        spelled = chart.spell(state)
        for t, goal in enumerate(goals):
            if spelled == goal and (max_cost is None or cost + extra[t] <= max_cost + 1e-9):
                key = (round(cost + extra[t], 9), t, path, ks)
                if best is None or key < best[0]:
                    best = (key, t)
    if best is None:
        return None
    (cost, t, path, ks), _ = best
    return Parse(path, _replay(options, path, [-k for k in ks]), t, cost)


def all_parses(options: Sequence[Sequence[Option]], targets: Sequence[Sequence[SimpleType]],
               link: LinkCost | None = None, limit: int | None = None) -> list[Parse]:
    """Every parse of the words into one of the targets, cheapest first.

    Parses are distinct pairs (type choice, cups). ``limit`` bounds how many
    are returned (ambiguous grammars can have exponentially many).

    >>> n, tv = ("n", 0), (("n", 1), ("s", 0), ("n", -1))
    >>> ambiguous = [[Option((n,))], [Option(tv, label="verb"), Option((n,), label="noun")], [Option((n,))]]
    >>> [p.choices for p in all_parses(ambiguous, [[("s", 0)]])]
    [(0, 0, 0)]
    """
    _check(options)
    goals = [tuple((str(a), int(z)) for a, z in t) for t in targets]
    chart = _Chart(options, goals, link)
    # state -> list of (previous state, choice, k, cost of this step); and each state's parity
    layers: list[dict[_State, list[tuple[_State, int, int, float]]]] = [{(): []}]
    parities: dict[_State, Any] = {(): chart.start()}
    for w in range(len(options)):
        nxt: dict[_State, list[tuple[_State, int, int, float]]] = {}
        new_parities: dict[_State, Any] = {}
        for state, c, k, step, new, parity in chart.expand(((s, parities[s], 0.0) for s in layers[-1]), w):
            nxt.setdefault(new, []).append((state, c, k, step))
            new_parities[new] = parity
        layers.append(nxt)
        parities = new_parities
        if not nxt:
            return []
    found: list[Parse] = []
    for state in layers[-1]:
        spelled = chart.spell(state)
        if spelled in goals:
            t = goals.index(spelled)
            found.extend(Parse(path, _replay(options, path, ks), t, round(cost, 9))
                         for path, ks, cost in _paths(layers, len(options), state))
    found.sort(key=lambda p: (p.cost, p.target, p.choices, p.cups))
    return found[:limit] if limit is not None else found


def _paths(layers: Sequence[dict[_State, list[tuple[_State, int, int, float]]]], end: int,
           state: _State) -> Iterator[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """Every path from the empty state to ``state`` after word ``end - 1``."""
    stack: list[tuple[int, _State, tuple[int, ...], tuple[int, ...], float]] = [(end, state, (), (), 0.0)]
    while stack:
        w, current, path, ks, cost = stack.pop()
        if w == 0:
            yield path, ks, cost
            continue
        for previous, c, k, step in reversed(layers[w][current]):
            stack.append((w - 1, previous, (c,) + path, (k,) + ks, cost + step))


def longest_span(options: Sequence[Sequence[Option]], link: LinkCost | None = None,
                 max_states: int = 5000) -> Span | None:
    """The longest run of words that reduces to a single basic type (``n``, ``s``, ...).

    Why: when a text does not parse, the longest part that does (a noun
    phrase, a clause) shows where the trouble starts. Ties go to the span
    that starts first. ``None`` when no word has a basic type.

    >>> n, tv = ("n", 0), (("n", 1), ("s", 0), ("n", -1))
    >>> longest_span([[Option((n,))], [Option(tv)], [Option((n,))], [Option((("n", -1),))]])
    Span(start=0, end=3, type=('s', 0))
    """
    _check(options)
    chart = _Chart(options, None, link)
    best: Span | None = None
    for start in range(len(options)):
        layer: set[_State] = {()}
        for w in range(start, len(options)):
            nxt = {step[4] for step in chart.expand(((state, None, 0.0) for state in layer), w)}
            if len(nxt) > max_states:
                nxt = set(sorted(nxt, key=len)[:max_states])
            layer = nxt
            basic = sorted(chart.key[s[0]] for s in layer if len(s) == 1 and chart.key[s[0]][1] == 0)
            if basic and (best is None or w + 1 - start > best.end - best.start):
                best = Span(start, w + 1, ("s", 0) if ("s", 0) in basic else basic[0])
    return best
