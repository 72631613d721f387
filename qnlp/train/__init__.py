"""Training: losses, optimisers and the Trainer."""

from __future__ import annotations

from qnlp.train.trainer import EpochRecord, History, Objective, Trainer, cross_entropy

__all__ = ["EpochRecord", "History", "Objective", "Trainer", "cross_entropy"]
