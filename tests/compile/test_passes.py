"""pytket passes keep every angle linear: shielding, levels, the rebase."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from pytket import Circuit, OpType

from qnlp.compile import CompileOptions, compile
from qnlp.compile.passes import LEVELS, _shield, _unshield, check_linear, merge_hadamards, optimise, rebase_pass, two_qubit_count
from qnlp.errors import BackendError, ConfigError
from qnlp.functor import Ansatz

from compile_helpers import probabilities

a, b = sympy.symbols("a b")


def test_every_level_keeps_angles_linear_and_the_distribution(transitive_diagram):
    circuit = Ansatz({"n": 1, "s": 1})(transitive_diagram)
    values = {s: 0.1 + 0.17 * i for i, s in enumerate(circuit.symbols)}
    expected = probabilities(circuit, values)
    for level in LEVELS:
        compiled = compile(circuit, CompileOptions(optimisation=level))
        check_linear(compiled.circuit)
        np.testing.assert_allclose(probabilities(compiled.to_param_circuit(), values), expected, atol=1e-12)


def test_full_peephole_would_break_linearity_without_the_shield():
    from pytket.passes import FullPeepholeOptimise

    circuit = Circuit(1).H(0).Rz(a, 0).H(0).Rz(b, 0).H(0)
    raw = circuit.copy()
    FullPeepholeOptimise().apply(raw)
    with pytest.raises(BackendError, match="not linear"):
        check_linear(raw)
    check_linear(optimise(circuit, "full", rebase_pass(["CX", "H", "Rx", "Rz"])))


def test_shield_round_trip_keeps_the_commands():
    circuit = Circuit(2).Rz(a + 1, 0).CX(0, 1).Rx(0.5, 1).add_gate(OpType.CRz, [2 * b], [0, 1])
    shielded = _shield(circuit)
    assert all(cmd.op.type in (OpType.CustomGate, OpType.CX, OpType.Rx) for cmd in shielded)
    assert [str(c) for c in _unshield(shielded)] == [str(c) for c in circuit]


def test_hadamard_rz_hadamard_becomes_rx():
    circuit = Circuit(2).H(0).Rz(a, 0).CX(1, 0).H(1).Rz(b, 1).H(1)
    merged = merge_hadamards(circuit)
    assert [str(c) for c in merged] == ["H q[0];", "Rz(a) q[0];", "CX q[1], q[0];", "Rx(b) q[1];"]


def test_unknown_level_and_gate_set_are_config_errors():
    with pytest.raises(ConfigError, match="optimisation level"):
        CompileOptions(optimisation="max")
    with pytest.raises(ConfigError, match="optimisation level"):
        optimise(Circuit(1), "max", rebase_pass(["CX", "Rz", "Rx"]))
    with pytest.raises(ConfigError, match="gate set"):
        rebase_pass(["NotAGate"])
    with pytest.raises(ConfigError, match="gate_set"):
        CompileOptions(gate_set="CX")


def test_two_qubit_gates_are_counted_as_cx():
    circuit = Circuit(2).CZ(0, 1).add_gate(OpType.CRz, [a], [0, 1])
    assert two_qubit_count(circuit) == 3


def test_rebase_to_another_gate_set(transitive_diagram):
    circuit = Ansatz({"n": 1, "s": 1})(transitive_diagram)
    compiled = compile(circuit, CompileOptions(gate_set=("CZ", "Rz", "Rx")))
    assert {cmd.op.type for cmd in compiled.circuit} <= {OpType.CZ, OpType.Rz, OpType.Rx}
    assert compiled.metrics.two_qubit_gates == sum(cmd.op.type == OpType.CZ for cmd in compiled.circuit)
