"""From output distributions to class probabilities."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

from qnlp.errors import ConfigError
from qnlp.functor.circuit import ParamCircuit

__all__ = ["class_probabilities", "qubits_for_classes", "check_circuits"]

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


def check_circuits(circuits: Sequence[ParamCircuit], symbols: Sequence[str]) -> tuple[int, dict[str, int]]:
    """What every backend checks before preparing circuits: there are some,
    they share a number of outputs, and every symbol has a parameter.

    Returns the number of outputs and each symbol's position in the
    parameter vector.

    Raises
    ------
    ConfigError
        Naming what is wrong.
    """
    if not circuits:
        raise ConfigError("no circuits to evaluate; give at least one")
    n_outputs = {len(c.outputs) for c in circuits}
    if len(n_outputs) > 1:
        raise ConfigError(f"circuits have different numbers of output qubits {sorted(n_outputs)}; give circuits of one codomain")
    index = {name: i for i, name in enumerate(symbols)}
    unknown = sorted({s for c in circuits for s in c.symbols} - set(index))
    if unknown:
        raise ConfigError(f"symbols {unknown[:5]} have no parameter; train on data that contains them")
    return n_outputs.pop(), index
