"""Loaders for labelled text corpora.

The format is the one of lambeq's example data sets: one example a line, the
label first, then whitespace, then the sentence (``1  woman cooks tasty meal .``).
Labels that look like integers become ``int``; any other label stays a string.
"""

from __future__ import annotations

import logging
from pathlib import Path

from qnlp.errors import DataError

__all__ = ["load_labelled", "save_labelled"]

logger = logging.getLogger(__name__)

Label = int | str


def _parse_label(text: str) -> Label:
    try:
        return int(text)
    except ValueError:
        return text


def load_labelled(path: str | Path) -> tuple[list[str], list[Label]]:
    """Read ``LABEL sentence`` lines from ``path``.

    Blank lines are skipped. Returns the sentences and their labels, in file
    order.

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
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise DataError(f"data file {str(path)!r} does not exist; check the path") from err
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"cannot read data file {str(path)!r}: {err}") from err
    sentences: list[str] = []
    labels: list[Label] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.strip().split(maxsplit=1)
        if len(parts) < 2:
            raise DataError(
                f"{path}:{number}: expected 'LABEL sentence', got {line.strip()!r}; "
                "put the label first, then whitespace, then the sentence"
            )
        labels.append(_parse_label(parts[0]))
        sentences.append(parts[1].strip())
    if not sentences:
        raise DataError(f"data file {str(path)!r} holds no example; expected 'LABEL sentence' lines")
    logger.debug("read %d examples from %s", len(sentences), path)
    return sentences, labels


def save_labelled(path: str | Path, sentences: list[str], labels: list[Label]) -> None:
    """Write examples in the format :func:`load_labelled` reads."""
    if len(sentences) != len(labels):
        raise DataError(f"{len(sentences)} sentences but {len(labels)} labels; give one label per sentence")
    lines = [f"{label} {sentence}\n" for sentence, label in zip(sentences, labels)]
    Path(path).write_text("".join(lines), encoding="utf-8")
