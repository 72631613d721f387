"""On every MC and RP sentence, the compiled circuit computes what the
uncompiled one does (exactly, and on shots), with fewer qubits,
post-selections and two-qubit gates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from qnlp.backends import ExactBackend
from qnlp.compile import compile, compile_many

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lambeq"


@pytest.fixture(scope="session")
def mc_rp_circuits(parser):
    """Every MC sentence (IQP, n = s = 1 qubit) and RP phrase (n = 1, s = 0),
    as (task, sentence, circuit)."""
    from qnlp import load_labelled
    from qnlp.functor import Ansatz

    items = []
    for task, files, qubits in [
        ("MC", ["mc_train_data.txt", "mc_dev_data.txt", "mc_test_data.txt"], {"n": 1, "s": 1}),
        ("RP", ["rp_train_data.txt", "rp_test_data.txt"], {"n": 1, "s": 0}),
    ]:
        if not all((SHARED_DATA / f).is_file() for f in files):
            pytest.skip(f"{SHARED_DATA} not found: the MC/RP benchmark data lives in ../shared/data/lambeq beside the repo")
        texts = [t for f in files for t in load_labelled(SHARED_DATA / f)[0]]
        ansatz = Ansatz(qubits, n_layers=1)
        items += [(task, t, ansatz(d)) for t, d in zip(texts, parser.parse_many(texts))]
    return items


def _normalised(circuits, symbols, theta):
    probs = ExactBackend().prepare(circuits, symbols).probabilities(theta).numpy()
    return probs / probs.sum(1, keepdims=True)


def test_every_sentence_keeps_its_distribution(mc_rp_circuits):
    circuits = [c for _, _, c in mc_rp_circuits]
    symbols = sorted({s for c in circuits for s in c.symbols})
    one_by_one = [compile(c).to_param_circuit() for c in circuits]
    by_shape = [c.to_param_circuit() for c in compile_many(circuits)]
    rng = np.random.default_rng(2024)
    for _ in range(3):
        theta = torch.tensor(rng.uniform(0, 2, len(symbols)), dtype=torch.float64)
        expected = _normalised(circuits, symbols, theta)
        np.testing.assert_allclose(_normalised(one_by_one, symbols, theta), expected, atol=1e-8, rtol=0)
        np.testing.assert_allclose(_normalised(by_shape, symbols, theta), expected, atol=1e-8, rtol=0)


def test_every_sentence_gets_cheaper(mc_rp_circuits):
    for task, text, circuit in mc_rp_circuits:
        m = compile(circuit).metrics
        before = circuit.metrics
        assert m.qubits < before["qubits"], text
        assert m.post_selected <= before["post_selected"] / 2, text
        assert m.two_qubit_gates < 2 * sum(g.name == "CRz" for g in circuit.gates) + len(circuit.post_selection) // 2, text


def test_shots_agree_with_exact_simulation(mc_rp_circuits):
    """2^14 shots on AerBackend for 5 MC and 5 RP sentences, post-selected
    and renormalised, within 4 standard errors of the exact distribution."""
    from pytket.extensions.qiskit import AerBackend

    backend = AerBackend()
    sample = [item for task in ("MC", "RP") for item in [i for i in mc_rp_circuits if i[0] == task][:5]]
    rng = np.random.default_rng(7)
    for k, (_, text, circuit) in enumerate(sample):
        compiled = compile(circuit)
        values = {s: float(rng.uniform(0, 2)) for s in circuit.symbols}
        symbols = list(circuit.symbols)
        theta = torch.tensor([values[s] for s in symbols], dtype=torch.float64)
        exact = _normalised([circuit], symbols, theta)[0]
        measured = backend.get_compiled_circuit(compiled.to_tk(values, measure=True))
        result = backend.run_circuit(measured, n_shots=2**14, seed=100 + k)
        bits = [*measured.get_c_register("out"), *measured.get_c_register("post")]
        kept = compiled.postselect(result.get_counts(cbits=bits))
        survived = sum(kept.values())
        assert survived >= 50, text
        for outcome, p in enumerate(exact):
            estimate = kept.get((outcome,), 0) / survived
            error = np.sqrt(max(p * (1 - p), 1e-12) / survived)
            assert abs(estimate - p) <= 4 * error, (text, outcome, estimate, p)
