"""Text -> pregroup diagram.

Parsers, all returning lambeq pregroup diagrams (qnlp's diagram type):

- :class:`EnglishParser`: English, offline (spaCy + ``grammars/english.yaml``
  + an exact chart parser). Sentences reduce to ``s``, noun phrases to ``n``.
- :class:`LexiconParser`: exact chart parsing of a controlled language from a
  lexicon file (``grammars/mc.yaml``, ``grammars/rp.yaml``); every parse.
- :class:`BobcatParser`: lambeq's Bobcat model from a local directory.

:func:`to_lambeq` / :func:`to_discopy` convert diagrams at the edges;
:func:`describe` and :func:`draw_diagram` show them. The pieces are public so
other parsers can reuse them: :mod:`.chart` (pregroup chart parsing with
lexical ambiguity), :mod:`.reduce` (planar reduction of fixed types),
:mod:`.grammar` (grammar files) and :mod:`.search` (cheapest-first search).
"""

from __future__ import annotations

from qnlp.parse.analysis import Analysis, Repair
from qnlp.parse.batch import ParseBatch
from qnlp.parse.bobcat import BobcatParser
from qnlp.parse.chart import Option, Parse, Span, all_parses, best_parse, longest_span
from qnlp.parse.draw import describe, draw_diagram
from qnlp.parse.english import EnglishParser
from qnlp.parse.grammar import Grammar, TokenFeatures, load_grammar, parse_type
from qnlp.parse.interop import to_discopy, to_lambeq
from qnlp.parse.lexicon import Lexicon, LexiconParser, load_lexicon
from qnlp.parse.reduce import Reduction, build_diagram, reduce, unreduced

__all__ = [
    "EnglishParser",
    "LexiconParser",
    "BobcatParser",
    "Analysis",
    "Repair",
    "ParseBatch",
    "Lexicon",
    "load_lexicon",
    "to_lambeq",
    "to_discopy",
    "describe",
    "draw_diagram",
    "Grammar",
    "TokenFeatures",
    "load_grammar",
    "parse_type",
    "Reduction",
    "reduce",
    "unreduced",
    "build_diagram",
    "Option",
    "Parse",
    "Span",
    "best_parse",
    "all_parses",
    "longest_span",
]
