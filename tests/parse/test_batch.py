"""Tests of batch parsing: parse_many with spaCy's pipe, progress, collected errors, sentences."""

from __future__ import annotations

import pytest
from lambeq.backend.grammar import Diagram, Ty

from qnlp.errors import ConfigError, ParseError
from qnlp.parse import EnglishParser, ParseBatch

N, S = Ty("n"), Ty("s")


@pytest.fixture(scope="module")
def english() -> EnglishParser:
    """A strict parser: texts the chart cannot read raise, so failures can be collected."""
    parser = EnglishParser(fallback=None)
    try:
        parser.nlp
    except ConfigError as err:
        pytest.skip(f"no spaCy English model installed: {err}")
    return parser


TEXTS = ["Alice runs.", "the the the", "", "Bob cooks dinner.", 42, "of the"]


def test_collect_keeps_every_text_and_no_none(english: EnglishParser) -> None:
    batch = english.parse_many(TEXTS, errors="collect")  # type: ignore[arg-type]
    assert isinstance(batch, ParseBatch)
    assert batch.indices == (0, 3) and batch.failed == (1, 2, 4, 5)
    assert len(batch) == len(TEXTS) and not batch.ok
    assert all(isinstance(d, Diagram) for d in batch.diagrams) and [d.cod for d in batch.diagrams] == [S, S]
    assert dict(batch) == {0: batch.diagrams[0], 3: batch.diagrams[1]}
    assert all(isinstance(e, ParseError) for _, e in batch.errors)
    assert "'the the the'" in str(dict(batch.errors)[1])
    assert len(batch.analyses) == 2 and batch.analyses[1].tokens == ("Bob", "cooks", "dinner")
    with pytest.raises(ParseError, match="text 1: cannot parse 'the the the'.*4 of 6 texts failed"):
        batch.raise_first()


def test_raise_mode_is_the_default(english: EnglishParser) -> None:
    with pytest.raises(ParseError, match="the the the"):
        english.parse_many(["Alice runs.", "the the the"])
    good = english.parse_many(["Alice runs.", "Bob sleeps."])
    assert isinstance(good, list) and [d.cod for d in good] == [S, S]
    with pytest.raises(ConfigError, match="errors='ignore'"):
        english.parse_many(["Alice runs."], errors="ignore")


def test_batches_match_single_parses(english: EnglishParser) -> None:
    texts = ["Alice runs.", "the tasty meal", "Does Bob cook?"] * 3
    small = EnglishParser(batch_size=2)
    small._nlp, small._lemmas = english._nlp, english._lemmas   # share the loaded model
    assert small.parse_many(texts) == [english.parse(t) for t in texts]


def test_progress_bar_on_stderr_only_when_verbose(english: EnglishParser, capsys: pytest.CaptureFixture[str]) -> None:
    english.parse_many(["Alice runs."] * 3, verbose=True)
    captured = capsys.readouterr()
    assert "parsing" in captured.err and captured.out == ""
    english.parse_many(["Alice runs."] * 3)
    assert capsys.readouterr().err == ""


def test_sentences_and_tokens(english: EnglishParser) -> None:
    assert english.sentences("Alice runs. Bob sleeps! Does Carol cook?") == ["Alice runs.", "Bob sleeps!", "Does Carol cook?"]
    assert english.tokenise("Alice's dog doesn't bark.") == ["Alice", "'s", "dog", "does", "n't", "bark"]
    batch = english.parse_text("Alice runs. The the the. Bob sleeps.", errors="collect")
    assert isinstance(batch, ParseBatch) and batch.indices == (0, 2) and batch.failed == (1,)
