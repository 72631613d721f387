"""Showing pregroup diagrams: as plain data for printing, and as pictures."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from qnlp.errors import ConfigError
from qnlp.parse.interop import to_lambeq

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
    Rewritten diagrams may hold other boxes (caps, spiders, curried words):
    they are listed under ``"boxes"`` as ``(name, dom, cod)``, and a cup on a
    wire they output names them. DisCoPy diagrams are accepted too.

    >>> from lambeq.backend.grammar import Cup, Diagram, Ty, Word
    >>> n, s = Ty("n"), Ty("s")
    >>> d = Diagram.create_pregroup_diagram([Word("Alice", n), Word("runs", n.r @ s)], [(Cup, 0, 1)])
    >>> describe(d)
    {'words': [('Alice', 'n'), ('runs', 'n.r s')], 'cups': ['Alice.n ~ runs.n.r'], 'codomain': 's'}

    Raises
    ------
    DataError
        If ``diagram`` is not a diagram.
    """
    from lambeq.backend.grammar import Cup, Swap, Word

    diagram = to_lambeq(diagram)
    words: list[tuple[str, str]] = []
    boxes: list[tuple[str, str, str]] = []
    wires: list[tuple[str, Any]] = []  # (owner, atomic type) of each open wire, left to right
    cups: list[str] = []
    for layer in diagram.layers:
        box, offset = layer.box, len(layer.left)
        size = len(box.dom)
        if isinstance(box, Word) and not size:  # a word: its wires open at this offset
            words.append((box.name, _type_name(box.cod)))
            wires[offset:offset] = [(box.name, atom) for atom in box.cod]
        elif isinstance(box, Cup):
            (w1, t1), (w2, t2) = wires[offset : offset + 2]
            cups.append(f"{w1}.{_type_name(t1)} ~ {w2}.{_type_name(t2)}")
            del wires[offset : offset + 2]
        elif isinstance(box, Swap):
            wires[offset], wires[offset + 1] = wires[offset + 1], wires[offset]
        else:  # caps, spiders, curried boxes: their outputs are new wires
            owner = box.name or type(box).__name__.lower()
            boxes.append((owner, _type_name(box.dom), _type_name(box.cod)))
            wires[offset : offset + size] = [(owner, atom) for atom in box.cod]
    out: dict[str, Any] = {"words": words, "cups": cups, "codomain": _type_name(diagram.cod)}
    if boxes:
        out["boxes"] = boxes
    return out


def draw_diagram(diagram: Any, path: str | Path, figsize: tuple[float, float] | None = None) -> Path:
    """Draw a diagram with matplotlib to a PNG, SVG or PDF file.

    Word boxes carry the words, wires their types; the figure is sized from
    the number of wires so the labels stay readable. Accepts qnlp/lambeq and
    DisCoPy diagrams, rewritten ones included.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ConfigError
        If the file name has another extension.
    DataError
        If ``diagram`` is not a diagram.
    """
    import matplotlib

    matplotlib.use("Agg")  # files only; never open a window
    path = Path(path)
    if path.suffix.lower() not in _FORMATS:
        raise ConfigError(f"cannot draw to {path.name!r}; use a file name ending in {', '.join(sorted(_FORMATS))}")
    diagram = to_lambeq(diagram)
    words = [box for box in diagram.boxes if not len(box.dom)]
    wires = sum(len(box.cod) for box in words)
    # width from the wires, not the words, so that the type labels under a
    # four-wire auxiliary ("n.r s s.l n") do not overlap
    size = figsize or (max(4.0, 0.75 * wires + 0.5 * len(words)), 3.0)
    diagram.draw(path=str(path), figsize=size, fontsize=12, fontsize_types=9, show=False)
    logger.info("drew %s", path)
    return path
