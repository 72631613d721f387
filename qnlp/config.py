"""Run configs: YAML files with a ``data`` and a ``model`` section, checked
early so that a typo fails before any work, with the closest valid key.

``--set section.key=value`` overrides apply to the raw YAML before checking,
so they are checked the same way.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qnlp.api import SentenceClassifier
from qnlp.errors import ConfigError

__all__ = ["DataConfig", "RunConfig", "MODEL_KEYS", "parse_config", "load_config", "apply_overrides"]

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


# Python types a model setting may take, read off the constructor's annotations.
_TYPES = {"int": (int,), "float": (int, float), "str": (str,), "bool": (bool,), "None": (type(None),)}


def _check_value(key: str, value: Any, source: str) -> None:
    annotation = inspect.signature(SentenceClassifier.__init__).parameters[key].annotation
    allowed = tuple(t for part in str(annotation).split("|") for t in _TYPES.get(part.strip(), (object,)))
    wrong_bool = isinstance(value, bool) and bool not in allowed
    if wrong_bool or not isinstance(value, allowed):
        raise ConfigError(f"{source}: model.{key} must be {annotation}, got {value!r}")


def parse_config(raw: Any, source: str = "config") -> RunConfig:
    """Validate a config given as nested dicts (as read from YAML).

    Raises
    ------
    ConfigError
        For an unknown key (with the closest valid one), a value of the wrong
        type, or a section that is not a mapping.
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
    for key, value in sections["model"].items():
        _check_value(key, value, source)
    for key, value in sections["data"].items():
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{source}: data.{key} must be a file path, got {value!r}")
    data = sections["data"]
    if any(data.values()) and not data.get("train"):
        raise ConfigError(f"{source}: data gives {sorted(k for k, v in data.items() if v)} but no 'train' file; add data.train")
    return RunConfig(DataConfig(**data), dict(sections["model"]))


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
    # relative data paths are read relative to the config file
    resolved = {k: (str((path.parent / v).resolve()) if v else v) for k, v in asdict(config.data).items()}
    return RunConfig(DataConfig(**resolved), config.model)
