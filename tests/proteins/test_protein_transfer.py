"""TransferNetwork: equal to the exact tensor-network backend on the flat
circuits (values and gradients), exact on ragged batches, and linear in the
sequence length (a 1,000-residue protein evaluates with small tensors)."""

from __future__ import annotations

import time

import pytest
import torch

from qnlp.backends import ExactBackend
from qnlp.functor.protein import PAD, ProteinAnsatz
from qnlp.parse.proteins import ProteinGrammar, ProteinReader
from qnlp.protein_api import TransferNetwork

SEQUENCES = ["MKVLAG", "WLLKDE", "ACDEF", "MKVLAGWC"]


def setup(architecture, sharing, combine, sequences=SEQUENCES, box="swap"):
    reader = ProteinReader(ProteinGrammar(length="full"), architecture, sharing, segments=2)
    ansatz = ProteinAnsatz(word_qubits=2 if architecture == "cnn" else 1, state_qubits=2, box=box, combine=combine)
    windows = [reader.windows(s)[0] for s in sequences]
    circuits = [ansatz(reader.diagram(w)) for w in windows]
    symbols = sorted({s for c in circuits for s in c.symbols})
    vocabulary = sorted({t for w in windows for t in w} | {PAD})
    boxes = sorted({b for w in windows for b in reader.structure(len(w))})
    network = TransferNetwork(ansatz, architecture, vocabulary, boxes, symbols)
    longest = max(len(w) for w in windows)
    tokens = torch.zeros(len(windows), longest, dtype=torch.long)
    n_steps = max(len(reader.structure(len(w))) for w in windows)
    steps = torch.zeros(n_steps, len(windows), dtype=torch.long)
    for row, w in enumerate(windows):
        tokens[row, : len(w)] = torch.tensor([vocabulary.index(t) for t in w])
        names = reader.structure(len(w))
        steps[: len(names), row] = torch.tensor([boxes.index(b) for b in names])
    lengths = torch.tensor([len(w) for w in windows])
    return circuits, symbols, network, (tokens, lengths, steps)


@pytest.mark.parametrize("architecture", ["rnn", "cnn"])
@pytest.mark.parametrize("sharing", ["uniform", "hierarchical"])
@pytest.mark.parametrize("combine", ["discard", "postselect"])
def test_transfer_equals_exact_backend_on_ragged_batches(architecture, sharing, combine):
    circuits, symbols, network, (tokens, lengths, steps) = setup(architecture, sharing, combine)
    theta = torch.rand(len(symbols), dtype=torch.float64, generator=torch.Generator().manual_seed(0)) * 2
    exact = ExactBackend().prepare(circuits, symbols).probabilities(theta)
    transfer = network.probabilities(theta, tokens, lengths, steps)
    torch.testing.assert_close(transfer, exact, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("architecture", ["rnn", "cnn"])
def test_gradients_agree_with_exact_backend(architecture):
    circuits, symbols, network, (tokens, lengths, steps) = setup(architecture, "hierarchical", "discard", box="layered")
    theta = (torch.rand(len(symbols), dtype=torch.float64, generator=torch.Generator().manual_seed(2)) * 2).requires_grad_(True)
    (g_exact,) = torch.autograd.grad(ExactBackend().prepare(circuits, symbols).probabilities(theta)[:, 0].sum(), theta)
    (g_transfer,) = torch.autograd.grad(network.probabilities(theta, tokens, lengths, steps)[:, 0].sum(), theta)
    torch.testing.assert_close(g_transfer, g_exact, rtol=1e-9, atol=1e-11)


def _saved_sizes(architecture: str, length: int) -> tuple[list[int], float]:
    """Sizes of every tensor autograd keeps while evaluating one sequence, and the time."""
    sequence = ("MKVLAGWCDE" * (length // 10 + 1))[:length]
    _, symbols, network, (tokens, lengths, steps) = setup(architecture, "uniform", "discard", [sequence])
    theta = torch.rand(len(symbols), dtype=torch.float64, requires_grad=True)
    sizes: list[int] = []

    def pack(t: torch.Tensor) -> torch.Tensor:
        sizes.append(t.numel())
        return t

    start = time.perf_counter()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        probs = network.probabilities(theta, tokens, lengths, steps)
    probs[:, 0].sum().backward()
    assert float(probs.detach().sum()) == pytest.approx(1.0)
    return sizes, time.perf_counter() - start


@pytest.mark.parametrize("architecture", ["rnn", "cnn"])
def test_a_thousand_residues_cost_linear_time_and_memory(architecture):
    reader = ProteinReader(ProteinGrammar(length="full"), architecture)
    ansatz = ProteinAnsatz(word_qubits=2 if architecture == "cnn" else 1)
    flat = ansatz(reader.read("A" * 1000)[0])
    assert flat.n_qubits >= 1000  # a state vector would hold 2**1000 amplitudes
    sizes_1000, seconds = _saved_sizes(architecture, 1000)
    sizes_250, _ = _saved_sizes(architecture, 250)
    assert max(sizes_1000) <= 4**4 * 1000  # no tensor beyond (length x one box's transfer map)
    assert sum(sizes_1000) / sum(sizes_250) < 4 * 1.25  # memory grows linearly with the length
    assert seconds < 20
