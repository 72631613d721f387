"""ParamCircuit -> ZX: every gate's diagram has the simulator's amplitudes,
scalars included, and phases stay symbolic and linear."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy
from pyzx.symbolic import Poly, new_var

from qnlp.compile.zx import strip_identities, to_fraction, to_sympy, to_zx
from qnlp.errors import ConfigError
from qnlp.functor.circuit import Gate, ParamCircuit, Phase

from compile_helpers import probabilities

H = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
a, b = Phase.of_symbol("a"), Phase((("b", 2.0),), 0.25)


def zx_probabilities(circuit: ParamCircuit, values: dict[str, float]) -> np.ndarray:
    """Output probabilities of the ZX diagram, by pyzx's tensor contraction."""
    zx = to_zx(circuit)
    g = zx.graph.substitute_variables({k: Fraction(v) for k, v in values.items()})
    for v in g.vertices():
        if isinstance(g.phase(v), Poly):
            g.set_phase(v, sum((Fraction(c) for c, _ in g.phase(v).terms), Fraction(0)))
    amplitudes = np.asarray(g.to_tensor(preserve_scalar=True, strategy="naive")).reshape(-1) * zx.scalar
    return (np.abs(amplitudes) ** 2).reshape(2 ** zx.n_outputs, -1).sum(-1)


def _prep(n: int) -> tuple[Gate, ...]:
    """Generic single-qubit states, so that every gate is seen on a superposition."""
    return tuple(g for q in range(n) for g in (Gate("Ry", (q,), Phase.of_symbol(f"p{q}")), Gate("Rz", (q,), Phase.of_symbol(f"r{q}"))))


GATES = [
    Gate("Rx", (0,), a),
    Gate("Ry", (0,), b),
    Gate("Rz", (0,), a),
    Gate("CRx", (0, 1), a),
    Gate("CRy", (1, 0), b),
    Gate("CRz", (0, 1), b),
    Gate("H", (0,), None, H),
    Gate("X", (0,), None, np.array([[0, 1], [1, 0]])),
    Gate("Y", (0,), None, np.array([[0, -1j], [1j, 0]])),
    Gate("Z", (0,), None, np.diag([1, -1])),
    Gate("S", (0,), None, np.diag([1, 1j])),
    Gate("Sdg", (0,), None, np.diag([1, -1j])),
    Gate("T", (0,), None, np.diag([1, np.exp(1j * np.pi / 4)])),
    Gate("CX", (1, 0), None, np.eye(4)[[0, 1, 3, 2]]),
    Gate("CZ", (0, 1), None, np.diag([1, 1, 1, -1])),
    Gate("SWAP", (0, 1), None, np.eye(4)[[0, 2, 1, 3]]),
    Gate("Unitary", (1,), None, np.array([[np.cos(0.3), -np.sin(0.3)], [np.sin(0.3), np.cos(0.3)]]) * np.exp(0.2j)),
    Gate("Unitary", (0, 1), None, np.kron(H, np.diag([1, 1j])) @ np.eye(4)[[0, 1, 3, 2]]),
    Gate("CX", (0, 1, 2), None, np.kron(np.eye(4)[[0, 1, 3, 2]], np.eye(2)).reshape(2, 2, 2, 2, 2, 2).transpose(0, 2, 1, 3, 5, 4).reshape(8, 8)),
]


@pytest.mark.parametrize("gate", GATES, ids=lambda g: f"{g.name}{len(g.qubits)}")
def test_gate_diagrams_match_the_simulator(gate):
    n = 3 if len(gate.qubits) == 3 else 2
    circuit = ParamCircuit(n, _prep(n) + (gate,), post_selection=((n - 1, 1),), outputs=tuple(range(n - 1)), scalar=1.3)
    values = {s: v for s, v in zip(circuit.symbols, np.random.default_rng(1).uniform(0, 2, len(circuit.symbols)))}
    np.testing.assert_allclose(zx_probabilities(circuit, values), probabilities(circuit, values), atol=1e-12)


def test_discarded_qubits_are_traced_out():
    circuit = ParamCircuit(2, _prep(2) + (Gate("CX", (0, 1), None, np.eye(4)[[0, 1, 3, 2]]),), discarded=(0,), outputs=(1,))
    values = {s: 0.37 * (i + 1) for i, s in enumerate(circuit.symbols)}
    np.testing.assert_allclose(zx_probabilities(circuit, values), probabilities(circuit, values), atol=1e-12)


def test_phases_stay_symbolic_and_linear():
    circuit = ParamCircuit(1, (Gate("Rz", (0,), Phase((("a", 2.0), ("b", -0.5)), 0.25)),), outputs=(0,))
    phases = [p for p in to_zx(circuit).graph.phases().values() if isinstance(p, Poly)]
    assert len(phases) == 1
    assert sympy.simplify(to_sympy(phases[0]) - sympy.sympify("2*a - b/2 + 1/4")) == 0


def test_to_sympy_refuses_nonlinear_phases():
    x = new_var("x", False)
    with pytest.raises(ConfigError, match="not linear"):
        to_sympy(x * x)


def test_to_fraction_keeps_dyadic_angles_exact():
    assert to_fraction(0.125) == Fraction(1, 8)
    assert float(to_fraction(0.3)) == 0.3


def test_strip_identities_finds_the_acting_qubits():
    cx = np.eye(4)[[0, 1, 3, 2]]
    wide = np.kron(np.eye(2), cx)
    matrix, qubits = strip_identities(wide, (4, 5, 6))
    assert qubits == (5, 6)
    np.testing.assert_allclose(matrix, cx)


def test_every_qubit_needs_one_role():
    with pytest.raises(ConfigError, match="exactly once"):
        to_zx(ParamCircuit(2, (), outputs=(0,)))


def test_unknown_parametrised_gate_is_refused():
    with pytest.raises(ConfigError, match="unknown parametrised gate"):
        to_zx(ParamCircuit(1, (Gate("Rw", (0,), a),), outputs=(0,)))


def test_gates_outside_the_circuit_are_refused():
    with pytest.raises(ConfigError, match="outside"):
        to_zx(ParamCircuit(1, (Gate("Rz", (3,), a),), outputs=(0,)))
