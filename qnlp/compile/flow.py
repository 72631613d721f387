"""Where each spider sits in time: paths of spiders as qubits, and an order.

Extraction (:mod:`qnlp.compile.extract`) reads a graph-like ZX diagram as a
circuit in which each qubit runs along a path of spiders joined by Hadamard
edges. :class:`Flow` chooses those paths and checks that the gates between
them can be placed: every event (a ``CZ`` for a Hadamard edge off the
paths, a phase gadget, a spider's phase) must happen on each of its
spiders' qubits while that qubit sits at that spider, and the resulting
"happens before" relation must have no cycle. This is causal flow, with
paths allowed to end in a post-selection instead of an output.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from pyzx.graph.base import BaseGraph

__all__ = ["Gadget", "Flow"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Gadget:
    """A phase gadget: ``exp(i pi phase parity(targets))`` up to a global phase."""

    targets: tuple[int, ...]
    phase: Any


class Flow:
    """Paths over the spiders, the CZs and gadgets between them, anchors, and
    a check that some order of events realises them all.

    Parameters
    ----------
    g : pyzx graph
        Graph-like: Z spiders, Hadamard edges between them, each output
        boundary on its own spider.
    spiders : list of int
        The spiders that are not part of a gadget; each starts as its own path.
    gadgets : list of Gadget
        Phase gadgets on those spiders.
    """

    def __init__(self, g: BaseGraph, spiders: list[int], gadgets: list[Gadget]) -> None:
        self.g = g
        self.gadgets = gadgets
        self.output_of: dict[int, int] = {}
        for i, b in enumerate(g.outputs()):
            (n,) = g.neighbors(b)
            self.output_of[n] = i
        spider_set = set(spiders)
        self.edges = sorted(
            {tuple(sorted(g.edge_st(e))) for v in spiders for e in g.incident_edges(v) if set(g.edge_st(e)) <= spider_set}
        )
        self.paths: list[list[int]] = [[v] for v in spiders]
        self._events: list[tuple[tuple[Any, ...], tuple[int, ...]]] = [(("Z", v), (v,)) for v in spiders if g.phase(v) != 0]
        self._events += [(("CZ", u, v), (u, v)) for u, v in self.edges]
        self._events += [(("G", k), gadget.targets) for k, gadget in enumerate(gadgets)]
        self.anchors: dict[int, tuple[str, int]] = {}  # gadget -> ("start" | "end", vertex)

    def locate(self) -> dict[int, tuple[int, int]]:
        """Spider -> (its path, its position on the path)."""
        return {v: (p, i) for p, path in enumerate(self.paths) for i, v in enumerate(path)}

    def order(self) -> list[tuple[Any, ...]] | None:
        """A topological order of the events, or None if there is a cycle.

        Events are ``("T", path, i)`` (the start of a path for ``i = 0``, the
        Hadamard before its i-th spider, or its end for ``i = len(path)``),
        ``("Z", v)`` (a spider's phase), ``("CZ", u, v)`` and ``("G", k)``
        (gadget ``k``).
        """
        where = self.locate()
        base, total = [], 0
        for path in self.paths:
            base.append(total)
            total += len(path) + 1
        succ: list[list[int]] = [[] for _ in range(total)]
        for p, path in enumerate(self.paths):
            for i in range(len(path)):
                succ[base[p] + i].append(base[p] + i + 1)
        on_path = {(path[i], path[i + 1]) for path in self.paths for i in range(len(path) - 1)}
        labels: list[tuple[Any, ...]] = []
        index: dict[tuple[Any, ...], int] = {}
        on_vertex: dict[int, list[int]] = defaultdict(list)
        for label, vertices in self._events:
            if label[0] == "CZ" and ((label[1], label[2]) in on_path or (label[2], label[1]) in on_path):
                continue
            node = len(succ)
            succ.append([])
            labels.append(label)
            index[label] = node
            for v in vertices:
                p, i = where[v]
                succ[base[p] + i].append(node)
                succ[node].append(base[p] + i + 1)
                on_vertex[v].append(node)
        for k, (kind, v) in self.anchors.items():
            gadget = index["G", k]
            for other in on_vertex[v]:
                if other != gadget:
                    (succ[gadget] if kind == "start" else succ[other]).append(other if kind == "start" else gadget)
        indegree = [0] * len(succ)
        for targets in succ:
            for m in targets:
                indegree[m] += 1
        queue = deque(n for n in range(len(succ)) if indegree[n] == 0)
        result = []
        while queue:
            n = queue.popleft()
            result.append(n)
            for m in succ[n]:
                indegree[m] -= 1
                if indegree[m] == 0:
                    queue.append(m)
        if len(result) != len(succ):
            return None
        transitions = [("T", p, i) for p, path in enumerate(self.paths) for i in range(len(path) + 1)]
        return [transitions[n] if n < total else labels[n - total] for n in result]

    def _oriented(self, path: list[int], v: int, last: bool) -> list[int] | None:
        """``path`` turned so that ``v`` is its last (or first) vertex, or None."""
        has_output = path[-1] in self.output_of
        if (path[-1] if last else path[0]) == v:
            return path
        if (path[0] if last else path[-1]) == v and not has_output:
            return path[::-1]
        return None

    def try_merge(self, u: int, v: int) -> bool:
        """Join the paths of ``u`` and ``v`` along the edge ``u - v``."""
        where = self.locate()
        pu, pv = where[u][0], where[v][0]
        if pu == pv:
            return False
        for a, b, pa, pb in ((u, v, pu, pv), (v, u, pv, pu)):
            if a in self.output_of:
                continue
            first, second = self._oriented(self.paths[pa], a, True), self._oriented(self.paths[pb], b, False)
            if first is None or second is None:
                continue
            left, right = set(first), set(second)
            if any({x, y} != {a, b} and (x in left and y in right or x in right and y in left) for x, y in self.edges):
                continue
            if any(set(gd.targets) & left and set(gd.targets) & right for gd in self.gadgets):
                continue
            old = self.paths
            self.paths = [p for i, p in enumerate(old) if i not in (pa, pb)] + [first + second]
            if self.order() is not None:
                return True
            self.paths = old
        return False

    def cover(self) -> None:
        """Merge paths greedily while an order of events exists, trying first
        the edges that run along one qubit of the original circuit."""
        g = self.g
        edges = sorted(self.edges, key=lambda e: (g.qubit(e[0]) != g.qubit(e[1]), min(g.row(e[0]), g.row(e[1])), e))
        merged = True
        while merged:
            merged = False
            for u, v in edges:
                if self.try_merge(u, v):
                    merged = True

    def anchor(self) -> None:
        """Give each gadget a half ladder where the order allows it."""
        where = self.locate()
        taken: set[tuple[str, int]] = set()
        for k, gadget in enumerate(self.gadgets):
            for v in gadget.targets:
                p, i = where[v]
                path = self.paths[p]
                slots = []
                if i == len(path) - 1 and path[-1] not in self.output_of:
                    slots.append(("end", v))
                if i == 0:
                    slots.append(("start", v))
                for slot in slots:
                    if slot in taken:
                        continue
                    self.anchors[k] = slot
                    if self.order() is not None:
                        taken.add(slot)
                        break
                    del self.anchors[k]
                if k in self.anchors:
                    break
        logger.debug("%d paths, %d of %d gadgets on half ladders", len(self.paths), len(self.anchors), len(self.gadgets))
