"""The plain translation of a ParamCircuit into pytket, gate for gate.

This is what lambeq's ``to_tk`` does: the same kets, gates and
post-selections. The compiler keeps it as a fallback candidate, so that it
never returns a circuit that costs more than its input (ZX extraction wins
on every QNLP circuit measured; on dense random circuits it sometimes needs
an extra qubit).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import sympy
from pytket import Circuit, OpType
from pytket.circuit import Op, Unitary1qBox, Unitary2qBox, Unitary3qBox

from qnlp.compile.extract import Extracted
from qnlp.compile.zx import strip_identities
from qnlp.errors import ConfigError
from qnlp.functor.circuit import PARAMETRISED_GATES, Gate, ParamCircuit, Phase

__all__ = ["phase_expr", "phase_of", "to_tk"]

logger = logging.getLogger(__name__)

_BOXES = {1: Unitary1qBox, 2: Unitary2qBox, 3: Unitary3qBox}


def phase_expr(phase: Phase) -> sympy.Expr:
    """A :class:`Phase` as a sympy expression in half-turns.

    >>> phase_expr(Phase((("a", 2.0),), 0.5))
    2.0*a + 0.5
    """
    terms = [sympy.Float(c) * sympy.Symbol(n) for n, c in phase.terms]
    return sympy.Add(*terms, sympy.Float(phase.const)) if phase.const else sympy.Add(*terms)


def phase_of(expr: Any) -> Phase:
    """A sympy expression (or number) that is linear in its symbols, as a
    :class:`Phase`; faster than building a polynomial.

    Raises
    ------
    ConfigError
        If the expression is not linear in its symbols.

    >>> phase_of(sympy.sympify("2*a - b/2 + 0.25"))
    Phase(terms=(('a', 2.0), ('b', -0.5)), const=0.25)
    """
    expr = sympy.sympify(expr)
    pairs = expr.as_coefficients_dict()
    if any(not (t == 1 or isinstance(t, sympy.Symbol)) for t in pairs):
        pairs = sympy.expand(expr).as_coefficients_dict()
    const, terms = 0.0, {}
    for term, coeff in pairs.items():
        if not coeff.is_number:
            raise ConfigError(f"phase {expr} is not linear in its symbols")
        if term == 1:
            const += float(coeff)
        elif isinstance(term, sympy.Symbol):
            terms[str(term)] = terms.get(str(term), 0.0) + float(coeff)
        else:
            raise ConfigError(f"phase {expr} is not linear in its symbols; only linear phases keep gradients exact")
    return Phase(tuple(sorted((n, c) for n, c in terms.items() if c != 0)), const)


def _fixed(gate: Gate) -> tuple[Op | None, list[int]]:
    """pytket's op of the same name if its matrix agrees up to a phase."""
    try:
        op = Op.create(OpType.from_name(gate.name))
        matrix = np.asarray(op.get_unitary())
    except (KeyError, RuntimeError, ValueError, AttributeError):
        return None, list(gate.qubits)
    given = np.asarray(gate.matrix)
    if given.shape == matrix.shape:
        overlap = np.vdot(matrix, given)
        if abs(overlap) > 1e-9 and np.allclose(given, matrix * overlap / abs(overlap), atol=1e-9):
            return op, list(gate.qubits)
    return None, list(gate.qubits)


def to_tk(circuit: ParamCircuit) -> Extracted:
    """The circuit as a pytket circuit with its post-selections, unchanged.

    Raises
    ------
    ConfigError
        If a fixed gate has no matrix or acts on more than three qubits.
    """
    tk = Circuit(circuit.n_qubits)
    for gate in circuit.gates:
        qubits = list(gate.qubits)
        if gate.name in PARAMETRISED_GATES:
            assert gate.phase is not None
            tk.add_gate(OpType.from_name(gate.name), [phase_expr(gate.phase)], qubits)
            continue
        if gate.matrix is None:
            raise ConfigError(f"gate {gate.name} on {gate.qubits} has neither a phase nor a matrix")
        matrix, narrow = strip_identities(gate.matrix, gate.qubits)
        gate, qubits = Gate(gate.name, narrow, None, matrix), list(narrow)
        op, _ = _fixed(gate)
        if op is not None:
            tk.add_gate(op, qubits)
        elif len(qubits) in _BOXES:
            tk.add_gate(_BOXES[len(qubits)](np.asarray(gate.matrix, dtype=complex)), qubits)
        else:
            raise ConfigError(f"gate {gate.name} acts on {len(qubits)} qubits; fixed gates on at most 3 qubits are supported")
    return Extracted(tk, dict(circuit.post_selection), circuit.outputs, circuit.discarded, float(circuit.scalar))
