"""Text -> pregroup diagram.

:class:`EnglishParser` turns English into DisCoCat pregroup diagrams offline
(spaCy + ``grammars/english.yaml`` + an exact chart reduction). The pieces it
is built from are public so other parsers can reuse them: :mod:`.reduce`
(planar pregroup reduction), :mod:`.grammar` (grammar files) and
:mod:`.search` (cheapest-first type assignment).
"""

from __future__ import annotations

from qnlp.parse.draw import describe, draw_diagram
from qnlp.parse.english import Analysis, EnglishParser, Repair
from qnlp.parse.grammar import Grammar, TokenFeatures, load_grammar, parse_type
from qnlp.parse.reduce import Reduction, build_diagram, reduce, unreduced

__all__ = [
    "describe",
    "draw_diagram",
    "EnglishParser",
    "Analysis",
    "Repair",
    "Grammar",
    "TokenFeatures",
    "load_grammar",
    "parse_type",
    "Reduction",
    "reduce",
    "unreduced",
    "build_diagram",
]
