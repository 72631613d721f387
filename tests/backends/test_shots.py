"""Shot backends: estimates agree with exact simulation; failures are retried."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from qnlp.backends import ExactBackend
from qnlp.backends.registry import make_backend
from qnlp.backends.shots import ShotBackend, SurvivalWarning
from qnlp.errors import BackendError, ConfigError
from qnlp.functor import Ansatz

pytest.importorskip("qiskit_aer")
from pytket.extensions.qiskit import AerBackend  # noqa: E402


@pytest.fixture(scope="module")
def circuits(parser):
    sentences = ["woman observes bright moon .", "man steers old ship .", "clever person sees galaxy .",
                 "young woman navigates small boat .", "man discovers planet ."]
    return Ansatz({"n": 1, "s": 1}).circuits(parser.parse_many(sentences))


def _symbols(circuits):
    return sorted({s for c in circuits for s in c.symbols})


def test_shot_estimates_agree_with_exact_within_four_standard_errors(circuits):
    symbols = _symbols(circuits)
    theta = torch.tensor(np.random.default_rng(3).uniform(0, 2, len(symbols)))
    exact = ExactBackend().prepare(circuits, symbols).probabilities(theta).numpy()
    shots = 2**14
    estimate = ShotBackend(AerBackend(), shots=shots, seed=5).prepare(circuits, symbols).probabilities(theta).numpy()
    scale = np.array([c.scalar**2 for c in circuits])[:, None]
    p = exact / scale
    standard_error = scale * np.sqrt(p * (1 - p) / shots)
    assert np.all(np.abs(estimate - exact) <= 4 * standard_error + 1e-12)


def test_same_seed_same_counts_and_shapes_compiled_once(circuits):
    symbols = _symbols(circuits)
    theta = torch.rand(len(symbols), dtype=torch.float64)
    backend = ShotBackend(AerBackend(), shots=256, seed=9)
    first = backend.prepare(circuits, symbols).probabilities(theta)
    again = ShotBackend(AerBackend(), shots=256, seed=9).prepare(circuits, symbols).probabilities(theta)
    assert torch.equal(first, again)
    assert len(backend.shapes) < len(circuits)  # sentences of one structure share a compiled circuit


def test_an_outcome_no_shot_reached_keeps_a_finite_log_loss():
    from qnlp.functor.circuit import Gate, ParamCircuit, Phase

    # Ry(theta) on one qubit at theta = 0: every shot reads 0, none reads 1
    circuit = ParamCircuit(1, (Gate("Ry", (0,), Phase.of_symbol("t")),), outputs=(0,))
    shots = 64
    probs = ShotBackend(AerBackend(), shots=shots, seed=1).prepare([circuit], ["t"]).probabilities(torch.zeros(1))
    assert probs[0, 1] > 0 and torch.isfinite(torch.log(probs)).all()
    assert probs[0, 1] == pytest.approx(0.5 / shots) and probs[0, 0] == pytest.approx(1 + 0.5 / shots)


class FlakyAer(AerBackend):
    """Fails every third submission, as a busy device queue might."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def process_circuits(self, circuits, n_shots=None, valid_check=True, **kwargs):
        self.calls += 1
        if self.calls % 3 == 0:
            raise ConnectionError("queue unavailable")
        return super().process_circuits(circuits, n_shots=n_shots, valid_check=valid_check, **kwargs)


class DeadAer(AerBackend):
    def process_circuits(self, circuits, n_shots=None, valid_check=True, **kwargs):
        raise TimeoutError("no answer")


@pytest.mark.filterwarnings("ignore::qnlp.backends.shots.SurvivalWarning")
def test_flaky_backend_trains_to_the_same_result(parser):
    from qnlp import SentenceClassifier

    sentences = ["woman observes bright moon .", "man steers old ship .", "person sees galaxy .", "man navigates boat ."]
    labels = [1, 0, 1, 0]

    def fit(backend):
        shot_backend = ShotBackend(backend, shots=128, seed=1, backoff=0.0)
        model = SentenceClassifier(backend=shot_backend, gradient="spsa", epochs=3, seed=0, batch_size=2, parser=parser)
        return model.fit(sentences, labels).params_

    flaky = FlakyAer()
    np.testing.assert_array_equal(fit(flaky), fit(AerBackend()))
    assert flaky.calls >= 3  # it did fail, and was retried


def test_dead_backend_names_itself_after_the_retries(circuits):
    symbols = _symbols(circuits)
    batch = ShotBackend(DeadAer(), shots=16, retries=2, backoff=0.0).prepare(circuits, symbols)
    with pytest.raises(BackendError, match=r"DeadAer failed 3 times \(0 of 5 results received\): no answer"):
        batch.probabilities(torch.zeros(len(symbols), dtype=torch.float64))


def test_low_survival_warns(circuits):
    symbols = _symbols(circuits)
    batch = ShotBackend(AerBackend(), shots=8, seed=0, min_surviving_shots=8).prepare(circuits, symbols)
    with pytest.warns(SurvivalWarning, match="fewer than 8 of 8 shots"):
        batch.probabilities(torch.rand(len(symbols), dtype=torch.float64))
    assert np.all(batch.survival <= 1)


def test_backends_by_name():
    assert make_backend("exact").is_exact
    shot = make_backend("aer:FakeManilaV2", shots=100, seed=1)
    assert isinstance(shot, ShotBackend) and shot.shots == 100
    with pytest.raises(ConfigError, match="unknown fake device 'FakeNowhere'"):
        make_backend("aer:FakeNowhere")
    with pytest.raises(ConfigError, match="unknown backend 'quantum'"):
        make_backend("quantum")
    with pytest.raises(ConfigError, match="save_account"):
        make_backend("ibm:ibm_nowhere")
    with pytest.raises(ConfigError, match="shots must be a positive integer"):
        make_backend("aer", shots=0)


def test_spsa_is_reproducible_and_learns_a_toy_problem():
    from qnlp.train.spsa import SPSA

    def run(seed):
        x = torch.tensor([2.0, -1.0], dtype=torch.float64)
        optimiser = SPSA([x], a=0.2, c=0.1, generator=torch.Generator().manual_seed(seed))
        for _ in range(200):
            optimiser.step(lambda: (x**2).sum())
        return x

    assert torch.equal(run(0), run(0))
    assert float((run(0) ** 2).sum()) < 1e-2


def test_autograd_needs_the_exact_backend(parser):
    from qnlp import SentenceClassifier

    model = SentenceClassifier(backend="aer", gradient="autograd", epochs=1, parser=parser)
    with pytest.raises(ConfigError, match="needs the exact backend"):
        model.fit(["man sees ship .", "woman sees moon ."], [0, 1])
