"""Checkpoints: the whole state of a training run in one self-checking file.

A checkpoint is a NumPy ``.npz`` archive (no pickle: every entry is a plain
numeric array) holding the parameters, the optimiser state and the random
generator state, plus a JSON header (epoch, history, a fingerprint of the
model, and a SHA-256 digest of the arrays) stored as bytes. It is written to
a temporary file, flushed to disk and renamed over the old one, so a run
killed at any moment leaves either the previous checkpoint or the new one,
never a torn file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from qnlp.errors import DataError

__all__ = ["atomic_write", "save_checkpoint", "load_checkpoint"]

logger = logging.getLogger(__name__)

_HEADER = "__header__"


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new
    content, never a mix: temporary file, fsync, rename, fsync the folder."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _digest(arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in sorted(arrays):
        h.update(name.encode())
        h.update(str(arrays[name].dtype).encode())
        h.update(str(arrays[name].shape).encode())
        h.update(np.ascontiguousarray(arrays[name]).tobytes())
    return h.hexdigest()


def save_checkpoint(path: str | Path, arrays: dict[str, np.ndarray], header: dict[str, Any]) -> None:
    """Write a checkpoint atomically.

    Parameters
    ----------
    arrays : dict of str to ndarray
        Numeric arrays (no object arrays).
    header : dict
        JSON-serialisable metadata.
    """
    import io

    header = dict(header, sha256=_digest(arrays))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays, **{_HEADER: np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)})
    atomic_write(path, buffer.getvalue())


def load_checkpoint(path: str | Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read and verify a checkpoint written by :func:`save_checkpoint`.

    Raises
    ------
    DataError
        If the file is missing, truncated, not a checkpoint, or its arrays do
        not match the digest in its header; the message names the file.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"no checkpoint at {path}; start a new run instead of resuming")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        header = json.loads(arrays.pop(_HEADER).tobytes().decode())
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError) as err:
        raise DataError(f"checkpoint {path} is unreadable (truncated or not a checkpoint): {err}") from err
    if header.get("sha256") != _digest(arrays):
        raise DataError(f"checkpoint {path} does not match its checksum: it was edited or damaged")
    return arrays, header
