"""Training runs: a YAML config in, a run directory out.

A run directory holds everything needed to read, reuse or resume a run:
``config.yaml`` (the config as used, with its seed), ``checkpoint.npz`` (the
training state, every epoch), ``model/`` (the saved classifier),
``metrics.json`` and ``metrics.csv`` (per-epoch history) and ``report.json``
(accuracies, sizes, timing). One process at a time owns a run directory.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from qnlp.api import SentenceClassifier
from qnlp.config import RunConfig, parse_config
from qnlp.data import load_labelled
from qnlp.errors import ConfigError, DataError
from qnlp.train.checkpoint import atomic_write

__all__ = ["train_run", "resume_run", "sweep_runs", "evaluate_run", "run_lock", "load_run_model"]

logger = logging.getLogger(__name__)

def _splits(config: RunConfig) -> dict[str, tuple[list[str], list[Any]]]:
    data = asdict(config.data)
    if not any(data.values()):
        from qnlp.corpus import demo_corpus_dir

        folder = demo_corpus_dir()
        data = {name: str(folder / f"{name}.txt") for name in ("train", "dev", "test")}
    return {name: load_labelled(p) for name, p in data.items() if p}


@contextlib.contextmanager
def run_lock(run_dir: Path) -> Iterator[None]:
    """Own ``run_dir`` for the duration: a second writer is refused.

    The lock is a file ``.lock`` holding the owner's host and process id; a
    lock whose process is gone (on this host) is stale and taken over.

    Raises
    ------
    ConfigError
        If a live process holds the lock.
    """
    lock = run_dir / ".lock"
    me = f"{socket.gethostname()} {os.getpid()}"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            host, _, pid = lock.read_text().partition(" ")
            if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
                logger.warning("removing stale lock of dead process %s in %s", pid, run_dir)
                lock.unlink(missing_ok=True)
                continue
            raise ConfigError(
                f"run directory {run_dir} is in use by process {pid} on {host}; "
                f"wait for it to finish or choose another --run-dir (delete {lock} if that process is gone)"
            ) from None
        with os.fdopen(fd, "w") as handle:
            handle.write(me)
        break
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def train_run(config: RunConfig, run_dir: str | Path, verbose: bool = False) -> dict[str, Any]:
    """Train a classifier as ``config`` says and write the run directory.

    The full training state is checkpointed every epoch to
    ``checkpoint.npz``, so an interrupted run can go on with
    :func:`resume_run`. Returns the report (also written to ``report.json``).

    Raises
    ------
    ConfigError
        If ``run_dir`` already holds a run, or another process writes to it.
    """
    run_dir = Path(run_dir)
    if (run_dir / "report.json").exists() or (run_dir / "config.yaml").exists():
        raise ConfigError(f"run directory {run_dir} already holds a run; choose another --run-dir, or --resume it")
    splits = _splits(config)  # read all data before any work
    if config.model.get("seed") is None:  # a run is reproducible and resumable only with a fixed seed
        config = RunConfig(config.data, {**config.model, "seed": int(np.random.SeedSequence().entropy % 2**31)})
    run_dir.mkdir(parents=True, exist_ok=True)
    with run_lock(run_dir):
        atomic_write(run_dir / "config.yaml", yaml.safe_dump(config.to_dict(), sort_keys=False).encode())
        return _train(config, splits, run_dir, verbose, resume=False)


def resume_run(run_dir: str | Path, verbose: bool = False) -> dict[str, Any]:
    """Continue an interrupted run from its last checkpoint.

    The result is identical to a run that was never interrupted.

    Raises
    ------
    DataError
        If ``run_dir`` is not an unfinished run with a valid checkpoint.
    """
    run_dir = Path(run_dir)
    if not (run_dir / "config.yaml").is_file():
        raise DataError(f"{run_dir} is not a run directory (no config.yaml); give a directory written by 'qnlp train'")
    if (run_dir / "report.json").exists():
        raise DataError(f"run {run_dir} has already finished (report.json exists); nothing to resume")
    config = parse_config(yaml.safe_load((run_dir / "config.yaml").read_text()), str(run_dir / "config.yaml"))
    splits = _splits(config)
    with run_lock(run_dir):
        return _train(config, splits, run_dir, verbose, resume=True)


def _train(config: RunConfig, splits: dict, run_dir: Path, verbose: bool, resume: bool) -> dict[str, Any]:
    model = SentenceClassifier(**config.model, verbose=verbose)
    checkpoint = run_dir / "checkpoint.npz"
    start = time.perf_counter()
    model.fit(*splits["train"], validation=splits.get("dev"), checkpoint=checkpoint, resume=checkpoint if resume else None)
    seconds = time.perf_counter() - start
    model.save(run_dir / "model")
    model.history_.save(run_dir / "metrics.json")
    model.history_.save(run_dir / "metrics.csv")
    report: dict[str, Any] = {
        "train_seconds": round(seconds, 3),
        "resumed": resume,
        "epochs_run": len(model.history_.records),
        "best_epoch": model.history_.best_epoch,
        "n_parameters": len(model.params_),
        "classes": model.classes_,
    }
    for name, (sentences, labels) in splits.items():
        report[f"{name}_size"] = len(sentences)
        report[f"{name}_accuracy"] = model.score(sentences, labels)
    atomic_write(run_dir / "report.json", json.dumps(report, indent=2).encode())
    logger.info("run written to %s", run_dir)
    return report


def load_run_model(run_dir: str | Path) -> SentenceClassifier:
    """The classifier saved in a run directory.

    Raises
    ------
    DataError
        If ``run_dir`` is not a run directory.
    """
    run_dir = Path(run_dir)
    if not (run_dir / "model").is_dir():
        raise DataError(f"{run_dir} is not a run directory (no model/ inside); give a directory written by 'qnlp train'")
    return SentenceClassifier.load(run_dir / "model")


def sweep_runs(config: RunConfig, key: str, values: Sequence[Any], parent: str | Path, verbose: bool = False) -> dict[str, Any]:
    """One run per value of the model setting ``key``, each in its own
    directory under ``parent``, and a summary (``summary.json``,
    ``summary.csv``) with the mean and standard deviation of each accuracy.

    Raises
    ------
    ConfigError
        If ``key`` is not a model setting, or a value has the wrong type.
    """
    parent = Path(parent)
    name = key.removeprefix("model.")
    runs = []
    for value in values:
        raw = config.to_dict()
        raw["model"][name] = value
        run_config = parse_config(raw, f"sweep {name}={value!r}")
        run_dir = parent / f"{name}={value}"
        report = train_run(run_config, run_dir, verbose)
        runs.append({"run_dir": str(run_dir), name: value, **report})
    accuracies = sorted({k for run in runs for k in run if k.endswith("_accuracy")})
    summary = {
        "key": name,
        "values": list(values),
        "runs": runs,
        **{f"{k}_mean": float(np.mean([r[k] for r in runs])) for k in accuracies},
        **{f"{k}_std": float(np.std([r[k] for r in runs])) for k in accuracies},
    }
    parent.mkdir(parents=True, exist_ok=True)
    atomic_write(parent / "summary.json", json.dumps(summary, indent=2).encode())
    columns = ["run_dir", name, *accuracies]
    lines = [",".join(columns)] + [",".join(str(r[c]) for c in columns) for r in runs]
    lines += [",".join(["mean", "", *(f"{summary[k + '_mean']:.4f}" for k in accuracies)])]
    lines += [",".join(["std", "", *(f"{summary[k + '_std']:.4f}" for k in accuracies)])]
    atomic_write(parent / "summary.csv", ("\n".join(lines) + "\n").encode())
    return summary


def evaluate_run(run_dir: str | Path, data: str | Path) -> dict[str, Any]:
    """Accuracy of a run's model on a ``LABEL sentence`` file."""
    model = load_run_model(run_dir)
    sentences, labels = load_labelled(data)
    predictions = model.predict(sentences)
    return {
        "data": str(data),
        "size": len(sentences),
        "accuracy": float(np.mean([p == t for p, t in zip(predictions, labels)])),
    }
