"""CompiledCircuit: what the compiler hands to backends, with its metrics.

A compiled circuit is a pytket circuit on fresh ``|0>`` qubits (gates only,
angles as sympy expressions linear in the symbols), plus which qubits are
post-selected on which bit, which are outputs (in the diagram's codomain
order) and which are traced out, and the scalar that makes its amplitudes
those of the original diagram: ``amplitude(diagram) = scalar *
amplitude(circuit)`` up to a global phase.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import sympy
from pytket import Circuit, OpType

from qnlp.errors import ConfigError, DataError
from qnlp.compile.tket import phase_of
from qnlp.functor.circuit import PARAMETRISED_GATES, Gate, ParamCircuit

__all__ = ["Metrics", "CompiledCircuit"]

logger = logging.getLogger(__name__)

# pytket's names for the gates ParamCircuit knows by another name
_NAMES = {OpType.Sdg: "Sdg", OpType.Tdg: "Tdg", OpType.SWAP: "SWAP"}


@dataclass(frozen=True)
class Metrics:
    """The hardware cost of a compiled circuit.

    Attributes
    ----------
    qubits : int
        Qubits used.
    two_qubit_gates : int
        Two-qubit gates after a rebase to CX.
    depth : int
        Circuit depth in the target gate set.
    post_selected : int
        Post-selected qubits; each halves the surviving shots at best.
    gates : int
        All gates in the target gate set.
    rewrites : tuple of (str, int)
        How often each ZX rule fired (see :mod:`qnlp.compile.rewrite`).
    route : str
        Which candidate was kept: ``"zx"``, ``"zx+clifford"`` (with the
        Clifford rule), or ``"direct"`` (the plain translation, when ZX
        extraction did not make the circuit cheaper).
    """

    qubits: int
    two_qubit_gates: int
    depth: int
    post_selected: int
    gates: int
    rewrites: tuple[tuple[str, int], ...] = ()
    route: str = "zx"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        data = asdict(self)
        data["rewrites"] = dict(self.rewrites)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Metrics:
        """The inverse of :meth:`to_dict`."""
        return cls(**{**data, "rewrites": tuple(dict(data.get("rewrites", {})).items())})


@dataclass(frozen=True)
class CompiledCircuit:
    """A compiled circuit with its post-selection, outputs, scalar and metrics.

    Attributes
    ----------
    circuit : pytket.Circuit
        The gates, on qubits that all start in ``|0>``; symbolic angles.
        Treat it as read-only (:meth:`to_tk` gives copies).
    post_selection : dict of int to int
        Qubit -> the bit it must show for a shot to count.
    outputs : tuple of int
        Output qubits, in the order of the diagram's codomain.
    discarded : tuple of int
        Qubits traced out.
    scalar : float
        ``|amplitude(diagram)| = scalar * |amplitude(circuit)|``.
    metrics : Metrics
        Qubits, two-qubit gates, depth, post-selected qubits, rewrite counts.
    """

    circuit: Circuit = field(compare=False)
    post_selection: dict[int, int] = field(hash=False)
    outputs: tuple[int, ...]
    discarded: tuple[int, ...]
    scalar: float
    metrics: Metrics

    @property
    def symbols(self) -> tuple[str, ...]:
        """The names of the free symbols, sorted."""
        return tuple(sorted(str(s) for s in self.circuit.free_symbols()))

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the circuit in pytket's own JSON form, with
        its symbols renamed ``qnlp_sym_<i>`` (pytket cannot read back names
        such as lambeq's ``cooks__n.r@s@n.l_0``) and listed under ``symbols``."""
        circuit = self.circuit.copy()
        names = self.symbols
        circuit.symbol_substitution({sympy.Symbol(n): sympy.Symbol(f"qnlp_sym_{i}") for i, n in enumerate(names)})
        return {
            "circuit": circuit.to_dict(),
            "symbols": list(names),
            "post_selection": {str(q): b for q, b in sorted(self.post_selection.items())},
            "outputs": list(self.outputs),
            "discarded": list(self.discarded),
            "scalar": self.scalar,
            "metrics": self.metrics.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CompiledCircuit:
        """The inverse of :meth:`to_dict`.

        Raises
        ------
        DataError
            If ``data`` is not a compiled circuit written by :meth:`to_dict`.
        """
        try:
            circuit = Circuit.from_dict(data["circuit"])
            names = list(data["symbols"])
            circuit.symbol_substitution({sympy.Symbol(f"qnlp_sym_{i}"): sympy.Symbol(n) for i, n in enumerate(names)})
            return cls(
                circuit,
                {int(q): int(b) for q, b in data["post_selection"].items()},
                tuple(data["outputs"]),
                tuple(data["discarded"]),
                float(data["scalar"]),
                Metrics.from_dict(data["metrics"]),
            )
        except (KeyError, TypeError, ValueError, RuntimeError) as err:
            raise DataError(f"not a compiled circuit: {err}; give what CompiledCircuit.to_dict wrote") from err

    def to_tk(self, values: Mapping[str, float] | None = None, measure: bool = False) -> Circuit:
        """A copy of the circuit, optionally with symbols substituted and
        measurements added.

        Parameters
        ----------
        values : mapping of str to float, optional
            Symbol values in half-turns; every symbol needs one.
        measure : bool
            Measure the outputs into register ``out`` (codomain order) and the
            post-selected qubits into register ``post`` (in the order of
            ``sorted(post_selection)``); discarded qubits are not measured.

        Raises
        ------
        ConfigError
            If ``values`` misses a symbol.
        """
        circuit = self.circuit.copy()
        if values is not None:
            missing = sorted(set(self.symbols) - set(values))
            if missing:
                raise ConfigError(f"no values for symbols {missing[:5]}; give a value to every symbol of the circuit")
            circuit.symbol_substitution({sympy.Symbol(s): float(values[s]) for s in self.symbols})
        if measure:
            out = circuit.add_c_register("out", len(self.outputs)) if self.outputs else None
            post = circuit.add_c_register("post", len(self.post_selection)) if self.post_selection else None
            for i, q in enumerate(self.outputs):
                assert out is not None
                circuit.Measure(circuit.qubits[q], out[i])
            for i, q in enumerate(sorted(self.post_selection)):
                assert post is not None
                circuit.Measure(circuit.qubits[q], post[i])
        return circuit

    def postselect(self, counts: Mapping[tuple[int, ...], int]) -> dict[tuple[int, ...], int]:
        """Keep the shots whose post-selected bits match, as counts of output
        bits. ``counts`` are keyed by (output bits..., post-selected bits...),
        as ``result.get_counts(cbits=[*c.get_c_register("out"),
        *c.get_c_register("post")])`` gives them for ``c = to_tk(values,
        measure=True)``."""
        wanted = tuple(self.post_selection[q] for q in sorted(self.post_selection))
        n = len(self.outputs)
        kept: dict[tuple[int, ...], int] = {}
        for bits, count in counts.items():
            if tuple(bits[n:]) == wanted:
                kept[tuple(bits[:n])] = kept.get(tuple(bits[:n]), 0) + count
        return kept

    def survival_probability(self, values: Mapping[str, float]) -> float:
        """Exact probability that a shot passes the post-selection, at the
        given symbol values (half-turns)."""
        state = self.to_tk(values).get_statevector()
        n = self.circuit.n_qubits
        probs = (np.abs(state) ** 2).reshape((2,) * n)
        index = tuple(self.post_selection.get(q, slice(None)) for q in range(n))
        return float(np.sum(probs[index]))

    def to_param_circuit(self) -> ParamCircuit:
        """The compiled circuit as a :class:`~qnlp.functor.ParamCircuit`, for
        the exact simulator.

        Raises
        ------
        ConfigError
            If a gate with a symbolic angle is not one of Rx, Ry, Rz and their
            controlled forms (rebase to a gate set with Rz and Rx).
        """
        gates = []
        for cmd in self.circuit.get_commands():
            op, qubits = cmd.op, tuple(q.index[0] for q in cmd.qubits)
            name = op.type.name
            symbolic = any(isinstance(p, sympy.Expr) and p.free_symbols for p in op.params)
            if name in PARAMETRISED_GATES:
                gates.append(Gate(name, qubits, phase_of(op.params[0])))
            elif symbolic:
                raise ConfigError(
                    f"gate {cmd} has a symbolic angle but the simulator knows only {sorted(PARAMETRISED_GATES)}; "
                    "compile with a gate set such as ('CX', 'H', 'Rx', 'Rz')"
                )
            else:
                gates.append(Gate(_NAMES.get(op.type, name), qubits, None, np.asarray(op.get_unitary(), dtype=complex)))
        return ParamCircuit(
            self.circuit.n_qubits,
            tuple(gates),
            tuple(sorted(self.post_selection.items())),
            self.discarded,
            self.outputs,
            self.scalar,
        )
