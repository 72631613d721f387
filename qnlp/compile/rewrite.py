"""ZX rewrites that pay on QNLP circuits, as named rules and one strategy.

Each rule rewrites every match it finds in a pyzx graph and returns how many
it applied; :func:`simplify` runs them until none applies and returns the
counts, which end up in :class:`~qnlp.compile.compiled.Metrics`.

- **fusion** merges neighbouring spiders of one colour; phases add, and a
  symbolic phase ``t + u`` stays linear.
- **identity** removes phase-free spiders with two legs. Together with
  fusion this yanks every snake: a cup (``CX``, ``H``, post-select ``00``)
  becomes a plain wire, and a word state joined to its partner by a cup
  fuses into the partner's wire, which is the word's transpose acting there.
- **gadget** merges phase gadgets on the same targets (``t + u``).
- **clifford** applies local complementation and pivoting on interior
  Clifford spiders, but only where the rewrite shrinks the graph (fewer
  vertices plus edges): each new edge would cost a two-qubit gate.

pyzx's own loops drop isolated spiders into the graph's scalar, which would
hide a parameter-dependent factor; these rules keep them in the graph, where
extraction gives them a qubit or folds constant ones into the scalar.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations

from pyzx.graph.base import BaseGraph
from pyzx.rewrite_rules.fuse_rule import check_fuse, unsafe_fuse
from pyzx.rewrite_rules.lcomp_rule import check_lcomp, unsafe_lcomp
from pyzx.rewrite_rules.merge_phase_gadget_rule import match_phase_gadgets, merge_phase_gadgets
from pyzx.rewrite_rules.pivot_rule import check_pivot, unsafe_pivot
from pyzx.rewrite_rules.remove_id_rule import check_remove_id, unsafe_remove_id
from pyzx.utils import EdgeType, VertexType, toggle_edge

__all__ = ["Rule", "RULES", "fuse", "colour_change", "remove_identities", "merge_gadgets", "clifford", "simplify"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """A named rewrite: ``apply(graph)`` rewrites the matches it finds and
    returns how many."""

    name: str
    apply: Callable[[BaseGraph], int]


@contextmanager
def _keep_isolated(g: BaseGraph) -> Iterator[None]:
    """Stop pyzx rules from moving isolated spiders into the scalar."""
    g.remove_isolated_vertices = lambda: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        del g.remove_isolated_vertices


def fuse(g: BaseGraph) -> int:
    """Fuse spiders of one colour joined by a plain edge."""
    count = 0
    changed = True
    while changed:
        changed = False
        for edge in list(g.edges()):
            u, v = g.edge_st(edge)
            if u != v and check_fuse(g, u, v):
                unsafe_fuse(g, u, v)
                count += 1
                changed = True
    return count


def colour_change(g: BaseGraph) -> int:
    """Turn X spiders into Z spiders by toggling their edges (Hadamard on
    every leg), so that the graph has one colour."""
    count = 0
    for v in list(g.vertices()):
        if g.type(v) == VertexType.X:
            g.set_type(v, VertexType.Z)
            for edge in g.incident_edges(v):
                g.set_edge_type(edge, toggle_edge(g.edge_type(edge)))
            count += 1
    return count


def remove_identities(g: BaseGraph) -> int:
    """Remove phase-free spiders with two legs."""
    count = 0
    for v in list(g.vertices()):
        if g.type(v) in (VertexType.Z, VertexType.X) and check_remove_id(g, v):
            unsafe_remove_id(g, v)
            count += 1
    return count


def merge_gadgets(g: BaseGraph) -> int:
    """Merge phase gadgets acting on the same targets; returns the number of
    gadgets removed."""
    matches = match_phase_gadgets(g)
    merged = sum(len(others) for _, _, _, others, _ in matches)
    if matches:
        merge_phase_gadgets(g, matches)
    return merged


def _interior_z(g: BaseGraph, v: int) -> bool:
    return all(g.type(n) == VertexType.Z for n in g.neighbors(v))


def _lcomp_gain(g: BaseGraph, v: int) -> int:
    """How much local complementation at ``v`` shrinks vertices + edges."""
    ns = list(g.neighbors(v))
    toggled = sum(1 if g.connected(a, b) else -1 for a, b in combinations(ns, 2))
    return 1 + len(ns) + toggled


def _pivot_gain(g: BaseGraph, u: int, v: int) -> int:
    """How much pivoting on the edge ``u - v`` shrinks vertices + edges."""
    nu, nv = set(g.neighbors(u)) - {v}, set(g.neighbors(v)) - {u}
    both = nu & nv
    pairs = [(a, b) for a in nu - both for b in nv - both]
    pairs += [(a, b) for a in (nu | nv) - both for b in both]
    toggled = sum(1 if g.connected(a, b) else -1 for a, b in pairs)
    return 2 + len(nu) + len(nv) + 1 + toggled


def clifford(g: BaseGraph) -> int:
    """Local complementation and pivoting on interior Clifford spiders,
    applied only where they shrink the graph."""
    count = 0
    with _keep_isolated(g):
        changed = True
        while changed:
            changed = False
            for v in list(g.vertices()):
                if v in g.vertices() and check_lcomp(g, v) and _interior_z(g, v) and _lcomp_gain(g, v) > 0:
                    unsafe_lcomp(g, v)
                    count += 1
                    changed = True
            for edge in list(g.edges()):
                u, v = g.edge_st(edge)
                if (
                    u in g.vertices()
                    and v in g.vertices()
                    and g.connected(u, v)
                    and g.edge_type(g.edge(u, v)) == EdgeType.HADAMARD
                    and check_pivot(g, u, v)
                    and _interior_z(g, u)
                    and _interior_z(g, v)
                    and _pivot_gain(g, u, v) > 0
                ):
                    unsafe_pivot(g, u, v)
                    count += 1
                    changed = True
    return count


#: The rules :func:`simplify` runs, in order.
RULES = (
    Rule("fusion", fuse),
    Rule("identity", remove_identities),
    Rule("gadget", merge_gadgets),
    Rule("clifford", clifford),
)


def simplify(g: BaseGraph, clifford: bool = True) -> dict[str, int]:
    """Rewrite ``g`` in place until no rule applies.

    Parameters
    ----------
    g : pyzx graph
        A graph from :func:`qnlp.compile.zx.to_zx` (owned by the caller).
    clifford : bool
        Also run the Clifford rule.

    Returns
    -------
    dict of str to int
        How many times each rule fired, by rule name (plus
        ``colour_change``).
    """
    counts: Counter[str] = Counter()
    counts["fusion"] += fuse(g)
    counts["colour_change"] += colour_change(g)
    rules = [r for r in RULES if clifford or r.name != "clifford"]
    while True:
        fired = 0
        for rule in rules:
            n = rule.apply(g)
            counts[rule.name] += n
            fired += n
        if not fired:
            break
    logger.debug("rewrites %s", dict(counts))
    return {name: counts[name] for name in ["fusion", "colour_change", "identity", "gadget", "clifford"]}
