"""Flattening lambeq circuits into ParamCircuits keeps their meaning."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from lambeq import IQPAnsatz, Sim4Ansatz, Sim14Ansatz, Sim15Ansatz
from lambeq.backend import quantum as q
from lambeq.backend.grammar import Ty

from qnlp.backends import ExactBackend
from qnlp.errors import ConfigError
from qnlp.functor import Ansatz, Phase, from_lambeq

N, S = Ty("n"), Ty("s")


@pytest.mark.parametrize(
    "ansatz, qubits",
    [(IQPAnsatz, {N: 1, S: 1}), (IQPAnsatz, {N: 2, S: 1}), (IQPAnsatz, {N: 1, S: 0}),
     (Sim14Ansatz, {N: 1, S: 1}), (Sim15Ansatz, {N: 2, S: 1}), (Sim4Ansatz, {N: 1, S: 1})],
)
@pytest.mark.parametrize("which", ["transitive_diagram", "relative_diagram"])
def test_flat_circuit_has_lambeq_amplitudes(ansatz, qubits, which, request):
    diagram = request.getfixturevalue(which)
    circuit = ansatz(qubits, n_layers=2)(diagram)
    symbols = sorted(circuit.free_symbols, key=lambda s: s.name)
    values = np.random.default_rng(1).uniform(0, 1, len(symbols))
    expected = np.abs(np.asarray(circuit.lambdify(*symbols)(*values).eval()).reshape(-1)) ** 2
    flat = from_lambeq(circuit)
    got = ExactBackend().prepare([flat], [s.name for s in symbols]).probabilities(torch.tensor(values))[0]
    np.testing.assert_allclose(got.numpy(), expected, atol=1e-12)


def test_cups_become_post_selections(transitive_diagram):
    circuit = Ansatz({"n": 1, "s": 1})(transitive_diagram)
    # 4 words with 1 + 3 + 2 + 1 qubits; 3 cups post-select 6 of them
    assert circuit.n_qubits == 7
    assert len(circuit.post_selection) == 6
    assert len(circuit.outputs) == 1
    assert circuit.metrics["post_selected"] == 6


def test_symbols_are_named_by_word_type_and_position(transitive_diagram):
    symbols = Ansatz({"n": 1, "s": 1})(transitive_diagram).symbols
    assert "man__n_0" in symbols
    assert any(s.startswith("cooks__n.r@s@n.l_") for s in symbols)
    assert list(symbols) == sorted(symbols)


def test_same_structure_gives_same_shape(transitive_diagram):
    from lambeq.backend.grammar import Cup, Diagram, Word

    words = [Word("woman", N), Word("bakes", N.r @ S @ N.l), Word("sweet", N @ N.l), Word("cake", N)]
    other = Diagram.create_pregroup_diagram(words, [(Cup, 0, 1), (Cup, 5, 6), (Cup, 3, 4)])
    ansatz = Ansatz({"n": 1, "s": 1})
    a, b = ansatz(transitive_diagram), ansatz(other)
    assert a.shape_key() == b.shape_key()
    assert a.symbols != b.symbols


def test_phase_from_lambeq_symbol_and_sympy():
    import sympy

    from lambeq.backend.symbol import Symbol

    assert Phase.from_expr(Symbol("a", scale=0.5), 2.0) == Phase((("a", 1.0),), 0.0)
    x, y = sympy.symbols("x y")
    assert Phase.from_expr(2 * x - y + 0.25, 1.0) == Phase((("x", 2.0), ("y", -1.0)), 0.25)
    with pytest.raises(ConfigError, match="not linear"):
        Phase.from_expr(x * y, 1.0)


def test_unsupported_boxes_are_refused():
    with pytest.raises(ConfigError, match="classical"):
        from_lambeq(q.Ket(0) >> q.Measure())


def test_missing_qubit_count_is_named(transitive_diagram):
    with pytest.raises(ConfigError, match="no qubit count for type"):
        Ansatz({"n": 1})(transitive_diagram)


@pytest.mark.parametrize("bad", [{"kind": "nope"}, {"n_layers": 0}])
def test_bad_ansatz_settings(transitive_diagram, bad):
    settings = {"qubits": {"n": 1, "s": 1}, **bad}
    with pytest.raises(ConfigError):
        Ansatz(**settings)(transitive_diagram)
