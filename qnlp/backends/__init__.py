"""Backends: evaluate compiled circuits to class probabilities."""

from __future__ import annotations

from qnlp.backends.exact import CircuitBatch, ExactBackend
from qnlp.backends.readout import class_probabilities, qubits_for_classes
from qnlp.backends.registry import make_backend
from qnlp.backends.shots import ShotBackend

__all__ = ["CircuitBatch", "ExactBackend", "ShotBackend", "class_probabilities", "make_backend", "qubits_for_classes"]
