"""Diagrams in and out: lambeq and DisCoPy pregroup diagrams.

Why: qnlp's own diagram type is lambeq's (``lambeq.backend.grammar.Diagram``),
and users come with diagrams from lambeq or from DisCoPy
(``discopy.grammar.pregroup.Diagram``). :func:`to_lambeq` accepts either and
returns a lambeq diagram, so every stage that takes a qnlp diagram takes
both; :func:`to_discopy` gives one back to DisCoPy users. The conversion is
lambeq's own (``Diagram.from_discopy`` / ``Diagram.to_discopy``), wrapped so
that a wrong input gets an error that names it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from lambeq.backend.grammar import Box, Diagram

from qnlp.errors import DataError

__all__ = ["to_lambeq", "to_discopy", "to_lambeq_many", "is_discopy"]

logger = logging.getLogger(__name__)


def is_discopy(diagram: Any) -> bool:
    """Whether ``diagram`` is a DisCoPy diagram (any DisCoPy category)."""
    return type(diagram).__module__.split(".")[0] == "discopy"


def to_lambeq(diagram: Any) -> Diagram:
    """A lambeq pregroup diagram from a lambeq or DisCoPy one.

    A lambeq diagram is returned as it is (diagrams are immutable), a lambeq
    box (a ``Word``) as a one-box diagram; a DisCoPy
    ``discopy.grammar.pregroup.Diagram`` (or ``discopy.grammar.pregroup.Word``)
    is converted with lambeq's ``Diagram.from_discopy``.

    Raises
    ------
    DataError
        If ``diagram`` is neither, or DisCoPy's diagram cannot be converted
        (e.g. a quantum circuit instead of a pregroup diagram).

    >>> from discopy.grammar.pregroup import Ty, Word, Cup
    >>> n, s = Ty("n"), Ty("s")
    >>> d = Word("Alice", n) @ Word("runs", n.r @ s) >> Cup(n, n.r) @ s
    >>> to_lambeq(d).cod
    Ty(s)
    """
    if isinstance(diagram, Diagram):
        return diagram
    if is_discopy(diagram):
        try:
            return Diagram.from_discopy(diagram)
        except Exception as err:  # lambeq raises assorted errors on unsupported boxes
            raise DataError(f"cannot convert the DisCoPy diagram {diagram!r} to lambeq: {err}; "
                            "give a discopy.grammar.pregroup diagram (words, cups, caps, swaps)") from err
    if isinstance(diagram, Box):  # a lambeq Word or Box on its own
        return diagram.to_diagram()
    raise DataError(f"expected a lambeq or DisCoPy pregroup diagram, got {type(diagram).__name__} {diagram!r}; "
                    "parse text with qnlp.parse.EnglishParser or build a diagram with lambeq or DisCoPy")


def to_lambeq_many(diagrams: Iterable[Any]) -> list[Diagram]:
    """:func:`to_lambeq` for each diagram."""
    return [to_lambeq(d) for d in diagrams]


def to_discopy(diagram: Any) -> Any:
    """A DisCoPy ``discopy.grammar.pregroup.Diagram`` from a lambeq or DisCoPy one.

    Raises
    ------
    DataError
        If ``diagram`` is not a diagram, or has boxes DisCoPy cannot hold.

    >>> from lambeq.backend.grammar import Cup, Ty, Word
    >>> n, s = Ty("n"), Ty("s")
    >>> d = Diagram.create_pregroup_diagram([Word("Alice", n), Word("runs", n.r @ s)], [(Cup, 0, 1)])
    >>> type(to_discopy(d)).__module__
    'discopy.grammar.pregroup'
    """
    if is_discopy(diagram):
        return diagram
    lam = to_lambeq(diagram)
    try:
        return lam.to_discopy()
    except Exception as err:
        raise DataError(f"cannot convert {lam} to DisCoPy: {err}") from err
