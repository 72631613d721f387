"""Protein diagrams -> circuits: the functor of the RNN- and CNN-like networks.

Why a functor of its own: the diagrams of :mod:`qnlp.parse.proteins` hold
only four kinds of boxes, and each becomes a small circuit named after it, so
equal names give equal circuits and shared parameters:

- a residue word ``t : 1 -> r`` becomes a state on ``word_qubits`` qubits
  (rotations with symbols ``res_t__i``; the padding word ``-`` stays ``|0>``);
- ``start : 1 -> h`` opens ``state_qubits`` qubits in ``|0>``;
- a combining box (``cell : h r -> h`` or ``merge : r r -> r``) is a
  parameterised unitary on both inputs (symbols ``name__i``) after which the
  second input's qubits are discarded (a mixed circuit, the default) or
  post-selected on ``|0>`` (a pure circuit, as cups would be);
- ``read : h -> s`` (or ``r -> s``) keeps the first ``output_qubits`` qubits.

Discarding makes the cost of a long sequence linear on hardware too: no shot
is thrown away, however long the sequence; post-selecting halves the
surviving shots at every step at worst. The pieces (:meth:`ProteinAnsatz.word_gates`,
:meth:`ProteinAnsatz.box_gates`) are public so that a simulator can build the
per-box transfer maps without laying out the whole circuit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from qnlp.errors import ConfigError
from qnlp.functor.circuit import Gate, ParamCircuit, Phase
from qnlp.parse.proteins import PAD

__all__ = ["ProteinAnsatz", "BOX_ANSATZE", "PAD"]

logger = logging.getLogger(__name__)

#: Circuits a combining box may use.
BOX_ANSATZE = ("swap", "layered", "controlled")
_CX = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=complex)


def _check_int(name: str, value: Any, low: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise ConfigError(f"{name} must be an integer >= {low}, got {value!r}")


@dataclass(frozen=True)
class ProteinAnsatz:
    """The functor from protein diagrams to :class:`ParamCircuit`.

    Parameters
    ----------
    word_qubits : int
        Qubits per residue word (type ``r``).
    state_qubits : int
        Qubits of the recurrent state (type ``h``).
    output_qubits : int
        Qubits read at the end (type ``s``): enough for the classes.
    word_layers : int
        Layers of ``Ry Rz`` (plus a ``CRx`` ring on several qubits) of each word state.
    box_layers : int
        Layers of each combining box.
    box : str
        Circuit of a combining box: ``"swap"`` (partial swaps that move the
        word into the kept qubits, then local rotations and a ``CRz`` ring: a
        collision model with memory), ``"layered"`` (``Ry Rz`` on every qubit
        and a ``CRx`` ring) or ``"controlled"`` (rotations of the kept qubits
        controlled by the dropped ones).
    combine : str
        ``"discard"`` (trace out the dropped qubits) or ``"postselect"``
        (post-select them on ``0``).
    word_scale : float
        Word gate angles are ``word_scale * res_t__i`` half-turns. Parameters
        start uniform in [0, 2); a small scale starts every word near ``|0>``,
        so that the network starts close to coherent (a unitary per step)
        instead of close to maximally mixed, and words move apart by training.

    >>> from qnlp.parse.proteins import ProteinGrammar, ProteinReader
    >>> d = ProteinReader(ProteinGrammar(length="full")).read("MK")[0]
    >>> c = ProteinAnsatz(state_qubits=1)(d)
    >>> c.n_qubits, c.outputs, len(c.discarded), c.symbols[-2:]
    (3, (2,), 2, ('res_M__0', 'res_M__1'))
    """

    word_qubits: int = 1
    state_qubits: int = 2
    output_qubits: int = 1
    word_layers: int = 1
    box_layers: int = 1
    box: str = "swap"
    combine: str = "discard"
    word_scale: float = 0.1

    def validate(self) -> None:
        """Raise :class:`ConfigError` for a bad setting, naming it."""
        for name, low in (("word_qubits", 1), ("state_qubits", 1), ("output_qubits", 1), ("word_layers", 1), ("box_layers", 1)):
            _check_int(name, getattr(self, name), low)
        if self.box not in BOX_ANSATZE:
            raise ConfigError(f"unknown box ansatz {self.box!r}; choose one of {', '.join(BOX_ANSATZE)}")
        if not isinstance(self.word_scale, (int, float)) or isinstance(self.word_scale, bool) or self.word_scale <= 0:
            raise ConfigError(f"word_scale must be a positive number, got {self.word_scale!r}")
        if self.combine not in ("discard", "postselect"):
            raise ConfigError(f"combine {self.combine!r} must be 'discard' or 'postselect'")

    def qubits(self, kind: str) -> int:
        """Qubits of a wire of type ``r``, ``h`` or ``s``."""
        return {"r": self.word_qubits, "h": self.state_qubits, "s": self.output_qubits}[kind]

    # -- the pieces -----------------------------------------------------------

    def word_gates(self, token: str) -> tuple[Gate, ...]:
        """The gates preparing the word state of ``token`` on qubits ``0..w-1``."""
        if token == PAD:
            return ()
        w, gates, counter = self.word_qubits, [], iter(range(10**6))

        def phase() -> Phase:
            return Phase.of_symbol(f"res_{token}__{next(counter)}", self.word_scale)

        for _ in range(self.word_layers):
            gates += [Gate("Ry", (q,), phase()) for q in range(w)]
            gates += [Gate("Rz", (q,), phase()) for q in range(w)]
            if w > 1:
                gates += [Gate("CRx", (q, (q + 1) % w), phase()) for q in range(w if w > 2 else 1)]
        return tuple(gates)

    def box_width(self, kind: str) -> tuple[int, int]:
        """``(kept, dropped)`` qubits of a combining box: ``cell`` keeps the
        state and drops the word, ``merge`` keeps the left block and drops the right one."""
        return (self.state_qubits, self.word_qubits) if kind == "cell" else (self.word_qubits, self.word_qubits)

    def box_gates(self, name: str, kind: str) -> tuple[Gate, ...]:
        """The unitary of combining box ``name`` on its kept qubits ``0..k-1``
        followed by its dropped qubits ``k..k+d-1``."""
        kept, dropped = self.box_width(kind)
        n, gates, counter = kept + dropped, [], iter(range(10**6))

        def phase() -> Phase:
            return Phase.of_symbol(f"{name}__{next(counter)}")

        def ring(gate: str, qubits: list[int]) -> list[Gate]:
            if len(qubits) < 2:
                return []
            pairs = [(qubits[i], qubits[(i + 1) % len(qubits)]) for i in range(len(qubits) if len(qubits) > 2 else 1)]
            return [Gate(gate, pair, phase()) for pair in pairs]

        keep, drop = list(range(kept)), list(range(kept, n))
        for _ in range(self.box_layers):
            if self.box == "swap":
                for i in keep:
                    j = drop[i % dropped]
                    gates += [Gate("CX", (j, i), None, _CX), Gate("CRx", (i, j), phase()), Gate("CX", (j, i), None, _CX)]
                gates += [Gate("Ry", (q,), phase()) for q in keep] + [Gate("Rz", (q,), phase()) for q in keep]
                gates += ring("CRz", keep)
            elif self.box == "layered":
                gates += [Gate("Ry", (q,), phase()) for q in range(n)] + [Gate("Rz", (q,), phase()) for q in range(n)]
                gates += ring("CRx", list(range(n)))
            else:  # controlled
                gates += [Gate(g, (c, q), phase()) for c in drop for q in keep for g in ("CRy", "CRz")]
                gates += [Gate("Ry", (q,), phase()) for q in keep] + [Gate("Rz", (q,), phase()) for q in keep]
                gates += ring("CRx", keep)
        return tuple(gates)

    # -- the functor ------------------------------------------------------------

    def __call__(self, diagram: Any) -> ParamCircuit:
        """The flat circuit of one protein diagram (a lambeq diagram made by
        :class:`qnlp.parse.proteins.ProteinReader`).

        Walks the layers keeping, for every open wire, its block of qubits.

        Raises
        ------
        ConfigError
            For a box that is not a residue word, ``start``, ``read`` or a
            combining box of type ``h r -> h`` / ``r r -> r``, or more output
            qubits than the read wire holds.
        """
        self.validate()
        blocks: list[list[int]] = []
        gates: list[Gate] = []
        dropped: list[int] = []
        ignored: list[int] = []
        n_qubits = 0

        def shifted(local: tuple[Gate, ...], qubits: list[int]) -> list[Gate]:
            return [Gate(g.name, tuple(qubits[q] for q in g.qubits), g.phase, g.matrix) for g in local]

        for layer in diagram.layers:
            box, offset = layer.box, len(layer.left)
            dom, cod = str(box.dom), str(box.cod)
            if dom == "Ty()" and cod in ("r", "h"):  # a residue word, or start
                fresh = list(range(n_qubits, n_qubits + self.qubits(cod)))
                n_qubits += len(fresh)
                if cod == "r":
                    gates += shifted(self.word_gates(box.name), fresh)
                blocks.insert(offset, fresh)
            elif (dom, cod) in (("h @ r", "h"), ("r @ r", "r")):
                kind = "cell" if cod == "h" else "merge"
                keep, drop = blocks[offset], blocks[offset + 1]
                gates += shifted(self.box_gates(box.name, kind), keep + drop)
                dropped += drop
                blocks[offset : offset + 2] = [keep]
            elif cod == "s" and dom in ("h", "r"):
                wire = blocks[offset]
                if self.output_qubits > len(wire):
                    raise ConfigError(f"output_qubits={self.output_qubits} but the read wire has {len(wire)} qubits; give it more qubits")
                blocks[offset] = wire[: self.output_qubits]
                ignored += wire[self.output_qubits :]  # not read: traced out, never post-selected
            else:
                raise ConfigError(f"box {box.name!r} of type {dom} -> {cod} is not part of a protein diagram; build diagrams with ProteinReader")
        outputs = tuple(q for block in blocks for q in block)
        if self.combine == "discard":
            return ParamCircuit(n_qubits, tuple(gates), (), tuple(dropped + ignored), outputs)
        return ParamCircuit(n_qubits, tuple(gates), tuple((q, 0) for q in dropped), tuple(ignored), outputs)
