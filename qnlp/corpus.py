"""Generate qnlp's built-in demo corpus from a grammar file.

The demo corpus (``corpora/demo/``) is a small two-class topic corpus in the
spirit of lambeq's "MC" meaning-classification data set: short sentences such
as ``clever woman observes distant galaxy .`` (astronomy, label 1) or
``young man steers old ship .`` (sailing, label 0). Its vocabulary, topics,
sentence shapes and split sizes live in a YAML grammar (``grammars/demo.yaml``),
so the corpus is data that this module regenerates exactly for a given seed::

    python -m qnlp.corpus --grammar grammars/demo.yaml --out corpora/demo --seed 0

Sentences use only the shapes ``NOUN VERB NOUN .``, ``ADJ NOUN VERB NOUN .``,
``NOUN VERB ADJ NOUN .`` and ``ADJ NOUN VERB ADJ NOUN .``, which the pregroup
parser handles and a small quantum model (one qubit per noun and sentence wire)
can learn.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import random
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from qnlp.data import save_labelled
from qnlp.errors import ConfigError, DataError, QnlpError

__all__ = [
    "SLOTS",
    "SPLITS",
    "Topic",
    "Grammar",
    "load_grammar",
    "topic_sentences",
    "generate_corpus",
    "write_corpus",
    "demo_corpus_dir",
    "main",
]

logger = logging.getLogger(__name__)

#: Template slots, in sentence order.
SLOTS: tuple[str, ...] = ("subject_adjective", "subject", "verb", "object_adjective", "object")

#: Names of the splits, in the order they are filled.
SPLITS: tuple[str, ...] = ("train", "dev", "test")

#: The slot sequences a template may have (the four sentence shapes).
_SHAPES: tuple[tuple[str, ...], ...] = (
    ("subject", "verb", "object"),
    ("subject_adjective", "subject", "verb", "object"),
    ("subject", "verb", "object_adjective", "object"),
    ("subject_adjective", "subject", "verb", "object_adjective", "object"),
)

_TOP_KEYS = ("sizes", "shared", "topics", "templates")
_TOPIC_KEYS = ("name", "label", "words")
_SLOT_RE = re.compile(r"^\{([^{}]*)\}$")
_WORD_RE = re.compile(r"^[^\s{}]+$")

_REPO_ROOT = Path(__file__).resolve().parents[1]
_DEFAULT_GRAMMAR = _REPO_ROOT / "grammars" / "demo.yaml"
_DEFAULT_OUT = _REPO_ROOT / "corpora" / "demo"

_TEMPLATE_HELP = "; ".join('"' + " ".join("{" + s + "}" for s in shape) + ' ."' for shape in _SHAPES)


@dataclass(frozen=True)
class Topic:
    """One class of the corpus: its name, label and words by slot.

    ``words`` maps every slot of :data:`SLOTS` to the words the topic may use
    there, the grammar's shared words first (empty tuple if the slot has none).
    """

    name: str
    label: int
    words: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Grammar:
    """A validated corpus grammar, as read by :func:`load_grammar`.

    ``templates`` holds each template as a tuple of tokens, where a slot is
    written ``{slot}`` and anything else (the final ``.``) is literal.
    """

    path: Path
    sizes: Mapping[str, int]
    topics: tuple[Topic, ...]
    templates: tuple[tuple[str, ...], ...]


def _fail(path: Path, key: str, problem: str, fix: str) -> ConfigError:
    return ConfigError(f"{path}: {key}: {problem}; {fix}")


def _check_keys(path: Path, where: str, mapping: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = sorted(str(k) for k in mapping if k not in allowed)
    if unknown:
        raise _fail(
            path,
            where,
            f"unknown key(s) {', '.join(map(repr, unknown))}",
            f"use only {', '.join(map(repr, allowed))}",
        )


def _word_lists(path: Path, where: str, value: Any, *, required: bool) -> dict[str, tuple[str, ...]]:
    """Validate a ``{slot: [word, ...]}`` mapping found at key ``where``."""
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        raise _fail(
            path,
            where,
            f"expected a mapping from slot to word list, got {type(value).__name__}",
            f"write e.g. '{where}: {{verb: [observes, discovers]}}'",
        )
    _check_keys(path, where, value, SLOTS)
    lists: dict[str, tuple[str, ...]] = {}
    for slot, words in value.items():
        key = f"{where}.{slot}"
        if not isinstance(words, list) or not words:
            raise _fail(path, key, "expected a non-empty list of words", f"write e.g. '{slot}: [word1, word2]' or remove the key")
        for word in words:
            if not isinstance(word, str) or not _WORD_RE.match(word):
                raise _fail(
                    path,
                    key,
                    f"{word!r} is not a single word",
                    "give plain words without spaces or braces (quote words YAML would read as numbers or booleans)",
                )
        lists[slot] = tuple(dict.fromkeys(words))
    return lists


def _parse_sizes(path: Path, value: Any, n_topics: int) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise _fail(path, "sizes", "expected a mapping", "write e.g. 'sizes: {train: 70, dev: 30, test: 30}'")
    _check_keys(path, "sizes", value, SPLITS)
    sizes: dict[str, int] = {}
    for split in SPLITS:
        key = f"sizes.{split}"
        if split not in value:
            raise _fail(path, key, "missing", f"add '{split}: N' under 'sizes' (N a multiple of {n_topics})")
        size = value[split]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise _fail(path, key, f"expected a non-negative integer, got {size!r}", f"write e.g. '{split}: 30'")
        if size % n_topics:
            raise _fail(
                path,
                key,
                f"{size} cannot be split evenly between {n_topics} topics",
                f"use a multiple of {n_topics} so the split is balanced",
            )
        sizes[split] = size
    if not sum(sizes.values()):
        raise _fail(path, "sizes", "all split sizes are 0", "give at least one split a positive size")
    return sizes


def _parse_template(path: Path, index: int, value: Any) -> tuple[str, ...]:
    key = f"templates[{index}]"
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, key, f"expected a template string, got {value!r}", f"use one of: {_TEMPLATE_HELP}")
    tokens = tuple(value.split())
    slots: list[str] = []
    for token in tokens:
        match = _SLOT_RE.match(token)
        if match is None:
            if "{" in token or "}" in token:
                raise _fail(path, key, f"malformed slot {token!r}", f"write slots as '{{slot}}' with slot one of {', '.join(SLOTS)}")
            continue
        slot = match.group(1)
        if slot not in SLOTS:
            raise _fail(path, key, f"unknown template slot {token!r}", f"use only the slots {', '.join('{' + s + '}' for s in SLOTS)}")
        slots.append(slot)
    literals = [t for t in tokens if not _SLOT_RE.match(t)]
    if tuple(slots) not in _SHAPES or literals != ["."] or tokens[-1] != ".":
        raise _fail(path, key, f"{value!r} is not one of the four supported sentence shapes", f"use one of: {_TEMPLATE_HELP}")
    return tokens


def load_grammar(grammar_path: str | Path) -> Grammar:
    """Read and validate a corpus grammar.

    Why: the corpus is data, so a mistake in the YAML file must be reported as
    a configuration problem naming the file, the key and the fix, not as a
    ``KeyError`` deep inside the generator.

    Parameters
    ----------
    grammar_path
        YAML file with the keys ``sizes``, ``shared`` (optional), ``topics`` and
        ``templates``; see ``grammars/demo.yaml`` for a commented example.

    Returns
    -------
    Grammar
        The validated grammar.

    Raises
    ------
    ConfigError
        If the file is missing, is not valid YAML, lacks a key, has an unknown
        key or template slot, an empty word list, a slot that a template uses
        but a topic has no word for, duplicate labels, or unbalanced sizes.
    """
    path = Path(grammar_path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ConfigError(f"grammar file {str(path)!r} does not exist; check the path (the demo grammar is grammars/demo.yaml)") from err
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read grammar file {str(path)!r}: {err}") from err
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML ({err}); fix the syntax") from err
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{path}: expected a mapping with keys {', '.join(_TOP_KEYS)}; see grammars/demo.yaml")
    _check_keys(path, "(top level)", raw, _TOP_KEYS)
    for key in ("sizes", "topics", "templates"):
        if key not in raw:
            raise _fail(path, key, "missing", f"add a '{key}:' entry (see grammars/demo.yaml)")

    shared = _word_lists(path, "shared", raw.get("shared"), required=False)

    raw_topics = raw["topics"]
    if not isinstance(raw_topics, list) or len(raw_topics) < 2:
        raise _fail(path, "topics", "expected a list of at least two topics", "give one entry with name, label and words per class")
    topics: list[Topic] = []
    for index, entry in enumerate(raw_topics):
        where = f"topics[{index}]"
        if not isinstance(entry, Mapping):
            raise _fail(path, where, "expected a mapping", "give 'name', 'label' and 'words'")
        _check_keys(path, where, entry, _TOPIC_KEYS)
        for key in _TOPIC_KEYS:
            if key not in entry:
                raise _fail(path, f"{where}.{key}", "missing", f"add '{key}:' to the topic")
        name, label = entry["name"], entry["label"]
        if not isinstance(name, str) or not name.strip():
            raise _fail(path, f"{where}.name", f"expected a non-empty string, got {name!r}", "name the topic, e.g. 'name: astronomy'")
        if isinstance(label, bool) or not isinstance(label, int):
            raise _fail(path, f"{where}.label", f"expected an integer, got {label!r}", "write e.g. 'label: 1'")
        own = _word_lists(path, f"{where}.words", entry["words"], required=True)
        words = {slot: tuple(dict.fromkeys(shared.get(slot, ()) + own.get(slot, ()))) for slot in SLOTS}
        topics.append(Topic(name=name, label=label, words=words))
    labels = [t.label for t in topics]
    if len(set(labels)) != len(labels):
        raise _fail(path, "topics", f"labels {labels} are not distinct", "give each topic its own label")

    raw_templates = raw["templates"]
    if not isinstance(raw_templates, list) or not raw_templates:
        raise _fail(path, "templates", "expected a non-empty list of templates", f"use some of: {_TEMPLATE_HELP}")
    templates = tuple(_parse_template(path, i, t) for i, t in enumerate(raw_templates))
    used = {m.group(1) for tokens in templates for t in tokens if (m := _SLOT_RE.match(t))}
    for index, topic in enumerate(topics):
        for slot in SLOTS:
            if slot in used and not topic.words[slot]:
                raise _fail(
                    path,
                    f"topics[{index}].words.{slot}",
                    f"the templates use {{{slot}}} but topic {topic.name!r} has no word for it",
                    f"add '{slot}: [...]' to the topic or to 'shared', or drop the templates that use it",
                )

    sizes = _parse_sizes(path, raw["sizes"], len(topics))
    return Grammar(path=path, sizes=sizes, topics=tuple(topics), templates=templates)


def topic_sentences(grammar: Grammar, topic: Topic) -> list[str]:
    """Every distinct sentence the grammar generates for ``topic``.

    Why: sampling without replacement from the full list is what keeps the
    splits free of duplicates, and listing it in a fixed order (template order,
    then word-list order) is what makes sampling reproducible.

    Parameters
    ----------
    grammar
        A grammar from :func:`load_grammar`.
    topic
        One of ``grammar.topics``.

    Returns
    -------
    list of str
        The sentences, space-separated tokens ending in ``.``, without repeats.
    """
    sentences: dict[str, None] = {}
    for tokens in grammar.templates:
        choices = []
        for token in tokens:
            match = _SLOT_RE.match(token)
            choices.append(topic.words[match.group(1)] if match else (token,))
        for words in itertools.product(*choices):
            sentences[" ".join(words)] = None
    return list(sentences)


def generate_corpus(grammar_path: str | Path, seed: int = 0) -> dict[str, tuple[list[str], list[int]]]:
    """Sample balanced, disjoint train/dev/test splits from a grammar.

    Why: the demo corpus must be reproducible from data (the grammar) and a
    seed alone, so that the shipped files can be checked and regenerated. A
    private ``random.Random(seed)`` is used; global random state is untouched.

    Each topic contributes ``size // n_topics`` sentences to each split, drawn
    without replacement from its distinct sentences, so no sentence occurs
    twice in the corpus; each split is then shuffled.

    Parameters
    ----------
    grammar_path
        YAML grammar, e.g. ``grammars/demo.yaml``.
    seed
        Seed of the sampler; the same grammar and seed give the same corpus.

    Returns
    -------
    dict
        ``{"train": (sentences, labels), "dev": ..., "test": ...}``.

    Raises
    ------
    ConfigError
        If the grammar is malformed (see :func:`load_grammar`), a sentence
        belongs to two topics, or the sizes ask for more sentences than a topic
        can generate.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ConfigError(f"seed must be an integer, got {seed!r}")
    grammar = load_grammar(grammar_path)
    n_topics = len(grammar.topics)
    per_topic = {split: grammar.sizes[split] // n_topics for split in SPLITS}
    needed = sum(per_topic.values())

    pools = [topic_sentences(grammar, topic) for topic in grammar.topics]
    owner: dict[str, str] = {}
    for topic, pool in zip(grammar.topics, pools):
        for sentence in pool:
            if sentence in owner:
                raise _fail(
                    grammar.path,
                    "topics",
                    f"sentence {sentence!r} is generated by both {owner[sentence]!r} and {topic.name!r}",
                    "give each topic at least one slot (verb or object) whose words no other topic uses",
                )
            owner[sentence] = topic.name
    for topic, pool in zip(grammar.topics, pools):
        if len(pool) < needed:
            raise _fail(
                grammar.path,
                "sizes",
                f"{needed} sentences per topic are needed but topic {topic.name!r} generates only {len(pool)} distinct ones",
                "lower the sizes or add words or templates",
            )

    rng = random.Random(seed)
    splits: dict[str, list[tuple[str, int]]] = {split: [] for split in SPLITS}
    for topic, pool in zip(grammar.topics, pools):
        drawn = rng.sample(pool, needed)
        start = 0
        for split in SPLITS:
            stop = start + per_topic[split]
            splits[split].extend((sentence, topic.label) for sentence in drawn[start:stop])
            start = stop
    corpus: dict[str, tuple[list[str], list[int]]] = {}
    for split in SPLITS:
        examples = splits[split]
        rng.shuffle(examples)
        corpus[split] = ([s for s, _ in examples], [label for _, label in examples])
    logger.debug(
        "generated %s from %s with seed %d",
        ", ".join(f"{len(corpus[s][0])} {s}" for s in SPLITS),
        grammar.path,
        seed,
    )
    return corpus


def write_corpus(grammar_path: str | Path, out_dir: str | Path, seed: int = 0) -> dict[str, Path]:
    """Generate a corpus and write ``train.txt``, ``dev.txt`` and ``test.txt``.

    Why: this is how ``corpora/demo/`` is (re)built; the files use the
    ``LABEL sentence`` format of :func:`qnlp.data.load_labelled`.

    Parameters
    ----------
    grammar_path
        YAML grammar, e.g. ``grammars/demo.yaml``.
    out_dir
        Folder to write into; created if missing. Existing split files are
        overwritten.
    seed
        Seed of the sampler (see :func:`generate_corpus`).

    Returns
    -------
    dict
        The path written for each split.

    Raises
    ------
    ConfigError
        If the grammar is malformed (see :func:`generate_corpus`).
    DataError
        If the folder or a file cannot be written.
    """
    corpus = generate_corpus(grammar_path, seed=seed)
    out = Path(out_dir)
    paths: dict[str, Path] = {}
    try:
        out.mkdir(parents=True, exist_ok=True)
        for split in SPLITS:
            sentences, labels = corpus[split]
            paths[split] = out / f"{split}.txt"
            save_labelled(paths[split], sentences, list(labels))
    except OSError as err:
        raise DataError(f"cannot write the corpus to {str(out)!r}: {err}; check the folder is writable") from err
    logger.info("wrote %s to %s", ", ".join(f"{split}.txt" for split in SPLITS), out)
    return paths


def demo_corpus_dir() -> Path:
    """The folder of the built-in demo corpus, ``corpora/demo`` of the repository.

    Why: examples, notebooks and tests load the demo corpus without knowing
    where the repository is checked out.

    Returns
    -------
    Path
        Folder holding ``train.txt``, ``dev.txt`` and ``test.txt``.

    Raises
    ------
    DataError
        If the folder or one of its split files is missing (for instance in an
        installed package that does not ship the corpus).
    """
    folder = _REPO_ROOT / "corpora" / "demo"
    if not folder.is_dir():
        raise DataError(
            f"demo corpus folder {str(folder)!r} is missing; use a source checkout of qnlp "
            "or regenerate it with 'python -m qnlp.corpus --out corpora/demo'"
        )
    missing = [f"{split}.txt" for split in SPLITS if not (folder / f"{split}.txt").is_file()]
    if missing:
        raise DataError(
            f"demo corpus folder {str(folder)!r} lacks {', '.join(missing)}; "
            "regenerate it with 'python -m qnlp.corpus --out corpora/demo'"
        )
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``python -m qnlp.corpus [--grammar G] [--out DIR] [--seed N]``.

    Parameters
    ----------
    argv
        Arguments without the program name; ``sys.argv[1:]`` if ``None``.

    Returns
    -------
    int
        0 on success, 1 if the grammar or output folder is unusable.
    """
    parser = argparse.ArgumentParser(
        prog="python -m qnlp.corpus",
        description=(
            "Generate a balanced two-class topic corpus from a YAML grammar and write "
            "train.txt, dev.txt and test.txt ('LABEL sentence' lines). With the defaults "
            "this regenerates qnlp's built-in demo corpus exactly."
        ),
    )
    parser.add_argument(
        "--grammar",
        type=Path,
        default=_DEFAULT_GRAMMAR,
        help="YAML grammar file (default: grammars/demo.yaml of the repository)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=_DEFAULT_OUT,
        help="output folder, created if missing; split files are overwritten (default: corpora/demo of the repository)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the sampler (default: 0)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        paths = write_corpus(args.grammar, args.out, seed=args.seed)
    except QnlpError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for split, path in paths.items():
        n_lines = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        print(f"{split}: {n_lines} sentences -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
