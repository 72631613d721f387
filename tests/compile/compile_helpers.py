"""Helpers for the compiler tests: exact distributions and random circuits."""

from __future__ import annotations

import numpy as np
import torch

from qnlp.backends import ExactBackend
from qnlp.functor.circuit import Gate, ParamCircuit, Phase

_H = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
_FIXED = {
    "H": _H,
    "X": np.array([[0, 1], [1, 0]]),
    "S": np.diag([1, 1j]),
    "T": np.diag([1, np.exp(1j * np.pi / 4)]),
    "Unitary": np.array([[np.cos(0.3), -1j * np.sin(0.3)], [-1j * np.sin(0.3), np.cos(0.3)]]),
}
_FIXED2 = {"CX": np.eye(4)[[0, 1, 3, 2]], "CZ": np.diag([1, 1, 1, -1]), "SWAP": np.eye(4)[[0, 2, 1, 3]]}


def probabilities(circuit: ParamCircuit, values: dict[str, float]) -> np.ndarray:
    """Post-selected, unnormalised output probabilities (scalar included)."""
    symbols = [*circuit.symbols, "__unused"]  # keep the parameter vector non-empty
    theta = torch.tensor([values.get(s, 0.0) for s in symbols], dtype=torch.float64)
    return ExactBackend().prepare([circuit], symbols).probabilities(theta)[0].numpy()


def random_circuit(rng: np.random.Generator, n: int) -> ParamCircuit:
    """A random circuit on ``n`` qubits over every gate kind qnlp compiles,
    with random outputs, discards and post-selections (on 0 or 1)."""
    gates = []
    names = [f"s{i}" for i in range(4)]
    for _ in range(rng.integers(1, 14)):
        kind = rng.integers(0, 12)
        q = int(rng.integers(0, n))
        other = [i for i in range(n) if i != q]
        terms = tuple((str(rng.choice(names)), float(rng.choice([1.0, 2.0, -0.5]))) for _ in range(rng.integers(0, 3)))
        phase = Phase(terms, float(rng.choice([0, 0.5, 0.25, 0.3])))
        if kind < 3:
            gates.append(Gate(["Rx", "Ry", "Rz"][kind], (q,), phase))
        elif kind < 6 and other:
            gates.append(Gate(["CRx", "CRy", "CRz"][kind - 3], (q, int(rng.choice(other))), phase))
        elif kind < 9 and other:
            name = ["CX", "CZ", "SWAP"][kind - 6]
            gates.append(Gate(name, (q, int(rng.choice(other))), None, _FIXED2[name]))
        else:
            name = list(_FIXED)[rng.integers(0, len(_FIXED))]
            gates.append(Gate(name, (q,), None, _FIXED[name]))
    roles = [int(x) for x in rng.permutation(n)]
    n_out = int(rng.integers(0, min(n, 3) + 1))
    n_disc = int(rng.integers(0, n - n_out + 1))
    post = tuple((q, int(rng.integers(0, 2))) for q in roles[n_out + n_disc :])
    return ParamCircuit(n, tuple(gates), post, tuple(roles[n_out : n_out + n_disc]), tuple(roles[:n_out]), float(rng.uniform(0.5, 2)))
