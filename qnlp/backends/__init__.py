"""Backends: evaluate compiled circuits to class probabilities."""

from __future__ import annotations

from qnlp.backends.exact import CircuitBatch, ExactBackend
from qnlp.backends.readout import class_probabilities, qubits_for_classes

__all__ = ["CircuitBatch", "ExactBackend", "class_probabilities", "qubits_for_classes"]
