"""Run configs: YAML files with a ``data`` and a ``model`` section (and an
optional ``task``), checked early so that a typo fails before any work, with
the closest valid key.

``task: sentences`` (the default) trains a :class:`qnlp.SentenceClassifier`
on sentence files in one of :data:`qnlp.data.FORMATS` (see
:class:`DataConfig`); ``task: proteins`` a
:class:`qnlp.ProteinClassifier` on scldata's splits or on FASTA files.
``--set section.key=value`` overrides apply to the raw YAML before checking,
so they are checked the same way.
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml

from qnlp.api import SentenceClassifier
from qnlp.data import FORMATS, TREC_LABELS
from qnlp.errors import ConfigError
from qnlp.estimator import CircuitClassifier
from qnlp.protein_api import ProteinClassifier
from qnlp.sequences import SCLDATA_SPLITS

__all__ = [
    "MODEL_KEYS",
    "PROTEIN_SOURCES",
    "SAMPLES",
    "TASKS",
    "DataConfig",
    "ProteinDataConfig",
    "RunConfig",
    "apply_overrides",
    "load_config",
    "model_keys",
    "parse_config",
]

#: The classifier each task trains.
TASKS: dict[str, type[CircuitClassifier]] = {"sentences": SentenceClassifier, "proteins": ProteinClassifier}
#: Where protein data comes from: scldata's fixed splits, or FASTA files.
PROTEIN_SOURCES = ("scldata", "fasta")
#: How ``data.limit`` picks training examples: the first ones, or a seeded random choice.
SAMPLES = ("first", "random")


def model_keys(task: str) -> list[str]:
    """Model settings a config of ``task`` may give: its classifier's, less
    ``verbose`` and the settings that only take objects (e.g. a parser)."""
    cls = TASKS[task]
    return [k for k in cls._param_names() if k not in (*cls.unsaved_settings, "verbose")]


#: Model settings a sentence config may give: SentenceClassifier's, less the objects.
MODEL_KEYS = model_keys("sentences")


@dataclass(frozen=True)
class DataConfig:
    """Where the sentences of a run come from, and how they are split.

    ``format`` names the loader of :mod:`qnlp.data`: ``labelled``
    (``LABEL sentence``), ``tsv`` (``sentence<TAB>label``), ``trec``
    (``COARSE:fine question``, keeping ``labels``: ``coarse`` or ``fine``)
    read the files ``train``, ``dev`` and ``test``; ``class_files`` reads
    ``files``, a mapping of each label to a file of one sentence a line.
    No file at all means the demo corpus.

    ``folds`` cross-validates the training data (for a corpus with no test
    split): fold ``fold`` is the test set, and ``dev_fraction`` (default 0.1)
    of the other folds the dev set. Without ``folds``, ``dev_fraction`` holds
    out a dev set from ``train`` when no ``dev`` file is given. ``limit``
    keeps at most that many training examples, the first ones or, with
    ``sample: random``, a random choice. Splits and samples are stratified
    where they can be and seeded with ``seed`` (see :mod:`qnlp.folds`).
    """

    format: str = "labelled"
    train: str | None = None
    dev: str | None = None
    test: str | None = None
    files: dict[int | str, str] | None = None
    labels: str = "coarse"
    folds: int | None = None
    fold: int = 0
    dev_fraction: float | None = None
    limit: int | None = None
    sample: str = "first"
    seed: int = 0


@dataclass(frozen=True)
class ProteinDataConfig:
    """Where the sequences of a protein run come from.

    ``source`` is ``"scldata"`` (``train``/``dev``/``test`` name its splits
    ``trn``/``evl``/``tst``) or ``"fasta"`` (they are FASTA files whose
    headers carry the labels, read with ``label_pattern``; ``None``: DeepLoc
    headers). ``labels`` keeps only these classes (scldata: location names or
    indices; FASTA: labels as in the headers); ``None`` keeps all.
    """

    source: str
    labels: tuple[str | int, ...] | None = None
    train: str | None = None
    dev: str | None = None
    test: str | None = None
    label_pattern: str | None = None


@dataclass(frozen=True)
class RunConfig:
    """A validated training config."""

    data: DataConfig | ProteinDataConfig = field(default_factory=DataConfig)
    model: dict[str, Any] = field(default_factory=dict)
    task: str = "sentences"

    def to_dict(self) -> dict[str, Any]:
        """The config as plain YAML-able values; :func:`parse_config` reads it back."""
        data = asdict(self.data)
        if isinstance(self.data, ProteinDataConfig) and data["labels"] is not None:
            data["labels"] = list(data["labels"])
        return {"task": self.task, "data": data, "model": dict(self.model)}


def _hint(word: Any, valid: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(word), valid, n=1)
    return f"did you mean {close[0]!r}? " if close else ""


def _check_keys(given: dict[str, Any], valid: list[str], where: str, source: str) -> None:
    for key in given:
        if key not in valid:
            raise ConfigError(f"{source}: unknown key {key!r} in {where}; {_hint(key, valid)}valid keys: {', '.join(valid)}")


# Python types a model setting may take, read off the constructor's annotations.
_TYPES = {"int": (int,), "float": (int, float), "str": (str,), "bool": (bool,), "None": (type(None),)}


def _check_value(cls: type, key: str, value: Any, source: str) -> None:
    annotation = inspect.signature(cls.__init__).parameters[key].annotation
    allowed = tuple(t for part in str(annotation).split("|") for t in _TYPES.get(part.strip(), (object,)))
    wrong_bool = isinstance(value, bool) and bool not in allowed
    if wrong_bool or not isinstance(value, allowed):
        raise ConfigError(f"{source}: model.{key} must be {annotation}, got {value!r}")


# What each sentence data key takes: its types, and what to say when it is wrong.
_DATA_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    **{key: ((str,), "a file path") for key in ("train", "dev", "test")},
    "format": ((str,), f"one of {', '.join(FORMATS)}"),
    "files": ((dict,), "a mapping of each label to a file of one sentence a line, e.g. {1: subj.subjective, 0: subj.objective}"),
    "labels": ((str,), "coarse or fine"),
    "folds": ((int,), "a number of cross-validation folds, at least 2"),
    "fold": ((int,), "the index of the test fold, from 0 to folds - 1"),
    "dev_fraction": ((int, float), "a number from 0 up to (not including) 1"),
    "limit": ((int,), "a number of training examples, at least 1"),
    "sample": ((str,), "first or random"),
    "seed": ((int,), "a non-negative integer"),
}
_CHOICES = {"format": FORMATS, "labels": TREC_LABELS, "sample": SAMPLES}


def _sentence_data(data: dict[str, Any], source: str) -> DataConfig:
    data = {k: v for k, v in data.items() if v is not None}  # null: the default
    for key, value in data.items():
        types, what = _DATA_TYPES[key]
        if isinstance(value, bool) or not isinstance(value, types):
            raise ConfigError(f"{source}: data.{key} must be {what}, got {value!r}")
        if key in _CHOICES and value not in _CHOICES[key]:
            raise ConfigError(f"{source}: data.{key} {value!r} is unknown; {_hint(value, _CHOICES[key])}use {what}")
    config = DataConfig(**data)
    defaults = DataConfig()
    given = [k for k in _DATA_TYPES if getattr(config, k) != getattr(defaults, k)]

    def refuse(message: str) -> NoReturn:
        raise ConfigError(f"{source}: {message}")

    if config.format == "class_files":
        files = config.files or {}
        if config.train or config.dev or config.test:
            refuse("data.format class_files reads data.files; remove data.train, data.dev and data.test (use data.folds to split)")
        if len(files) < 2 or not all(isinstance(k, (int, str)) and not isinstance(k, bool) and isinstance(v, str) for k, v in files.items()):
            refuse(f"data.files must be {_DATA_TYPES['files'][1]}, with at least two classes; got {config.files!r}")
    elif config.files is not None:
        refuse("data.files is read by data.format class_files; remove it, or set data.format: class_files")
    elif given and not config.train:
        refuse(f"data gives {given} but no 'train' file; add data.train")
    if "labels" in given and config.format != "trec":
        refuse("data.labels (coarse or fine) is for data.format trec; remove it")
    if config.folds is not None:
        if config.folds < 2:
            refuse(f"data.folds must be {_DATA_TYPES['folds'][1]}, got {config.folds}")
        if config.dev or config.test:
            refuse("data.folds splits the training data into train, dev and test; remove data.dev and data.test, or data.folds")
        if not 0 <= config.fold < config.folds:
            refuse(f"data.fold must be from 0 to {config.folds - 1} for {config.folds} folds, got {config.fold}")
    elif "fold" in given:
        refuse("data.fold picks a cross-validation fold; add data.folds (e.g. 10)")
    if config.dev_fraction is not None:
        if not 0 <= config.dev_fraction < 1:
            refuse(f"data.dev_fraction must be {_DATA_TYPES['dev_fraction'][1]}, got {config.dev_fraction}")
        if config.dev:
            refuse("data.dev_fraction holds out a dev set from the training data, but data.dev gives one; remove one of them")
    if config.limit is not None and config.limit < 1:
        refuse(f"data.limit must be {_DATA_TYPES['limit'][1]}, got {config.limit}")
    if config.seed < 0:
        refuse(f"data.seed must be {_DATA_TYPES['seed'][1]}, got {config.seed}")
    if "sample" in given and config.limit is None:
        refuse("data.sample says how data.limit picks training examples; add data.limit")
    return config


def _protein_data(data: dict[str, Any], source: str) -> ProteinDataConfig:
    kind = data.get("source")
    if not isinstance(kind, str) or kind not in PROTEIN_SOURCES:
        given = "none" if kind is None else repr(kind)
        raise ConfigError(
            f"{source}: data.source must be 'scldata' (the package's splits) or 'fasta' (FASTA files) for task proteins, "
            f"got {given}; {_hint(kind, PROTEIN_SOURCES)}set data.source"
        )
    labels = data.get("labels")
    if labels is not None and (
        not isinstance(labels, list) or not labels or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in labels)
    ):
        raise ConfigError(f"{source}: data.labels must be a list of labels to keep, e.g. [Cytoplasm, Membrane], got {labels!r}")
    what = "a scldata split (trn, evl or tst)" if kind == "scldata" else "a FASTA file path"
    for key in ("train", "dev", "test"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{source}: data.{key} must be {what}, got {value!r}")
        if value is not None and kind == "scldata" and value not in SCLDATA_SPLITS:
            raise ConfigError(f"{source}: data.{key} {value!r} is not a scldata split; {_hint(value, SCLDATA_SPLITS)}use one of {', '.join(SCLDATA_SPLITS)}")
    if not data.get("train"):
        raise ConfigError(f"{source}: data gives no 'train' data; add data.train, {what}")
    pattern = data.get("label_pattern")
    if pattern is not None:
        if kind != "fasta":
            raise ConfigError(f"{source}: data.label_pattern reads FASTA headers; remove it, or set data.source: fasta")
        if not isinstance(pattern, str):
            raise ConfigError(f"{source}: data.label_pattern must be a regular expression with a group (?P<label>...), got {pattern!r}")
        try:
            groups = re.compile(pattern).groupindex
        except re.error as err:
            raise ConfigError(f"{source}: data.label_pattern {pattern!r} is not a regular expression: {err}") from err
        if "label" not in groups:
            raise ConfigError(f"{source}: data.label_pattern {pattern!r} needs a named group (?P<label>...)")
    return ProteinDataConfig(**{**data, "labels": tuple(labels) if labels is not None else None})


def parse_config(raw: Any, source: str = "config") -> RunConfig:
    """Validate a config given as nested dicts (as read from YAML).

    The model keys are the constructor arguments of the task's classifier
    (:data:`TASKS`), type-checked against its annotations.

    Raises
    ------
    ConfigError
        For an unknown key (with the closest valid one) or task, a value of
        the wrong type, or a section that is not a mapping.
    """
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping with sections 'data' and 'model', got {type(raw).__name__}")
    _check_keys(raw, ["task", "data", "model"], "the top level", source)
    task = raw.get("task", "sentences")
    task = "sentences" if task is None else task
    if not isinstance(task, str) or task not in TASKS:
        raise ConfigError(f"{source}: unknown task {task!r}; {_hint(task, list(TASKS))}valid tasks: {', '.join(TASKS)}")
    data_keys = [f.name for f in dataclasses.fields(DataConfig if task == "sentences" else ProteinDataConfig)]
    sections = {}
    for name, valid in (("data", data_keys), ("model", model_keys(task))):
        section = raw.get(name) or {}
        if not isinstance(section, dict):
            raise ConfigError(f"{source}: section {name!r} must be a mapping of keys to values")
        _check_keys(section, valid, f"section {name!r}", source)
        sections[name] = section
    for key, value in sections["model"].items():
        _check_value(TASKS[task], key, value, source)
    data = _sentence_data(sections["data"], source) if task == "sentences" else _protein_data(sections["data"], source)
    return RunConfig(data, dict(sections["model"]), task)


def apply_overrides(raw: Any, overrides: Sequence[str]) -> dict[str, Any]:
    """``["model.epochs=5", "data.train=x.txt"]`` applied to a raw config (a
    new dict); values are read as YAML, so ``5`` is an int and ``null`` None.

    >>> apply_overrides({"model": {"epochs": 9}}, ["model.epochs=5", "model.seed=1"])
    {'model': {'epochs': 5, 'seed': 1}}
    """
    raw = {k: dict(v) if isinstance(v, dict) else v for k, v in (raw or {}).items()}
    for item in overrides:
        key, sep, text = item.partition("=")
        section, dot, name = key.strip().partition(".")
        if not sep or not dot or not name:
            raise ConfigError(f"override {item!r} is not SECTION.KEY=VALUE (e.g. model.epochs=5)")
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise ConfigError(f"override {item!r}: the value is not valid YAML: {err}") from err
        target = raw.setdefault(section, {})
        if not isinstance(target, dict):
            raise ConfigError(f"override {item!r}: section {section!r} is not a mapping")
        target[name] = value
    return raw


def load_config(path: str | Path | None, overrides: Sequence[str] = ()) -> RunConfig:
    """Read and validate a YAML config (``None``: the default demo config),
    with ``SECTION.KEY=VALUE`` overrides applied first."""
    raw: Any = {}
    source = "config"
    if path is not None:
        path = Path(path)
        source = str(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError as err:
            raise ConfigError(f"config file {source!r} does not exist; check the path") from err
        except (yaml.YAMLError, UnicodeDecodeError) as err:
            raise ConfigError(f"config file {source!r} is not valid YAML: {err}") from err
    if overrides:
        if raw is not None and not isinstance(raw, dict):
            raise ConfigError(f"{source}: expected a mapping with sections 'data' and 'model'")
        raw = apply_overrides(raw, overrides)
    config = parse_config(raw, source)
    if path is None:
        return config
    if isinstance(config.data, ProteinDataConfig) and config.data.source == "scldata":
        return config  # split names, not paths
    # relative data paths are read relative to the config file
    resolved: dict[str, Any] = {k: str((path.parent / v).resolve()) for k in ("train", "dev", "test") if (v := getattr(config.data, k))}
    if isinstance(config.data, DataConfig) and config.data.files:
        resolved["files"] = {label: str((path.parent / v).resolve()) for label, v in config.data.files.items()}
    return dataclasses.replace(config, data=dataclasses.replace(config.data, **resolved))
