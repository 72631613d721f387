"""Parameterised functors: pregroup diagrams to circuits with symbolic parameters."""

from __future__ import annotations

from qnlp.functor.ansatz import ANSATZE, Ansatz
from qnlp.functor.circuit import Gate, ParamCircuit, Phase, from_lambeq

__all__ = ["ANSATZE", "Ansatz", "Gate", "ParamCircuit", "Phase", "from_lambeq"]
