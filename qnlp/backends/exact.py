"""Exact simulation of circuits by batched tensor-network contraction in torch.

A QNLP data set holds many circuits of few shapes: sentences with the same
grammatical structure give circuits that differ only in their symbols. So
circuits are grouped by :meth:`ParamCircuit.shape_key`; each shape becomes one
einsum over kets, gates and post-selection effects, with a batch index on
every parametrised gate. The contraction path is found once per shape
(opt_einsum) and cached; at each evaluation the gate angles are
gathered from the parameter vector by index, so nothing is rebuilt.

Contracting the network instead of evolving a state vector keeps the cost
linear in sentence length for the tree-shaped circuits of grammar.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import opt_einsum
import torch

from qnlp.errors import ConfigError
from qnlp.backends.readout import check_circuits
from qnlp.functor.circuit import PARAMETRISED_GATES, ParamCircuit

__all__ = ["ExactBackend", "CircuitBatch", "gate_tensor"]

logger = logging.getLogger(__name__)

_DTYPE = torch.complex128
# The batch size at which a shape's contraction path is searched; the path is
# then reused for every batch size, since the batch index only scales it.
_NOMINAL_BATCH = 64


def gate_tensor(name: str, angles: torch.Tensor) -> torch.Tensor:
    """Batched matrices of a parametrised gate, in pytket's half-turn convention.

    Parameters
    ----------
    name : str
        One of ``Rx, Ry, Rz, CRx, CRy, CRz``.
    angles : Tensor of shape (B,)
        Angles in half-turns (real).

    Returns
    -------
    Tensor of shape (B, 2, 2) or, for controlled gates, (B, 4, 4), complex.
    """
    half = angles.to(torch.float64) * (math.pi / 2)
    c = torch.cos(half).to(_DTYPE)
    s = torch.sin(half).to(_DTYPE)
    zero = torch.zeros_like(c)
    base = name[1:] if name.startswith("C") else name
    if base == "Rx":
        rows = [c, -1j * s, -1j * s, c]
    elif base == "Ry":
        rows = [c, -s, s, c]
    elif base == "Rz":
        rows = [c - 1j * s, zero, zero, c + 1j * s]
    else:
        raise ConfigError(f"unknown parametrised gate {name!r}")
    matrix = torch.stack(rows, dim=-1).reshape(-1, 2, 2)
    if base == name:
        return matrix
    eye = torch.eye(2, dtype=_DTYPE, device=angles.device).expand_as(matrix)
    zeros = torch.zeros_like(matrix)
    return torch.cat([torch.cat([eye, zeros], -1), torch.cat([zeros, matrix], -1)], -2)


class _Program:
    """The contraction of one circuit shape.

    Operands: one tensor per parametrised gate (with a leading batch index),
    then the constant tensors (kets, fixed gates, effects). A pure circuit
    contracts to amplitudes of its outputs, squared afterwards. A circuit that
    discards qubits contracts the doubled network instead: the circuit and its
    conjugate, joined on the discarded wires and on the outputs, which gives
    the output probabilities directly; tracing out then costs no more than the
    circuit itself, however many qubits are discarded.
    """

    def __init__(self, circuit: ParamCircuit, device: torch.device) -> None:
        fresh = map(opt_einsum.get_symbol, range(1, 10**9))
        batch = opt_einsum.get_symbol(0)
        wire = {q: next(fresh) for q in range(circuit.n_qubits)}
        ket = torch.tensor([1, 0], dtype=_DTYPE, device=device)
        param_terms: list[str] = []
        const_terms = [wire[q] for q in range(circuit.n_qubits)]
        self.constants = [ket] * circuit.n_qubits
        self.param_gates: list[str] = []
        for gate in circuit.gates:
            ins = "".join(wire[q] for q in gate.qubits)
            wire.update((q, next(fresh)) for q in gate.qubits)
            outs = "".join(wire[q] for q in gate.qubits)
            if gate.name in PARAMETRISED_GATES:
                param_terms.append(batch + outs + ins)
                self.param_gates.append(gate.name)
            else:
                assert gate.matrix is not None
                const_terms.append(outs + ins)
                matrix = torch.as_tensor(gate.matrix, dtype=_DTYPE, device=device)
                self.constants.append(matrix.reshape((2,) * (2 * len(gate.qubits))))
        for q, bit in circuit.post_selection:
            const_terms.append(wire[q])
            self.constants.append(torch.eye(2, dtype=_DTYPE, device=device)[bit])
        self.batch_term = "" if param_terms else batch  # a ones(B) operand keeps the batch index
        self.n_outputs = len(circuit.outputs)
        self.doubled = bool(circuit.discarded)
        self.scalar = circuit.scalar
        outputs = "".join(wire[q] for q in circuit.outputs)
        if self.doubled:  # the conjugate copy: new names for all but the shared wires
            shared = {batch, *outputs, *(wire[q] for q in circuit.discarded)}
            rename: dict[str, str] = {}

            def conjugate(term: str) -> str:
                return "".join(c if c in shared else rename.setdefault(c, next(fresh)) for c in term)

            param_terms = param_terms + [conjugate(t) for t in param_terms]
            const_terms = const_terms + [conjugate(t) for t in const_terms]
            self.constants = self.constants + [t.conj() for t in self.constants]
        terms = param_terms + ([self.batch_term] if self.batch_term else []) + const_terms
        self.equation = ",".join(terms) + "->" + batch + outputs
        self._path: list[tuple[int, ...]] | None = None
        self._expressions: dict[int, Any] = {}

    def probabilities(self, gate_tensors: list[torch.Tensor], batch_size: int) -> torch.Tensor:
        """Unnormalised probabilities of the output basis states, (B, 2**n)."""
        if self.doubled:
            gate_tensors = gate_tensors + [t.conj() for t in gate_tensors]
        if self.batch_term:
            gate_tensors = gate_tensors + [torch.ones(batch_size, dtype=_DTYPE, device=self.constants[0].device)]
        operands = gate_tensors + self.constants
        if batch_size not in self._expressions:
            shapes = [tuple(t.shape) for t in operands]
            if self._path is None:  # found once per shape, at a nominal batch size
                nominal = [(_NOMINAL_BATCH,) + s[1:] if s[:1] == (batch_size,) and i < len(gate_tensors) else s for i, s in enumerate(shapes)]
                self._path = opt_einsum.contract_path(self.equation, *nominal, shapes=True, optimize="auto")[0]
            self._expressions[batch_size] = opt_einsum.contract_expression(self.equation, *shapes, optimize=self._path)
        result = self._expressions[batch_size](*operands, backend="torch").reshape(batch_size, -1)
        if self.doubled:
            return result.real * self.scalar**2
        result = result * self.scalar
        return result.real**2 + result.imag**2


class _Group:
    """Circuits of one shape: their rows in the batch and their angle recipes."""

    def __init__(self, program: _Program, rows: list[int], circuits: list[ParamCircuit], index: dict[str, int], device: torch.device) -> None:
        self.program = program
        self.rows = torch.tensor(rows, dtype=torch.long, device=device)
        phases = [[g.phase for g in c.gates if g.phase is not None] for c in circuits]
        width = max((len(p.terms) for ps in phases for p in ps), default=0)
        width = max(width, 1)
        n_gates = len(phases[0])
        idx = torch.zeros(len(circuits), n_gates, width, dtype=torch.long)
        coeff = torch.zeros(len(circuits), n_gates, width, dtype=torch.float64)
        const = torch.zeros(len(circuits), n_gates, dtype=torch.float64)
        for b, ps in enumerate(phases):
            for g, phase in enumerate(ps):
                const[b, g] = phase.const
                for t, (name, c) in enumerate(phase.terms):
                    idx[b, g, t] = index[name]
                    coeff[b, g, t] = c
        self.idx, self.coeff, self.const = idx.to(device), coeff.to(device), const.to(device)
        # gates of one kind are built in one call: their positions, per kind
        kinds: dict[str, list[int]] = {}
        for g, name in enumerate(program.param_gates):
            kinds.setdefault(name, []).append(g)
        self.kinds = {name: torch.tensor(gs, device=device) for name, gs in kinds.items()}
        self.order = torch.argsort(torch.cat(list(self.kinds.values()))).tolist() if kinds else []

    def probabilities(self, theta: torch.Tensor, select: torch.Tensor | None) -> torch.Tensor:
        idx, coeff, const = self.idx, self.coeff, self.const
        if select is not None:
            idx, coeff, const = idx[select], coeff[select], const[select]
        if theta.numel() == 0:  # no parameters: padded terms have coefficient 0
            theta = theta.new_zeros(1)
        return self.at_angles((theta[idx] * coeff).sum(-1) + const)

    def at_angles(self, angles: torch.Tensor) -> torch.Tensor:
        """Outcome probabilities with the gate angles given directly, (B, G)."""
        batch_size = angles.shape[0]
        built: list[torch.Tensor] = []
        for name, positions in self.kinds.items():
            matrices = gate_tensor(name, angles[:, positions].reshape(-1))
            legs = (2,) * (2 * (matrices.shape[-1] // 2))
            built.extend(matrices.reshape((batch_size, len(positions)) + legs).unbind(1))
        return self.program.probabilities([built[i] for i in self.order], batch_size)


class CircuitBatch:
    """Circuits grouped by shape, ready to evaluate at any parameter vector.

    Parameters
    ----------
    circuits : sequence of ParamCircuit
        All must have the same number of output qubits.
    symbols : sequence of str
        The order of the entries of the parameter vector.
    device : str or torch.device
        Where to evaluate.
    programs : dict, optional
        A cache of contraction programs by shape, shared between batches.
    """

    def __init__(
        self,
        circuits: Sequence[ParamCircuit],
        symbols: Sequence[str],
        device: str | torch.device = "cpu",
        programs: dict[Any, _Program] | None = None,
    ) -> None:
        self.n_outputs, index = check_circuits(circuits, symbols)
        self.device = torch.device(device)
        programs = {} if programs is None else programs
        by_shape: dict[Any, list[int]] = {}
        for row, circuit in enumerate(circuits):
            by_shape.setdefault(circuit.shape_key(), []).append(row)
        self.groups = []
        for key, rows in by_shape.items():
            if (key, self.device) not in programs:
                programs[key, self.device] = _Program(circuits[rows[0]], self.device)
            group_circuits = [circuits[r] for r in rows]
            self.groups.append(_Group(programs[key, self.device], rows, group_circuits, index, self.device))
        self.size = len(circuits)
        self._where = {int(r): (g, i) for g in self.groups for i, r in enumerate(g.rows.tolist())}
        logger.debug("%d circuits in %d shapes", self.size, len(self.groups))

    def __len__(self) -> int:
        return self.size

    def probabilities(self, theta: torch.Tensor, rows: torch.Tensor | None = None) -> torch.Tensor:
        """Probabilities of the output qubits' basis states, post-selected but
        not renormalised (each row sums to the survival probability).

        Parameters
        ----------
        theta : Tensor of shape (n_symbols,)
            Parameter values, in half-turns.
        rows : LongTensor, optional
            Which circuits to evaluate (default all), in the order wanted.

        Returns
        -------
        Tensor of shape (len(rows), 2 ** n_outputs), float64.
        """
        theta = theta.to(self.device, torch.float64)
        rows = torch.arange(self.size, device=self.device) if rows is None else rows.to(self.device)
        # where each requested row sits in its group
        position = torch.full((self.size,), -1, dtype=torch.long, device=self.device)
        position[rows] = torch.arange(len(rows), device=self.device)
        out = theta.new_zeros(len(rows), 2**self.n_outputs)
        for group in self.groups:
            select = position[group.rows] >= 0
            if not bool(select.any()):
                continue
            probs = group.probabilities(theta, None if bool(select.all()) else select.nonzero().squeeze(1))
            out = out.index_put((position[group.rows[select]],), probs)
        return out

    def angles(self, theta: np.ndarray, row: int) -> np.ndarray:
        """The angle of each parametrised gate of circuit ``row``."""
        group, i = self._where[row]
        theta_t = torch.as_tensor(theta, dtype=torch.float64, device=self.device)
        return ((theta_t[group.idx[i]] * group.coeff[i]).sum(-1) + group.const[i]).cpu().numpy()

    def gate_names(self, row: int) -> list[str]:
        """Names of the parametrised gates of circuit ``row``, in order."""
        return self._where[row][0].program.param_gates

    def terms(self, row: int, gate: int) -> list[tuple[int, float]]:
        """(parameter index, coefficient) pairs of the angle of a gate."""
        group, i = self._where[row]
        return [(int(j), float(c)) for j, c in zip(group.idx[i, gate], group.coeff[i, gate]) if c != 0]

    def run(self, requests: Sequence[tuple[int, np.ndarray]]) -> np.ndarray:
        """Outcome probabilities for (row, gate angles) requests, as
        :meth:`probabilities` gives them; used for parameter shifts."""
        out = np.zeros((len(requests), 2**self.n_outputs))
        by_group: dict[int, list[int]] = {}
        for k, (row, _) in enumerate(requests):
            by_group.setdefault(id(self._where[row][0]), []).append(k)
        with torch.no_grad():
            for ks in by_group.values():
                group = self._where[requests[ks[0]][0]][0]
                angles = torch.tensor(np.stack([requests[k][1] for k in ks]), dtype=torch.float64, device=self.device)
                out[ks] = group.at_angles(angles.reshape(len(ks), -1)).cpu().numpy()
        return out


class ExactBackend:
    """Noise-free simulation with torch, differentiable with autograd.

    Parameters
    ----------
    device : str
        torch device, ``"cpu"`` (default) or ``"cuda"``.
    """

    #: Capabilities, read by trainers instead of isinstance checks.
    supports_autograd = True
    is_exact = True

    def __init__(self, device: str = "cpu") -> None:
        self.device = device
        #: Contraction programs by (shape, device): the cache of found paths.
        self.programs: dict[Any, _Program] = {}

    def prepare(self, circuits: Sequence[ParamCircuit], symbols: Sequence[str]) -> CircuitBatch:
        """Group ``circuits`` by shape for repeated evaluation."""
        return CircuitBatch(circuits, symbols, self.device, self.programs)

    def empty_cache(self) -> None:
        """Forget the cached contraction programs."""
        self.programs.clear()
