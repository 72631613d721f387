"""qnlp: categorical quantum natural language processing.

Sentences (and protein sequences read as sentences) become pregroup string
diagrams; parameterised functors map the diagrams to quantum circuits; a
trainer learns the circuits' parameters from labelled data.

>>> from qnlp import SentenceClassifier
>>> SentenceClassifier(n_layers=2).n_layers
2
"""

from __future__ import annotations

from qnlp.api import SentenceClassifier
from qnlp.protein_api import ProteinClassifier
from qnlp.backends.registry import make_backend
from qnlp.compile import CompiledCircuit, CompileOptions, compile_many
from qnlp.data import load_class_files, load_labelled, load_trec, load_tsv, save_labelled
from qnlp.folds import fold_splits, kfold_splits, subset, train_dev_split
from qnlp.parse import BobcatParser, EnglishParser, LexiconParser, to_discopy, to_lambeq
from qnlp.rewrite import Rewriter
from qnlp.errors import (
    BackendError,
    ConfigError,
    DataError,
    NotFittedError,
    ParseError,
    QnlpError,
    SequenceError,
)

__version__ = "0.1.0"

__all__ = [
    "SentenceClassifier",
    "ProteinClassifier",
    "EnglishParser",
    "LexiconParser",
    "BobcatParser",
    "to_lambeq",
    "to_discopy",
    "Rewriter",
    "make_backend",
    "CompileOptions",
    "CompiledCircuit",
    "compile_many",
    "load_labelled",
    "save_labelled",
    "load_tsv",
    "load_class_files",
    "load_trec",
    "kfold_splits",
    "fold_splits",
    "train_dev_split",
    "subset",
    "QnlpError",
    "ParseError",
    "SequenceError",
    "DataError",
    "ConfigError",
    "BackendError",
    "NotFittedError",
    "__version__",
]
