"""Showing pregroup diagrams: as plain data for printing, and as pictures."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from qnlp.errors import ConfigError

__all__ = ["describe", "draw_diagram"]

logger = logging.getLogger(__name__)

_FORMATS = {".png", ".svg", ".pdf"}


def _type_name(ty: Any) -> str:
    """``n.r @ s`` as ``n.r s``: adjoints written with ``.l`` / ``.r``."""
    parts = []
    for atom in ty:
        z = atom.z
        parts.append(atom.name + (".l" * -z if z < 0 else ".r" * z))
    return " ".join(parts) if parts else "1"


def describe(diagram: Any) -> dict[str, Any]:
    """Words with their types, the cups between them, and the codomain.

    Each cup is written ``word.type ~ word.type``, so it shows which word is
    wired to which (the subject of a verb cups with the verb's ``n.r``).

    >>> from lambeq.backend.grammar import Cup, Diagram, Ty, Word
    >>> n, s = Ty("n"), Ty("s")
    >>> d = Diagram.create_pregroup_diagram([Word("Alice", n), Word("runs", n.r @ s)], [(Cup, 0, 1)])
    >>> describe(d)
    {'words': [('Alice', 'n'), ('runs', 'n.r s')], 'cups': ['Alice.n ~ runs.n.r'], 'codomain': 's'}
    """
    words: list[tuple[str, str]] = []
    wires: list[tuple[str, Any]] = []  # (word, atomic type) of each open wire, left to right
    cups: list[str] = []
    for layer in diagram.layers:
        box, offset = layer.box, len(layer.left)
        if not len(box.dom):  # a word: its wires open at this offset
            words.append((box.name, _type_name(box.cod)))
            wires[offset:offset] = [(box.name, atom) for atom in box.cod]
        elif not len(box.cod) and len(box.dom) == 2:  # a cup
            (w1, t1), (w2, t2) = wires[offset : offset + 2]
            cups.append(f"{w1}.{_type_name(t1)} ~ {w2}.{_type_name(t2)}")
            del wires[offset : offset + 2]
        elif len(box.dom) == 2 and len(box.cod) == 2 and box.name.lower().startswith("swap"):
            wires[offset], wires[offset + 1] = wires[offset + 1], wires[offset]
        else:
            raise ConfigError(f"cannot describe box {box}: only words, cups and swaps are supported")
    return {"words": words, "cups": cups, "codomain": _type_name(diagram.cod)}


def draw_diagram(diagram: Any, path: str | Path, figsize: tuple[float, float] | None = None) -> Path:
    """Draw a diagram with matplotlib to a PNG, SVG or PDF file.

    Raises
    ------
    ConfigError
        If the file name has another extension.
    """
    import matplotlib

    matplotlib.use("Agg")  # files only; never open a window
    path = Path(path)
    if path.suffix.lower() not in _FORMATS:
        raise ConfigError(f"cannot draw to {path.name!r}; use a file name ending in {', '.join(sorted(_FORMATS))}")
    n_words = sum(1 for box in diagram.boxes if not len(box.dom))
    size = figsize or (max(4.0, 1.6 * n_words), 3.0)
    diagram.draw(path=str(path), figsize=size, fontsize=12)
    logger.info("drew %s", path)
    return path
