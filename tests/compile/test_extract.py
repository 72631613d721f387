"""Extraction with post-selection: any circuit comes back as kets, a
unitary and post-selections with the same amplitudes (scalar included)."""

from __future__ import annotations

import numpy as np
import pytest
from pyzx.utils import VertexType

from qnlp.compile import CompileOptions, compile
from qnlp.compile.extract import extract
from qnlp.compile.rewrite import simplify
from qnlp.compile.zx import to_zx
from qnlp.errors import BackendError
from qnlp.functor.circuit import Gate, ParamCircuit, Phase

from compile_helpers import probabilities, random_circuit


@pytest.mark.parametrize("clifford", [True, False])
def test_random_circuits_keep_their_unnormalised_distribution(clifford):
    rng = np.random.default_rng(11 if clifford else 12)
    for _ in range(40):
        circuit = random_circuit(rng, int(rng.integers(1, 6)))
        zx = to_zx(circuit)
        simplify(zx.graph, clifford=clifford)
        extracted = extract(zx)
        compiled = compile(circuit, CompileOptions(clifford=clifford))
        values = {s: float(v) for s, v in zip(circuit.symbols, rng.uniform(0, 2, len(circuit.symbols)))}
        expected = probabilities(circuit, values)
        np.testing.assert_allclose(probabilities(compiled.to_param_circuit(), values), expected, atol=1e-10)
        assert all(bit == 0 for bit in extracted.post_selection.values())
        assert len(extracted.outputs) == len(circuit.outputs)


def test_compiling_never_costs_more_qubits_or_post_selections():
    rng = np.random.default_rng(3)
    for _ in range(40):
        circuit = random_circuit(rng, int(rng.integers(2, 6)))
        m = compile(circuit).metrics
        assert (m.post_selected, m.qubits) <= (len(circuit.post_selection), circuit.n_qubits)


def test_post_selected_diagram_comes_back_as_a_circuit():
    h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    gates = (
        Gate("Rx", (0,), Phase.of_symbol("a")),
        Gate("Ry", (1,), Phase.of_symbol("b")),
        Gate("CX", (0, 1), None, np.eye(4)[[0, 1, 3, 2]]),
        Gate("H", (0,), None, h),
        Gate("CRz", (1, 2), Phase.of_symbol("c")),
    )
    circuit = ParamCircuit(3, gates, post_selection=((0, 0), (1, 0)), outputs=(2,))
    compiled = compile(circuit)
    assert compiled.post_selection and set(compiled.post_selection.values()) == {0}
    assert set(compiled.post_selection) | set(compiled.outputs) == set(range(compiled.circuit.n_qubits))
    assert compiled.metrics.post_selected < 2


def test_a_pure_scalar_keeps_one_idle_qubit():
    circuit = ParamCircuit(2, (Gate("CX", (1, 0), None, np.eye(4)[[0, 1, 3, 2]]),), post_selection=((0, 0), (1, 0)))
    compiled = compile(circuit)
    assert compiled.circuit.n_qubits == 1 and compiled.discarded == (0,) and not compiled.post_selection
    np.testing.assert_allclose(probabilities(compiled.to_param_circuit(), {}), probabilities(circuit, {}))


def test_diagrams_with_inputs_are_refused():
    zx = to_zx(ParamCircuit(1, (), outputs=(0,)))
    g = zx.graph
    ket = next(v for v in g.vertices() if g.type(v) == VertexType.X)
    g.set_type(ket, VertexType.BOUNDARY)
    with pytest.raises(BackendError, match="inputs"):
        extract(zx)


def test_a_chain_of_rotations_stays_on_one_qubit():
    gates = tuple(Gate(name, (0,), Phase.of_symbol(f"a{i}")) for i, name in enumerate(["Rx", "Rz", "Rx", "Rz", "Rx"]))
    compiled = compile(ParamCircuit(1, gates, outputs=(0,)))
    assert compiled.metrics.qubits == 1 and compiled.metrics.two_qubit_gates == 0
    assert [cmd.op.type.name for cmd in compiled.circuit] == ["Rx", "Rz", "Rx", "Rz", "Rx"]
