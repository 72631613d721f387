"""Pictures of a fit: training curves from a :class:`~qnlp.train.History`."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from qnlp.train.trainer import History

__all__ = ["plot_history"]


def plot_history(history: History, path: str | Path | None = None, title: str = "") -> Any:
    """Loss and accuracy per epoch (train, and validation when there was one)
    side by side, with the kept epoch marked.

    Saved as PNG/SVG/PDF when ``path`` is given (returns the path); otherwise
    returns the matplotlib figure (shown inline in notebooks)."""
    import matplotlib.pyplot as plt

    epochs = [r.epoch for r in history.records]
    has_val = any(not math.isnan(r.val_loss) for r in history.records)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(epochs, [getattr(r, f"train_{metric}") for r in history.records], label="train")
        if has_val:
            ax.plot(epochs, [getattr(r, f"val_{metric}") for r in history.records], label="validation")
        if history.best_epoch:
            ax.axvline(history.best_epoch, color="grey", linestyle=":", label=f"kept (epoch {history.best_epoch})")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
    axes[1].set_ylim(-0.02, 1.02)
    axes[1].legend(loc="lower right")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if path is None:
        return fig
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
