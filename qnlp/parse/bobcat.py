"""lambeq's Bobcat CCG parser, from a model directory the user already has.

Why: lambeq's ``BobcatParser`` downloads its weights from a host that no
longer answers, and falls back silently to a stale copy. This adapter never
downloads: it takes the path of a Bobcat model directory (the one lambeq
once saved under ``~/.cache/lambeq/bobcat``, with ``pipeline_config.json``,
``grammar.json``, the BERT weights and tokenizer files), or reads it from the
``QNLP_BOBCAT_MODEL`` environment variable, and refuses to start otherwise.
The diagrams it returns are lambeq pregroup diagrams, as from every qnlp
parser; tokenisation goes through spaCy's rule-based English tokenizer.

``transformers`` (a lambeq dependency) and the model are needed only here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lambeq.backend.grammar import Diagram

from qnlp.errors import ConfigError, ParseError
from qnlp.parse.batch import ParseBatch, check_errors, progress

__all__ = ["BobcatParser", "MODEL_ENV", "REQUIRED_FILES"]

logger = logging.getLogger(__name__)

#: The environment variable read when no model directory is given.
MODEL_ENV = "QNLP_BOBCAT_MODEL"

#: Files a Bobcat model directory must hold.
REQUIRED_FILES = ("pipeline_config.json", "grammar.json", "config.json")

_HOW = (f"pass BobcatParser(model_dir=...) or set {MODEL_ENV} to a local Bobcat model directory "
        f"(holding {', '.join(REQUIRED_FILES)}, the BERT weights and tokenizer files), e.g. a copy of "
        "~/.cache/lambeq/bobcat/ from a machine where lambeq once downloaded it; qnlp never downloads models. "
        "Offline alternatives: qnlp.parse.EnglishParser (spaCy) or qnlp.parse.LexiconParser")


class BobcatParser:
    """Parse English with lambeq's Bobcat model, loaded from a local directory.

    ``__init__`` only stores its arguments; the model is loaded on first use.

    Parameters
    ----------
    model_dir : str or Path, optional
        The model directory; default: the ``QNLP_BOBCAT_MODEL`` environment variable.
    device : str
        Torch device of the tagger (``"cpu"``, ``"cuda:0"``).
    verbose : bool
        Show a progress bar in :meth:`parse_many`.

    Raises
    ------
    ConfigError
        (on first use) If no directory is given, it lacks a model file, or
        lambeq cannot load it; the message says how to supply one.
    """

    def __init__(self, model_dir: str | Path | None = None, device: str = "cpu", verbose: bool = False) -> None:
        self.model_dir = model_dir
        self.device = device
        self.verbose = verbose
        self._parser: Any = None
        self._tokenizer: Any = None

    def model_path(self) -> Path:
        """The model directory, checked.

        Raises
        ------
        ConfigError
            If none is given or it is not a Bobcat model directory.
        """
        given = self.model_dir if self.model_dir is not None else os.environ.get(MODEL_ENV)
        if not given:
            raise ConfigError(f"no Bobcat model directory given; {_HOW}")
        path = Path(given).expanduser()
        if not path.is_dir():
            raise ConfigError(f"Bobcat model directory {str(path)!r} does not exist; {_HOW}")
        missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
        if missing:
            raise ConfigError(f"{str(path)!r} is not a Bobcat model directory: {missing} missing; {_HOW}")
        return path

    @property
    def parser_(self) -> Any:
        """lambeq's ``BobcatParser`` on the local model, loaded on first access."""
        if self._parser is None:
            path = self.model_path()
            try:
                from lambeq import BobcatParser as LambeqBobcat
                from lambeq.core.globals import VerbosityLevel

                # A directory path makes lambeq skip its download check.
                self._parser = LambeqBobcat(str(path), device=self.device, verbose=VerbosityLevel.SUPPRESS.value)
            except ImportError as err:
                raise ConfigError(f"the Bobcat adapter needs lambeq and transformers: {err}; run `pip install lambeq`") from err
            except Exception as err:  # transformers / torch raise many kinds on a broken model
                raise ConfigError(f"cannot load the Bobcat model in {str(path)!r}: {err}; {_HOW}") from err
            logger.info("loaded Bobcat model from %s", path)
        return self._parser

    def tokenise(self, text: str) -> list[str]:
        """spaCy's rule-based English tokens of ``text`` (no model needed)."""
        if not isinstance(text, str):
            raise ParseError(f"cannot parse {text!r}: expected a str, got {type(text).__name__}")
        if self._tokenizer is None:
            import spacy

            self._tokenizer = spacy.blank("en")
        tokens = [t.text for t in self._tokenizer(text) if not t.is_space]
        if not tokens:
            raise ParseError(f"cannot parse {text!r}: the text is empty; give a sentence")
        return tokens

    def parse(self, text: str) -> Diagram:
        """Parse one sentence.

        Raises
        ------
        ParseError
            If Bobcat finds no parse.
        ConfigError
            If no model is available (see the class).
        """
        tokens = self.tokenise(text)
        try:
            diagram = self.parser_.sentence2diagram(tokens, tokenised=True)
        except ConfigError:
            raise
        except Exception as err:
            raise ParseError(f"cannot parse {text!r} with Bobcat: {err}; rephrase it, or use qnlp.parse.EnglishParser") from err
        if diagram is None:
            raise ParseError(f"cannot parse {text!r} with Bobcat: no parse; rephrase it, or use qnlp.parse.EnglishParser")
        return diagram

    def parse_many(self, texts: Iterable[str], errors: str = "raise", verbose: bool | None = None) -> list[Diagram] | ParseBatch:
        """:meth:`parse` for each text; ``errors="collect"`` returns a
        :class:`~qnlp.parse.batch.ParseBatch` (see :meth:`qnlp.parse.EnglishParser.parse_many`)."""
        mode = check_errors(errors)
        texts = list(texts)
        self.parser_  # fail early, before the first text, when there is no model
        results: list[Any] = []
        with progress(len(texts), self.verbose if verbose is None else verbose) as bar:
            for text in texts:
                try:
                    results.append(self.parse(text))
                except ParseError as err:
                    if mode == "raise":
                        raise
                    results.append(err)
                bar.update(1)
        return ParseBatch.gather(results) if mode == "collect" else results
