"""Training the functor's parameters: Adam on cross-entropy, with minibatches,
validation every epoch and early stopping.

The trainer knows nothing of sentences or circuits: it is given a parameter
vector and, for the training and validation sets, a function from parameters
and row indices to class probabilities, with the target classes.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import torch
from tqdm.auto import tqdm

from qnlp.errors import ConfigError

__all__ = ["Objective", "EpochRecord", "History", "Trainer", "cross_entropy"]

logger = logging.getLogger(__name__)

# Keeps log() finite when a class gets probability zero.
_EPS = 1e-12


@dataclass(frozen=True)
class Objective:
    """What to fit: ``predict(theta, rows) -> (len(rows), n_classes)``
    probabilities, and the target class of every row."""

    predict: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    targets: torch.Tensor

    def __len__(self) -> int:
        return len(self.targets)

    def evaluate(self, theta: torch.Tensor) -> tuple[float, float]:
        """Mean cross-entropy and accuracy over every row, without gradients."""
        with torch.no_grad():
            probs = self.predict(theta, torch.arange(len(self)))
            return float(cross_entropy(probs, self.targets)), float((probs.argmax(1) == self.targets).double().mean())


def cross_entropy(probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean negative log-probability of the target classes."""
    return -torch.log(probs.gather(1, targets[:, None]).clamp_min(_EPS)).mean()


@dataclass(frozen=True)
class EpochRecord:
    """The metrics of one epoch (validation ones are NaN without validation)."""

    epoch: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    seconds: float


@dataclass
class History:
    """Per-epoch metrics of a fit, and which epoch's parameters were kept."""

    records: list[EpochRecord] = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False

    def to_dict(self) -> dict:
        return {
            "best_epoch": self.best_epoch,
            "stopped_early": self.stopped_early,
            "records": [asdict(r) for r in self.records],
        }

    @classmethod
    def from_dict(cls, data: dict) -> History:
        return cls([EpochRecord(**r) for r in data["records"]], data["best_epoch"], data["stopped_early"])

    def save(self, path: str | Path) -> None:
        """Write the history as JSON (``.json``) or CSV (``.csv``)."""
        path = Path(path)
        if path.suffix == ".json":
            path.write_text(json.dumps(self.to_dict(), indent=2, allow_nan=True))
        elif path.suffix == ".csv":
            with path.open("w", newline="") as handle:
                writer = csv.DictWriter(handle, [f.name for f in fields(EpochRecord)])
                writer.writeheader()
                writer.writerows(asdict(r) for r in self.records)
        else:
            raise ConfigError(f"cannot save history as {path.name!r}; use a .json or .csv file name")


class Trainer:
    """Adam on cross-entropy over minibatches.

    Parameters
    ----------
    epochs : int
        Passes over the training set.
    batch_size : int
        Examples per optimiser step.
    learning_rate : float
        Adam's step size.
    patience : int or None
        Stop when the validation loss has not improved for this many epochs,
        and keep the parameters of the best epoch. ``None`` trains all epochs
        (and still keeps the best validation epoch when there is validation).
    seed : int
        Seeds the minibatch order (through a private generator).
    verbose : bool
        Show a progress bar on stderr.
    """

    def __init__(
        self,
        epochs: int = 100,
        batch_size: int = 16,
        learning_rate: float = 0.1,
        patience: int | None = None,
        seed: int = 0,
        verbose: bool = False,
    ) -> None:
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.patience = patience
        self.seed = seed
        self.verbose = verbose

    def _check(self) -> None:
        for name in ("epochs", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name} must be a positive integer, got {value!r}")
        if not (isinstance(self.learning_rate, (int, float)) and self.learning_rate > 0):
            raise ConfigError(f"learning_rate must be a positive number, got {self.learning_rate!r}")
        if self.patience is not None and (not isinstance(self.patience, int) or self.patience < 1):
            raise ConfigError(f"patience must be a positive integer or None, got {self.patience!r}")

    def fit(self, theta: torch.Tensor, train: Objective, validation: Objective | None = None) -> tuple[torch.Tensor, History]:
        """Train from ``theta`` (not modified); return the kept parameters and
        the history."""
        self._check()
        theta = theta.detach().clone().to(torch.float64).requires_grad_(True)
        optimiser = torch.optim.Adam([theta], lr=self.learning_rate)
        generator = torch.Generator().manual_seed(self.seed)
        history = History()
        best_loss, best_theta, stale = math.inf, theta.detach().clone(), 0
        bar = tqdm(range(1, self.epochs + 1), desc="training", unit="epoch", disable=not self.verbose, leave=False)
        for epoch in bar:
            start = time.perf_counter()
            for rows in torch.randperm(len(train), generator=generator).split(self.batch_size):
                optimiser.zero_grad()
                loss = cross_entropy(train.predict(theta, rows), train.targets[rows])
                loss.backward()
                optimiser.step()
            train_loss, train_acc = train.evaluate(theta)
            val_loss, val_acc = validation.evaluate(theta) if validation is not None else (math.nan, math.nan)
            record = EpochRecord(epoch, train_loss, train_acc, val_loss, val_acc, time.perf_counter() - start)
            history.records.append(record)
            bar.set_postfix(loss=f"{train_loss:.3f}", acc=f"{train_acc:.2f}", val_acc=f"{val_acc:.2f}")
            logger.debug("%s", record)
            monitored = val_loss if validation is not None else train_loss
            if monitored < best_loss:
                best_loss, best_theta, stale = monitored, theta.detach().clone(), 0
                history.best_epoch = epoch
            else:
                stale += 1
                if self.patience is not None and stale >= self.patience:
                    history.stopped_early = True
                    logger.info("early stop at epoch %d; keeping epoch %d", epoch, history.best_epoch)
                    break
        return best_theta, history
