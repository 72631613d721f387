"""Tests of qnlp.parse.grammar: grammar files, rules and candidate roles (no spaCy)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from lambeq.backend.grammar import Ty

from qnlp.errors import ConfigError
from qnlp.parse.grammar import DEFAULT_GRAMMAR, TokenFeatures, grammar_from_dict, load_grammar, parse_type

N, S = Ty("n"), Ty("s")


@pytest.fixture(scope="module")
def grammar():
    return load_grammar()


def features(text: str, pos: str, dep: str, tag: str = "", **more: object) -> TokenFeatures:
    return TokenFeatures(text=text, lower=text.lower(), lemma=text.lower(), pos=pos, tag=tag, dep=dep, **more)


def test_shipped_grammar_has_the_required_roles(grammar) -> None:
    assert DEFAULT_GRAMMAR.is_file()
    expected = {
        "noun": N, "proper_noun": N, "pronoun": N, "adjective": N @ N.l, "determiner": N @ N.l,
        "intransitive_verb": N.r @ S, "transitive_verb": N.r @ S @ N.l,
        "ditransitive_verb": N.r @ S @ N.l @ N.l, "pre_verb_adverb": N.r @ S @ S.l @ N,
        "post_verb_adverb": S.r @ S, "noun_preposition": N.r @ N @ N.l, "verb_preposition": S.r @ S @ N.l,
        "auxiliary": N.r @ S @ S.l @ N, "subject_relative_pronoun": N.r @ N @ S.l @ N,
        "object_relative_pronoun": N.r @ N @ N.l.l @ S.l, "noun_coordination": N.r @ N @ N.l,
    }
    for name, ty in expected.items():
        assert grammar.roles[name].type == ty, name


def test_rules_first_match_wins(grammar) -> None:
    assert grammar.role_of(features("cooks", "VERB", "ROOT", objects=1)) == "transitive_verb"
    assert grammar.role_of(features("gives", "VERB", "ROOT", objects=2)) == "ditransitive_verb"
    assert grammar.role_of(features("sleeps", "VERB", "ROOT")) == "intransitive_verb"
    assert grammar.role_of(features("that", "PRON", "nsubj", "WDT")) == "subject_relative_pronoun"
    assert grammar.role_of(features("that", "PRON", "dobj", "WDT")) == "object_relative_pronoun"
    assert grammar.role_of(features("quickly", "ADV", "advmod", side="left")) == "pre_verb_adverb"
    assert grammar.role_of(features("quickly", "ADV", "advmod", side="right")) == "post_verb_adverb"
    assert grammar.role_of(features("in", "ADP", "prep", head_pos="NOUN", side="right")) == "noun_preposition"
    assert grammar.role_of(features("in", "ADP", "prep", head_pos="VERB", side="right")) == "verb_preposition"
    assert grammar.role_of(features("xyz", "X", "dep")) == "noun"


def test_candidates_costs(grammar) -> None:
    token = features("face", "NOUN", "ROOT", "NN", attested=frozenset({"noun", "verb"}))
    found = {c.role: c.cost for c in grammar.candidates(token)}
    assert found["noun"] == 0
    assert found["noun_modifier"] == grammar.family_cost
    assert found["transitive_verb"] == grammar.class_cost
    that = {c.role: c.cost for c in grammar.candidates(features("that", "DET", "det", "DT"))}
    assert that["determiner"] == 0 and that["object_relative_pronoun"] == grammar.lexicon_cost
    costs = [c.cost for c in grammar.candidates(token)]
    assert costs == sorted(costs)
    sailor = features("sailor", "NOUN", "ROOT", "NN", attested=frozenset({"noun"}))
    verb = {c.role: c.cost for c in grammar.candidates(sailor)}["transitive_verb"]
    assert verb == grammar.class_cost + grammar.unattested_cost


def test_tagger_scores_soften_class_switches(grammar) -> None:
    # "meal" tagged VB with NN a close second: becoming a noun is cheap.
    close = features("meal", "VERB", "ROOT", "VB", class_gaps=(("noun", 0.3), ("verb", 0.0)))
    far = features("meal", "VERB", "ROOT", "VB", class_gaps=(("noun", 40.0), ("verb", 0.0)))
    cheap = {c.role: c.cost for c in grammar.candidates(close)}["noun"]
    dear = {c.role: c.cost for c in grammar.candidates(far)}["noun"]
    assert cheap == pytest.approx(grammar.class_cost * grammar.tagger_floor)
    assert dear == pytest.approx(grammar.class_cost)


def test_auxiliaries_are_a_closed_class(grammar) -> None:
    assert grammar.role_of(features("will", "AUX", "aux", "MD")) == "auxiliary"
    assert grammar.role_of(features("cooks", "AUX", "aux", "VBZ")) == "intransitive_verb"


def test_forbidden_cups(grammar) -> None:
    assert grammar.forbids("adjective", "determiner")
    assert not grammar.forbids("determiner", "adjective")


def test_parse_type() -> None:
    assert parse_type("n.r s n.l.l") == N.r @ S @ N.l.l
    with pytest.raises(ConfigError, match="malformed"):
        parse_type("n.x")
    with pytest.raises(ConfigError, match="unknown atom"):
        parse_type("q", frozenset({"n", "s"}))


@pytest.mark.parametrize("data, message", [
    ({"rules": [{"role": "noun"}]}, "roles"),
    ({"roles": {"noun": {"type": "n"}}, "rules": [{"role": "verb"}]}, "unknown role"),
    ({"roles": {"noun": {"type": "n"}}, "rules": [{"role": "noun", "colour": "red"}]}, "unknown condition"),
    ({"roles": {"noun": {"type": "n.q"}}, "rules": [{"role": "noun"}]}, "malformed"),
    ({"roles": {"noun": {"type": "n"}}, "rules": [{"role": "noun"}], "costs": {"cheap": 1}}, "unknown cost"),
    ({"roles": {"noun": {"type": "n"}}, "rules": [{"role": "noun"}], "lexicon": {"a": ["x"]}}, "unknown role"),
    ({"roles": {"det": {"type": "n n.l", "passes": {0: [2]}}}, "rules": [{"role": "det"}]}, "outside its type"),
    ({"roles": {"det": {"type": "n n.l", "passes": [0, 1]}}, "rules": [{"role": "det"}]}, "passes must map"),
    ({"roles": {"noun": {"type": "n"}}, "rules": [{"role": "noun"}], "offers": [{"roles": ["x"], "cost": 1}]}, "unknown role"),
    ({"roles": {"noun": {"type": "n"}}, "rules": [{"role": "noun"}], "offers": [{"roles": ["noun"]}]}, "'roles', 'cost'"),
    ({"roles": {"noun": {"type": "n"}}, "rules": [{"role": "noun"}], "offers": [{"roles": ["noun"], "cost": -1}]}, "non-negative"),
    ({"roles": {"noun": {"type": "n"}}, "rules": [{"role": "noun"}], "switchable_families": ["verb"]}, "not families"),
])
def test_bad_grammar_is_config_error(data: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        grammar_from_dict(data, source="test.yaml")


def test_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_grammar(tmp_path / "none.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("roles: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read"):
        load_grammar(broken)


def test_context_conditions_and_offers(grammar) -> None:
    # an imperative: a base-form verb opening the sentence, without a subject
    close = features("close", "VERB", "ROOT", "VB", objects=1, leading="yes", child_deps=("dobj",),
                     attested=frozenset({"verb", "adj"}))
    assert grammar.role_of(close) == "imperative_transitive"
    with_subject = features("close", "VERB", "ROOT", "VB", objects=1, leading="yes", child_deps=("nsubj", "dobj"))
    assert grammar.role_of(with_subject) == "transitive_verb"
    scientist = features("scientist", "VERB", "ROOT", "VB", leading="yes", attested=frozenset({"noun"}))
    assert not grammar.role_of(scientist).startswith("imperative")       # never attested as a verb
    # an inverted auxiliary in a question; offered to a sentence-initial auxiliary
    does = dataclasses.replace(features("does", "AUX", "aux", "VBZ", position="first", final_punct="?"), lemma="do")
    assert grammar.role_of(does) == "question_auxiliary"
    run = features("run", "NOUN", "ROOT", "NN", leading="yes", attested=frozenset({"noun", "verb"}))
    offered = {c.role: c.cost for c in grammar.candidates(run)}
    assert offered["imperative_intransitive"] == 0.75
    # a preposition attested as a verb may become one ("Does Alice like Bob?")
    like = features("like", "ADP", "prep", "IN", head_pos="NOUN", attested=frozenset({"verb", "adj"}))
    assert N.r @ S @ N.l in {c.type for c in grammar.candidates(like)}     # a transitive verb's type
    assert "predicative_adjective" in {c.role for c in grammar.candidates(like)}


def test_roles_say_which_wires_they_pass_on(grammar) -> None:
    assert grammar.roles["determiner"].passes == ((0, (1,)),)
    assert grammar.roles["auxiliary"].passes == ((3, (0,)),)
    assert grammar.roles["noun_coordination"].passes == ((1, (0, 2)),)
    assert grammar.roles["transitive_verb"].passes == ()
