"""Tests of qnlp.parse.lexicon: exact pregroup parsing of controlled languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from lambeq.backend.grammar import Diagram, Ty

from qnlp.data import load_labelled
from qnlp.errors import ConfigError, ParseError
from qnlp.parse import LexiconParser, ParseBatch, describe
from qnlp.parse.lexicon import GRAMMARS, lexicon_from_dict, load_lexicon
from conftest import lambeq_data

N, S = Ty("n"), Ty("s")
SUBJECT_RELATIVE = N.r @ N @ S.l @ N
OBJECT_RELATIVE = N.r @ N @ N.l.l @ S.l


def corpus(kind: str, splits: tuple[str, ...]) -> tuple[list[str], list[int | str]]:
    texts: list[str] = []
    labels: list[int | str] = []
    for split in splits:
        more, tags = load_labelled(lambeq_data(f"{kind}_{split}_data.txt"))
        texts += more
        labels += tags
    return texts, labels


def test_mc_lexicon_parses_every_sentence_to_s() -> None:
    texts, _ = corpus("mc", ("train", "dev", "test"))
    parser = LexiconParser("mc")
    assert len(texts) == 130
    for text in texts:
        parses = parser.parse_all(text)
        assert len(parses) == 1 and parses[0].cod == S, text
        verb = next(box for box in parses[0].boxes if box.cod == N.r @ S @ N.l)
        assert verb.name in text


def test_rp_lexicon_parses_every_phrase_to_n_with_the_labelled_pronoun() -> None:
    texts, labels = corpus("rp", ("train", "test"))
    parser = LexiconParser(GRAMMARS / "rp.yaml")
    assert len(texts) == 105
    for text, label in zip(texts, labels):
        (diagram,) = parser.parse_all(text)
        assert diagram.cod == N
        that = next(box for box in diagram.boxes if box.name == "that")
        assert that.cod == (OBJECT_RELATIVE if int(label) == 1 else SUBJECT_RELATIVE), text


def test_shipped_lexicons_cover_the_corpora_exactly() -> None:
    for kind, splits in (("mc", ("train", "dev", "test")), ("rp", ("train", "test"))):
        texts, _ = corpus(kind, splits)
        words = {w for text in texts for w in LexiconParser(kind).tokenise(text)}
        assert set(load_lexicon(kind).entries) == words


AMBIGUOUS = {
    "types": {"noun": "n", "tv": "n.r s n.l", "det": "n n.l", "noun_prep": "n.r n n.l", "verb_prep": "s.r s n.l"},
    "lexicon": {"alice": ["noun"], "saw": ["tv", "noun"], "the": ["det"], "man": ["noun", "tv"],
                "with": ["noun_prep", "verb_prep"], "telescope": ["noun"]},
}


def test_ambiguous_lexicon_returns_every_parse() -> None:
    parser = LexiconParser(lexicon_from_dict(AMBIGUOUS))
    parses = parser.parse_all("Alice saw the man with the telescope.")
    # "with" on the verb, or on the noun: "the (man with the telescope)" or
    # "(the man) with the telescope" (the same types, other cups)
    assert len(parses) == 3 and len(set(parses)) == 3
    prepositions = sorted(str(next(b.cod for b in d.boxes if b.name == "with")) for d in parses)
    assert prepositions == ["n.r @ n @ n.l", "n.r @ n @ n.l", "s.r @ s @ n.l"]
    assert all(isinstance(d, Diagram) and d.cod == S for d in parses)
    assert parser.parse("Alice saw the man with the telescope.") == parses[0]   # the lexicon's order decides
    assert len(parser.parse_all("Alice saw the man with the telescope.", limit=1)) == 1
    assert parser.parse("the man with the telescope", target="n").cod == N
    assert [describe(d)["codomain"] for d in parser.parse_all("the man", target=N)] == ["n"]


def test_errors_name_the_word_or_the_longest_reducing_span() -> None:
    parser = LexiconParser("mc")
    with pytest.raises(ParseError, match=r"\['eats'\] are not in the lexicon"):
        parser.parse("man eats meal .")
    with pytest.raises(ParseError, match="longest part that reduces is 'skillful man prepares tasty meal'"):
        parser.parse("skillful man prepares tasty meal tasty .")
    with pytest.raises(ParseError, match="holds no word"):
        parser.parse(" . ")
    with pytest.raises(ParseError, match="expected a str"):
        parser.parse(3)  # type: ignore[arg-type]


def test_parse_many_collects_errors() -> None:
    parser = LexiconParser("mc")
    texts = ["man prepares meal .", "man eats meal .", "woman cooks dinner ."]
    batch = parser.parse_many(texts, errors="collect")
    assert isinstance(batch, ParseBatch) and batch.indices == (0, 2) and batch.failed == (1,)
    assert len(batch) == 3 and not batch.ok
    with pytest.raises(ParseError, match="eats"):
        parser.parse_many(texts)


@pytest.mark.parametrize("data, message", [
    ({"types": {"noun": "n"}}, "'lexicon' must map"),
    ({"lexicon": {"cat": ["nown"]}}, "neither a named type"),
    ({"lexicon": {"cat": ["n"]}, "colour": 1}, "unknown key"),
    ({"lexicon": {"cat": [3]}}, "expected a type name"),
])
def test_malformed_lexicons_are_config_errors(data: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        lexicon_from_dict(data)


def test_missing_lexicon_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        LexiconParser(tmp_path / "none.yaml").parse("man runs")
    bad = tmp_path / "bad.yaml"
    bad.write_text("lexicon: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read lexicon file"):
        load_lexicon(bad)
