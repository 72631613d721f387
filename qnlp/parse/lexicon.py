"""Exact pregroup parsing of controlled languages from a lexicon file.

Why: for a controlled language (a benchmark corpus, a command language) a
lexicon that lists every word's possible pregroup types is the whole
grammar. :class:`LexiconParser` reads one (``grammars/mc.yaml``,
``grammars/rp.yaml``) and parses exactly with the chart of
:mod:`qnlp.parse.chart`: it finds every choice of types and every planar
reduction to the target, or says which word is unknown and which part of
the text is the longest that reduces. No model, no spaCy, no network.

Lexicon file (YAML)::

    atoms: [n, s]                  # optional; default [n, s]
    targets: [s]                   # what a whole text may reduce to, preferred first
    types:                         # optional names for types
      noun: "n"
      transitive_verb: "n.r s n.l"
    lexicon:                       # lower-cased word -> its types, preferred first
      man: [noun]
      prepares: [transitive_verb, "n.r s"]
    ignore: [".", ",", "!", "?"]   # optional; tokens dropped before parsing
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from lambeq.backend.grammar import Diagram, Ty, Word

from qnlp.errors import ConfigError, ParseError
from qnlp.parse.batch import ParseBatch, check_errors, progress
from qnlp.parse.chart import Option, Parse, all_parses, longest_span
from qnlp.parse.reduce import as_simple, build_diagram
from qnlp.parse.roles import parse_type

__all__ = ["Lexicon", "LexiconParser", "load_lexicon", "GRAMMARS"]

logger = logging.getLogger(__name__)

#: The folder of the grammar and lexicon files shipped with qnlp.
GRAMMARS = Path(__file__).resolve().parents[2] / "grammars"

_TOKEN = re.compile(r"[\w]+(?:['’][\w]+)*|'s|n't|[^\w\s]")
_DEFAULT_IGNORE = (".", ",", ";", ":", "!", "?", "\"", "(", ")")


@dataclass(frozen=True)
class Lexicon:
    """A validated lexicon: each word's types (preferred first) and the targets."""

    entries: Mapping[str, tuple[Ty, ...]]
    targets: tuple[Ty, ...]
    ignore: frozenset[str]
    source: str = "<memory>"

    def types_of(self, word: str) -> tuple[Ty, ...]:
        """The types of ``word`` (lower-cased lookup); empty when unknown."""
        return self.entries.get(word.lower(), ())


def lexicon_from_dict(data: Mapping[str, Any], source: str = "<memory>") -> Lexicon:
    """Validate a lexicon held as plain data (the parsed YAML).

    Raises
    ------
    ConfigError
        On a missing ``lexicon`` section, an unknown type name, a malformed
        type or an unknown key; the message names ``source`` and the entry.

    >>> lex = lexicon_from_dict({"types": {"noun": "n"}, "lexicon": {"Alice": ["noun"], "runs": ["n.r s"]}})
    >>> lex.types_of("alice"), lex.targets
    ((Ty(n),), (Ty(s),))
    """
    if not isinstance(data, Mapping):
        raise ConfigError(f"lexicon {source}: the file must hold a mapping with a 'lexicon' section")
    unknown = set(data) - {"atoms", "targets", "types", "lexicon", "ignore"}
    if unknown:
        raise ConfigError(f"lexicon {source}: unknown key(s) {sorted(unknown)}; known: atoms, targets, types, lexicon, ignore")
    atoms = frozenset(str(a) for a in data.get("atoms", ["n", "s"]))
    named: dict[str, Ty] = {}
    for name, text in (data.get("types") or {}).items():
        named[str(name)] = parse_type(str(text), atoms)

    def read(text: Any, where: str) -> Ty:
        if not isinstance(text, str):
            raise ConfigError(f"lexicon {source}: {where}: expected a type name or a type such as 'n.r s', got {text!r}")
        if text in named:
            return named[text]
        try:
            return parse_type(text, atoms)
        except ConfigError as err:
            raise ConfigError(f"lexicon {source}: {where}: {text!r} is neither a named type ({sorted(named)}) nor a type: {err}") from None

    raw = data.get("lexicon")
    if not isinstance(raw, Mapping) or not raw:
        raise ConfigError(f"lexicon {source}: 'lexicon' must map words to lists of types")
    entries: dict[str, tuple[Ty, ...]] = {}
    for word, types in raw.items():
        listed = types if isinstance(types, list) else [types]
        found = tuple(dict.fromkeys(read(t, f"word {word!r}") for t in listed))
        if not found:
            raise ConfigError(f"lexicon {source}: word {word!r} has no type")
        key = str(word).lower()
        entries[key] = tuple(dict.fromkeys(entries.get(key, ()) + found))
    targets = tuple(read(t, "targets") for t in (data.get("targets") or ["s"]))
    ignore = frozenset(str(t) for t in data.get("ignore", _DEFAULT_IGNORE))
    return Lexicon(entries, targets, ignore, source)


def load_lexicon(path: str | Path) -> Lexicon:
    """Read a lexicon file; a bare name such as ``"mc"`` means ``grammars/mc.yaml``.

    Raises
    ------
    ConfigError
        If the file is missing, is not YAML or does not validate.
    """
    path = Path(path)
    if not path.suffix and not path.exists():
        path = GRAMMARS / f"{path.name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"lexicon file {str(path)!r} does not exist; pass the path of a lexicon YAML file "
                          f"or the name of one in {GRAMMARS} (e.g. 'mc')") from err
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"cannot read lexicon file {str(path)!r}: {err}") from err
    return lexicon_from_dict(data, str(path))


class LexiconParser:
    """Exact chart parser over pregroup types for a controlled language.

    ``__init__`` only stores its arguments; the lexicon is read on first use.

    Parameters
    ----------
    grammar_file : str, Path or Lexicon
        A lexicon YAML file (see the module docstring), or the name of one
        shipped in ``grammars/`` (``"mc"``, ``"rp"``).
    verbose : bool
        Show a progress bar in :meth:`parse_many`.

    >>> parser = LexiconParser("mc")
    >>> parser.parse("skillful man prepares sauce .").cod
    Ty(s)
    """

    def __init__(self, grammar_file: str | Path | Lexicon, verbose: bool = False) -> None:
        self.grammar_file = grammar_file
        self.verbose = verbose
        self._lexicon: Lexicon | None = None

    @property
    def lexicon_(self) -> Lexicon:
        """The validated lexicon, read on first access."""
        if self._lexicon is None:
            given = self.grammar_file
            self._lexicon = given if isinstance(given, Lexicon) else load_lexicon(given)
        return self._lexicon

    def empty_cache(self) -> None:
        """Forget the loaded lexicon (it is read again on next use)."""
        self._lexicon = None

    def tokenise(self, text: str) -> list[str]:
        """The words of ``text``, lower-cased, without the lexicon's ignored tokens.

        Raises
        ------
        ParseError
            If ``text`` is not a str or holds no word.
        """
        if not isinstance(text, str):
            raise ParseError(f"cannot parse {text!r}: expected a str, got {type(text).__name__}")
        words = [t.lower() for t in _TOKEN.findall(text) if t not in self.lexicon_.ignore]
        if not words:
            raise ParseError(f"cannot parse {text!r}: it holds no word; give a sentence or a phrase")
        return words

    def parse(self, text: str, target: str | Ty | None = None) -> Diagram:
        """The preferred parse of ``text``: earliest target, then earliest types in the lexicon.

        Raises
        ------
        ParseError
            If a word is not in the lexicon, or no choice of types reduces to
            the target; the message names the word, or the longest part of
            the text that reduces.
        """
        return self.parse_all(text, target, limit=1)[0]

    def parse_all(self, text: str, target: str | Ty | None = None, limit: int | None = None) -> list[Diagram]:
        """Every parse of ``text`` (distinct types or cups), preferred first.

        Parameters
        ----------
        text : str
        target : str or Ty, optional
            The codomain, e.g. ``"s"`` or ``"n"``; default: the lexicon's targets.
        limit : int, optional
            Return at most this many parses.

        Raises
        ------
        ParseError
            As :meth:`parse`.
        """
        words, found = self._parses(text, target, limit)
        return [self._diagram(words, parse) for parse in found]

    def parse_many(self, texts: Iterable[str], target: str | Ty | None = None, errors: str = "raise",
                   verbose: bool | None = None) -> list[Diagram] | ParseBatch:
        """:meth:`parse` for each text; ``errors="collect"`` returns a
        :class:`~qnlp.parse.batch.ParseBatch` (see :meth:`qnlp.parse.EnglishParser.parse_many`)."""
        mode = check_errors(errors)
        texts = list(texts)
        results: list[Any] = []
        with progress(len(texts), self.verbose if verbose is None else verbose) as bar:
            for text in texts:
                try:
                    results.append(self.parse(text, target))
                except ParseError as err:
                    if mode == "raise":
                        raise
                    results.append(err)
                bar.update(1)
        return ParseBatch.gather(results) if mode == "collect" else results

    # -- the work ---------------------------------------------------------
    def _targets(self, target: str | Ty | None) -> tuple[Ty, ...]:
        if target is None:
            return self.lexicon_.targets
        if isinstance(target, Ty):
            return (target,)
        try:
            return (parse_type(str(target)),)
        except ConfigError as err:
            raise ConfigError(f"unknown target {target!r}: {err}; use a type such as 's' or 'n'") from None

    def _parses(self, text: str, target: str | Ty | None, limit: int | None) -> tuple[list[str], list[Parse]]:
        lexicon = self.lexicon_
        words = self.tokenise(text)
        unknown = [w for w in words if not lexicon.types_of(w)]
        if unknown:
            raise ParseError(f"cannot parse {text!r}: the word(s) {unknown} are not in the lexicon "
                             f"{lexicon.source}; add them under 'lexicon' with their pregroup types")
        options = [[Option(tuple(as_simple(ty)), 0.0, str(ty)) for ty in lexicon.types_of(w)] for w in words]
        targets = self._targets(target)
        found = all_parses(options, [as_simple(t) for t in targets], limit=limit)
        if not found:
            span = longest_span(options)
            wanted = " or ".join(str(t) for t in targets)
            part = "no part of it reduces to a single type"
            if span is not None:
                part = (f"the longest part that reduces is {' '.join(words[span.start:span.end])!r} "
                        f"(words {span.start + 1}-{span.end} of {len(words)}, to {span.type[0]})")
            raise ParseError(f"cannot parse {text!r}: no choice of types from {lexicon.source} reduces to "
                             f"{wanted}; {part}. Add the missing types to the lexicon or rephrase the text")
        return words, found

    def _diagram(self, words: Sequence[str], parse: Parse) -> Diagram:
        types = [self.lexicon_.types_of(w)[c] for w, c in zip(words, parse.choices)]
        return build_diagram([Word(w, t) for w, t in zip(words, types)], parse.cups)
