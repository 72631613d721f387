"""From output distributions to class probabilities."""

from __future__ import annotations

import math

import torch

from qnlp.errors import ConfigError

__all__ = ["class_probabilities", "qubits_for_classes"]

# Below this total weight a post-selected circuit has no surviving outcome to read.
_TINY = 1e-30


def qubits_for_classes(n_classes: int) -> int:
    """Output qubits needed to read ``n_classes`` classes (at least one).

    >>> qubits_for_classes(2), qubits_for_classes(3), qubits_for_classes(4)
    (1, 2, 2)
    """
    return max(1, math.ceil(math.log2(n_classes)))


def class_probabilities(outcome_probs: torch.Tensor, n_classes: int) -> torch.Tensor:
    """Class ``k`` is the output basis state ``k``; other states are dropped and
    what remains is renormalised, which is how post-selection is read out.

    Parameters
    ----------
    outcome_probs : Tensor of shape (B, 2 ** n_outputs)
        Post-selected (unnormalised) probabilities of the output states.
    n_classes : int
        How many classes; at most ``2 ** n_outputs``.

    >>> class_probabilities(torch.tensor([[0.1, 0.3]]), 2)
    tensor([[0.2500, 0.7500]])
    """
    if n_classes > outcome_probs.shape[-1]:
        raise ConfigError(
            f"{n_classes} classes need at least {qubits_for_classes(n_classes)} output qubits, "
            f"but the circuits have {int(math.log2(outcome_probs.shape[-1]))}; give the output type more qubits"
        )
    kept = outcome_probs[:, :n_classes]
    return kept / kept.sum(-1, keepdim=True).clamp_min(_TINY)
