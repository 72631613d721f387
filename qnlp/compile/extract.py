"""Extraction: a rewritten ZX diagram back to a circuit with post-selection.

pyzx's ``extract_circuit`` needs a unitary-like diagram with a flow; the
diagram of a sentence is a state with far more spiders than outputs. qnlp
extracts it as *a unitary sandwiched between kets and post-selections*:

1. Phase gadgets (a phase-free hub with one phase leaf) become multi-qubit
   Z rotations on their targets: a CX ladder, an ``Rz`` and the ladder back.
2. Every other spider is a point on a qubit's wire. The spiders are
   covered by paths along Hadamard edges; each path is one qubit, which
   starts in ``|+>`` (``|0>`` then ``H``), meets its spiders in order with an
   ``H`` between consecutive ones and an ``Rz`` for each phase, and ends
   either at its output (with ``H`` if the boundary edge is a Hadamard) or
   in ``<+|``: ``H`` and a post-selection on 0. Hadamard edges not on a path
   become ``CZ`` gates.
3. The gates are placed in an order where every ``CZ`` and gadget sees each
   of its spiders' qubits while that qubit is at that spider. Paths are
   merged greedily (one qubit and one post-selection fewer per merge, and one
   ``CZ`` fewer) as long as such an order exists: the events form a DAG.
4. A gadget that is the first thing on a qubit still in ``|+>``, or the last
   thing before ``<+|``, needs only half its ladder, since ``X`` leaves ``|+>``
   unchanged.

Post-selected legs of the original circuit survive as the ends of paths that
are not outputs, so every post-selected diagram comes back as a circuit
``<0|_P U |0...0>``. The scalar lost on the way (powers of sqrt(2) from
``|+>``, ``<+|``, ``CZ`` and gadgets, and constant phase-only spiders) is
returned so that ``amplitude(original) = scalar * amplitude(extracted)`` up
to a global phase.
"""

from __future__ import annotations

import cmath
import logging
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from pytket import Circuit
from pyzx.graph.base import BaseGraph
from pyzx.symbolic import Poly
from pyzx.utils import EdgeType, VertexType, toggle_edge

from qnlp.compile.flow import Flow, Gadget
from qnlp.compile.rewrite import colour_change, fuse
from qnlp.compile.zx import ZXCircuit, to_sympy
from qnlp.errors import BackendError

__all__ = ["Extracted", "extract"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Extracted:
    """A circuit on fresh ``|0>`` qubits with its post-selections.

    Attributes
    ----------
    circuit : pytket.Circuit
        Gates only, with sympy symbols in the angles (H, Rz, CX and CZ
        when extracted from a ZX diagram).
    post_selection : dict of int to int
        Qubit -> bit it must show.
    outputs, discarded : tuple of int
        Kept and traced-out qubits, in the original circuit's order.
    scalar : float
        ``|amplitude(original)| / |amplitude(circuit)|``.
    """

    circuit: Circuit = field(compare=False)
    post_selection: dict[int, int] = field(hash=False)
    outputs: tuple[int, ...]
    discarded: tuple[int, ...]
    scalar: float


def _is_constant(phase: Any) -> bool:
    return not (isinstance(phase, Poly) and phase.free_vars())


def _constant(phase: Any) -> float:
    if isinstance(phase, Poly):
        return float(sum((Fraction(c) for c, _ in phase.terms), Fraction(0)))
    return float(phase)


def _magnitude(g: BaseGraph) -> float:
    """``|g.scalar|``: powers of sqrt(2), float factor and constant phase nodes."""
    s = g.scalar
    if s.is_zero:
        return 0.0
    value = math.sqrt(2) ** s.power2 * abs(s.floatfactor)
    for node in s.phasenodes:
        if not _is_constant(node):
            raise BackendError(f"the diagram's scalar depends on the parameters through {node}; cannot extract it")
        value *= abs(1 + cmath.exp(1j * math.pi * _constant(node)))
    if s.sum_of_phases:
        if not all(_is_constant(p) for p in s.sum_of_phases):
            raise BackendError("the diagram's scalar depends on the parameters; cannot extract it")
        value *= abs(sum(c * cmath.exp(1j * math.pi * _constant(p)) for p, c in s.sum_of_phases.items()))
    return value


def _graph_like(g: BaseGraph) -> float:
    """Make every spider Z, fuse plain Z-Z edges, give every output its own
    spider, and fold constant isolated spiders away; returns their scalar."""
    bad = {g.type(v) for v in g.vertices()} - {VertexType.Z, VertexType.X, VertexType.BOUNDARY}
    if bad:
        raise BackendError(f"cannot extract a diagram with vertices of types {sorted(bad)}")
    colour_change(g)
    fuse(g)
    outputs = set(g.outputs())
    for b in g.vertices():
        if g.type(b) == VertexType.BOUNDARY and b not in outputs:
            raise BackendError("cannot extract a diagram with inputs; give a circuit that starts from kets")
    for b in g.outputs():
        (n,) = g.neighbors(b)
        edge_type = g.edge_type(g.edge(b, n))
        boundary_neighbours = [m for m in g.neighbors(n) if g.type(m) == VertexType.BOUNDARY]
        if g.type(n) == VertexType.BOUNDARY or boundary_neighbours[0] != b:
            # b - n becomes b - w - n with a fresh phase-free spider w
            g.remove_edge(g.edge(b, n))
            w = g.add_vertex(VertexType.Z, g.qubit(b), g.row(b) - 0.5)
            if g.type(n) == VertexType.BOUNDARY:
                w2 = g.add_vertex(VertexType.Z, g.qubit(n), g.row(n) - 0.5)
                g.add_edge((b, w), edge_type)
                g.add_edge((w, w2), EdgeType.HADAMARD)
                g.add_edge((w2, n), EdgeType.HADAMARD)
            else:
                g.add_edge((b, w), toggle_edge(edge_type))
                g.add_edge((w, n), EdgeType.HADAMARD)
    factor = 1.0
    for v in list(g.vertices()):
        if g.vertex_degree(v) == 0 and _is_constant(g.phase(v)):
            factor *= abs(1 + cmath.exp(1j * math.pi * _constant(g.phase(v))))
            g.remove_vertex(v)
    for edge in g.edges():
        u, v = g.edge_st(edge)
        if VertexType.BOUNDARY not in (g.type(u), g.type(v)) and g.edge_type(edge) != EdgeType.HADAMARD:
            raise BackendError("internal error: a plain edge between spiders survived fusion")  # pragma: no cover
    return factor


def _gadgets(g: BaseGraph) -> tuple[list[Gadget], set[int]]:
    """Phase gadgets: a hub of phase 0 or 1 away from the boundary, one leaf
    of degree 1. Returns the gadgets and the vertices they use up."""
    used: set[int] = set()
    targets_taken: set[int] = set()
    found: list[Gadget] = []
    for leaf in sorted(g.vertices()):
        if g.type(leaf) != VertexType.Z or g.vertex_degree(leaf) != 1 or leaf in targets_taken:
            continue
        (hub,) = g.neighbors(leaf)
        phase = g.phase(hub)
        if (
            hub in used
            or hub in targets_taken
            or g.type(hub) != VertexType.Z
            or not _is_constant(phase)
            or _constant(phase) % 1 != 0
            or g.vertex_degree(hub) < 2
        ):
            continue
        targets = tuple(sorted(set(g.neighbors(hub)) - {leaf}))
        if any(g.type(t) != VertexType.Z or t in used for t in targets):
            continue
        if any(g.edge_type(g.edge(hub, n)) != EdgeType.HADAMARD for n in g.neighbors(hub)):
            continue
        leaf_phase = g.phase(leaf)
        found.append(Gadget(targets, leaf_phase if _constant(phase) % 2 == 0 else -leaf_phase))
        used |= {hub, leaf}
        targets_taken |= set(targets)
    return found, used


def _angle(phase: Any) -> Any:
    expr = to_sympy(phase)
    return float(expr) if expr.is_number else expr


def extract(zx: ZXCircuit) -> Extracted:
    """Extract a rewritten diagram as a circuit with post-selections.

    Parameters
    ----------
    zx : ZXCircuit
        The diagram; its graph is normalised in place.

    Returns
    -------
    Extracted

    Raises
    ------
    BackendError
        If the diagram has inputs, non-ZX vertices, or a scalar that
        depends on the parameters.
    """
    g = zx.graph
    factor = _graph_like(g)
    gadgets, used = _gadgets(g)
    spiders = sorted(v for v in g.vertices() if g.type(v) == VertexType.Z and v not in used)
    flow = Flow(g, spiders, gadgets)
    flow.cover()
    flow.anchor()
    order = flow.order()
    assert order is not None
    # outputs first, in the original order; then the post-selected paths
    outputs = g.outputs()
    ends = {i: flow.output_of.get(path[-1]) for i, path in enumerate(flow.paths)}
    ranked = sorted(range(len(flow.paths)), key=lambda i: (ends[i] is None, ends[i] if ends[i] is not None else i))
    qubit = {p: q for q, p in enumerate(ranked)}
    where = flow.locate()
    circuit = Circuit(len(flow.paths))
    post: dict[int, int] = {}
    kappa = 1.0  # amplitude(circuit) = kappa * graph, up to a phase
    for node in order:
        kind = node[0]
        if kind == "T":
            _, p, i = node
            path, q = flow.paths[p], qubit[p]
            if i < len(path):
                circuit.H(q)  # |0> -> |+> at the start, or the Hadamard edge between spiders
                kappa /= math.sqrt(2) if i == 0 else 1.0
            elif path[-1] in flow.output_of:
                b = outputs[flow.output_of[path[-1]]]
                if g.edge_type(g.edge(b, path[-1])) == EdgeType.HADAMARD:
                    circuit.H(q)
            else:
                circuit.H(q)
                post[q] = 0
                kappa /= math.sqrt(2)
        elif kind == "Z":
            circuit.Rz(_angle(g.phase(node[1])), qubit[where[node[1]][0]])
        elif kind == "CZ":
            circuit.CZ(qubit[where[node[1]][0]], qubit[where[node[2]][0]])
            kappa *= math.sqrt(2)
        else:
            k = node[1]
            gadget = gadgets[k]
            qs = [qubit[where[t][0]] for t in gadget.targets]
            kappa *= math.sqrt(2) ** (len(qs) - 1)
            if _is_constant(gadget.phase) and _constant(gadget.phase) % 2 == 0:
                continue  # a phase-free gadget is the identity
            anchor = flow.anchors.get(k)
            target = qubit[where[anchor[1]][0]] if anchor else qs[-1]
            controls = [q for q in qs if q != target]
            if not anchor or anchor[0] == "end":
                for c in controls:
                    circuit.CX(c, target)
            circuit.Rz(_angle(gadget.phase), target)
            if not anchor or anchor[0] == "start":
                for c in reversed(controls):
                    circuit.CX(c, target)
    n_out = zx.n_outputs
    output_qubits = []
    for b in outputs:
        (n,) = g.neighbors(b)
        output_qubits.append(qubit[where[n][0]])
    scalar = zx.scalar * _magnitude(g) * factor / kappa
    discarded = output_qubits[n_out:]
    if not circuit.n_qubits:  # all scalar: keep one idle qubit, traced out, so that simulators see a circuit
        circuit = Circuit(1)
        discarded = [0]
    logger.debug("extracted %d qubits, %d post-selected", circuit.n_qubits, len(post))
    return Extracted(circuit, post, tuple(output_qubits[:n_out]), tuple(discarded), scalar)
