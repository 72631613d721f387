"""Training runs: a YAML config in, a run directory out.

A run directory holds everything needed to read, reuse or resume a run:
``config.yaml`` (the config as used, with its seed), ``checkpoint.npz`` (the
training state, every epoch), ``model/`` (the saved classifier),
``metrics.json`` and ``metrics.csv`` (per-epoch history) and ``report.json``
(accuracies, sizes, timing). One process at a time owns a run directory.

The config's task (sentences or proteins) picks the classifier and how its
data splits are read (:func:`_task`); everything else is shared.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from qnlp.config import TASKS, DataConfig, RunConfig, parse_config
from qnlp.data import load_class_files, load_labelled, load_trec, load_tsv
from qnlp.errors import ConfigError, DataError
from qnlp.estimator import CircuitClassifier
from qnlp.folds import fold_splits, subset, train_dev_split
from qnlp.sequences import DEEPLOC_HEADER, load_scldata, read_fasta
from qnlp.train.checkpoint import atomic_write

__all__ = ["evaluate_run", "load_run_model", "resume_run", "run_lock", "sweep_runs", "train_run"]

logger = logging.getLogger(__name__)

#: Inputs and labels of each data split (train, dev, test) of a run.
Splits = dict[str, tuple[list[Any], list[Any]]]


def _sentence_reader(data: DataConfig) -> Callable[[str | Path], tuple[list[Any], list[Any]]]:
    """The loader of one file of ``data.format`` (``LABEL sentence`` for class files)."""
    if data.format == "tsv":
        return load_tsv
    if data.format == "trec":
        return lambda path: load_trec(path, labels=data.labels)
    return load_labelled


def _take(split: tuple[list[Any], list[Any]], indices: list[int]) -> tuple[list[Any], list[Any]]:
    return [split[0][i] for i in indices], [split[1][i] for i in indices]


def _sentence_splits(config: RunConfig) -> Splits:
    """Read the files, then cut the folds or the dev set, then the training subset."""
    data = config.data
    if data.files:
        splits = {"train": load_class_files(data.files)}
    else:
        if not data.train:
            from qnlp.corpus import demo_corpus_dir

            folder = demo_corpus_dir()
            data = dataclasses.replace(data, **{name: str(folder / f"{name}.txt") for name in ("train", "dev", "test")})
        read = _sentence_reader(data)
        splits = {name: read(path) for name in ("train", "dev", "test") if (path := getattr(data, name))}
    pool = splits["train"]
    if data.folds is not None:
        dev_fraction = 0.1 if data.dev_fraction is None else data.dev_fraction
        parts = fold_splits(len(pool[0]), data.fold, data.folds, data.seed, pool[1], dev_fraction)
        splits = dict(zip(("train", "dev", "test"), (_take(pool, part) for part in parts)))
    elif data.dev_fraction:
        train, dev = train_dev_split(len(pool[0]), data.dev_fraction, data.seed, pool[1])
        splits.update(train=_take(pool, train), dev=_take(pool, dev))
    if data.limit is not None:
        seed = data.seed if data.sample == "random" else None
        splits["train"] = _take(splits["train"], subset(len(splits["train"][0]), data.limit, seed))
    return {name: splits[name] for name in ("train", "dev", "test") if name in splits and splits[name][0]}  # no empty dev


def _fasta(path: str | Path, label_pattern: str | None, labels: Sequence[Any] | None) -> tuple[list[Any], list[Any]]:
    """``(id, sequence)`` pairs and labels of a labelled FASTA file, keeping
    only the records whose label is in ``labels`` (``None``: all)."""
    records = read_fasta(path, label_pattern or DEEPLOC_HEADER)
    if labels is None:
        return records.X, records.y
    keep = {str(v) for v in labels}
    pairs = [(x, y) for x, y in zip(records.X, records.y) if y in keep]
    if not pairs:
        raise DataError(f"no record of {path} has a label among {sorted(keep)}; its labels are {sorted(set(records.y))}: fix data.labels")
    return [x for x, _ in pairs], [y for _, y in pairs]


def _protein_splits(config: RunConfig) -> Splits:
    data = config.data
    names = {name: getattr(data, name) for name in ("train", "dev", "test") if getattr(data, name)}
    if data.source == "scldata":
        sets = {name: load_scldata(split, labels=data.labels) for name, split in names.items()}
        return {name: (s.X, s.y) for name, s in sets.items()}
    return {name: _fasta(path, data.label_pattern, data.labels) for name, path in names.items()}


def _task(task: str) -> tuple[type[CircuitClassifier], Callable[[RunConfig], Splits]]:
    """The classifier a task trains and the reader of its data splits."""
    return TASKS[task], _protein_splits if task == "proteins" else _sentence_splits


def _splits(config: RunConfig) -> Splits:
    return _task(config.task)[1](config)


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
        config = dataclasses.replace(config, model={**config.model, "seed": int(np.random.SeedSequence().entropy % 2**31)})
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
    config = _run_config(run_dir)
    if (run_dir / "report.json").exists():
        raise DataError(f"run {run_dir} has already finished (report.json exists); nothing to resume")
    splits = _splits(config)
    with run_lock(run_dir):
        return _train(config, splits, run_dir, verbose, resume=True)


def _run_config(run_dir: Path) -> RunConfig:
    """The config a run was trained with (its ``config.yaml``)."""
    path = run_dir / "config.yaml"
    if not path.is_file():
        raise DataError(f"{run_dir} is not a run directory (no config.yaml); give a directory written by 'qnlp train'")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise DataError(f"{path} is not valid YAML ({err}); it was edited or damaged") from err
    return parse_config(raw, str(path))


def _train(config: RunConfig, splits: Splits, run_dir: Path, verbose: bool, resume: bool) -> dict[str, Any]:
    model = _task(config.task)[0](**config.model, verbose=verbose)
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
    for name, (inputs, labels) in splits.items():
        report[f"{name}_size"] = len(inputs)
        report[f"{name}_accuracy"] = model.score(inputs, labels)
    atomic_write(run_dir / "report.json", json.dumps(report, indent=2).encode())
    logger.info("run written to %s", run_dir)
    return report


def load_run_model(run_dir: str | Path) -> CircuitClassifier:
    """The classifier saved in a run directory: a :class:`qnlp.SentenceClassifier`
    or, for a run of ``task: proteins``, a :class:`qnlp.ProteinClassifier`.

    Raises
    ------
    DataError
        If ``run_dir`` is not a run directory.
    """
    run_dir = Path(run_dir)
    if not (run_dir / "model").is_dir():
        raise DataError(f"{run_dir} is not a run directory (no model/ inside); give a directory written by 'qnlp train'")
    model_class, _ = _task(_run_config(run_dir).task)
    return model_class.load(run_dir / "model")


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
    """Accuracy of a run's model on a file in the run's ``data.format``
    (``LABEL sentence`` lines for a run on class files) or, for
    a protein run, on a FASTA file with labels in its headers (read with the
    run's ``data.label_pattern``, DeepLoc's by default; a run trained on
    FASTA files keeps only its ``data.labels`` here too)."""
    model = load_run_model(run_dir)
    config = _run_config(Path(run_dir))
    if config.task == "proteins":
        fasta = config.data.source == "fasta"
        inputs, labels = _fasta(data, config.data.label_pattern, config.data.labels if fasta else None)
    else:
        inputs, labels = _sentence_reader(config.data)(data)
    predictions = model.predict(inputs)
    return {
        "data": str(data),
        "size": len(inputs),
        "accuracy": float(np.mean([p == t for p, t in zip(predictions, labels)])),
    }
