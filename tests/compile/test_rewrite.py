"""The ZX rules: snake removal, gadget merging with symbolic phases, and
Clifford rules only where they shrink the graph."""

from __future__ import annotations

import numpy as np
import torch

from qnlp.backends import ExactBackend
from qnlp.compile import compile
from qnlp.compile.rewrite import RULES, clifford, simplify
from qnlp.compile.zx import to_zx
from qnlp.functor.circuit import Gate, ParamCircuit, Phase

from compile_helpers import probabilities

H = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
CX = np.eye(4)[[0, 1, 3, 2]]
S = np.diag([1, 1j])


def sym(name: str) -> Phase:
    return Phase.of_symbol(name)


def cup(c: int, t: int) -> tuple[Gate, ...]:
    """lambeq's cup: CX, H, then both qubits post-selected on 0."""
    return (Gate("CX", (c, t), None, CX), Gate("H", (c,), None, H))


def word_and_partner() -> ParamCircuit:
    """A one-qubit word (Rx Rz Rx) cupped with the first leg of a two-qubit
    IQP word, whose second leg is the output."""
    word = (Gate("Rx", (0,), sym("w0")), Gate("Rz", (0,), sym("w1")), Gate("Rx", (0,), sym("w2")))
    verb = (Gate("H", (1,), None, H), Gate("H", (2,), None, H), Gate("CRz", (1, 2), sym("v")), Gate("H", (1,), None, H), Gate("H", (2,), None, H))
    return ParamCircuit(3, word + verb + cup(0, 1), post_selection=((0, 0), (1, 0)), outputs=(2,), scalar=np.sqrt(2))


def test_rules_are_named_and_ordered():
    assert [r.name for r in RULES] == ["fusion", "identity", "gadget", "clifford"]


def test_a_cup_is_yanked_into_one_wire():
    circuit = word_and_partner()
    compiled = compile(circuit)
    rewrites = dict(compiled.metrics.rewrites)
    assert rewrites["fusion"] > 0 and rewrites["identity"] > 0
    # the word became an effect on its partner's wire: one qubit and one post-selection fewer
    assert (compiled.metrics.qubits, compiled.metrics.post_selected) == (2, 1)
    values = {"w0": 0.3, "w1": 1.1, "w2": 1.7, "v": 0.9}
    np.testing.assert_allclose(probabilities(compiled.to_param_circuit(), values), probabilities(circuit, values), atol=1e-12)


def test_yanking_transposes_rather_than_reparameterises():
    compiled = compile(word_and_partner())
    # the same symbols, each with coefficient +-1 (Rx and Rz are their own transposes up to sign conventions)
    assert set(compiled.symbols) == {"w0", "w1", "w2", "v"}
    for phase in (g.phase for g in compiled.to_param_circuit().gates if g.phase is not None):
        assert all(abs(abs(c) - 1) < 1e-12 or abs(abs(c) - 0.5) < 1e-12 for _, c in phase.terms)


def _gradient(circuit: ParamCircuit, symbols: list[str], theta: torch.Tensor) -> torch.Tensor:
    theta = theta.clone().requires_grad_(True)
    probs = ExactBackend().prepare([circuit], symbols).probabilities(theta)[0]
    (probs[0] / probs.sum()).backward()
    return theta.grad


def test_gadgets_on_the_same_targets_merge_with_exact_gradients():
    # a three-leg word and a two-leg word joined by two nested cups: their
    # CRz gadgets end up on the same pair of spiders
    first = tuple(Gate("H", (q,), None, H) for q in (0, 1, 4))
    first += (Gate("CRz", (0, 1), sym("t")), Gate("CRz", (1, 4), sym("y")))
    first += tuple(Gate("H", (q,), None, H) for q in (0, 1, 4))
    second = (Gate("H", (2,), None, H), Gate("H", (3,), None, H), Gate("CRz", (2, 3), sym("u")), Gate("H", (2,), None, H), Gate("H", (3,), None, H))
    extra = (Gate("Ry", (4,), sym("z")),)
    circuit = ParamCircuit(
        5, first + second + extra + cup(1, 2) + cup(0, 3), post_selection=((1, 0), (2, 0), (0, 0), (3, 0)), outputs=(4,)
    )
    compiled = compile(circuit)
    assert dict(compiled.metrics.rewrites)["gadget"] == 1
    symbols = ["t", "u", "y", "z"]
    for seed in range(3):
        theta = torch.tensor(np.random.default_rng(seed).uniform(0, 2, 4), dtype=torch.float64)
        torch.testing.assert_close(_gradient(compiled.to_param_circuit(), symbols, theta), _gradient(circuit, symbols, theta), atol=1e-10, rtol=0)


def test_clifford_rule_only_shrinks_the_graph():
    # S-phase spiders between rotations: local complementation applies
    gates = []
    for q in range(3):
        gates += [Gate("H", (q,), None, H), Gate("Rz", (q,), sym(f"a{q}"))]
    gates += [Gate("CZ", (0, 1), None, np.diag([1, 1, 1, -1])), Gate("CZ", (1, 2), None, np.diag([1, 1, 1, -1]))]
    gates += [Gate("H", (1,), None, H), Gate("S", (1,), None, S), Gate("H", (1,), None, H), Gate("Rz", (1,), sym("b"))]
    circuit = ParamCircuit(3, tuple(gates), post_selection=((1, 0),), outputs=(0, 2))
    zx = to_zx(circuit)
    simplify(zx.graph, clifford=False)
    size = zx.graph.num_vertices() + zx.graph.num_edges()
    fired = clifford(zx.graph)
    assert zx.graph.num_vertices() + zx.graph.num_edges() <= size
    assert fired > 0


def test_simplify_reports_every_rule():
    zx = to_zx(word_and_partner())
    counts = simplify(zx.graph)
    assert set(counts) == {"fusion", "colour_change", "identity", "gadget", "clifford"}
