"""pytket passes after extraction: optimisation levels and the rebase.

pytket squashes single-qubit rotations into ``TK1`` gates whose angles, for
symbolic circuits, become ``atan2`` of sines and cosines: exact, but no longer
linear in the parameters, so gradients and the exact simulator break. qnlp
therefore *shields* every gate with a symbolic angle as an opaque custom gate
while pytket's Clifford and peephole passes run, and restores it afterwards;
the only passes that see symbolic rotations are those that merge them
linearly (``RemoveRedundancies``, ``CommuteThroughMultis``).

Levels (:data:`LEVELS`):

- ``"none"``: rebase only.
- ``"light"`` (default): cancel and merge gates, commute rotations through
  CX controls, turn ``H Rz(t) H`` into ``Rx(t)``; linear by construction and
  fast (about 1 ms per sentence).
- ``"clifford"``: ``light`` plus ``CliffordSimp`` on the shielded circuit.
- ``"full"``: ``light`` plus ``FullPeepholeOptimise`` on the shielded
  circuit (tens of ms per sentence).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

import sympy
from pytket import Circuit, OpType
from pytket.circuit import CustomGateDef
from pytket.passes import (
    AutoRebase,
    BasePass,
    CliffordSimp,
    CommuteThroughMultis,
    DecomposeBoxes,
    FullPeepholeOptimise,
    RemoveRedundancies,
    SequencePass,
)

from qnlp.errors import BackendError, ConfigError

__all__ = ["LEVELS", "DEFAULT_GATE_SET", "optimise", "merge_hadamards", "rebase_pass", "check_linear", "two_qubit_count"]

logger = logging.getLogger(__name__)

LEVELS = ("none", "light", "clifford", "full")
#: Gates the exact simulator runs without any change: symbolic Rz and Rx, fixed H and CX.
DEFAULT_GATE_SET = ("CX", "H", "Rx", "Rz")
_PREFIX = "qnlp_shield_"


def _light() -> BasePass:
    return SequencePass([RemoveRedundancies(), CommuteThroughMultis(), RemoveRedundancies()])


def merge_hadamards(circuit: Circuit) -> Circuit:
    """Replace each ``H, Rz(t), H`` on one qubit by ``Rx(t)``: exact, and
    linear in ``t``, unlike pytket's squashing."""
    commands = circuit.get_commands()
    on_qubit: dict[int, list[int]] = {}
    for i, cmd in enumerate(commands):
        for q in cmd.qubits:
            on_qubit.setdefault(q.index[0], []).append(i)
    replaced: dict[int, Any] = {}
    dropped: set[int] = set()
    for seq in on_qubit.values():
        k = 0
        while k + 2 < len(seq):
            a, b, c = (commands[i] for i in seq[k : k + 3])
            if (
                a.op.type == OpType.H
                and b.op.type == OpType.Rz
                and c.op.type == OpType.H
                and not {seq[k], seq[k + 1], seq[k + 2]} & (dropped | set(replaced))
            ):
                replaced[seq[k + 1]] = b.op.params[0]
                dropped |= {seq[k], seq[k + 2]}
                k += 3
            else:
                k += 1
    result = Circuit(circuit.n_qubits)
    for i, cmd in enumerate(commands):
        qubits = [q.index[0] for q in cmd.qubits]
        if i in dropped:
            continue
        if i in replaced:
            result.Rx(replaced[i], qubits[0])
        else:
            result.add_gate(cmd.op, qubits)
    return result


def _is_symbolic(op: Any) -> bool:
    return any(isinstance(p, sympy.Expr) and p.free_symbols for p in op.params)


def _shield(circuit: Circuit) -> Circuit:
    """A copy where each gate with a symbolic angle is an opaque custom gate."""
    shielded = Circuit(circuit.n_qubits)
    defs: dict[tuple[OpType, int, int], CustomGateDef] = {}
    for cmd in circuit.get_commands():
        op, qubits = cmd.op, [q.index[0] for q in cmd.qubits]
        if not _is_symbolic(op):
            shielded.add_gate(op, qubits)
            continue
        key = (op.type, len(op.params), len(qubits))
        if key not in defs:
            args = sympy.symbols(f"x0:{len(op.params)}")
            body = Circuit(len(qubits)).add_gate(op.type, list(args), list(range(len(qubits))))
            defs[key] = CustomGateDef.define(f"{_PREFIX}{op.type.name}", body, list(args))
        shielded.add_custom_gate(defs[key], list(op.params), qubits)
    return shielded


def _unshield(circuit: Circuit) -> Circuit:
    restored = Circuit(circuit.n_qubits)
    for cmd in circuit.get_commands():
        op, qubits = cmd.op, [q.index[0] for q in cmd.qubits]
        if op.type == OpType.CustomGate and op.gate.name.startswith(_PREFIX):
            restored.add_gate(OpType.from_name(op.gate.name[len(_PREFIX) :]), list(op.params), qubits)
        else:
            restored.add_gate(op, qubits)
    return restored


def rebase_pass(gate_set: Collection[str]) -> BasePass:
    """pytket's automatic rebase to the named gates (pytket ``OpType`` names).

    Raises
    ------
    ConfigError
        If a name is not a pytket gate or pytket cannot rebase to the set.
    """
    try:
        types = {OpType.from_name(name) for name in gate_set}
        return AutoRebase(types)
    except Exception as err:  # pytket raises RuntimeError or KeyError here
        raise ConfigError(f"cannot rebase to gate set {sorted(gate_set)}: {err}; use e.g. {list(DEFAULT_GATE_SET)}") from err


def optimise(circuit: Circuit, level: str, rebase: BasePass) -> Circuit:
    """Optimise a symbolic circuit at ``level`` and rebase it, keeping every
    angle linear in the symbols.

    Raises
    ------
    ConfigError
        If ``level`` is not one of :data:`LEVELS`.
    BackendError
        If a pass fails or leaves an angle that is not linear.
    """
    if level not in LEVELS:
        raise ConfigError(f"unknown optimisation level {level!r}; choose one of {list(LEVELS)}")
    try:
        if level in ("clifford", "full"):
            shielded = _shield(circuit)
            (CliffordSimp(allow_swaps=False) if level == "clifford" else FullPeepholeOptimise(allow_swaps=False)).apply(shielded)
            circuit = _unshield(shielded)
        else:
            circuit = circuit.copy()
        if level != "none":
            _light().apply(circuit)
            circuit = merge_hadamards(circuit)
        DecomposeBoxes().apply(circuit)
        rebase.apply(circuit)
        if level != "none":
            RemoveRedundancies().apply(circuit)
    except RuntimeError as err:
        raise BackendError(f"pytket optimisation at level {level!r} failed: {err}") from err
    check_linear(circuit)
    return circuit


def check_linear(circuit: Circuit) -> None:
    """Raise BackendError if an angle is not a linear function of the symbols."""
    from qnlp.compile.tket import phase_of

    for cmd in circuit.get_commands():
        for param in cmd.op.params:
            if isinstance(param, sympy.Expr) and param.free_symbols:
                try:
                    phase_of(param)
                except ConfigError as err:
                    raise BackendError(f"angle {param} of {cmd} is not linear in the symbols; use a lighter optimisation level") from err


def two_qubit_count(circuit: Circuit) -> int:
    """Two-qubit gates after a rebase to CX (and TK1)."""
    if all(cmd.op.type == OpType.CX for cmd in circuit.get_commands() if len(cmd.qubits) == 2):
        return circuit.n_2qb_gates()
    copy = circuit.copy()
    AutoRebase({OpType.CX, OpType.TK1}).apply(copy)
    return copy.n_2qb_gates()
