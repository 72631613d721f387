"""Diagrammatic gradients: the parameter-shift rule on the circuits' gates.

Every parametrised gate is a rotation ``exp(-i*pi*phi*G)`` whose angle
``phi = const + sum(c_j * theta_j)`` is linear in the parameters. The
derivative of an outcome probability by ``phi`` is exact from the same
circuit evaluated at shifted angles (two shifts for Rx/Ry/Rz, whose generator
has eigenvalues +-1/2; four for their controlled forms, eigenvalues
{0, +-1/2}). The gradient by ``theta_j`` sums, over every gate where
``theta_j`` occurs, ``c_j`` times that derivative (product rule over
occurrences, chain rule through the linear angle).

It works for any batch with ``angles(theta, row)`` and ``run(requests)``:
the exact simulator and every shot backend; with shots, all shifted circuits
of a step go to the backend in one submission.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

__all__ = ["parameter_shift", "ParameterShift", "SHIFT_RULES"]

_D1 = (math.sqrt(2) + 1) / (4 * math.sqrt(2))
_D2 = (math.sqrt(2) - 1) / (4 * math.sqrt(2))

#: (shift in half-turns, weight) pairs whose weighted sum of evaluations is
#: d(outcome probability)/d(angle in half-turns).
SHIFT_RULES: dict[str, tuple[tuple[float, float], ...]] = {
    **{name: ((0.5, math.pi / 2), (-0.5, -math.pi / 2)) for name in ("Rx", "Ry", "Rz")},
    **{
        name: ((0.5, math.pi * _D1), (-0.5, -math.pi * _D1), (1.5, -math.pi * _D2), (-1.5, math.pi * _D2))
        for name in ("CRx", "CRy", "CRz")
    },
}


def parameter_shift(batch: Any, theta: np.ndarray, rows: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Outcome probabilities and their Jacobian by the parameters.

    Parameters
    ----------
    batch : CircuitBatch or ShotBatch
        Prepared circuits: anything with ``angles(theta, row)``,
        ``gate_names(row)``, ``terms(row, gate)`` and ``run(requests)``.
    theta : ndarray of shape (P,)
        Parameter values (half-turns).
    rows : sequence of int
        Which circuits.

    Returns
    -------
    probs : ndarray (len(rows), K)
    jacobian : ndarray (len(rows), K, P)
    """
    requests: list[tuple[int, np.ndarray]] = []
    is_base: list[bool] = []
    shifted: list[tuple[int, int, float]] = []  # (row position, gate, weight) of each shifted request
    for pos, row in enumerate(rows):
        base = batch.angles(theta, row)
        requests.append((row, base))
        is_base.append(True)
        for g, name in enumerate(batch.gate_names(row)):
            for shift, weight in SHIFT_RULES[name]:
                angles = base.copy()
                angles[g] += shift
                requests.append((row, angles))
                is_base.append(False)
                shifted.append((pos, g, weight))
    results = batch.run(requests)
    base_mask = np.array(is_base)
    probs = results[base_mask]
    jacobian = np.zeros((len(rows), results.shape[1], len(theta)))
    for (pos, g, weight), result in zip(shifted, results[~base_mask]):
        for symbol, coeff in batch.terms(rows[pos], g):
            jacobian[pos, :, symbol] += coeff * weight * result
    return probs, jacobian


class ParameterShift(torch.autograd.Function):
    """Outcome probabilities whose backward pass is the parameter-shift rule,
    so any torch optimiser trains on diagrammatic gradients."""

    @staticmethod
    def forward(ctx: Any, theta: torch.Tensor, batch: Any, rows: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        values = theta.detach().cpu().numpy().astype(np.float64)
        probs, jacobian = parameter_shift(batch, values, [int(r) for r in rows])
        ctx.save_for_backward(torch.from_numpy(jacobian))
        return torch.from_numpy(probs).to(theta.dtype)

    @staticmethod
    def backward(ctx: Any, grad_output: torch.Tensor) -> tuple[Any, ...]:  # type: ignore[override]
        (jacobian,) = ctx.saved_tensors
        return torch.einsum("bk,bkp->p", grad_output.to(jacobian.dtype), jacobian), None, None
