"""The compiler: circuit -> ZX diagram -> rewrites -> extraction -> pytket.

:func:`compile` runs one circuit through the stages of :mod:`qnlp.compile`;
:func:`compile_many` compiles each circuit *shape* once: circuits that differ
only in their symbols (:meth:`ParamCircuit.shape_key`) get the same compiled
gates, with each gate's phase first replaced by a placeholder symbol and
then, per circuit, by that circuit's own linear phase. Since every compiled
angle is linear in the placeholders, the substitution is exact. Rewrites
look only at whether a phase is constant, never at which symbols it holds,
so circuits whose parametrised gates all carry symbols (those of every
lambeq ansatz) compile to the same gates either way; only a circuit whose
phases cancel (``Rz(a) Rz(-a)``) could compile smaller on its own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sympy
from tqdm import tqdm

from qnlp.compile.compiled import CompiledCircuit, Metrics
from qnlp.compile.extract import Extracted, extract
from qnlp.compile.passes import DEFAULT_GATE_SET, LEVELS, optimise, rebase_pass, two_qubit_count
from qnlp.compile.rewrite import simplify
from qnlp.compile.tket import phase_expr, to_tk
from qnlp.compile.zx import ZXCircuit, to_zx
from qnlp.errors import ConfigError
from qnlp.functor.circuit import Gate, ParamCircuit, Phase, from_lambeq

__all__ = ["CompileOptions", "compile", "compile_many", "translate"]

logger = logging.getLogger(__name__)

_PLACEHOLDER = "__qnlp_phase_{}"


@dataclass(frozen=True)
class CompileOptions:
    """How to compile.

    Attributes
    ----------
    optimisation : str
        pytket optimisation after extraction, one of
        :data:`qnlp.compile.passes.LEVELS` (default ``"light"``).
    gate_set : tuple of str
        pytket ``OpType`` names to rebase to; the default runs on the exact
        simulator. Ignored when :func:`compile` gets a ``backend``.
    clifford : bool
        Also try the ZX Clifford rule (local complementation, pivoting where
        they shrink the graph) and keep its circuit when it is cheaper.

    >>> CompileOptions(optimisation="full").gate_set
    ('CX', 'H', 'Rx', 'Rz')
    """

    optimisation: str = "light"
    gate_set: tuple[str, ...] = DEFAULT_GATE_SET
    clifford: bool = True

    def __post_init__(self) -> None:
        if self.optimisation not in LEVELS:
            raise ConfigError(f"unknown optimisation level {self.optimisation!r}; choose one of {list(LEVELS)}")
        if isinstance(self.gate_set, str) or not self.gate_set:
            raise ConfigError(f"gate_set must be a non-empty sequence of pytket gate names, got {self.gate_set!r}")
        object.__setattr__(self, "gate_set", tuple(self.gate_set))


def _as_circuit(item: Any, ansatz: Any) -> ParamCircuit:
    """A ParamCircuit from a ParamCircuit, a lambeq quantum diagram, or a
    pregroup diagram with an ansatz."""
    if isinstance(item, ParamCircuit):
        return item
    from lambeq.backend import grammar, quantum

    if isinstance(item, quantum.Diagram):
        return from_lambeq(item)
    if isinstance(item, grammar.Diagram):
        if ansatz is None:
            raise ConfigError("a pregroup diagram needs an ansatz to become a circuit; pass ansatz=Ansatz({'n': 1, 's': 1})")
        return _as_circuit(ansatz(item), None)
    raise ConfigError(f"cannot compile a {type(item).__name__}; give a ParamCircuit, a lambeq circuit or a pregroup diagram")


def compile(  # noqa: A001 - the module's verb
    circuit_or_diagram: Any,
    options: CompileOptions | None = None,
    *,
    ansatz: Any = None,
    backend: Any = None,
) -> CompiledCircuit:
    """Compile a circuit through ZX rewriting into a smaller pytket circuit.

    The circuit becomes a ZX diagram, is rewritten and extracted (once
    without and, if it fires, once with the Clifford rule), and each
    candidate is optimised and rebased; the cheapest wins (fewest
    post-selections, then qubits, two-qubit gates, gates, depth). Should ZX
    save neither a post-selection nor a qubit, the plain gate-for-gate
    translation competes too, so compiling never costs more than the input.
    ``metrics.route`` says which candidate was kept.

    Parameters
    ----------
    circuit_or_diagram : ParamCircuit, lambeq circuit or pregroup diagram
        What to compile; a pregroup diagram goes through ``ansatz`` first.
    options : CompileOptions, optional
        Optimisation level, gate set, Clifford rule.
    ansatz : callable, optional
        A functor from pregroup diagrams to circuits, such as
        :class:`qnlp.functor.Ansatz`.
    backend : pytket Backend, optional
        Rebase to this backend's gates (``backend.rebase_pass()``) instead of
        ``options.gate_set``.

    Returns
    -------
    CompiledCircuit
        Computes the same (post-selected, unnormalised) output distribution
        as the input.

    Raises
    ------
    ConfigError
        For an input or option that cannot be compiled.
    BackendError
        If extraction or a pytket pass fails.

    >>> from qnlp.functor.circuit import Gate, ParamCircuit, Phase
    >>> c = ParamCircuit(1, (Gate("Rz", (0,), Phase.of_symbol("a")), Gate("Rz", (0,), Phase.of_symbol("b"))), outputs=(0,))
    >>> compiled = compile(c)
    >>> [str(cmd) for cmd in compiled.circuit], compiled.metrics.qubits
    (['Rz(a + b) q[0];'], 1)
    """
    options = options or CompileOptions()
    circuit = _as_circuit(circuit_or_diagram, ansatz)
    start = time.perf_counter()
    rebase = backend.rebase_pass() if backend is not None else rebase_pass(options.gate_set)
    candidates = [_finish(route, extracted, counts, options, rebase) for route, extracted, counts in _zx_routes(circuit, options.clifford)]
    best = min(candidates, key=_cost)
    if (best.metrics.post_selected, best.metrics.qubits) >= (len(circuit.post_selection), circuit.n_qubits):
        # ZX did not save a post-selection or a qubit: weigh the plain translation too
        direct = _finish("direct", to_tk(circuit), {k: 0 for k, _ in best.metrics.rewrites}, options, rebase)
        if _cost(direct) < _cost(best):
            logger.info("ZX extraction did not beat the plain translation of this circuit; kept the translation")
            best = direct
    logger.debug("compiled in %.1f ms: %s", 1000 * (time.perf_counter() - start), best.metrics)
    return best


def translate(circuit_or_diagram: Any, options: CompileOptions | None = None, *, ansatz: Any = None) -> CompiledCircuit:
    """The plain gate-for-gate translation, with the same pytket passes and
    rebase as :func:`compile` but no ZX rewriting: the baseline compilation
    is measured against (``metrics.route == "direct"``)."""
    options = options or CompileOptions()
    extracted = to_tk(_as_circuit(circuit_or_diagram, ansatz))
    return _finish("direct", extracted, {}, options, rebase_pass(options.gate_set))


def _finish(route: str, extracted: Extracted, counts: dict[str, int], options: CompileOptions, rebase: Any) -> CompiledCircuit:
    """Optimise and rebase one candidate, and measure it."""
    tk = optimise(extracted.circuit, options.optimisation, rebase)
    metrics = Metrics(
        qubits=tk.n_qubits,
        two_qubit_gates=two_qubit_count(tk),
        depth=tk.depth(),
        post_selected=len(extracted.post_selection),
        gates=tk.n_gates,
        rewrites=tuple(counts.items()),
        route=route,
    )
    return CompiledCircuit(tk, dict(extracted.post_selection), extracted.outputs, extracted.discarded, extracted.scalar, metrics)


def _cost(compiled: CompiledCircuit) -> tuple[int, ...]:
    """What the compiler minimises, in order."""
    m = compiled.metrics
    return (m.post_selected, m.qubits, m.two_qubit_gates, m.gates, m.depth)


def _zx_routes(circuit: ParamCircuit, clifford: bool) -> Iterator[tuple[str, Extracted, dict[str, int]]]:
    """The ZX candidates: without the Clifford rule, and with it (when it fires)."""
    zx = to_zx(circuit)
    counts = simplify(zx.graph, clifford=False)
    other = zx.graph.copy() if clifford else None
    yield "zx", extract(zx), counts
    if other is not None:
        more = simplify(other, clifford=True)
        if more["clifford"]:
            yield "zx+clifford", extract(ZXCircuit(other, zx.n_outputs, zx.scalar)), {k: counts[k] + more[k] for k in counts}


def _placeholders(circuit: ParamCircuit) -> tuple[ParamCircuit, list[Phase]]:
    """The circuit with the i-th phase replaced by placeholder symbol i."""
    gates, phases = [], []
    for gate in circuit.gates:
        if gate.phase is not None:
            gates.append(Gate(gate.name, gate.qubits, Phase.of_symbol(_PLACEHOLDER.format(len(phases)))))
            phases.append(gate.phase)
        else:
            gates.append(gate)
    return ParamCircuit(circuit.n_qubits, tuple(gates), circuit.post_selection, circuit.discarded, circuit.outputs, 1.0), phases


def _instantiate(shape: CompiledCircuit, circuit: ParamCircuit) -> CompiledCircuit:
    """The compiled shape with ``circuit``'s phases in place of the placeholders."""
    _, phases = _placeholders(circuit)
    tk = shape.circuit.copy()
    present = {str(s) for s in tk.free_symbols()}
    mapping = {
        sympy.Symbol(_PLACEHOLDER.format(i)): phase_expr(p) for i, p in enumerate(phases) if _PLACEHOLDER.format(i) in present
    }
    if mapping:
        tk.symbol_substitution(mapping)
    return CompiledCircuit(
        tk, dict(shape.post_selection), shape.outputs, shape.discarded, shape.scalar * circuit.scalar, shape.metrics
    )


def compile_many(
    circuits: Iterable[Any],
    options: CompileOptions | None = None,
    *,
    ansatz: Any = None,
    backend: Any = None,
    verbose: bool = False,
) -> list[CompiledCircuit]:
    """Compile many circuits, each shape once.

    Parameters
    ----------
    circuits : iterable
        ParamCircuits (or what :func:`compile` accepts).
    options, ansatz, backend :
        As for :func:`compile`.
    verbose : bool
        Show a progress bar (on stderr).

    Returns
    -------
    list of CompiledCircuit
        One per input, in order.
    """
    items: Sequence[ParamCircuit] = [_as_circuit(c, ansatz) for c in circuits]
    shapes: dict[Any, CompiledCircuit] = {}
    result = []
    for circuit in tqdm(items, desc="compiling", unit="circuit", disable=not verbose):
        key = circuit.shape_key()
        if key not in shapes:
            shapes[key] = compile(_placeholders(circuit)[0], options, backend=backend)
        result.append(_instantiate(shapes[key], circuit))
    logger.info("compiled %d circuits in %d shapes", len(items), len(shapes))
    return result
