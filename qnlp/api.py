"""The classifiers users import from ``qnlp``.

``SentenceClassifier`` runs the whole pipeline: sentence -> pregroup diagram
(:mod:`qnlp.parse`) -> circuit (:mod:`qnlp.functor`) -> class probabilities
(:mod:`qnlp.backends`), and learns the circuit parameters (:mod:`qnlp.train`).
The estimator contract itself lives in :mod:`qnlp.estimator`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

from qnlp.backends import qubits_for_classes
from qnlp.errors import DataError, ParseError
from qnlp.estimator import CircuitClassifier
from qnlp.functor import Ansatz, ParamCircuit
from qnlp.parse.interop import to_lambeq
from qnlp.rewrite import replace_unknown, vocabulary

__all__ = ["SentenceClassifier"]

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _default_parser() -> Any:
    """One English parser (and spaCy model) shared by every classifier that
    is not given its own; ``_default_parser.cache_clear()`` frees it."""
    from qnlp.parse import EnglishParser

    return EnglishParser()


class SentenceClassifier(CircuitClassifier):
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
    backend : str or pytket Backend
        ``"exact"`` (default: noise-free simulation with autograd),
        ``"aer"`` (noiseless shots), ``"aer:FakeManilaV2"`` (shots with a
        real device's noise model, offline), ``"ibm:<device>"``, or any pytket
        backend object (see :func:`qnlp.backends.make_backend`).
    shots : int
        Shots per circuit on shot backends.
    compilation : str or None
        Compile every circuit through ZX rewriting before evaluation, at this
        pytket optimisation level (``"none"``, ``"light"`` (default),
        ``"clifford"``, ``"full"``; see :mod:`qnlp.compile`): fewer qubits,
        two-qubit gates and post-selections, the same predictions. ``None``
        evaluates the ansatz's circuits as they are.
    gradient : str
        ``"autograd"`` (exact backend only), ``"parameter-shift"`` (the
        diagrammatic gradient, on any backend) or ``"spsa"`` (two evaluations
        per step; ``learning_rate`` is SPSA's step size ``a``: 0.2 with
        ``batch_size=8`` trains MC-sized tasks from 1,024 shots).
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
        refuses unseen ones. When every word of a type is frequent, its
        rarest training word is read as ``<UNK>`` too, so that ``<UNK>`` of
        every type is trained (see :func:`qnlp.rewrite.vocabulary`).
    parser : object or None
        Anything with ``parse_many(texts) -> diagrams``; default
        :class:`qnlp.parse.EnglishParser`. ``qnlp.parse.LexiconParser("mc")``
        or ``BobcatParser(model_dir)`` also work. Inputs may also be lambeq or
        DisCoPy pregroup diagrams instead of text.

    >>> clf = SentenceClassifier(epochs=5, seed=0)
    >>> clf.n_layers, clf.epochs
    (1, 5)
    """

    learned_state = ("sentence_qubits_", "codomain_", "vocabulary_")
    unsaved_settings = ("parser",)
    input_name = "sentence"

    def __init__(
        self,
        ansatz: str = "iqp",
        n_layers: int = 1,
        noun_qubits: int = 1,
        sentence_qubits: int | None = None,
        backend: Any = "exact",
        shots: int = 1024,
        compilation: str | None = "light",
        gradient: str = "autograd",
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
        self.backend = backend
        self.shots = shots
        self.compilation = compilation
        self.gradient = gradient
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
        diagrams = [t if isinstance(t, str) else to_lambeq(t) for t in texts]
        if strings:
            parsed = self._parser().parse_many([texts[i] for i in strings])
            for i, d in zip(strings, parsed):
                diagrams[i] = d
        return diagrams

    def _start_fit(self, X: Sequence[Any], y: list[Any]) -> None:
        needed = qubits_for_classes(len(self.classes_))
        self.sentence_qubits_ = needed if self.sentence_qubits is None else self.sentence_qubits

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
