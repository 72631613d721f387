"""Loaders for labelled protein sequences: the scldata package and FASTA files.

Why here: protein data comes in two usual shapes, a packaged data set with
fixed splits (``p-scldata``, an optional extra: ``pip install 'qnlp[proteins]'``)
and FASTA files whose headers carry the label (DeepLoc's
``>ACCESSION Location-M``). Both load into one frozen :class:`ProteinSet`
of ids, raw sequences and labels; sequences are checked later, by the reader,
so that a bad residue is reported with its sequence id and position.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from qnlp.errors import ConfigError, DataError

__all__ = ["ProteinSet", "load_scldata", "scldata_labels", "read_fasta", "DEEPLOC_HEADER", "SCLDATA_SPLITS"]

logger = logging.getLogger(__name__)

#: DeepLoc headers: ``>ACCESSION Location-M`` (M, S or U: membrane-bound,
#: soluble, unknown), optionally followed by ``test``.
DEEPLOC_HEADER = r"^(?P<id>\S+)\s+(?P<label>[^\s]+?)-[MSU](?:\s|$)"
#: The fixed splits of scldata: train, evaluation (model selection), test.
SCLDATA_SPLITS = ("trn", "evl", "tst")
_PIN = "p-scldata==2025.6.0"


@dataclass(frozen=True)
class ProteinSet:
    """Sequences with their ids and labels (``None`` labels: unlabelled)."""

    ids: tuple[str, ...]
    sequences: tuple[str, ...]
    labels: tuple[Any, ...] | None

    def __len__(self) -> int:
        return len(self.sequences)

    @property
    def X(self) -> list[tuple[str, str]]:
        """``(id, sequence)`` pairs, as :class:`qnlp.ProteinClassifier` reads them
        (so that errors name the sequence)."""
        return list(zip(self.ids, self.sequences))

    @property
    def y(self) -> list[Any]:
        """The labels, as a list.

        Raises
        ------
        DataError
            If the set is unlabelled.
        """
        if self.labels is None:
            raise DataError("this protein set has no labels; read it with a label pattern")
        return list(self.labels)


def _scldata_dir() -> Path:
    try:
        import scldata  # noqa: F401  (the optional extra)
    except ImportError as err:
        raise ConfigError(f"the scldata package is not installed; pip install 'qnlp[proteins]' (or {_PIN})") from err
    folder = Path(str(resources.files("scldata"))) / "data"
    missing = [f for f in ("scl2205.csv", "labels.json", "splits.json") if not (folder / f).is_file()]
    if missing:
        raise DataError(f"the installed scldata has no {', '.join(missing)} in {folder}; install exactly {_PIN} (later releases ship no data)")
    return folder


def scldata_labels() -> dict[int, str]:
    """scldata's label indices and location names (``{0: 'Cytoplasm', ...}``)."""
    data = json.loads((_scldata_dir() / "labels.json").read_text(encoding="utf-8"))
    return {int(k): v for k, v in data["index_to_label"].items()}


def load_scldata(split: str = "trn", labels: Iterable[int | str] | None = None, fold: int | None = None, names: bool = True) -> ProteinSet:
    """One split of scldata (UniProtKB reviewed entries, subcellular location).

    Parameters
    ----------
    split : str
        ``"trn"``, ``"evl"`` or ``"tst"`` (with ``fold``: ``"trn"`` or ``"tst"``).
    labels : iterable of int or str, optional
        Keep only these locations (indices or names), e.g. ``[0, 4]`` for
        Cytoplasm vs Membrane; default all.
    fold : int, optional
        One of the 5 cross-validation folds (0-4) instead of the fixed split.
    names : bool
        Labels as location names (default) or as scldata's indices.

    Raises
    ------
    ConfigError
        If scldata is not installed, or for an unknown split, fold or label.
    DataError
        If its data files are missing or malformed.

    >>> load_scldata("tst", labels=[0, 4]).labels[:2]  # doctest: +SKIP
    ('Membrane', 'Cytoplasm')
    """
    folder = _scldata_dir()
    index_to_name = scldata_labels()
    name_to_index = {v: k for k, v in index_to_name.items()}
    splits = json.loads((folder / "splits.json").read_text(encoding="utf-8"))
    if fold is None:
        if split not in SCLDATA_SPLITS:
            raise ConfigError(f"unknown scldata split {split!r}; use one of {', '.join(SCLDATA_SPLITS)}")
        rows = splits[split]
    else:
        folds = splits.get("cv", {})
        if f"f{fold}" not in folds or split not in folds[f"f{fold}"]:
            raise ConfigError(f"no cross-validation fold {fold} split {split!r}; folds are 0-{len(folds) - 1} with 'trn' and 'tst'")
        rows = folds[f"f{fold}"][split]
    keep: set[int] | None = None
    if labels is not None:
        keep = set()
        for label in labels:
            if isinstance(label, str):
                if label not in name_to_index:
                    raise ConfigError(f"unknown scldata location {label!r}; choose from {sorted(name_to_index)}")
                keep.add(name_to_index[label])
            elif label in index_to_name:
                keep.add(int(label))
            else:
                raise ConfigError(f"unknown scldata label index {label!r}; indices are 0-{max(index_to_name)}")
    with (folder / "scl2205.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    ids, sequences, out_labels = [], [], []
    try:
        for row in rows:
            record = table[row]
            label = int(record["scl"])
            if keep is not None and label not in keep:
                continue
            ids.append(record["entry"])
            sequences.append(record["seq"])
            out_labels.append(index_to_name[label] if names else label)
    except (IndexError, KeyError, ValueError) as err:
        raise DataError(f"scldata files in {folder} are malformed ({err!r}); reinstall {_PIN}") from err
    logger.debug("scldata %s: %d sequences", split, len(ids))
    return ProteinSet(tuple(ids), tuple(sequences), tuple(out_labels))


def read_fasta(path: str | Path, label_pattern: str | None = DEEPLOC_HEADER) -> ProteinSet:
    """Read a FASTA file whose headers carry the labels.

    Each record is a ``>`` header line followed by sequence lines (joined,
    whitespace removed). ``label_pattern`` is a regular expression searched in
    the header (without ``>``) with a named group ``label`` and optionally
    ``id`` (default: the header's first word); the default reads DeepLoc's
    ``>ACCESSION Location-M``. ``None`` reads an unlabelled file.

    Raises
    ------
    DataError
        If the file is missing, empty, has sequence lines before the first
        header, a record without sequence, or a header the pattern does not
        match (naming the line).
    ConfigError
        If the pattern is not a valid regular expression or has no ``label`` group.

    >>> import os, tempfile
    >>> f = os.path.join(tempfile.mkdtemp(), "d.fasta")
    >>> _ = open(f, "w").write(">P1 Cytoplasm-S\\nMKV\\nLA\\n>P2 Cell.membrane-M test\\nMLLF\\n")
    >>> s = read_fasta(f)
    >>> s.ids, s.sequences, s.labels
    (('P1', 'P2'), ('MKVLA', 'MLLF'), ('Cytoplasm', 'Cell.membrane'))
    """
    path = Path(path)
    pattern = None
    if label_pattern is not None:
        try:
            pattern = re.compile(label_pattern)
        except re.error as err:
            raise ConfigError(f"label pattern {label_pattern!r} is not a regular expression: {err}") from err
        if "label" not in pattern.groupindex:
            raise ConfigError(f"label pattern {label_pattern!r} needs a named group (?P<label>...)")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise DataError(f"FASTA file {str(path)!r} does not exist; check the path") from err
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"cannot read FASTA file {str(path)!r}: {err}") from err
    ids: list[str] = []
    labels: list[str] = []
    chunks: list[list[str]] = []
    header_lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith(">"):
            header = line[1:].strip()
            if pattern is not None:
                match = pattern.search(header)
                if match is None:
                    raise DataError(f"{path}:{number}: header {header!r} does not match the label pattern {pattern.pattern!r}; fix the header or give label_pattern")
                labels.append(match.group("label"))
                ident = match.groupdict().get("id")
            else:
                ident = None
            ids.append(ident or (header.split()[0] if header else f"record{len(ids) + 1}"))
            chunks.append([])
            header_lines.append(number)
        else:
            if not chunks:
                raise DataError(f"{path}:{number}: sequence line before any '>' header; a FASTA record starts with '>ID ...'")
            chunks[-1].append("".join(line.split()))
    if not ids:
        raise DataError(f"FASTA file {str(path)!r} holds no record; records start with '>'")
    sequences = ["".join(c) for c in chunks]
    for ident, seq, number in zip(ids, sequences, header_lines):
        if not seq:
            raise DataError(f"{path}:{number}: record {ident} has no sequence lines")
    return ProteinSet(tuple(ids), tuple(sequences), tuple(labels) if pattern is not None else None)
