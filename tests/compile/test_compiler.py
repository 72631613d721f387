"""compile and compile_many: inputs, options, one compilation per shape,
and gradients that survive compilation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import qnlp.compile.compiler as compiler
from qnlp.backends import ExactBackend
from qnlp.compile import CompileOptions, compile, compile_many
from qnlp.errors import ConfigError
from qnlp.functor import Ansatz

from compile_helpers import probabilities


def test_compile_takes_circuits_lambeq_circuits_and_diagrams(transitive_diagram):
    from lambeq import IQPAnsatz
    from lambeq.backend.grammar import Ty

    ansatz = Ansatz({"n": 1, "s": 1})
    from_param = compile(ansatz(transitive_diagram))
    from_lambeq = compile(IQPAnsatz({Ty("n"): 1, Ty("s"): 1}, n_layers=1)(transitive_diagram))
    from_diagram = compile(transitive_diagram, ansatz=ansatz)
    assert from_param.metrics == from_lambeq.metrics == from_diagram.metrics
    assert from_param.metrics.post_selected < len(ansatz(transitive_diagram).post_selection)


def test_bad_inputs_are_config_errors(transitive_diagram):
    with pytest.raises(ConfigError, match="needs an ansatz"):
        compile(transitive_diagram)
    with pytest.raises(ConfigError, match="cannot compile a str"):
        compile("man cooks dinner")


def test_compile_many_compiles_each_shape_once(transitive_diagram, relative_diagram, monkeypatch):
    ansatz = Ansatz({"n": 1, "s": 1})
    circuits = [ansatz(transitive_diagram), ansatz(relative_diagram), ansatz(transitive_diagram)]
    calls = []
    real = compiler.compile
    monkeypatch.setattr(compiler, "compile", lambda c, *a, **k: calls.append(c) or real(c, *a, **k))
    many = compile_many(circuits)
    assert len(calls) == 2  # two shapes
    assert all(s.startswith("__qnlp_phase_") for c in calls for s in c.symbols)
    for circuit, compiled in zip(circuits, many):
        assert set(compiled.symbols) <= set(circuit.symbols)
        values = {s: 0.2 + 0.13 * i for i, s in enumerate(circuit.symbols)}
        np.testing.assert_allclose(probabilities(compiled.to_param_circuit(), values), probabilities(circuit, values), atol=1e-12)


def test_compile_many_substitutes_each_circuits_own_phases(transitive_diagram):
    from lambeq.backend.grammar import Cup, Diagram, Ty, Word

    n, s = Ty("n"), Ty("s")
    other = Diagram.create_pregroup_diagram(
        [Word("woman", n), Word("eats", n.r @ s @ n.l), Word("fresh", n @ n.l), Word("bread", n)],
        [(Cup, 0, 1), (Cup, 5, 6), (Cup, 3, 4)],
    )
    ansatz = Ansatz({"n": 1, "s": 1})
    first, second = ansatz(transitive_diagram), ansatz(other)
    assert first.shape_key() == second.shape_key() and first.symbols != second.symbols
    compiled = compile_many([first, second])
    assert set(compiled[1].symbols) == set(second.symbols)
    values = {sym: 0.1 * i for i, sym in enumerate(second.symbols)}
    np.testing.assert_allclose(probabilities(compiled[1].to_param_circuit(), values), probabilities(second, values), atol=1e-12)


def test_gradients_through_the_compiled_circuit_are_exact(relative_diagram):
    circuit = Ansatz({"n": 1, "s": 1})(relative_diagram)
    compiled = compile(circuit).to_param_circuit()
    symbols = list(circuit.symbols)
    grads = []
    for c in (circuit, compiled):
        theta = torch.tensor(np.linspace(0.1, 1.9, len(symbols)), dtype=torch.float64, requires_grad=True)
        probs = ExactBackend().prepare([c], symbols).probabilities(theta)[0]
        (probs[0] / probs.sum()).backward()
        grads.append(theta.grad)
    torch.testing.assert_close(grads[1], grads[0], atol=1e-10, rtol=0)


def test_options_are_validated_early():
    options = CompileOptions(gate_set=["CX", "Rz", "Rx"], clifford=False)
    assert options.gate_set == ("CX", "Rz", "Rx")
    with pytest.raises(ConfigError):
        CompileOptions(gate_set=())


def test_compile_for_a_pytket_backend(transitive_diagram):
    from pytket.extensions.qiskit import AerBackend

    backend = AerBackend()
    compiled = compile(Ansatz({"n": 1, "s": 1})(transitive_diagram), backend=backend)
    values = {s: 0.4 for s in compiled.symbols}
    assert backend.valid_circuit(compiled.to_tk(values, measure=True))
