"""Classifiers with the scikit-learn contract: settings in the constructor,
``fit`` returns ``self``, learned state ends in ``_``.

``SentenceClassifier`` runs the whole pipeline: sentence -> pregroup diagram
(:mod:`qnlp.parse`) -> circuit (:mod:`qnlp.functor`) -> class probabilities
(:mod:`qnlp.backends`), and learns the circuit parameters (:mod:`qnlp.train`).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from qnlp.backends import ExactBackend, class_probabilities, qubits_for_classes
from qnlp.errors import ConfigError, DataError, NotFittedError, ParseError
from qnlp.functor import Ansatz, ParamCircuit
from qnlp.rewrite import replace_unknown, vocabulary
from qnlp.train import History, Objective, Trainer

__all__ = ["SentenceClassifier"]

logger = logging.getLogger(__name__)

_FORMAT = "qnlp.SentenceClassifier"
_FORMAT_VERSION = 1


class _Estimator:
    """``get_params`` / ``set_params`` / ``repr`` from the constructor's
    signature, as scikit-learn's ``BaseEstimator`` does."""

    @classmethod
    def _param_names(cls) -> list[str]:
        return [p for p in inspect.signature(cls.__init__).parameters if p != "self"]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments, as stored."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> _Estimator:
        """Change constructor arguments; unknown names raise ConfigError."""
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ConfigError(f"unknown parameter {name!r} for {type(self).__name__}; valid: {valid}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


@functools.lru_cache(maxsize=1)
def _default_parser() -> Any:
    """One English parser (and spaCy model) shared by every classifier that
    is not given its own; ``_default_parser.cache_clear()`` frees it."""
    from qnlp.parse import EnglishParser

    return EnglishParser()


def _label(value: Any) -> Any:
    """Labels are stored as JSON: numpy scalars become Python ones."""
    value = value.item() if isinstance(value, np.generic) else value
    if not isinstance(value, (int, str, float, bool)):
        raise DataError(f"label {value!r} is a {type(value).__name__}; use str, int, float or bool labels")
    return value


class SentenceClassifier(_Estimator):
    """Classify sentences with a quantum model of their grammar (DisCoCat).

    Parameters
    ----------
    ansatz : str
        Word circuits: ``"iqp"`` (default), ``"sim14"``, ``"sim15"``, ``"sim4"``.
    n_layers : int
        Layers of each word circuit.
    noun_qubits : int
        Qubits per noun wire ``n``.
    sentence_qubits : int or None
        Qubits per sentence wire ``s``; ``None`` gives just enough for the
        number of classes. Noun-phrase data may use 0.
    epochs, batch_size, learning_rate, patience :
        Training settings (see :class:`qnlp.train.Trainer`).
    seed : int or None
        Seeds the initial parameters and minibatch order; the same seed and
        data give the same model. ``None`` draws a fresh seed.
    verbose : bool
        Show progress bars.
    min_word_count : int
        Words seen fewer times than this in training, and words never seen,
        become one shared ``<UNK>`` word per type, so that sentences with new
        words can be classified. The default 1 keeps every training word and
        refuses unseen ones.
    parser : object or None
        Anything with ``parse_many(texts) -> diagrams``; default
        :class:`qnlp.parse.EnglishParser`.

    >>> clf = SentenceClassifier(epochs=5, seed=0)
    >>> clf.n_layers, clf.epochs
    (1, 5)
    """

    def __init__(
        self,
        ansatz: str = "iqp",
        n_layers: int = 1,
        noun_qubits: int = 1,
        sentence_qubits: int | None = None,
        epochs: int = 100,
        batch_size: int = 16,
        learning_rate: float = 0.1,
        patience: int | None = None,
        seed: int | None = None,
        verbose: bool = False,
        min_word_count: int = 1,
        parser: Any = None,
    ) -> None:
        self.ansatz = ansatz
        self.n_layers = n_layers
        self.noun_qubits = noun_qubits
        self.sentence_qubits = sentence_qubits
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.patience = patience
        self.seed = seed
        self.verbose = verbose
        self.min_word_count = min_word_count
        self.parser = parser

    # -- pipeline -----------------------------------------------------------

    def _parser(self) -> Any:
        return self.parser if self.parser is not None else _default_parser()

    def _diagrams(self, texts: Sequence[Any]) -> list[Any]:
        """Sentences to diagrams; diagrams pass through."""
        texts = list(texts)
        strings = [i for i, t in enumerate(texts) if isinstance(t, str)]
        diagrams = list(texts)
        if strings:
            parsed = self._parser().parse_many([texts[i] for i in strings])
            for i, d in zip(strings, parsed):
                diagrams[i] = d
        return diagrams

    def _functor(self) -> Ansatz:
        return Ansatz({"n": self.noun_qubits, "s": self.sentence_qubits_}, self.n_layers, self.ansatz)

    def _circuits(self, texts: Sequence[Any]) -> list[ParamCircuit]:
        diagrams = self._diagrams(texts)
        if self.min_word_count > 1:
            if not hasattr(self, "vocabulary_"):
                self.vocabulary_ = vocabulary(diagrams, self.min_word_count)
            diagrams = replace_unknown(diagrams, self.vocabulary_)
        if not hasattr(self, "codomain_"):
            self.codomain_ = str(diagrams[0].cod)
        odd = [t for t, d in zip(texts, diagrams) if str(d.cod) != self.codomain_]
        if odd:
            raise DataError(
                f"{len(odd)} input(s) parse to another type than {self.codomain_} (e.g. {odd[0]!r}); "
                "a classifier reads one type: give only sentences, or only noun phrases"
            )
        circuits = self._functor().circuits(diagrams)
        if hasattr(self, "symbols_"):
            known = set(self.symbols_)
            for text, circuit in zip(texts, circuits):
                unseen = sorted({s.rsplit("__", 1)[0] for s in circuit.symbols if s not in known})
                if unseen:
                    raise ParseError(
                        f"words {unseen} in {text!r} were not seen in training; retrain with "
                        "sentences that use them, or with min_word_count=2 to read new words as <UNK>"
                    )
        return circuits

    def _objective(self, circuits: list[ParamCircuit], labels: Sequence[Any] | None) -> Objective:
        batch = ExactBackend().prepare(circuits, self.symbols_)
        n_classes = len(self.classes_)

        def predict(theta: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
            return class_probabilities(batch.probabilities(theta, rows), n_classes)

        index = {c: i for i, c in enumerate(self.classes_)}
        if labels is None:
            targets = torch.zeros(len(circuits), dtype=torch.long)
        else:
            unknown = sorted({repr(y) for y in labels if _label(y) not in index})
            if unknown:
                raise DataError(f"labels {unknown} were not among the training classes {self.classes_}")
            targets = torch.tensor([index[_label(y)] for y in labels], dtype=torch.long)
        return Objective(predict, targets)

    # -- estimator API --------------------------------------------------------

    def fit(self, X: Sequence[Any], y: Sequence[Any], validation: tuple[Sequence[Any], Sequence[Any]] | None = None) -> SentenceClassifier:
        """Learn the parameters from sentences (or pregroup diagrams) ``X``
        with labels ``y``; ``validation=(X_val, y_val)`` is scored every epoch
        and picks the kept parameters.

        Raises
        ------
        DataError
            If ``X`` and ``y`` differ in length, are empty, or hold fewer than
            two classes.
        ParseError
            If a sentence cannot be parsed.
        """
        X, y = list(X), [_label(v) for v in y]
        if len(X) != len(y):
            raise DataError(f"{len(X)} sentences but {len(y)} labels; give one label per sentence")
        if not X:
            raise DataError("no training data; give at least one sentence per class")
        self.classes_ = sorted(set(y), key=lambda v: (type(v).__name__, v))
        if len(self.classes_) < 2:
            raise DataError(f"only one class {self.classes_} in the labels; a classifier needs two or more")
        needed = qubits_for_classes(len(self.classes_))
        self.sentence_qubits_ = needed if self.sentence_qubits is None else self.sentence_qubits
        seed = self.seed if self.seed is not None else int(np.random.SeedSequence().entropy % 2**32)
        for attr in ("symbols_", "params_", "codomain_", "vocabulary_"):
            self.__dict__.pop(attr, None)  # forget an earlier fit
        circuits = self._circuits(X)
        self.symbols_ = sorted({s for c in circuits for s in c.symbols})
        train = self._objective(circuits, y)
        val = None
        if validation is not None:
            X_val, y_val = validation
            if len(X_val) != len(y_val):
                raise DataError(f"validation has {len(X_val)} sentences but {len(y_val)} labels")
            val = self._objective(self._circuits(X_val), y_val)
        rng = np.random.default_rng(seed)
        theta0 = torch.tensor(rng.uniform(0.0, 2.0, len(self.symbols_)), dtype=torch.float64)
        trainer = Trainer(self.epochs, self.batch_size, self.learning_rate, self.patience, seed, self.verbose)
        theta, self.history_ = trainer.fit(theta0, train, val)
        self.params_ = theta.numpy().copy()
        logger.info("fitted %d parameters on %d sentences", len(self.params_), len(X))
        return self

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
        """The most probable label of each sentence, from ``classes_``."""
        return [self.classes_[i] for i in self.predict_proba(X).argmax(1)]

    def score(self, X: Sequence[Any], y: Sequence[Any]) -> float:
        """Accuracy on ``X`` against labels ``y``."""
        y = [_label(v) for v in y]
        if len(y) != len(X):
            raise DataError(f"{len(X)} sentences but {len(y)} labels")
        return float(np.mean([p == t for p, t in zip(self.predict(X), y)]))

    # -- persistence ----------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Save to a directory: ``config.json`` (settings, classes, symbols,
        checksum) and ``params.npz`` (parameters). No pickle."""
        self._check_fitted()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        params_file = path / "params.npz"
        np.savez(params_file, params=self.params_)
        settings = {k: v for k, v in self.get_params().items() if k != "parser"}
        config = {
            "format": _FORMAT,
            "version": _FORMAT_VERSION,
            "settings": settings,
            "classes": self.classes_,
            "sentence_qubits": self.sentence_qubits_,
            "codomain": self.codomain_,
            "vocabulary": getattr(self, "vocabulary_", None),
            "symbols": self.symbols_,
            "params_sha256": hashlib.sha256(params_file.read_bytes()).hexdigest(),
        }
        (path / "config.json").write_text(json.dumps(config, indent=2))
        (path / "history.json").write_text(json.dumps(self.history_.to_dict(), indent=2))
        return path

    @classmethod
    def load(cls, path: str | Path) -> SentenceClassifier:
        """Load a classifier written by :meth:`save`.

        Raises
        ------
        DataError
            If the directory or its files are missing, malformed, or the
            parameters do not match their checksum.
        """
        path = Path(path)
        config_file, params_file = path / "config.json", path / "params.npz"
        for f in (config_file, params_file):
            if not f.is_file():
                raise DataError(f"{f} not found; give a directory written by SentenceClassifier.save")
        try:
            config = json.loads(config_file.read_text())
            if config.get("format") != _FORMAT:
                raise DataError(f"{config_file} is not a saved {cls.__name__}")
            digest = hashlib.sha256(params_file.read_bytes()).hexdigest()
            if digest != config["params_sha256"]:
                raise DataError(f"{params_file} does not match its checksum in {config_file}: it was truncated or edited")
            with np.load(params_file, allow_pickle=False) as data:
                params = np.asarray(data["params"], dtype=np.float64)
            model = cls(**config["settings"])
            model.classes_ = config["classes"]
            model.sentence_qubits_ = config["sentence_qubits"]
            model.codomain_ = config["codomain"]
            if config["vocabulary"] is not None:
                model.vocabulary_ = config["vocabulary"]
            model.symbols_ = config["symbols"]
            model.history_ = History.from_dict(json.loads((path / "history.json").read_text()))
        except (KeyError, TypeError, ValueError, OSError) as err:
            if isinstance(err, DataError):
                raise
            raise DataError(f"cannot load a model from {path}: {err}") from err
        if params.shape != (len(model.symbols_),):
            raise DataError(f"{params_file} holds {params.shape} parameters but {config_file} names {len(model.symbols_)} symbols")
        model.params_ = params
        return model
