"""The estimator contract shared by qnlp's classifiers.

Settings go in the constructor, ``fit`` returns ``self``, learned state ends
in ``_`` (scikit-learn's conventions). :class:`CircuitClassifier` does the
work every classifier shares: labels to classes, circuits to an objective,
training, prediction, and saving as JSON + ``.npz`` (no pickle). A subclass
says only how its inputs become circuits (:meth:`CircuitClassifier._circuits`)
and which learned state it keeps besides the parameters.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch

from qnlp.backends import class_probabilities
from qnlp.backends.registry import make_backend
from qnlp.errors import ConfigError, DataError, NotFittedError
from qnlp.functor import ParamCircuit
from qnlp.train import History, Objective, Trainer
from qnlp.train.gradients import ParameterShift

__all__ = ["Estimator", "CircuitClassifier"]

logger = logging.getLogger(__name__)

_FORMAT_VERSION = 1

#: How a classifier may get its gradients.
GRADIENTS = ("autograd", "parameter-shift", "spsa")

class Estimator:
    """``get_params`` / ``set_params`` / ``repr`` from the constructor's
    signature, as scikit-learn's ``BaseEstimator`` does."""

    @classmethod
    def _param_names(cls) -> list[str]:
        return [p for p in inspect.signature(cls.__init__).parameters if p != "self"]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments, as stored."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Estimator:
        """Change constructor arguments; unknown names raise ConfigError."""
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ConfigError(f"unknown parameter {name!r} for {type(self).__name__}; valid: {valid}")
            setattr(self, name, value)
        self._backend_cache = None  # a changed backend, shots or seed takes effect at the next evaluation
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


def _label(value: Any) -> Any:
    """Labels are stored as JSON: numpy scalars become Python ones."""
    value = value.item() if isinstance(value, np.generic) else value
    if not isinstance(value, (int, str, float, bool)):
        raise DataError(f"label {value!r} is a {type(value).__name__}; use str, int, float or bool labels")
    return value


class CircuitClassifier(Estimator):
    """Base of classifiers whose inputs become parameterised circuits.

    Subclasses set :attr:`learned_state` (extra fitted attributes saved with
    the model), write :meth:`_circuits`, and may override :meth:`_start_fit`.
    Their constructors take at least ``backend, shots, gradient, epochs,
    batch_size, learning_rate, patience, seed, verbose``.
    """

    #: Fitted attributes, besides classes_, symbols_ and params_, that save() keeps.
    learned_state: ClassVar[tuple[str, ...]] = ()
    #: Constructor arguments that may hold objects and are not saved.
    unsaved_settings: ClassVar[tuple[str, ...]] = ()
    #: What the inputs are called in messages.
    input_name: ClassVar[str] = "input"

    def _circuits(self, X: Sequence[Any]) -> list[ParamCircuit]:
        """The circuits of ``X``. During ``fit`` (before ``symbols_`` exists)
        it may learn state; afterwards it must refuse inputs whose symbols
        were never trained, naming them."""
        raise NotImplementedError

    def _start_fit(self, X: Sequence[Any], y: list[Any]) -> None:
        """Hook run once ``classes_`` is known, before any circuit is made."""

    def _backend(self) -> Any:
        """The evaluation backend, made once per fit (or load) from the
        ``backend``, ``shots`` and ``seed`` settings and kept, so that its
        caches of compiled shapes serve every step."""
        if getattr(self, "_backend_cache", None) is None:
            self._backend_cache = make_backend(self.backend, self.shots, self.seed)
        return self._backend_cache

    def _compiled(self, circuits: list[ParamCircuit]) -> list[ParamCircuit]:
        """The circuits compiled through ZX rewriting (each shape once) when
        the ``compilation`` setting names an optimisation level; unchanged
        when it is None."""
        level = getattr(self, "compilation", None)
        if level is None:
            return circuits
        from qnlp.compile import CompileOptions, compile_many

        compiled = compile_many(circuits, CompileOptions(optimisation=level), verbose=self.verbose)
        return [c.to_param_circuit() for c in compiled]

    def _objective(self, circuits: list[ParamCircuit], labels: Sequence[Any] | None) -> Objective:
        backend = self._backend()
        gradient = self.gradient
        if gradient not in GRADIENTS:
            raise ConfigError(f"unknown gradient {gradient!r}; use one of {', '.join(GRADIENTS)}")
        if gradient == "autograd" and not backend.supports_autograd:
            raise ConfigError(
                f"gradient='autograd' needs the exact backend, not {self.backend!r}; "
                "use gradient='parameter-shift' or 'spsa' with shots"
            )
        batch = backend.prepare(self._compiled(circuits), self.symbols_)
        n_classes = len(self.classes_)

        def predict(theta: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
            if gradient == "parameter-shift" and torch.is_grad_enabled() and theta.requires_grad:
                outcomes = ParameterShift.apply(theta, batch, rows)
            else:
                outcomes = batch.probabilities(theta, rows)
            return class_probabilities(outcomes, n_classes)

        index = {c: i for i, c in enumerate(self.classes_)}
        if labels is None:
            targets = torch.zeros(len(circuits), dtype=torch.long)
        else:
            unknown = sorted({repr(y) for y in labels if _label(y) not in index})
            if unknown:
                raise DataError(f"labels {unknown} were not among the training classes {self.classes_}")
            targets = torch.tensor([index[_label(y)] for y in labels], dtype=torch.long)
        return Objective(predict, targets)

    def fit(
        self,
        X: Sequence[Any],
        y: Sequence[Any],
        validation: tuple[Sequence[Any], Sequence[Any]] | None = None,
        checkpoint: str | Path | None = None,
        resume: str | Path | None = None,
    ) -> CircuitClassifier:
        """Learn the parameters from inputs ``X`` with labels ``y``.

        Parameters
        ----------
        validation : (X_val, y_val), optional
            Scored every epoch; picks the kept parameters.
        checkpoint : path, optional
            File where the whole training state is saved every epoch, so an
            interrupted run can resume.
        resume : path, optional
            A checkpoint file (or a folder holding ``checkpoint.npz``) to
            continue from, with the same data and settings; the result is
            identical to an uninterrupted run. New checkpoints go to the same
            file.

        Raises
        ------
        DataError
            If ``X`` and ``y`` differ in length, are empty, or hold fewer than
            two classes, or the checkpoint to resume from is missing, damaged
            or from another model.
        """
        X, y = list(X), [_label(v) for v in y]
        if len(X) != len(y):
            raise DataError(f"{len(X)} {self.input_name}s but {len(y)} labels; give one label per {self.input_name}")
        if not X:
            raise DataError(f"no training data; give at least one {self.input_name} per class")
        for attr in ("symbols_", "params_", "history_", "_backend_cache", *self.learned_state):
            self.__dict__.pop(attr, None)  # forget an earlier fit
        self.classes_ = sorted(set(y), key=lambda v: (type(v).__name__, v))
        if len(self.classes_) < 2:
            raise DataError(f"only one class {self.classes_} in the labels; a classifier needs two or more")
        seed = self.seed if self.seed is not None else int(np.random.SeedSequence().entropy % 2**32)
        self._start_fit(X, y)
        circuits = self._circuits(X)
        self.symbols_ = sorted({s for c in circuits for s in c.symbols})
        train = self._objective(circuits, y)
        val = None
        if validation is not None:
            X_val, y_val = validation
            if len(X_val) != len(y_val):
                raise DataError(f"validation has {len(X_val)} {self.input_name}s but {len(y_val)} labels")
            val = self._objective(self._circuits(X_val), y_val)
        rng = np.random.default_rng(seed)
        theta0 = torch.tensor(rng.uniform(0.0, 2.0, len(self.symbols_)), dtype=torch.float64)
        optimizer = "spsa" if self.gradient == "spsa" else "adam"
        trainer = Trainer(self.epochs, self.batch_size, self.learning_rate, self.patience, seed, self.verbose, optimizer=optimizer)
        if resume is not None:
            resume = Path(resume)
            checkpoint = resume / "checkpoint.npz" if resume.is_dir() else resume
        fingerprint = self._fingerprint(X, y, validation, seed)
        theta, self.history_ = trainer.fit(theta0, train, val, checkpoint, resume is not None, fingerprint)
        self.params_ = theta.numpy().copy()
        logger.info("fitted %d parameters on %d %ss", len(self.params_), len(X), self.input_name)
        return self

    def _fingerprint(self, X: list[Any], y: list[Any], validation: Any, seed: int) -> str:
        """What a checkpoint must match to be resumed: model kind, settings
        (but the number of epochs, which a resumed run may extend), seed,
        symbols and data."""
        settings = {k: v for k, v in self.get_params().items() if k not in (*self.unsaved_settings, "epochs", "verbose")}
        data = [[str(x) for x in X], y]
        if validation is not None:
            data.append([[str(x) for x in validation[0]], [_label(v) for v in validation[1]]])
        blob = json.dumps([type(self).__name__, settings, seed, self.symbols_, data], default=str, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit(X, y) or load(path) first")

    def predict_proba(self, X: Sequence[Any]) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        self._check_fitted()
        X = list(X)
        if not X:
            return np.zeros((0, len(self.classes_)))
        objective = self._objective(self._circuits(X), None)
        with torch.no_grad():
            return objective.predict(torch.from_numpy(self.params_), torch.arange(len(X))).numpy()

    def predict(self, X: Sequence[Any]) -> list[Any]:
        """The most probable label of each input, from ``classes_``."""
        return [self.classes_[i] for i in self.predict_proba(X).argmax(1)]

    def score(self, X: Sequence[Any], y: Sequence[Any]) -> float:
        """Accuracy on ``X`` against labels ``y``."""
        y = [_label(v) for v in y]
        if len(y) != len(X):
            raise DataError(f"{len(X)} {self.input_name}s but {len(y)} labels")
        return float(np.mean([p == t for p, t in zip(self.predict(X), y)]))

    # -- persistence ----------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Save to a directory: ``config.json`` (settings, classes, symbols,
        learned state, checksum), ``params.npz`` (parameters) and
        ``history.json``. No pickle."""
        self._check_fitted()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        params_file = path / "params.npz"
        np.savez(params_file, params=self.params_)
        settings = {}
        for key, value in self.get_params().items():
            if key in self.unsaved_settings:
                continue
            if value is not None and not isinstance(value, (str, int, float, bool)):
                logger.warning("setting %s=%r is an object and is not saved; the loaded model uses the default", key, value)
                continue
            settings[key] = value
        config = {
            "format": f"qnlp.{type(self).__name__}",
            "version": _FORMAT_VERSION,
            "settings": settings,
            "classes": self.classes_,
            "symbols": self.symbols_,
            "state": {name: getattr(self, name, None) for name in self.learned_state},
            "params_sha256": hashlib.sha256(params_file.read_bytes()).hexdigest(),
        }
        (path / "config.json").write_text(json.dumps(config, indent=2))
        (path / "history.json").write_text(json.dumps(self.history_.to_dict(), indent=2))
        return path

    @classmethod
    def load(cls, path: str | Path) -> CircuitClassifier:
        """Load a classifier written by :meth:`save`.

        Raises
        ------
        DataError
            If the directory or its files are missing, malformed, hold another
            kind of model, or the parameters do not match their checksum.
        """
        path = Path(path)
        config_file, params_file = path / "config.json", path / "params.npz"
        for f in (config_file, params_file):
            if not f.is_file():
                raise DataError(f"{f} not found; give a directory written by {cls.__name__}.save")
        try:
            config = json.loads(config_file.read_text())
            kind = config.get("format") if isinstance(config, dict) else None
            if kind != f"qnlp.{cls.__name__}":
                raise DataError(f"{config_file} holds {kind!r}, not a saved {cls.__name__}")
            digest = hashlib.sha256(params_file.read_bytes()).hexdigest()
            if digest != config["params_sha256"]:
                raise DataError(f"{params_file} does not match its checksum in {config_file}: it was truncated or edited")
            with np.load(params_file, allow_pickle=False) as data:
                params = np.asarray(data["params"], dtype=np.float64)
            model = cls(**config["settings"])
            model.classes_ = config["classes"]
            model.symbols_ = config["symbols"]
            for name, value in config["state"].items():
                if value is not None:
                    setattr(model, name, value)
            model.history_ = History.from_dict(json.loads((path / "history.json").read_text()))
        except DataError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, OSError) as err:
            raise DataError(f"cannot load a model from {path}: {err!r}") from err
        if params.shape != (len(model.symbols_),):
            raise DataError(f"{params_file} holds {params.shape} parameters but {config_file} names {len(model.symbols_)} symbols")
        model.params_ = params
        return model
