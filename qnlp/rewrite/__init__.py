"""Rewrites of pregroup diagrams (diagram in, new diagram out)."""

from __future__ import annotations

from qnlp.rewrite.unknown import UNK, UnknownWordRule, replace_unknown, vocabulary

__all__ = ["UNK", "UnknownWordRule", "replace_unknown", "vocabulary"]
