"""Parameterised functors: pregroup diagrams to circuits with symbolic parameters."""

from __future__ import annotations

from qnlp.functor.ansatz import ANSATZE, Ansatz
from qnlp.functor.circuit import Gate, ParamCircuit, Phase, from_lambeq
from qnlp.functor.draw import draw_circuit

__all__ = ["ANSATZE", "Ansatz", "Gate", "ParamCircuit", "Phase", "draw_circuit", "from_lambeq"]
