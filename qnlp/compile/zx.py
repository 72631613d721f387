"""From a :class:`~qnlp.functor.ParamCircuit` to a ZX diagram, and back to sympy.

qnlp owns this conversion (DisCoPy's ``to_pyzx`` expects pyzx < 0.8). Every
gate becomes a few spiders of a :mod:`pyzx` graph whose phases are
:class:`pyzx.symbolic.Poly` in the circuit's symbols, so that fusing two
spiders adds their phases as linear expressions (``t + u``) and gradients
stay exact. Angles keep pytket's half-turns, which are pyzx's units of pi:
``Rz(a)`` is a Z spider of phase ``a`` up to a global phase.

Kets become X spiders (``|0>``), post-selections X effects of phase ``bit``,
and outputs and discarded qubits become the graph's output boundaries (the
discarded ones last). A cup of the circuit (``CX``, ``H``, post-select
``00``) thus becomes a plain wire once its spiders fuse: snake removal is
spider fusion plus identity removal in :mod:`qnlp.compile.rewrite`.

Scalars: only the magnitude of the circuit's amplitude matters for
probabilities, so global phases are dropped; powers of sqrt(2) go into the
graph's scalar, so that ``circuit amplitude = scalar * graph`` up to phase.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pyzx
import sympy
from pyzx.graph.base import BaseGraph
from pyzx.symbolic import Poly, new_var
from pyzx.utils import EdgeType, VertexType

from qnlp.errors import ConfigError
from qnlp.functor.circuit import Gate, ParamCircuit, Phase

__all__ = ["ZXCircuit", "to_zx", "to_sympy", "to_fraction", "strip_identities"]

logger = logging.getLogger(__name__)

_S2 = 1 / np.sqrt(2)
#: Fixed gates by name: their matrix and their ZX primitives (see ``_add``).
_FIXED: dict[str, tuple[np.ndarray, list[tuple[Any, ...]]]] = {
    "H": (np.array([[1, 1], [1, -1]]) * _S2, [("H", 0)]),
    "X": (np.array([[0, 1], [1, 0]]), [("X", 0, Fraction(1))]),
    "Z": (np.diag([1, -1]), [("Z", 0, Fraction(1))]),
    "Y": (np.array([[0, -1j], [1j, 0]]), [("Z", 0, Fraction(1)), ("X", 0, Fraction(1))]),
    "S": (np.diag([1, 1j]), [("Z", 0, Fraction(1, 2))]),
    "Sdg": (np.diag([1, -1j]), [("Z", 0, Fraction(3, 2))]),
    "T": (np.diag([1, np.exp(1j * np.pi / 4)]), [("Z", 0, Fraction(1, 4))]),
    "Tdg": (np.diag([1, np.exp(-1j * np.pi / 4)]), [("Z", 0, Fraction(7, 4))]),
    "CX": (np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]), [("CX", 0, 1)]),
    "CZ": (np.diag([1, 1, 1, -1]), [("CZ", 0, 1)]),
    "SWAP": (np.eye(4)[[0, 2, 1, 3]], [("SWAP", 0, 1)]),
}


@dataclass
class ZXCircuit:
    """A circuit as a pyzx graph, with what the graph alone does not say.

    Attributes
    ----------
    graph : pyzx graph
        Spiders with symbolic phases; its outputs are the circuit's outputs
        followed by its discarded qubits. ``graph.scalar`` holds the powers
        of sqrt(2) collected so far.
    n_outputs : int
        How many of ``graph.outputs()`` are outputs; the rest are discarded.
    scalar : float
        The circuit's own scalar (``ParamCircuit.scalar``).
    """

    graph: BaseGraph
    n_outputs: int
    scalar: float


def to_fraction(value: float) -> Fraction:
    """A float as a Fraction, exact for the dyadic angles of Clifford+T.

    >>> to_fraction(0.25), to_fraction(-0.5)
    (Fraction(1, 4), Fraction(-1, 2))
    """
    nice = Fraction(value).limit_denominator(1 << 16)
    return nice if abs(float(nice) - value) < 1e-12 else Fraction(value)


def _poly(phase: Phase, factor: Fraction, graph: BaseGraph) -> Any:
    """``factor * phase`` as a pyzx phase: a Fraction or a linear Poly."""
    const = to_fraction(phase.const) * factor
    if not phase.terms:
        return const
    poly: Any = const
    for name, coeff in phase.terms:
        poly = new_var(name, False, graph.var_registry) * (to_fraction(coeff) * factor) + poly
    return poly


def to_sympy(phase: Any) -> sympy.Expr:
    """A pyzx phase (Fraction or linear Poly) as a sympy expression in
    half-turns.

    Raises
    ------
    ConfigError
        If the phase is not linear in its symbols.
    """
    if not isinstance(phase, Poly):
        return sympy.Rational(phase.numerator, phase.denominator) if isinstance(phase, Fraction) else sympy.sympify(phase)
    expr = sympy.Integer(0)
    for coeff, term in phase.terms:
        if len(term.vars) > 1 or any(power != 1 for _, power in term.vars):
            raise ConfigError(f"phase {phase} is not linear in its symbols; only linear phases can be compiled")
        c = sympy.Rational(coeff.numerator, coeff.denominator) if isinstance(coeff, Fraction) else sympy.Float(coeff)
        expr += c * (sympy.Symbol(term.vars[0][0].name) if term.vars else 1)
    return expr


def _primitives(gate: Gate) -> list[tuple[Any, ...]]:
    """The ZX primitives of one gate, on positions into ``gate.qubits``."""
    name = gate.name
    if gate.phase is not None:
        base = name[1:] if name.startswith("C") and len(gate.qubits) == 2 else name
        prims: list[tuple[Any, ...]]
        if base == "Rz":
            prims = [("Z", -1, ("phase", Fraction(1)))]
        elif base == "Rx":
            prims = [("X", -1, ("phase", Fraction(1)))]
        elif base == "Ry":  # Ry(a) = Rz(1/2) Rx(a) Rz(-1/2)
            prims = [("Z", -1, Fraction(-1, 2)), ("X", -1, ("phase", Fraction(1))), ("Z", -1, Fraction(1, 2))]
        else:
            raise ConfigError(f"unknown parametrised gate {name!r}; use Rx, Ry, Rz or their controlled forms")
        if base == name:
            return [(p[0], 0, p[2]) for p in prims]
        # controlled rotation = basis change on the target around CRz, and
        # CRz(a) = Rz_t(a/2) * exp(i pi (-a/2) (x_c xor x_t))
        before = {"Rz": [], "Rx": [("H", 1)], "Ry": [("Z", 1, Fraction(-1, 2)), ("H", 1)]}[base]
        after = {"Rz": [], "Rx": [("H", 1)], "Ry": [("H", 1), ("Z", 1, Fraction(1, 2))]}[base]
        core = [("Z", 1, ("phase", Fraction(1, 2))), ("GADGET", (0, 1), ("phase", Fraction(-1, 2))), ("POW2", 1)]
        return before + core + after
    if name in _FIXED:
        matrix, prims = _FIXED[name]
        if gate.matrix is None or _same_up_to_phase(gate.matrix, matrix):
            return prims
    return _decompose(gate)


def _narrow(gate: Gate) -> Gate:
    """The gate on the qubits it acts on, if it is fixed and wider than needed."""
    if gate.phase is None and gate.matrix is not None and len(gate.qubits) > 1:
        matrix, qubits = strip_identities(gate.matrix, gate.qubits)
        if qubits != gate.qubits:
            return Gate(gate.name, qubits, None, matrix)
    return gate


def _same_up_to_phase(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape:
        return False
    overlap = np.vdot(b, a)
    return bool(abs(abs(overlap) - np.vdot(b, b).real) < 1e-9 and np.allclose(a, b * overlap / abs(overlap), atol=1e-9))


def strip_identities(matrix: np.ndarray, qubits: tuple[int, ...]) -> tuple[np.ndarray, tuple[int, ...]]:
    """Drop the qubits a fixed gate leaves alone (lambeq's long-range
    controlled gates span every wire in between).

    >>> m, q = strip_identities(np.kron(np.eye(2), np.diag([1, -1])), (3, 5))
    >>> q, m.tolist()
    ((5,), [[1.0, 0.0], [0.0, -1.0]])
    """
    n = len(qubits)
    tensor = np.asarray(matrix).reshape((2,) * (2 * n))
    kept = list(range(n))
    for k in range(n - 1, -1, -1):
        if len(kept) == 1:
            break
        i = kept.index(k)
        m = len(kept)
        # axes: outputs 0..m-1, inputs m..2m-1
        diag0 = np.take(np.take(tensor, 0, axis=i), 0, axis=m - 1 + i)
        diag1 = np.take(np.take(tensor, 1, axis=i), 1, axis=m - 1 + i)
        off01 = np.take(np.take(tensor, 0, axis=i), 1, axis=m - 1 + i)
        off10 = np.take(np.take(tensor, 1, axis=i), 0, axis=m - 1 + i)
        if np.allclose(diag0, diag1, atol=1e-12) and np.allclose(off01, 0, atol=1e-12) and np.allclose(off10, 0, atol=1e-12):
            tensor = diag0
            kept.remove(k)
    size = 2 ** len(kept)
    return tensor.reshape(size, size), tuple(qubits[k] for k in kept)


def _decompose(gate: Gate) -> list[tuple[Any, ...]]:
    """A fixed gate with no ZX form of its own, through pytket's synthesis
    into CX, Rz and Rx (up to a global phase)."""
    from pytket import Circuit, OpType
    from pytket.circuit import Unitary1qBox, Unitary2qBox, Unitary3qBox
    from pytket.passes import AutoRebase, DecomposeBoxes

    boxes = {1: Unitary1qBox, 2: Unitary2qBox, 3: Unitary3qBox}
    n = len(gate.qubits)
    if gate.matrix is None or n not in boxes:
        raise ConfigError(f"gate {gate.name} on {n} qubits has no ZX translation; give gates on at most 3 qubits with a matrix")
    # pytket orders basis states big-endian as the ParamCircuit does
    circuit = Circuit(n).add_gate(boxes[n](np.asarray(gate.matrix, dtype=complex)), list(range(n)))
    DecomposeBoxes().apply(circuit)
    AutoRebase({OpType.CX, OpType.Rz, OpType.Rx}).apply(circuit)
    prims: list[tuple[Any, ...]] = []
    for cmd in circuit.get_commands():
        qs = [q.index[0] for q in cmd.qubits]
        kind = cmd.op.type
        if kind == OpType.CX:
            prims.append(("CX", qs[0], qs[1]))
        else:
            prims.append(("Z" if kind == OpType.Rz else "X", qs[0], to_fraction(float(cmd.op.params[0]))))
    return prims


class _Builder:
    """Lays spiders on wires, one qubit after another."""

    def __init__(self, n_qubits: int) -> None:
        self.g: BaseGraph = pyzx.Graph()
        self.wire: list[int] = []
        self.hadamard = [False] * n_qubits
        self.row = [1] * n_qubits
        for q in range(n_qubits):  # |0> is an X spider over sqrt(2)
            self.wire.append(self.g.add_vertex(VertexType.X, q, 0))
        self.g.scalar.add_power(-n_qubits)

    def spider(self, q: int, kind: VertexType, phase: Any = 0) -> int:
        v = self.g.add_vertex(kind, q, self.row[q], phase)
        self.row[q] += 1
        self.g.add_edge((self.wire[q], v), EdgeType.HADAMARD if self.hadamard[q] else EdgeType.SIMPLE)
        self.wire[q], self.hadamard[q] = v, False
        return v

    def add(self, prim: tuple[Any, ...], qubits: tuple[int, ...], phase: Phase | None) -> None:
        op = prim[0]
        if op == "POW2":
            self.g.scalar.add_power(prim[1])
            return
        if op in ("Z", "X"):
            q = qubits[prim[1]]
            value = prim[2]
            if isinstance(value, tuple):  # ("phase", factor): the gate's own angle
                assert phase is not None
                value = _poly(phase, value[1], self.g)
            self.spider(q, VertexType.Z if op == "Z" else VertexType.X, value)
        elif op == "H":
            q = qubits[prim[1]]
            self.hadamard[q] = not self.hadamard[q]
        elif op in ("CX", "CZ"):
            a, b = qubits[prim[1]], qubits[prim[2]]
            u = self.spider(a, VertexType.Z)
            v = self.spider(b, VertexType.X if op == "CX" else VertexType.Z)
            self.g.add_edge((u, v), EdgeType.SIMPLE if op == "CX" else EdgeType.HADAMARD)
            self.g.scalar.add_power(1)
        elif op == "SWAP":
            a, b = qubits[prim[1]], qubits[prim[2]]
            self.wire[a], self.wire[b] = self.wire[b], self.wire[a]
            self.hadamard[a], self.hadamard[b] = self.hadamard[b], self.hadamard[a]
        elif op == "GADGET":
            assert phase is not None
            targets = [self.spider(qubits[i], VertexType.Z) for i in prim[1]]
            row = max(self.g.row(t) for t in targets)
            hub = self.g.add_vertex(VertexType.Z, -1, row, 0)
            leaf = self.g.add_vertex(VertexType.Z, -2, row, _poly(phase, prim[2][1], self.g))
            for t in targets:
                self.g.add_edge((hub, t), EdgeType.HADAMARD)
            self.g.add_edge((hub, leaf), EdgeType.HADAMARD)
        else:  # pragma: no cover - the tables above name every primitive
            raise AssertionError(op)

    def end(self, q: int) -> int:
        """An output boundary at the end of wire ``q``."""
        b = self.g.add_vertex(VertexType.BOUNDARY, q, self.row[q])
        self.g.add_edge((self.wire[q], b), EdgeType.HADAMARD if self.hadamard[q] else EdgeType.SIMPLE)
        return b


def to_zx(circuit: ParamCircuit) -> ZXCircuit:
    """The ZX diagram of a circuit, with symbolic phases.

    Parameters
    ----------
    circuit : ParamCircuit
        Kets, gates, post-selections, discards and outputs.

    Returns
    -------
    ZXCircuit
        A fresh graph: rewriting it never touches ``circuit``.

    Raises
    ------
    ConfigError
        If a qubit is used after it is measured, is neither kept,
        post-selected nor discarded, or a gate has no ZX translation.

    >>> from qnlp.functor.circuit import Gate, ParamCircuit, Phase
    >>> zx = to_zx(ParamCircuit(1, (Gate("Rx", (0,), Phase.of_symbol("a")),), outputs=(0,)))
    >>> zx.graph.num_vertices(), zx.n_outputs
    (3, 1)
    """
    ends = [q for q, _ in circuit.post_selection] + list(circuit.discarded) + list(circuit.outputs)
    if sorted(ends) != list(range(circuit.n_qubits)):
        raise ConfigError(
            f"every qubit must be exactly once an output, post-selected or discarded; got outputs "
            f"{circuit.outputs}, post-selection {circuit.post_selection}, discarded {circuit.discarded} "
            f"on {circuit.n_qubits} qubits"
        )
    build = _Builder(circuit.n_qubits)
    for gate in circuit.gates:
        if any(not 0 <= q < circuit.n_qubits for q in gate.qubits):
            raise ConfigError(f"gate {gate.name} acts on qubits {gate.qubits} outside 0..{circuit.n_qubits - 1}")
        gate = _narrow(gate)
        for prim in _primitives(gate):
            build.add(prim, gate.qubits, gate.phase)
    for q, bit in circuit.post_selection:  # <bit| is an X effect over sqrt(2)
        build.spider(q, VertexType.X, Fraction(int(bit)))
        build.g.scalar.add_power(-1)
    outputs = [build.end(q) for q in circuit.outputs] + [build.end(q) for q in circuit.discarded]
    build.g.set_outputs(tuple(outputs))
    return ZXCircuit(build.g, len(circuit.outputs), float(circuit.scalar))
