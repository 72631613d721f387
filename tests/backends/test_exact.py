"""Batched exact simulation: same numbers one by one or in batches, and
gradients that autograd gets right."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from qnlp.backends import ExactBackend, class_probabilities, qubits_for_classes
from qnlp.backends.exact import gate_tensor
from qnlp.errors import ConfigError
from qnlp.functor import Ansatz, Gate, ParamCircuit, Phase


@pytest.fixture
def circuits(transitive_diagram, relative_diagram):
    ansatz = Ansatz({"n": 1, "s": 1}, n_layers=2)
    return [ansatz(transitive_diagram), ansatz(relative_diagram), ansatz(transitive_diagram)]


def _symbols(circuits):
    return sorted({s for c in circuits for s in c.symbols})


def test_batch_equals_one_by_one(circuits):
    symbols = _symbols(circuits)
    theta = torch.tensor(np.random.default_rng(0).uniform(0, 2, len(symbols)))
    backend = ExactBackend()
    together = backend.prepare(circuits, symbols).probabilities(theta)
    for row, circuit in enumerate(circuits):
        alone = backend.prepare([circuit], symbols).probabilities(theta)[0]
        torch.testing.assert_close(together[row], alone)


def test_rows_select_and_order(circuits):
    symbols = _symbols(circuits)
    theta = torch.rand(len(symbols), dtype=torch.float64)
    batch = ExactBackend().prepare(circuits, symbols)
    full = batch.probabilities(theta)
    rows = torch.tensor([2, 0])
    torch.testing.assert_close(batch.probabilities(theta, rows), full[rows])


def test_autograd_matches_finite_differences(circuits):
    symbols = _symbols(circuits)
    batch = ExactBackend().prepare(circuits, symbols)
    theta = torch.rand(len(symbols), dtype=torch.float64, requires_grad=True)
    loss = class_probabilities(batch.probabilities(theta), 2)[:, 0].sum()
    (grad,) = torch.autograd.grad(loss, theta)
    eps = 1e-6
    for i in range(0, len(symbols), 5):
        shift = torch.zeros_like(theta)
        shift[i] = eps
        with torch.no_grad():
            up = class_probabilities(batch.probabilities(theta + shift), 2)[:, 0].sum()
            down = class_probabilities(batch.probabilities(theta - shift), 2)[:, 0].sum()
        assert float(grad[i]) == pytest.approx(float((up - down) / (2 * eps)), abs=1e-6)


def test_post_selection_is_renormalised():
    # Rx(a) turns by pi*a radians, so p(1) = sin^2(pi*a/2); qubit 1 is post-selected on 0
    circuit = ParamCircuit(
        2,
        (Gate("Rx", (0,), Phase.of_symbol("a")), Gate("Rx", (1,), Phase.of_symbol("b"))),
        post_selection=((1, 0),),
        outputs=(0,),
    )
    probs = ExactBackend().prepare([circuit], ["a", "b"]).probabilities(torch.tensor([0.5, 0.5]))
    p1 = np.sin(np.pi / 4) ** 2
    survive = np.cos(np.pi / 4) ** 2
    np.testing.assert_allclose(probs.numpy()[0], [(1 - p1) * survive, p1 * survive])
    np.testing.assert_allclose(class_probabilities(probs, 2).numpy()[0], [1 - p1, p1])


def test_discarded_qubits_are_traced_out():
    h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    cx = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])
    bell = ParamCircuit(2, (Gate("H", (0,), None, h), Gate("CX", (0, 1), None, cx)), discarded=(1,), outputs=(0,))
    probs = ExactBackend().prepare([bell], []).probabilities(torch.zeros(0))
    np.testing.assert_allclose(probs.numpy()[0], [0.5, 0.5])


def test_gate_tensors_are_unitary_and_periodic():
    angles = torch.tensor([0.0, 0.3, 1.7], dtype=torch.float64)
    for name in ["Rx", "Ry", "Rz", "CRx", "CRy", "CRz"]:
        u = gate_tensor(name, angles)
        eye = torch.eye(u.shape[-1], dtype=u.dtype).expand_as(u)
        torch.testing.assert_close(u @ u.conj().transpose(-1, -2), eye)
        # a rotation by 4 half-turns is the identity
        torch.testing.assert_close(gate_tensor(name, angles + 4), u)


def test_errors_name_the_problem(circuits):
    with pytest.raises(ConfigError, match="have no parameter"):
        ExactBackend().prepare(circuits, ["x"])
    with pytest.raises(ConfigError, match="no circuits"):
        ExactBackend().prepare([], [])
    lone = ParamCircuit(1, (Gate("Rx", (0,), Phase.of_symbol("a")),), outputs=())
    with pytest.raises(ConfigError, match="different numbers of output qubits"):
        ExactBackend().prepare([circuits[0], lone], _symbols(circuits) + ["a"])
    with pytest.raises(ConfigError, match="output qubits"):
        class_probabilities(torch.ones(1, 2), 3)


def test_qubits_for_classes():
    assert [qubits_for_classes(k) for k in (2, 3, 4, 5, 8, 9)] == [1, 2, 2, 3, 3, 4]


def test_programs_are_cached_per_shape(circuits):
    backend = ExactBackend()
    backend.prepare(circuits, _symbols(circuits))
    assert len(backend.programs) == 2  # two shapes among three circuits
    backend.empty_cache()
    assert not backend.programs


def test_many_discarded_qubits_cost_no_exponential_memory():
    # a GHZ chain over 60 qubits, all but the last traced out: a state-vector or
    # open-leg contraction would need 2**59 entries; the doubled network does not
    h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    cx = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])
    n = 60
    gates = [Gate("H", (0,), None, h)] + [Gate("CX", (q, q + 1), None, cx) for q in range(n - 1)]
    gates.append(Gate("Ry", (n - 1,), Phase.of_symbol("a")))
    chain = ParamCircuit(n, tuple(gates), discarded=tuple(range(n - 1)), outputs=(n - 1,))
    probs = ExactBackend().prepare([chain], ["a"]).probabilities(torch.tensor([0.3], dtype=torch.float64))
    np.testing.assert_allclose(probs.numpy()[0], [0.5, 0.5])
