"""The protein functor: flat circuits of RNN/CNN diagrams, parameter sharing
by box name, discarding versus post-selecting."""

from __future__ import annotations

import pytest
import torch

from qnlp import ConfigError
from qnlp.backends import ExactBackend
from qnlp.functor.protein import ProteinAnsatz
from qnlp.parse.proteins import ProteinGrammar, ProteinReader


def diagram(sequence: str, architecture: str = "rnn", sharing: str = "uniform"):
    return ProteinReader(ProteinGrammar(length="full"), architecture, sharing, segments=2).read(sequence)[0]


def test_rnn_circuit_layout():
    circuit = ProteinAnsatz(word_qubits=1, state_qubits=2)(diagram("MKVL"))
    assert circuit.n_qubits == 4 * 1 + 2
    assert len(circuit.discarded) == 4 + 1  # every word, and the unread state qubit
    assert len(circuit.outputs) == 1 and circuit.post_selection == ()
    assert {s.split("__")[0] for s in circuit.symbols} == {"res_M", "res_K", "res_V", "res_L", "cell"}


def test_cnn_circuit_layout_and_hierarchical_names():
    circuit = ProteinAnsatz(word_qubits=2)(diagram("MKVLA", "cnn", "hierarchical"))
    assert circuit.n_qubits == 10
    assert len(circuit.discarded) == 4 * 2 + 1  # four merges drop a block, read drops one qubit
    boxes = {s.split("__")[0] for s in circuit.symbols if not s.startswith("res_")}
    assert boxes == {"merge_0", "merge_1", "merge_2"}


def test_equal_names_share_symbols():
    uniform = ProteinAnsatz()(diagram("MKVLMK"))
    hierarchical = ProteinAnsatz()(diagram("MKVLMK", sharing="hierarchical"))
    n_box = len([s for s in uniform.symbols if s.startswith("cell__")])
    assert len([s for s in hierarchical.symbols if s.startswith("cell_")]) == 2 * n_box
    assert len([s for s in uniform.symbols if s.startswith("res_M__")]) == 2  # Ry, Rz on one qubit


@pytest.mark.parametrize("box", ["swap", "layered", "controlled"])
def test_discarding_keeps_every_shot_and_postselecting_loses_some(box):
    d = diagram("MKVLAG")
    mixed, pure = ProteinAnsatz(box=box)(d), ProteinAnsatz(box=box, combine="postselect")(d)
    assert len(pure.post_selection) == 6 and pure.metrics["post_selected"] == 6
    symbols = sorted(set(mixed.symbols))
    theta = torch.rand(len(symbols), dtype=torch.float64, generator=torch.Generator().manual_seed(1)) * 2
    survival_mixed = ExactBackend().prepare([mixed], symbols).probabilities(theta).sum()
    survival_pure = ExactBackend().prepare([pure], symbols).probabilities(theta).sum()
    assert float(survival_mixed) == pytest.approx(1.0)
    assert 0.0 < float(survival_pure) < 1.0


def test_bad_settings_raise_config_error():
    with pytest.raises(ConfigError, match="unknown box ansatz 'mps'"):
        ProteinAnsatz(box="mps")(diagram("MK"))
    with pytest.raises(ConfigError, match="combine 'trace'"):
        ProteinAnsatz(combine="trace")(diagram("MK"))
    with pytest.raises(ConfigError, match="output_qubits=3 but the read wire has 2 qubits"):
        ProteinAnsatz(output_qubits=3)(diagram("MK"))
    with pytest.raises(ConfigError, match="word_qubits must be an integer >= 1"):
        ProteinAnsatz(word_qubits=0)(diagram("MK"))
