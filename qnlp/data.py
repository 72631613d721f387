"""Loaders for labelled text corpora.

Each loader returns ``(sentences, labels)``, two lists in file order, and
reads one of the formats the standard sentence-classification data sets come in:

- :func:`load_labelled`: lambeq's ``LABEL sentence`` lines (``1  woman cooks tasty meal .``);
- :func:`load_tsv`: ``sentence<TAB>label`` lines (SST-2, GLUE);
- :func:`load_class_files`: one file per class, one sentence a line (SUBJ, CR, MR);
- :func:`load_trec`: ``COARSE:fine question`` lines (TREC question types).

Labels that look like integers become ``int``; any other label stays a string.
Blank lines are skipped. Files are read as UTF-8 unless ``encoding`` says
otherwise; :func:`load_trec` falls back to ISO-8859-1, the encoding TREC's
training file is distributed in. A bad file raises :class:`DataError` naming
the file (and the line) and the fix.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from pathlib import Path

from qnlp.errors import ConfigError, DataError

__all__ = ["FORMATS", "TREC_LABELS", "load_class_files", "load_labelled", "load_trec", "load_tsv", "save_labelled"]

logger = logging.getLogger(__name__)

Label = int | str

#: The file formats a run config's ``data.format`` may name.
FORMATS = ("labelled", "tsv", "class_files", "trec")
#: Which part of a TREC label :func:`load_trec` keeps: ``NUM`` or ``NUM:dist``.
TREC_LABELS = ("coarse", "fine")


def _parse_label(text: str) -> Label:
    try:
        return int(text)
    except ValueError:
        return text


def _lines(path: Path, encoding: str = "utf-8", fallback: str | None = None) -> Iterator[tuple[int, str]]:
    """The numbered, stripped, non-blank lines of ``path``, decoded with
    ``encoding`` (or, if that fails, ``fallback``, which is logged)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as err:
        raise DataError(f"data file {str(path)!r} does not exist; check the path") from err
    except OSError as err:
        raise DataError(f"cannot read data file {str(path)!r}: {err}") from err
    try:
        text = raw.decode(encoding)
    except LookupError as err:
        raise ConfigError(f"unknown encoding {encoding!r} for {path}; use e.g. 'utf-8' or 'latin-1'") from err
    except UnicodeDecodeError as err:
        if fallback is None:
            raise DataError(f"cannot read data file {str(path)!r} as {encoding}: {err}; pass its encoding") from err
        logger.info("%s is not %s (%s); reading it as %s", path, encoding, err.reason, fallback)
        text = raw.decode(fallback)
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if line.strip():
            yield number, line.strip()


def _check_some(path: Path, sentences: list[str], expected: str) -> None:
    if not sentences:
        raise DataError(f"data file {str(path)!r} holds no example; expected {expected}")
    logger.debug("read %d examples from %s", len(sentences), path)


def load_labelled(path: str | Path, encoding: str = "utf-8") -> tuple[list[str], list[Label]]:
    """Read ``LABEL sentence`` lines from ``path``.

    Raises
    ------
    DataError
        If the file is missing or unreadable, holds no example, or a line has a
        label but no sentence; the message names the file and the line.

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "d.txt")
    >>> _ = open(f, "w").write("1 woman cooks meal .\\n0  man debugs program .\\n")
    >>> load_labelled(f)
    (['woman cooks meal .', 'man debugs program .'], [1, 0])
    """
    path = Path(path)
    sentences: list[str] = []
    labels: list[Label] = []
    for number, line in _lines(path, encoding):
        parts = line.split(maxsplit=1)
        if len(parts) < 2:
            raise DataError(
                f"{path}:{number}: expected 'LABEL sentence', got {line!r}; "
                "put the label first, then whitespace, then the sentence"
            )
        labels.append(_parse_label(parts[0]))
        sentences.append(parts[1].strip())
    _check_some(path, sentences, "'LABEL sentence' lines")
    return sentences, labels


def load_tsv(path: str | Path, encoding: str = "utf-8") -> tuple[list[str], list[Label]]:
    """Read ``sentence<TAB>label`` lines (SST-2's format) from ``path``.

    The label is the last tab-separated column, so a sentence may hold tabs.
    A first line ``sentence<TAB>label`` (GLUE's header) is skipped.

    Raises
    ------
    DataError
        If the file is missing or unreadable, holds no example, or a line has
        no tab, no sentence or no label; the message names the file and the line.

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "d.tsv")
    >>> _ = open(f, "w").write("sentence\\tlabel\\na gorgeous film \\t1\\nno wit\\t0\\n")
    >>> load_tsv(f)
    (['a gorgeous film', 'no wit'], [1, 0])
    """
    path = Path(path)
    sentences: list[str] = []
    labels: list[Label] = []
    for number, line in _lines(path, encoding):
        text, tab, label = line.rpartition("\t")
        if number == 1 and (text.strip().lower(), label.strip().lower()) == ("sentence", "label"):
            continue
        if not tab or not text.strip() or not label.strip():
            raise DataError(
                f"{path}:{number}: expected 'sentence<TAB>label', got {line!r}; "
                "put the sentence first, then a tab, then the label"
            )
        sentences.append(text.strip())
        labels.append(_parse_label(label.strip()))
    _check_some(path, sentences, "'sentence<TAB>label' lines")
    return sentences, labels


def load_class_files(files: Mapping[Label, str | Path], encoding: str = "utf-8") -> tuple[list[str], list[Label]]:
    """Read one file of sentences per class (SUBJ's and CR's format).

    ``files`` maps each label to a file holding one sentence a line; the
    examples come file after file, in the mapping's order.

    Raises
    ------
    DataError
        If ``files`` is empty, or a file is missing, unreadable or holds no sentence.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> _ = open(os.path.join(folder, "pos"), "w").write("i love it !\\n\\nworks well .\\n")
    >>> _ = open(os.path.join(folder, "neg"), "w").write("it broke .\\n")
    >>> load_class_files({1: os.path.join(folder, "pos"), 0: os.path.join(folder, "neg")})
    (['i love it !', 'works well .', 'it broke .'], [1, 1, 0])
    """
    if not files:
        raise DataError("no class files given; map each label to its file, e.g. {1: 'subj.subjective', 0: 'subj.objective'}")
    sentences: list[str] = []
    labels: list[Label] = []
    for label, path in files.items():
        lines = [line for _, line in _lines(Path(path), encoding)]
        _check_some(Path(path), lines, f"one sentence of class {label!r} a line")
        sentences += lines
        labels += [label] * len(lines)
    return sentences, labels


def load_trec(path: str | Path, labels: str = "coarse", encoding: str | None = None) -> tuple[list[str], list[str]]:
    """Read TREC's ``COARSE:fine question`` lines from ``path``.

    ``labels="coarse"`` keeps the 6 classes (``NUM``), ``"fine"`` the 50
    (``NUM:dist``). ``encoding=None`` reads UTF-8 and, where that fails,
    ISO-8859-1 (``train_5500.label`` is ISO-8859-1).

    Raises
    ------
    ConfigError
        If ``labels`` is neither ``"coarse"`` nor ``"fine"``.
    DataError
        If the file is missing or unreadable, holds no question, or a line is
        not ``COARSE:fine question``; the message names the file and the line.

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "t.label")
    >>> _ = open(f, "w").write("NUM:dist How far is Denver ?\\nHUM:ind Who wrote Hamlet ?\\n")
    >>> load_trec(f)
    (['How far is Denver ?', 'Who wrote Hamlet ?'], ['NUM', 'HUM'])
    >>> load_trec(f, labels="fine")[1]
    ['NUM:dist', 'HUM:ind']
    """
    if labels not in TREC_LABELS:
        raise ConfigError(f"labels must be 'coarse' (e.g. NUM) or 'fine' (e.g. NUM:dist), got {labels!r}")
    path = Path(path)
    sentences: list[str] = []
    kept: list[str] = []
    lines = _lines(path, "utf-8", "iso-8859-1") if encoding is None else _lines(path, encoding)
    for number, line in lines:
        label, _, question = line.partition(" ")
        coarse, colon, fine = label.partition(":")
        if not (coarse and colon and fine and question.strip()):
            raise DataError(
                f"{path}:{number}: expected 'COARSE:fine question' (e.g. 'NUM:dist How far is it ?'), got {line!r}; "
                "check that this is a TREC .label file"
            )
        sentences.append(question.strip())
        kept.append(coarse if labels == "coarse" else label)
    _check_some(path, sentences, "'COARSE:fine question' lines")
    return sentences, kept


def save_labelled(path: str | Path, sentences: list[str], labels: list[Label]) -> None:
    """Write examples in the format :func:`load_labelled` reads."""
    if len(sentences) != len(labels):
        raise DataError(f"{len(sentences)} sentences but {len(labels)} labels; give one label per sentence")
    lines = [f"{label} {sentence}\n" for sentence, label in zip(sentences, labels)]
    Path(path).write_text("".join(lines), encoding="utf-8")
