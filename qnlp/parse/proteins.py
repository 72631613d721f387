"""Protein sequences -> diagrams of typed residue words.

Why: a protein is read as a sentence. Which letters are words, how unusual
letters are treated and how long a sentence may be are data, kept in a
grammar file (``grammars/proteins.yaml``), not code. This module reads such a
file into a frozen :class:`ProteinGrammar`, splits sequences into tokens and
windows, and builds one lambeq diagram per window: residue words of type
``r`` followed by combining boxes, either a recurrent chain (``rnn``: a state
``h`` carried along the sequence, one ``cell`` box per residue) or a binary
tree (``cnn``: neighbouring blocks merged level by level). Box names carry the
parameter sharing: ``uniform`` uses one box name for every step, while
``hierarchical`` names them per position segment (``cell_0``, ``cell_1``...)
or per tree level (``merge_0``, ``merge_1``...). The functor in
:mod:`qnlp.functor.protein` maps equal names to equal circuits.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from lambeq.backend.grammar import Box, Diagram, Layer, Ty, Word

from qnlp.errors import ConfigError, SequenceError

__all__ = [
    "DEFAULT_PROTEIN_GRAMMAR",
    "PAD",
    "UNKNOWN",
    "RESIDUE",
    "STATE",
    "OUTPUT",
    "ProteinGrammar",
    "ProteinReader",
    "load_protein_grammar",
    "structure",
]

logger = logging.getLogger(__name__)

DEFAULT_PROTEIN_GRAMMAR = Path(__file__).resolve().parents[2] / "grammars" / "proteins.yaml"
"""The protein grammar shipped with qnlp (``grammars/proteins.yaml``)."""

#: The empty word that pads a sequence shorter than a window (stays ``|0>``).
PAD = "-"
#: The word for an unknown residue (B, Z, X by default).
UNKNOWN = "X"
#: Types: a residue word, the recurrent state, the sequence (output).
RESIDUE, STATE, OUTPUT = Ty("r"), Ty("h"), Ty("s")

_TOKENS = ("residue", "reduced", "kmer", "reduced_kmer")
_LENGTHS = ("full", "truncate", "windows")
_ARCHITECTURES = ("rnn", "cnn")
_SHARINGS = ("uniform", "hierarchical")
_NONSTANDARD = frozenset("BZXUO")


@dataclass(frozen=True)
class ProteinGrammar:
    """How sequences become tokens and windows; see ``grammars/proteins.yaml``
    for the meaning of every field. Build one with :func:`load_protein_grammar`
    (validated) or :meth:`replace`."""

    alphabet: str = "ACDEFGHIKLMNPQRSTVWY"
    nonstandard: tuple[tuple[str, str], ...] = (("U", "C"), ("O", "K"), ("B", "unknown"), ("Z", "unknown"), ("X", "unknown"))
    lowercase: str = "error"
    tokens: str = "residue"
    reduced_alphabet: str | None = "hpc3"
    k: int = 2
    kmer_stride: int | None = None
    reduced_alphabets: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    length: str = "windows"
    max_length: int | None = 1000
    window: int = 20
    stride: int | None = 10
    max_windows: int | None = None

    def replace(self, **changes: Any) -> ProteinGrammar:
        """A validated copy with some fields changed (``None`` values are ignored).

        Raises
        ------
        ConfigError
            For an unknown field or an invalid value.
        """
        fields = {f.name for f in dataclasses.fields(self)}
        for key in changes:
            if key not in fields:
                close = difflib.get_close_matches(key, sorted(fields), n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise ConfigError(f"unknown protein grammar option {key!r}; {hint}valid: {', '.join(sorted(fields))}")
        grammar = dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})
        grammar.validate()
        return grammar

    def validate(self, source: str = "protein grammar") -> None:
        """Check every field; raise :class:`ConfigError` naming the bad one."""
        if len(set(self.alphabet)) != len(self.alphabet) or not self.alphabet.isalpha() or not self.alphabet.isupper():
            raise ConfigError(f"{source}: alphabet {self.alphabet!r} must be distinct upper-case letters")
        for letter, action in self.nonstandard:
            if action not in ("unknown", "drop", "error") and action not in self.alphabet:
                raise ConfigError(f"{source}: nonstandard {letter}: {action!r} must be a residue of the alphabet, 'unknown', 'drop' or 'error'")
        for name, value, allowed in (("lowercase", self.lowercase, ("error", "upper")), ("tokens", self.tokens, _TOKENS), ("length", self.length, _LENGTHS)):
            if value not in allowed:
                raise ConfigError(f"{source}: {name} {value!r} is not one of {', '.join(allowed)}")
        for name in ("k", "window", "kmer_stride", "stride", "max_length", "max_windows"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                raise ConfigError(f"{source}: {name} must be a positive integer, got {value!r}")
        if self.tokens in ("reduced", "reduced_kmer"):
            self.classes()

    def classes(self) -> dict[str, str]:
        """Residue -> class name of :attr:`reduced_alphabet`.

        Raises
        ------
        ConfigError
            If the alphabet is not defined or does not cover every residue once.
        """
        named = dict(self.reduced_alphabets)
        if self.reduced_alphabet not in named:
            raise ConfigError(f"reduced alphabet {self.reduced_alphabet!r} is not defined; choose one of {sorted(named)} or add it to reduced_alphabets")
        mapping: dict[str, str] = {}
        for cls, letters in named[self.reduced_alphabet]:
            for letter in letters:
                if letter in mapping:
                    raise ConfigError(f"reduced alphabet {self.reduced_alphabet!r} puts {letter} in two classes ({mapping[letter]}, {cls})")
                mapping[letter] = cls
        missing = sorted(set(self.alphabet) - set(mapping))
        if missing:
            raise ConfigError(f"reduced alphabet {self.reduced_alphabet!r} gives no class to {''.join(missing)}; add them to a class")
        mapping[UNKNOWN] = UNKNOWN
        return mapping


def load_protein_grammar(path: str | Path | None = None) -> ProteinGrammar:
    """Read and validate a protein grammar file (default: the shipped one).

    Raises
    ------
    ConfigError
        If the file is missing, is not YAML, or holds an unknown key or a bad value.
    """
    path = DEFAULT_PROTEIN_GRAMMAR if path is None else Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as err:
        raise ConfigError(f"protein grammar {str(path)!r} does not exist; give the path of a file like grammars/proteins.yaml") from err
    except yaml.YAMLError as err:
        raise ConfigError(f"protein grammar {str(path)!r} is not valid YAML: {err}") from err
    if not isinstance(raw, dict):
        raise ConfigError(f"protein grammar {str(path)!r} must be a mapping of options")
    raw = dict(raw)
    if "nonstandard" in raw:
        raw["nonstandard"] = tuple((str(k), str(v)) for k, v in (raw["nonstandard"] or {}).items())
    if "reduced_alphabets" in raw:
        raw["reduced_alphabets"] = tuple(
            (str(name), tuple((str(c), str(letters)) for c, letters in (classes or {}).items()))
            for name, classes in (raw["reduced_alphabets"] or {}).items()
        )
    try:
        return ProteinGrammar().replace(**{k: v for k, v in raw.items()})
    except ConfigError as err:
        raise ConfigError(f"{path}: {err}") from err


def structure(architecture: str, sharing: str, n_tokens: int, segments: int = 4) -> tuple[str, ...]:
    """The combining boxes of a sentence of ``n_tokens`` words, by name: one
    per step after the first word (``rnn``), one per tree level (``cnn``).

    >>> structure("rnn", "hierarchical", 4, segments=2)
    ('cell_0', 'cell_0', 'cell_1', 'cell_1')
    >>> structure("cnn", "uniform", 5)
    ('merge', 'merge', 'merge')
    """
    if architecture not in _ARCHITECTURES:
        raise ConfigError(f"unknown architecture {architecture!r}; choose one of {', '.join(_ARCHITECTURES)}")
    if sharing not in _SHARINGS:
        raise ConfigError(f"unknown sharing {sharing!r}; choose one of {', '.join(_SHARINGS)}")
    if architecture == "rnn":
        if sharing == "uniform":
            return ("cell",) * n_tokens
        return tuple(f"cell_{i * segments // n_tokens}" for i in range(n_tokens))
    levels = max(1, math.ceil(math.log2(n_tokens))) if n_tokens > 1 else 0
    return tuple("merge" if sharing == "uniform" else f"merge_{level}" for level in range(levels))


class ProteinReader:
    """Reads protein sequences into diagrams of typed residue words.

    Parameters
    ----------
    grammar : ProteinGrammar or path or None
        Tokenisation and length policy (default ``grammars/proteins.yaml``).
    architecture : str
        ``"rnn"`` (state chain, one ``cell`` per residue) or ``"cnn"`` (tree of ``merge`` boxes).
    sharing : str
        ``"uniform"`` (one combining box) or ``"hierarchical"`` (one per
        position segment for ``rnn``, per tree level for ``cnn``).
    segments : int
        Position segments of hierarchical ``rnn`` sharing.

    >>> reader = ProteinReader(ProteinGrammar(length="full"))
    >>> reader.tokens("MKVL")
    ('M', 'K', 'V', 'L')
    >>> [b.name for b in reader.read("MKV")[0].boxes]
    ['M', 'K', 'V', 'start', 'cell', 'cell', 'cell', 'read']
    """

    def __init__(self, grammar: ProteinGrammar | str | Path | None = None, architecture: str = "rnn", sharing: str = "uniform", segments: int = 4) -> None:
        self.grammar = grammar if isinstance(grammar, ProteinGrammar) else load_protein_grammar(grammar)
        self.architecture = architecture
        self.sharing = sharing
        self.segments = segments
        self.grammar.validate()
        structure(architecture, sharing, 1, segments)  # validates the names
        if not isinstance(segments, int) or segments < 1:
            raise ConfigError(f"segments must be a positive integer, got {segments!r}")
        self._nonstandard = dict(self.grammar.nonstandard)
        self._classes = self.grammar.classes() if self.grammar.tokens in ("reduced", "reduced_kmer") else None

    # -- tokens -------------------------------------------------------------

    def residues(self, sequence: str, seq_id: str = "sequence") -> list[str]:
        """The sequence as standard residues and ``X``, after the non-standard policy.

        Raises
        ------
        SequenceError
            For an empty sequence or a letter that cannot be read, naming
            ``seq_id`` and the 1-based position.
        """
        if not isinstance(sequence, str):
            raise SequenceError(f"sequence {seq_id} is a {type(sequence).__name__}, not a string of residues")
        text = sequence.strip()
        text = text[:-1] if text.endswith("*") else text
        if not text:
            raise SequenceError(f"sequence {seq_id} is empty; give at least one residue")
        alphabet, out = self.grammar.alphabet, []
        for position, letter in enumerate(text, start=1):
            if letter.islower() and self.grammar.lowercase == "upper":
                letter = letter.upper()
            if letter in alphabet:
                out.append(letter)
                continue
            action = self._nonstandard.get(letter, "error" if letter in _NONSTANDARD else None)
            if action is None or action == "error":
                hint = " (lower case: clean the input, or set lowercase: upper in the grammar)" if letter.islower() else ""
                raise SequenceError(
                    f"sequence {seq_id}: cannot read {letter!r} at position {position}{hint}; residues are "
                    f"{alphabet} plus non-standard {''.join(sorted(self._nonstandard))} (see the grammar's nonstandard policy)"
                )
            if action != "drop":
                out.append(UNKNOWN if action == "unknown" else action)
        if not out:
            raise SequenceError(f"sequence {seq_id} has no residue left after dropping non-standard letters")
        return out

    def tokens(self, sequence: str, seq_id: str = "sequence") -> tuple[str, ...]:
        """The words of a whole sequence (before the length policy)."""
        residues = self.residues(sequence, seq_id)
        if self._classes is not None:
            residues = [self._classes[r] for r in residues]
        if self.grammar.tokens not in ("kmer", "reduced_kmer"):
            return tuple(residues)
        k = self.grammar.k
        step = self.grammar.kmer_stride or k
        if len(residues) < k:
            raise SequenceError(f"sequence {seq_id} has {len(residues)} residues, fewer than k={k}; use a smaller k")
        return tuple("".join(residues[i : i + k]) for i in range(0, len(residues) - k + 1, step))

    def windows(self, sequence: str, seq_id: str = "sequence") -> tuple[tuple[str, ...], ...]:
        """The sentences of one sequence after the length policy: one for
        ``full`` and ``truncate``, several equal-length ones for ``windows``."""
        tokens = self.tokens(sequence, seq_id)
        g = self.grammar
        if g.length == "full":
            return (tokens,)
        if g.length == "truncate":
            return (tokens[: g.max_length],)
        size, stride = g.window, g.stride or g.window
        if len(tokens) <= size:
            return (tokens + (PAD,) * (size - len(tokens)),)
        starts = list(range(0, len(tokens) - size + 1, stride))
        if starts[-1] != len(tokens) - size:
            starts.append(len(tokens) - size)
        if g.max_windows is not None and len(starts) > g.max_windows:
            n = g.max_windows
            starts = [starts[round(i * (len(starts) - 1) / max(n - 1, 1))] for i in range(n)]
        return tuple(tokens[s : s + size] for s in starts)

    # -- diagrams -----------------------------------------------------------

    def structure(self, n_tokens: int) -> tuple[str, ...]:
        """Combining box names of a sentence of ``n_tokens`` words (see :func:`structure`)."""
        return structure(self.architecture, self.sharing, n_tokens, self.segments)

    def diagram(self, tokens: tuple[str, ...] | list[str]) -> Diagram:
        """The diagram of one sentence: its words side by side, then the
        combining boxes, then ``read`` to the output type ``s``."""
        tokens = tuple(tokens)
        if not tokens:
            raise SequenceError("cannot build a diagram of an empty sentence")
        n = len(tokens)
        layers = [Layer(RESIDUE ** i, Word(t, RESIDUE), Ty()) for i, t in enumerate(tokens)]
        names = self.structure(n)
        if self.architecture == "rnn":
            layers.append(Layer(Ty(), Box("start", Ty(), STATE), RESIDUE**n))
            for i, name in enumerate(names):
                layers.append(Layer(Ty(), Box(name, STATE @ RESIDUE, STATE), RESIDUE ** (n - i - 1)))
            layers.append(Layer(Ty(), Box("read", STATE, OUTPUT), Ty()))
        else:
            width = n
            for name in names:
                for j in range(width // 2):  # merge pairs (2j, 2j+1); j blocks are already merged on the left
                    layers.append(Layer(RESIDUE**j, Box(name, RESIDUE @ RESIDUE, RESIDUE), RESIDUE ** (width - 2 * j - 2)))
                width = (width + 1) // 2
            layers.append(Layer(Ty(), Box("read", RESIDUE, OUTPUT), Ty()))
        return Diagram(Ty(), OUTPUT, layers)

    def read(self, sequence: str, seq_id: str = "sequence") -> tuple[Diagram, ...]:
        """The diagrams of one sequence, one per window (one without windows).

        Raises
        ------
        SequenceError
            If the sequence cannot be read (see :meth:`residues`).
        """
        return tuple(self.diagram(w) for w in self.windows(sequence, seq_id))

    def read_many(self, sequences: list[str], ids: list[str] | None = None) -> list[tuple[Diagram, ...]]:
        """:meth:`read` for many sequences; ids default to ``#0, #1, ...``."""
        ids = ids if ids is not None else [f"#{i}" for i in range(len(sequences))]
        return [self.read(s, i) for s, i in zip(sequences, ids)]
