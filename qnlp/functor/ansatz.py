"""Ansätze: parameterised functors from pregroup diagrams to circuits.

An ansatz says how many qubits each atomic type gets and which circuit each
word box becomes; lambeq's ansätze already do this well (one traversal, one
symbol per word, type and position in the word's box, shared across
sentences), so qnlp uses them and lays their output flat as a
:class:`~qnlp.functor.circuit.ParamCircuit`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from qnlp.errors import ConfigError
from qnlp.functor.circuit import ParamCircuit, from_lambeq

__all__ = ["Ansatz", "ANSATZE"]

logger = logging.getLogger(__name__)

#: Names accepted by :class:`Ansatz`, and the lambeq class behind each.
ANSATZE = {
    "iqp": "IQPAnsatz",
    "sim14": "Sim14Ansatz",
    "sim15": "Sim15Ansatz",
    "sim4": "Sim4Ansatz",
}


class Ansatz:
    """A parameterised functor from pregroup diagrams to :class:`ParamCircuit`.

    Parameters
    ----------
    qubits : mapping of str to int
        Qubits per atomic type, e.g. ``{"n": 1, "s": 1}``. A type may get 0
        qubits (its wires vanish), as is usual for ``s`` inside noun phrases.
    n_layers : int
        Layers of the word circuits.
    kind : str
        One of :data:`ANSATZE` (default ``"iqp"``).

    >>> from lambeq.backend.grammar import Cup, Diagram, Ty, Word
    >>> n, s = Ty("n"), Ty("s")
    >>> d = Diagram.create_pregroup_diagram(
    ...     [Word("Alice", n), Word("runs", n.r @ s)], [(Cup, 0, 1)])
    >>> c = Ansatz({"n": 1, "s": 1})(d)
    >>> c.n_qubits, c.outputs, c.symbols[:2]
    (3, (2,), ('Alice__n_0', 'Alice__n_1'))
    """

    def __init__(self, qubits: Mapping[str, int], n_layers: int = 1, kind: str = "iqp") -> None:
        self.qubits = dict(qubits)
        self.n_layers = n_layers
        self.kind = kind
        self._functor: Any = None

    def _lambeq_ansatz(self) -> Any:
        if self._functor is None:
            import lambeq
            from lambeq.backend.grammar import Ty

            if self.kind not in ANSATZE:
                raise ConfigError(f"unknown ansatz {self.kind!r}; choose one of {sorted(ANSATZE)}")
            if not isinstance(self.n_layers, int) or self.n_layers < 1:
                raise ConfigError(f"n_layers must be a positive integer, got {self.n_layers!r}")
            for name, count in self.qubits.items():
                if not isinstance(count, int) or count < 0:
                    raise ConfigError(f"qubits for type {name!r} must be a non-negative integer, got {count!r}")
            ob_map = {Ty(name): count for name, count in self.qubits.items()}
            self._functor = getattr(lambeq, ANSATZE[self.kind])(ob_map, n_layers=self.n_layers)
        return self._functor

    def __call__(self, diagram: Any) -> ParamCircuit:
        """The circuit of one pregroup diagram.

        Raises
        ------
        ConfigError
            If the diagram holds an atomic type with no qubit count.
        """
        missing = sorted(_atomic_types(diagram) - set(self.qubits))
        if missing:
            raise ConfigError(
                f"no qubit count for type(s) {missing} in diagram {diagram}; "
                f"add them to qubits (now {self.qubits})"
            )
        return from_lambeq(self._lambeq_ansatz()(diagram))

    def circuits(self, diagrams: Iterable[Any]) -> list[ParamCircuit]:
        """The circuits of many diagrams."""
        return [self(d) for d in diagrams]


def _atomic_types(diagram: Any) -> set[str]:
    """Names of the atomic types on the diagram's boxes and codomain."""
    return {t.name for box in diagram.boxes for t in [*box.dom, *box.cod]} | {t.name for t in diagram.cod}
