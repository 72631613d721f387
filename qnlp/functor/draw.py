"""Drawing a :class:`ParamCircuit` with matplotlib: qubit lines, gates as
labelled boxes, controls as dots, and the end of each qubit marked as a
post-selection (``<0|``), a discard (ground) or an output (``out``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qnlp.errors import ConfigError
from qnlp.functor.circuit import Gate, ParamCircuit

__all__ = ["draw_circuit"]

_FORMATS = {".png", ".svg", ".pdf"}


def _columns(circuit: ParamCircuit) -> list[list[Gate]]:
    """Gates packed left to right: a gate goes in the first column after the
    last one that touches any qubit between its lowest and highest."""
    columns: list[list[Gate]] = []
    frontier = [0] * circuit.n_qubits
    for gate in circuit.gates:
        span = range(min(gate.qubits), max(gate.qubits) + 1)
        col = max(frontier[q] for q in span)
        if col == len(columns):
            columns.append([])
        columns[col].append(gate)
        for q in span:
            frontier[q] = col + 1
    return columns


def _label(gate: Gate) -> str:
    """``Rz(man₁)``: the gate and, for a parameter, its word and index (the
    full symbol names are in ``circuit.symbols``)."""
    name = gate.name[1:] if gate.name.startswith("C") and gate.phase is not None else gate.name
    if gate.phase is None:
        return name
    if not gate.phase.terms:
        return f"{name}({gate.phase.const:.2g})"
    symbol = gate.phase.terms[0][0]
    word, _, rest = symbol.partition("__")
    index = rest.rsplit("_", 1)[-1] if rest else ""
    more = "+…" if len(gate.phase.terms) > 1 else ""
    return f"{name}({word[:7]}{'.' + index if index.isdigit() else ''}{more})"


def draw_circuit(circuit: ParamCircuit, path: str | Path | None = None, title: str = "") -> Any:
    """Draw ``circuit`` to a PNG, SVG or PDF file (returns the path), or, with
    no path, return the matplotlib figure (shown inline in notebooks).

    Raises
    ------
    ConfigError
        If the file name has another extension.
    """
    import matplotlib.pyplot as plt

    if path is not None and Path(path).suffix.lower() not in _FORMATS:
        raise ConfigError(f"cannot draw to {Path(path).name!r}; use a file name ending in {', '.join(sorted(_FORMATS))}")
    columns = _columns(circuit)
    width = 1.6
    fig, ax = plt.subplots(figsize=(max(4.0, 0.25 + width * 0.55 * (len(columns) + 2)), 0.5 + 0.55 * circuit.n_qubits))
    end = width * (len(columns) + 1)
    post = dict(circuit.post_selection)
    for q in range(circuit.n_qubits):
        y = -q
        ax.plot([0, end], [y, y], color="black", lw=0.8, zorder=0)
        ax.text(-0.15, y, "|0⟩", ha="right", va="center", fontsize=9)
        marker = f"⟨{post[q]}|" if q in post else "⏚" if q in circuit.discarded else "out"
        ax.text(end + 0.15, y, marker, ha="left", va="center", fontsize=9, color="tab:red" if q in post else "black")
    for c, column in enumerate(columns):
        x = width * (c + 1)
        for gate in column:
            _draw_gate(ax, gate, x)
    ax.set_xlim(-0.9, end + 0.9)
    ax.set_ylim(-circuit.n_qubits + 0.4, 0.6)
    ax.axis("off")
    metrics = circuit.metrics
    ax.set_title(title or f"{metrics['qubits']} qubits, {metrics['two_qubit_gates']} two-qubit gates, {metrics['post_selected']} post-selected", fontsize=10)
    fig.tight_layout()
    if path is None:
        return fig
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def _draw_gate(ax: Any, gate: Gate, x: float) -> None:
    from matplotlib.patches import FancyBboxPatch

    if len(gate.qubits) == 2 and gate.name in {"CX", "CZ"} | {"CRx", "CRy", "CRz"}:
        control, target = gate.qubits
        ax.plot([x, x], [-control, -target], color="black", lw=0.8, zorder=1)
        ax.plot(x, -control, "o", color="black", ms=4, zorder=2)
        if gate.name == "CX":
            ax.plot(x, -target, "o", mfc="white", mec="black", ms=9, zorder=2)
            ax.plot([x, x], [-target - 0.13, -target + 0.13], color="black", lw=0.8, zorder=3)
            return
        if gate.name == "CZ":
            ax.plot(x, -target, "o", color="black", ms=4, zorder=2)
            return
        qubits = (target,)
    else:
        qubits = gate.qubits
    top, bottom = -min(qubits), -max(qubits)
    box = FancyBboxPatch((x - 0.62, bottom - 0.22), 1.24, top - bottom + 0.44, boxstyle="round,pad=0.02", fc="white", ec="black", lw=0.8, zorder=2)
    ax.add_patch(box)
    ax.text(x, (top + bottom) / 2, _label(gate), ha="center", va="center", fontsize=6.5, zorder=3)
