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

from qnlp.errors import ConfigError, DataError
from qnlp.train.checkpoint import load_checkpoint, save_checkpoint
from qnlp.train.spsa import SPSA

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
    checkpoint_every : int
        With a checkpoint file, write it every this many epochs (and at the end).
    optimizer : str
        ``"adam"`` (gradients from the objective: autograd or parameter
        shift) or ``"spsa"`` (two loss evaluations per step;
        ``learning_rate`` is SPSA's ``a``).
    """

    def __init__(
        self,
        epochs: int = 100,
        batch_size: int = 16,
        learning_rate: float = 0.1,
        patience: int | None = None,
        seed: int = 0,
        verbose: bool = False,
        checkpoint_every: int = 1,
        optimizer: str = "adam",
    ) -> None:
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.patience = patience
        self.seed = seed
        self.verbose = verbose
        self.checkpoint_every = checkpoint_every
        self.optimizer = optimizer

    def _check(self) -> None:
        for name in ("epochs", "batch_size", "checkpoint_every"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name} must be a positive integer, got {value!r}")
        if not (isinstance(self.learning_rate, (int, float)) and self.learning_rate > 0):
            raise ConfigError(f"learning_rate must be a positive number, got {self.learning_rate!r}")
        if self.optimizer not in ("adam", "spsa"):
            raise ConfigError(f"unknown optimizer {self.optimizer!r}; use 'adam' or 'spsa'")
        if self.patience is not None and (not isinstance(self.patience, int) or self.patience < 1):
            raise ConfigError(f"patience must be a positive integer or None, got {self.patience!r}")

    def fit(
        self,
        theta: torch.Tensor,
        train: Objective,
        validation: Objective | None = None,
        checkpoint: str | Path | None = None,
        resume: bool = False,
        fingerprint: str = "",
    ) -> tuple[torch.Tensor, History]:
        """Train from ``theta`` (not modified); return the kept parameters and
        the history.

        Parameters
        ----------
        checkpoint : path, optional
            File to write the full training state to every
            ``checkpoint_every`` epochs (atomically; see
            :mod:`qnlp.train.checkpoint`).
        resume : bool
            Continue from ``checkpoint`` instead of starting afresh; the result
            is identical to an uninterrupted run.
        fingerprint : str
            Identifies the model and data; resuming from a checkpoint with
            another fingerprint is refused.

        Raises
        ------
        DataError
            If resuming from a missing, damaged or foreign checkpoint.
        """
        self._check()
        state = _State.start(theta, self.learning_rate, self.seed, self.optimizer)
        if resume:
            if checkpoint is None:
                raise ConfigError("resume=True needs a checkpoint file to resume from")
            state.restore(checkpoint, fingerprint)
            logger.info("resuming after epoch %d from %s", state.epoch, checkpoint)
        bar = tqdm(total=self.epochs, initial=state.epoch, desc="training", unit="epoch", disable=not self.verbose, leave=False)
        while state.epoch < self.epochs and not state.history.stopped_early:
            start = time.perf_counter()
            for rows in torch.randperm(len(train), generator=state.generator).split(self.batch_size):
                if isinstance(state.optimiser, SPSA):
                    state.optimiser.step(lambda: cross_entropy(train.predict(state.theta, rows), train.targets[rows]))
                    continue
                state.optimiser.zero_grad()
                loss = cross_entropy(train.predict(state.theta, rows), train.targets[rows])
                loss.backward()
                state.optimiser.step()
            state.epoch += 1
            train_loss, train_acc = train.evaluate(state.theta)
            val_loss, val_acc = validation.evaluate(state.theta) if validation is not None else (math.nan, math.nan)
            record = EpochRecord(state.epoch, train_loss, train_acc, val_loss, val_acc, time.perf_counter() - start)
            state.history.records.append(record)
            bar.update()
            bar.set_postfix(loss=f"{train_loss:.3f}", acc=f"{train_acc:.2f}", val_acc=f"{val_acc:.2f}")
            logger.debug("%s", record)
            state.track(val_loss if validation is not None else train_loss, self.patience)
            if checkpoint is not None and (state.epoch % self.checkpoint_every == 0 or state.epoch == self.epochs):
                state.save(checkpoint, fingerprint)
        bar.close()
        if state.history.stopped_early:
            logger.info("early stop at epoch %d; keeping epoch %d", state.epoch, state.history.best_epoch)
        return state.best_theta, state.history


@dataclass
class _State:
    """Everything a run needs to go on exactly where it stopped."""

    theta: torch.Tensor
    optimiser: torch.optim.Optimizer
    generator: torch.Generator
    history: History
    best_theta: torch.Tensor
    best_loss: float = math.inf
    stale: int = 0
    epoch: int = 0

    @classmethod
    def start(cls, theta: torch.Tensor, learning_rate: float, seed: int, optimizer: str = "adam") -> _State:
        theta = theta.detach().clone().to(torch.float64).requires_grad_(True)
        generator = torch.Generator().manual_seed(seed)
        if optimizer == "spsa":
            optimiser: torch.optim.Optimizer = SPSA([theta], a=learning_rate, generator=generator)
        else:
            optimiser = torch.optim.Adam([theta], lr=learning_rate)
        return cls(theta, optimiser, generator, History(), theta.detach().clone())

    def track(self, monitored: float, patience: int | None) -> None:
        """Keep the best parameters; stop after ``patience`` epochs without improvement."""
        if monitored < self.best_loss:
            self.best_loss, self.best_theta, self.stale = monitored, self.theta.detach().clone(), 0
            self.history.best_epoch = self.epoch
        else:
            self.stale += 1
            self.history.stopped_early = patience is not None and self.stale >= patience

    def save(self, path: str | Path, fingerprint: str) -> None:
        arrays = {
            "theta": self.theta.detach().numpy(),
            "best_theta": self.best_theta.numpy(),
            "generator": self.generator.get_state().numpy(),
        }
        for name, value in self.optimiser.state.get(self.theta, {}).items():
            arrays[f"optimiser_{name}"] = value.detach().numpy()
        header = {
            "fingerprint": fingerprint,
            "epoch": self.epoch,
            "best_loss": self.best_loss,
            "stale": self.stale,
            "history": self.history.to_dict(),
        }
        save_checkpoint(path, arrays, header)

    def restore(self, path: str | Path, fingerprint: str) -> None:
        arrays, header = load_checkpoint(path)
        if header["fingerprint"] != fingerprint:
            raise DataError(
                f"checkpoint {path} belongs to another model or data set; "
                "resume with the same data and settings, or start a new run directory"
            )
        if arrays["theta"].shape != tuple(self.theta.shape):
            raise DataError(f"checkpoint {path} holds {arrays['theta'].shape} parameters, the model has {tuple(self.theta.shape)}")
        with torch.no_grad():
            self.theta.copy_(torch.from_numpy(arrays["theta"]))
        self.best_theta = torch.from_numpy(arrays["best_theta"]).clone()
        self.generator.set_state(torch.from_numpy(arrays["generator"]))
        saved = {k.removeprefix("optimiser_"): torch.from_numpy(v).clone() for k, v in arrays.items() if k.startswith("optimiser_")}
        if saved:
            self.optimiser.state[self.theta] = saved
        self.epoch, self.best_loss, self.stale = header["epoch"], header["best_loss"], header["stale"]
        self.history = History.from_dict(header["history"])
