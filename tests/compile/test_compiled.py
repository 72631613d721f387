"""CompiledCircuit: the simulator's view, survival probability, shots'
view, and metrics as plain data."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from pytket import Circuit, OpType

from qnlp.compile import CompiledCircuit, Metrics, compile
from qnlp.errors import ConfigError, DataError
from qnlp.functor import Ansatz

from compile_helpers import probabilities


@pytest.fixture
def compiled_pair(transitive_diagram):
    circuit = Ansatz({"n": 1, "s": 1})(transitive_diagram)
    return circuit, compile(circuit)


def test_to_param_circuit_runs_on_the_exact_backend(compiled_pair):
    circuit, compiled = compiled_pair
    values = {s: 0.3 + 0.1 * i for i, s in enumerate(circuit.symbols)}
    param = compiled.to_param_circuit()
    assert param.n_qubits == compiled.metrics.qubits and len(param.post_selection) == compiled.metrics.post_selected
    np.testing.assert_allclose(probabilities(param, values), probabilities(circuit, values), atol=1e-12)


def test_survival_probability_is_exact(compiled_pair):
    circuit, compiled = compiled_pair
    values = {s: 0.7 - 0.05 * i for i, s in enumerate(circuit.symbols)}
    # the compiled circuit's own post-selected weight, without the scalar
    expected = probabilities(compiled.to_param_circuit(), values).sum() / compiled.scalar**2
    assert compiled.survival_probability(values) == pytest.approx(expected, rel=1e-10)
    uncompiled = probabilities(circuit, values).sum() / circuit.scalar**2
    assert compiled.survival_probability(values) > uncompiled  # fewer post-selections, more shots survive


def test_to_tk_substitutes_and_measures(compiled_pair):
    circuit, compiled = compiled_pair
    values = {s: 0.5 for s in circuit.symbols}
    measured = compiled.to_tk(values, measure=True)
    assert not measured.free_symbols()
    assert len(measured.get_c_register("out")) == len(compiled.outputs)
    assert len(measured.get_c_register("post")) == len(compiled.post_selection)
    assert compiled.circuit.free_symbols()  # the compiled circuit itself is untouched
    with pytest.raises(ConfigError, match="no values"):
        compiled.to_tk({})


def test_postselect_keeps_matching_shots(compiled_pair):
    _, compiled = compiled_pair
    n_post = len(compiled.post_selection)
    counts = {(0,) + (0,) * n_post: 5, (1,) + (0,) * n_post: 3, (1,) + (1,) * n_post: 7}
    assert compiled.postselect(counts) == {(0,): 5, (1,): 3}


def test_metrics_are_plain_data(compiled_pair):
    _, compiled = compiled_pair
    data = compiled.metrics.to_dict()
    assert set(data) == {"qubits", "two_qubit_gates", "depth", "post_selected", "gates", "rewrites", "route"}
    assert isinstance(data["rewrites"], dict) and data["route"] == "zx"
    assert compiled.symbols == tuple(sorted(compiled.symbols))


def test_compiled_circuits_round_trip_through_json(compiled_pair):
    import json

    _, compiled = compiled_pair
    again = CompiledCircuit.from_dict(json.loads(json.dumps(compiled.to_dict())))
    assert again == compiled and again.circuit == compiled.circuit
    with pytest.raises(DataError, match="not a compiled circuit"):
        CompiledCircuit.from_dict({"circuit": {}})


def test_symbolic_gates_the_simulator_lacks_are_config_errors():
    circuit = Circuit(2).add_gate(OpType.ZZPhase, [sympy.Symbol("a")], [0, 1])
    compiled = CompiledCircuit(circuit, {}, (0, 1), (), 1.0, Metrics(2, 2, 1, 0, 1))
    with pytest.raises(ConfigError, match="symbolic angle"):
        compiled.to_param_circuit()
