"""Training runs: a YAML config in, a run directory out.

A run directory holds everything needed to read and reuse a run:
``config.yaml`` (the config as used), ``model/`` (the saved classifier),
``metrics.json`` and ``metrics.csv`` (per-epoch history) and ``report.json``
(accuracies, sizes, timing).
"""

from __future__ import annotations

import difflib
import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qnlp.api import SentenceClassifier
from qnlp.data import load_labelled
from qnlp.errors import ConfigError, DataError

__all__ = ["RunConfig", "load_config", "train_run", "load_run_model"]

logger = logging.getLogger(__name__)

#: Model settings a config may give: SentenceClassifier's, less the objects.
MODEL_KEYS = [k for k in SentenceClassifier._param_names() if k not in ("parser", "verbose")]


@dataclass(frozen=True)
class DataConfig:
    """Paths of ``LABEL sentence`` files; all ``None`` means the demo corpus."""

    train: str | None = None
    dev: str | None = None
    test: str | None = None


@dataclass(frozen=True)
class RunConfig:
    """A validated training config."""

    data: DataConfig = field(default_factory=DataConfig)
    model: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"data": asdict(self.data), "model": dict(self.model)}


def _check_keys(given: dict[str, Any], valid: list[str], where: str, source: str) -> None:
    for key in given:
        if key not in valid:
            close = difflib.get_close_matches(str(key), valid, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ConfigError(f"{source}: unknown key {key!r} in {where}; {hint}valid keys: {', '.join(valid)}")


def parse_config(raw: Any, source: str = "config") -> RunConfig:
    """Validate a config given as nested dicts (as read from YAML).

    Raises
    ------
    ConfigError
        For an unknown key (with the closest valid one) or a section that is
        not a mapping.
    """
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping with sections 'data' and 'model', got {type(raw).__name__}")
    _check_keys(raw, ["data", "model"], "the top level", source)
    sections = {}
    for name, valid in (("data", ["train", "dev", "test"]), ("model", MODEL_KEYS)):
        section = raw.get(name) or {}
        if not isinstance(section, dict):
            raise ConfigError(f"{source}: section {name!r} must be a mapping of keys to values")
        _check_keys(section, valid, f"section {name!r}", source)
        sections[name] = section
    for key, value in sections["data"].items():
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{source}: data.{key} must be a file path, got {value!r}")
    data = sections["data"]
    if data and not data.get("train"):
        raise ConfigError(f"{source}: data gives {sorted(data)} but no 'train' file; add data.train")
    return RunConfig(DataConfig(**data), dict(sections["model"]))


def load_config(path: str | Path | None) -> RunConfig:
    """Read and validate a YAML config; ``None`` gives the default (demo) config."""
    if path is None:
        return RunConfig()
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"config file {str(path)!r} does not exist; check the path") from err
    except yaml.YAMLError as err:
        raise ConfigError(f"config file {str(path)!r} is not valid YAML: {err}") from err
    config = parse_config(raw, str(path))
    # relative data paths are read relative to the config file
    resolved = {k: (str((path.parent / v).resolve()) if v else v) for k, v in asdict(config.data).items()}
    return RunConfig(DataConfig(**resolved), config.model)


def _splits(config: RunConfig) -> dict[str, tuple[list[str], list[Any]]]:
    data = asdict(config.data)
    if not any(data.values()):
        from qnlp.corpus import demo_corpus_dir

        folder = demo_corpus_dir()
        data = {name: str(folder / f"{name}.txt") for name in ("train", "dev", "test")}
    return {name: load_labelled(p) for name, p in data.items() if p}


def train_run(config: RunConfig, run_dir: str | Path, verbose: bool = False) -> dict[str, Any]:
    """Train a classifier as ``config`` says and write the run directory.

    Returns the report (also written to ``report.json``).

    Raises
    ------
    ConfigError
        If ``run_dir`` already holds a run.
    """
    run_dir = Path(run_dir)
    if (run_dir / "report.json").exists() or (run_dir / "config.yaml").exists():
        raise ConfigError(f"run directory {run_dir} already holds a run; choose another --run-dir")
    splits = _splits(config)  # read all data before any work
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.yaml").write_text(yaml.safe_dump(config.to_dict(), sort_keys=False))
    model = SentenceClassifier(**config.model, verbose=verbose)
    start = time.perf_counter()
    model.fit(*splits["train"], validation=splits.get("dev"))
    seconds = time.perf_counter() - start
    model.save(run_dir / "model")
    model.history_.save(run_dir / "metrics.json")
    model.history_.save(run_dir / "metrics.csv")
    report: dict[str, Any] = {
        "train_seconds": round(seconds, 3),
        "epochs_run": len(model.history_.records),
        "best_epoch": model.history_.best_epoch,
        "n_parameters": len(model.params_),
        "classes": model.classes_,
    }
    for name, (sentences, labels) in splits.items():
        report[f"{name}_size"] = len(sentences)
        report[f"{name}_accuracy"] = model.score(sentences, labels)
    (run_dir / "report.json").write_text(json.dumps(report, indent=2))
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
