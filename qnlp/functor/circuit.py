"""ParamCircuit: a quantum circuit with symbolic parameters, as plain data.

Every later stage (compilation, simulation, shots) reads this one form. It is
the circuit of a whole diagram laid flat: every qubit starts in ``|0>``, gates
act in order, and at the end each qubit is either post-selected on a bit,
discarded (traced out) or kept as an output, in the order of the diagram's
codomain. Flattening a lambeq quantum diagram into this form follows its wires
through kets, gates, swaps and bras, so cups become post-selections.

Angles use pytket's convention, in half-turns: ``Rz(a) = exp(-i*pi*a*Z/2)``.
A gate's angle is a :class:`Phase`, a linear combination of named symbols plus
a constant, so that rewrites that add phases keep exact gradients.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from qnlp.errors import ConfigError

__all__ = ["Phase", "Gate", "ParamCircuit", "from_lambeq", "PARAMETRISED_GATES"]

#: Gates whose matrix is a function of one angle; the rest carry a fixed matrix.
PARAMETRISED_GATES = frozenset({"Rx", "Ry", "Rz", "CRx", "CRy", "CRz"})

# lambeq's rotations turn by 2*pi*phase, pytket's by pi*phase.
_LAMBEQ_ANGLE_FACTOR = {"Rx": 2.0, "Ry": 2.0, "Rz": 2.0}


@dataclass(frozen=True)
class Phase:
    """``const + sum(coeff * symbol)``, an angle in half-turns.

    >>> Phase.of_symbol("a", 2.0).value({"a": 0.25})
    0.5
    """

    terms: tuple[tuple[str, float], ...] = ()
    const: float = 0.0

    @classmethod
    def of_symbol(cls, name: str, coeff: float = 1.0) -> Phase:
        return cls(((name, coeff),))

    @classmethod
    def from_expr(cls, value: Any, factor: float = 1.0) -> Phase:
        """A lambeq symbol (name and scale), a number or a linear sympy
        expression, times ``factor``.

        Raises
        ------
        ConfigError
            If the expression is not linear in its symbols.
        """
        if hasattr(value, "scale") and hasattr(value, "name"):  # lambeq.backend.symbol.Symbol
            return cls(((value.name, float(value.scale) * factor),))
        expr = sympy.sympify(value)
        if not expr.free_symbols:
            return cls((), float(expr) * factor)
        symbols = sorted(expr.free_symbols, key=str)
        poly = sympy.Poly(expr, *symbols)
        if poly.total_degree() > 1:
            raise ConfigError(f"phase {expr} is not linear in its symbols; only linear phases are supported")
        terms = tuple((str(sym), float(poly.coeff_monomial(sym)) * factor) for sym in symbols)
        return cls(terms, float(poly.coeff_monomial(1)) * factor)

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.terms)

    def value(self, values: dict[str, float]) -> float:
        """The angle at the given symbol values."""
        return self.const + sum(coeff * values[name] for name, coeff in self.terms)

    def scaled(self, factor: float) -> Phase:
        return Phase(tuple((n, c * factor) for n, c in self.terms), self.const * factor)


@dataclass(frozen=True)
class Gate:
    """One gate: a name (pytket's op name), the qubits it acts on, and either a
    :class:`Phase` (for :data:`PARAMETRISED_GATES`) or a fixed matrix."""

    name: str
    qubits: tuple[int, ...]
    phase: Phase | None = None
    matrix: np.ndarray | None = field(default=None, compare=False, repr=False)

    def shape_key(self) -> tuple[Any, ...]:
        """What a compiled contraction depends on: everything but symbol names,
        coefficients and constants."""
        if self.phase is not None:
            return (self.name, self.qubits, len(self.phase.terms))
        assert self.matrix is not None
        return (self.name, self.qubits, self.matrix.tobytes())


@dataclass(frozen=True)
class ParamCircuit:
    """A flat circuit over ``n_qubits`` qubits, all starting in ``|0>``.

    Attributes
    ----------
    n_qubits : int
        How many qubits the circuit uses.
    gates : tuple of Gate
        The gates in order.
    post_selection : tuple of (qubit, bit)
        Qubits post-selected at the end, with the bit each must show.
    discarded : tuple of int
        Qubits traced out at the end.
    outputs : tuple of int
        Qubits kept, in the order of the diagram's codomain.
    scalar : float
        Global scalar factor of the diagram (irrelevant once outputs are
        renormalised; kept for exact amplitudes).
    """

    n_qubits: int
    gates: tuple[Gate, ...]
    post_selection: tuple[tuple[int, int], ...] = ()
    discarded: tuple[int, ...] = ()
    outputs: tuple[int, ...] = ()
    scalar: float = 1.0

    @property
    def symbols(self) -> tuple[str, ...]:
        """The names of the free symbols, sorted."""
        return tuple(sorted({s for g in self.gates if g.phase for s in g.phase.symbols}))

    def shape_key(self) -> tuple[Any, ...]:
        """Circuits with equal keys differ only in their symbols' names and
        phase coefficients, so they can be evaluated as one batch."""
        return (
            self.n_qubits,
            tuple(g.shape_key() for g in self.gates),
            self.post_selection,
            self.discarded,
            self.outputs,
        )

    @property
    def metrics(self) -> dict[str, int]:
        """Hardware cost: qubits, two-qubit gates, post-selected qubits."""
        return {
            "qubits": self.n_qubits,
            "gates": len(self.gates),
            "two_qubit_gates": sum(len(g.qubits) == 2 for g in self.gates),
            "post_selected": len(self.post_selection),
        }


def _gate(box: Any, qubits: list[int]) -> Gate:
    """Translate one lambeq quantum box acting on ``qubits``."""
    from lambeq.backend import quantum as q

    if isinstance(box, q.Controlled) and isinstance(box.controlled, (q.Rx, q.Ry, q.Rz)):
        if len(box.controlled.dom) != 1:
            raise ConfigError(f"unsupported controlled gate {box}")
        distance = box.distance
        control, target = (qubits[0], qubits[distance]) if distance > 0 else (qubits[-1], qubits[0])
        kind = type(box.controlled).__name__
        phase = Phase.from_expr(box.controlled.phase, _LAMBEQ_ANGLE_FACTOR[kind])
        return Gate("C" + kind, (control, target), phase)
    if isinstance(box, (q.Rx, q.Ry, q.Rz)):
        kind = type(box).__name__
        return Gate(kind, tuple(qubits), Phase.from_expr(box.phase, _LAMBEQ_ANGLE_FACTOR[kind]))
    if getattr(box, "free_symbols", None):
        raise ConfigError(f"unsupported parametrised gate {box}; use an ansatz built from Rx, Ry, Rz and their controlled forms")
    # lambeq stores arrays as (inputs, outputs): transpose to (outputs, inputs)
    matrix = np.asarray(box.array, dtype=complex).reshape(2 ** len(qubits), 2 ** len(qubits)).T
    name = box.name if box.name in {"H", "X", "Y", "Z", "S", "T", "CX", "CZ"} else "Unitary"
    return Gate(name, tuple(qubits), None, matrix)


def from_lambeq(circuit: Any) -> ParamCircuit:
    """Flatten a lambeq quantum diagram (as made by a lambeq ansatz) into a
    :class:`ParamCircuit`.

    Walks the diagram layer by layer, keeping for each open wire the qubit it
    carries: a ket opens new qubits, a bra post-selects, a swap exchanges two
    wires, a discard traces out, a scalar multiplies ``scalar``.

    Raises
    ------
    ConfigError
        If the diagram holds a box that is not a pure qubit operation
        (measurement, classical bits, non-linear phases).
    """
    from lambeq.backend import quantum as q

    if len(circuit.dom):
        raise ConfigError(f"circuit has open input wires ({circuit.dom}); give a diagram of a state")
    wires: list[int] = []
    gates: list[Gate] = []
    post_selection: list[tuple[int, int]] = []
    discarded: list[int] = []
    scalar = 1.0
    n_qubits = 0
    for layer in circuit.layers:
        box, offset = layer.box, len(layer.left)
        span = wires[offset : offset + len(box.dom)]
        if any(t != q.qubit for t in list(box.dom) + list(box.cod)):
            raise ConfigError(f"box {box} acts on classical bits; only pure qubit circuits are supported")
        if isinstance(box, q.Ket):
            new = list(range(n_qubits, n_qubits + len(box.cod)))
            n_qubits += len(new)
            gates.extend(Gate("X", (qb,), None, np.array([[0, 1], [1, 0]], dtype=complex)) for qb in new if box.bit)
            wires[offset:offset] = new
        elif isinstance(box, q.Bra):
            post_selection.extend((qb, int(box.bit)) for qb in span)
            del wires[offset : offset + len(span)]
        elif isinstance(box, q.Discard):
            discarded.extend(span)
            del wires[offset : offset + len(span)]
        elif isinstance(box, q.Swap):
            wires[offset], wires[offset + 1] = wires[offset + 1], wires[offset]
        elif isinstance(box, q.Scalar):
            scalar *= abs(complex(box.array))
        elif len(box.dom) == len(box.cod) and len(box.dom) > 0:
            gates.append(_gate(box, span))
        else:
            raise ConfigError(f"unsupported box {box} in circuit; only kets, bras, gates and discards are supported")
    return ParamCircuit(n_qubits, tuple(gates), tuple(post_selection), tuple(discarded), tuple(wires), scalar)
