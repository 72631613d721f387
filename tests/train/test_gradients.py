"""Diagrammatic gradients (parameter shift) against autograd, exactly and on shots."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from qnlp import load_labelled
from qnlp.backends import ExactBackend, class_probabilities
from qnlp.functor import Ansatz
from qnlp.train.gradients import SHIFT_RULES, ParameterShift, parameter_shift

from conftest import lambeq_data


@pytest.fixture(scope="module")
def mc_circuits(parser):
    sentences = []
    for name in ("mc_train_data.txt", "mc_dev_data.txt", "mc_test_data.txt"):
        sentences += load_labelled(lambeq_data(name))[0]
    return Ansatz({"n": 1, "s": 1}).circuits(parser.parse_many(sentences))


def test_parameter_shift_equals_autograd_on_every_mc_sentence(mc_circuits):
    symbols = sorted({s for c in mc_circuits for s in c.symbols})
    batch = ExactBackend().prepare(mc_circuits, symbols)
    theta = torch.tensor(np.random.default_rng(0).uniform(0, 2, len(symbols)), requires_grad=True)
    rows = torch.arange(len(mc_circuits))
    weights = torch.tensor(np.random.default_rng(1).normal(size=(len(rows), 2)))
    (expected,) = torch.autograd.grad((class_probabilities(batch.probabilities(theta, rows), 2) * weights).sum(), theta)
    (shifted,) = torch.autograd.grad((class_probabilities(ParameterShift.apply(theta, batch, rows), 2) * weights).sum(), theta)
    assert float((expected - shifted).abs().max()) < 1e-6
    # and per sentence: the Jacobian of the outcome probabilities itself
    probs, jacobian = parameter_shift(batch, theta.detach().numpy(), list(range(len(mc_circuits))))
    np.testing.assert_allclose(probs, batch.probabilities(theta.detach()).numpy(), atol=1e-12)
    for row in (0, 57, 129):
        auto = torch.autograd.functional.jacobian(lambda t: batch.probabilities(t, torch.tensor([row]))[0], theta.detach())
        np.testing.assert_allclose(jacobian[row], auto.numpy(), atol=1e-6)


def test_shift_rules_differentiate_a_single_gate():
    from qnlp.functor import Gate, ParamCircuit, Phase

    h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    for name in SHIFT_RULES:
        qubits = (0,) if len(name) == 2 else (0, 1)
        gates = [Gate("H", (0,), None, h), Gate("H", (1,), None, h), Gate(name, qubits, Phase((("a", 1.5),), 0.2))]
        circuit = ParamCircuit(2, tuple(gates), outputs=(1,) if len(name) == 3 else (0,), discarded=(0,) if len(name) == 3 else (1,))
        batch = ExactBackend().prepare([circuit], ["a"])
        theta = torch.tensor([0.37], dtype=torch.float64, requires_grad=True)
        (auto,) = torch.autograd.grad(batch.probabilities(theta)[0, 1], theta)
        _, jacobian = parameter_shift(batch, theta.detach().numpy(), [0])
        assert jacobian[0, 1, 0] == pytest.approx(float(auto), abs=1e-10), name


@pytest.mark.slow
def test_parameter_shift_on_shots_agrees_within_four_standard_errors(mc_circuits):
    """Slow: a few thousand Aer circuits."""
    pytest.importorskip("qiskit_aer")
    from pytket.extensions.qiskit import AerBackend

    from qnlp.backends.shots import ShotBackend

    circuits = mc_circuits[:3]
    symbols = sorted({s for c in circuits for s in c.symbols})
    theta = np.random.default_rng(2).uniform(0, 2, len(symbols))
    shots = 1024
    exact_batch = ExactBackend().prepare(circuits, symbols)
    shot_batch = ShotBackend(AerBackend(), shots=shots, seed=11).prepare(circuits, symbols)
    _, exact = parameter_shift(exact_batch, theta, [0, 1, 2])
    _, estimated = parameter_shift(shot_batch, theta, [0, 1, 2])
    # standard error of each entry from the exact probabilities of every shifted circuit
    variance = np.zeros_like(exact)
    for pos in range(3):
        scale = circuits[pos].scalar ** 2
        base = exact_batch.angles(theta, pos)
        for g, name in enumerate(exact_batch.gate_names(pos)):
            for shift, weight in SHIFT_RULES[name]:
                angles = base.copy()
                angles[g] += shift
                p = exact_batch.run([(pos, angles)])[0] / scale
                for symbol, coeff in exact_batch.terms(pos, g):
                    variance[pos, :, symbol] += (coeff * weight * scale) ** 2 * p * (1 - p) / shots
    z = np.abs(estimated - exact) / np.sqrt(np.maximum(variance, 1e-30))
    assert np.all(z[variance > 0] < 4), float(z.max())
