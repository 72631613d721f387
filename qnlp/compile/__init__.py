"""Compile circuits through ZX rewriting into smaller pytket circuits.

``compile(circuit)`` takes a :class:`~qnlp.functor.ParamCircuit` (or a
lambeq circuit, or a pregroup diagram with an ansatz) to a ZX diagram with
symbolic phases (:mod:`~qnlp.compile.zx`), rewrites it
(:mod:`~qnlp.compile.rewrite`: spider fusion, identity removal and so snake
removal, phase-gadget merging, Clifford rules where they shrink the graph),
extracts a circuit with post-selections (:mod:`~qnlp.compile.extract`),
optimises and rebases it with pytket (:mod:`~qnlp.compile.passes`), and
returns a :class:`~qnlp.compile.compiled.CompiledCircuit` with its metrics.
"""

from __future__ import annotations

from qnlp.compile.compiled import CompiledCircuit, Metrics
from qnlp.compile.compiler import CompileOptions, compile, compile_many, translate

__all__ = ["CompileOptions", "CompiledCircuit", "Metrics", "compile", "compile_many", "translate"]
