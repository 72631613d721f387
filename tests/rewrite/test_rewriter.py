"""Tests of qnlp.rewrite.Rewriter: lambeq's rules, snake removal and UNK, by name."""

from __future__ import annotations

import pytest
from lambeq.backend.grammar import Cap, Cup, Diagram, Spider, Ty, Word

from qnlp.errors import ConfigError
from qnlp.rewrite import BOX_RULES, DEFAULT_RULES, STEPS, UNK, Rewriter, unknown_words

N, S = Ty("n"), Ty("s")


def sentence(words: list[tuple[str, Ty]], cups: list[tuple[int, int]]) -> Diagram:
    return Diagram.create_pregroup_diagram([Word(w, t) for w, t in words], [(Cup, i, k) for i, k in cups])


THE_CAT_SLEEPS = sentence([("the", N @ N.l), ("cat", N), ("sleeps", N.r @ S)], [(1, 2), (0, 3)])
ALICE_WILL_RUN = sentence([("Alice", N), ("will", N.r @ S @ S.l @ N), ("run", N.r @ S)], [(0, 1), (4, 5), (3, 6)])
ALICE_AND_BOB_RUN = sentence([("Alice", N), ("and", N.r @ N @ N.l), ("Bob", N), ("run", N.r @ S)], [(0, 1), (3, 4), (2, 5)])
DEVICE_THAT_DETECTS_FIRE = sentence(
    [("device", N), ("that", N.r @ N @ S.l @ N), ("detects", N.r @ S @ N.l), ("fire", N)],
    [(0, 1), (4, 5), (7, 8), (3, 6)])
ORG_THAT_CHURCH_RUNS = sentence(
    [("org", N), ("that", N.r @ N @ N.l.l @ S.l), ("church", N), ("runs", N.r @ S @ N.l)],
    [(0, 1), (5, 6), (4, 7), (3, 8)])
BOBCAT_ADVERB = sentence([("Alice", N), ("runs", N.r @ S), ("fast", S.r @ N.r.r @ N.r @ S)], [(2, 3), (1, 4), (0, 5)])


def words_of(diagram: Diagram) -> list[str]:
    return [box.name for box in diagram.boxes if isinstance(box, Word)]


def test_every_rule_name_is_available() -> None:
    names = Rewriter.available_rules()
    for name in ("determiner", "auxiliary", "prepositional_phrase", "connector", "coordination",
                 "object_rel_pronoun", "subject_rel_pronoun", "curry", "normal_form", "remove_snakes"):
        assert name in names
    assert set(names) == set(BOX_RULES) | set(STEPS)
    assert set(DEFAULT_RULES) <= set(names)


@pytest.mark.parametrize("diagram, rule, gone", [
    (THE_CAT_SLEEPS, "determiner", "the"),
    (ALICE_WILL_RUN, "auxiliary", "will"),
    (BOBCAT_ADVERB, "postadverb", None),
])
def test_words_become_wires_and_snakes_go(diagram: Diagram, rule: str, gone: str | None) -> None:
    result = Rewriter([rule, "normal_form"]).apply(diagram)
    assert result.counts == ((rule, 1),)
    assert result.diagram.cod == diagram.cod
    if gone is not None:
        assert gone not in words_of(result.diagram)
        assert not any(isinstance(b, Cap) for b in result.diagram.boxes)   # snakes removed


@pytest.mark.parametrize("diagram, rule", [
    (ALICE_AND_BOB_RUN, "coordination"),
    (DEVICE_THAT_DETECTS_FIRE, "subject_rel_pronoun"),
    (ORG_THAT_CHURCH_RUNS, "object_rel_pronoun"),
])
def test_spider_rules(diagram: Diagram, rule: str) -> None:
    result = Rewriter([rule]).apply(diagram)
    assert result.counts == ((rule, 1),)
    assert any(isinstance(b, Spider) for b in result.diagram.boxes)
    assert result.diagram.cod == diagram.cod


def test_curry_removes_cups() -> None:
    before = sum(isinstance(b, Cup) for b in ALICE_WILL_RUN.boxes)
    after = Rewriter(["curry", "normal_form"])(ALICE_WILL_RUN)
    assert sum(isinstance(b, Cup) for b in after.boxes) < before and after.cod == S


def test_unknown_words_rule_in_a_rewriter() -> None:
    rule = unknown_words([THE_CAT_SLEEPS, THE_CAT_SLEEPS, ALICE_WILL_RUN], min_count=2)
    result = Rewriter([rule]).apply(ALICE_WILL_RUN)
    assert words_of(result.diagram) == [UNK, UNK, UNK] and result.counts == (("unknown_words", 3),)
    kept = Rewriter([rule])(THE_CAT_SLEEPS)
    assert words_of(kept).count(UNK) == 1          # every word is frequent: the rarest gives way to UNK


def test_defaults_and_functions() -> None:
    assert words_of(Rewriter()(THE_CAT_SLEEPS)) == ["cat", "sleeps"]
    assert Rewriter([lambda d: d.normal_form()])(THE_CAT_SLEEPS) == THE_CAT_SLEEPS.normal_form()
    assert Rewriter([])(THE_CAT_SLEEPS) is THE_CAT_SLEEPS
    assert [d.cod for d in Rewriter(["determiner"]).rewrite_many([THE_CAT_SLEEPS] * 2)] == [S, S]


def test_bad_rules_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown rewrite rule 'determiners'"):
        Rewriter(["determiners"])(THE_CAT_SLEEPS)
    with pytest.raises(ConfigError, match="cannot use 3"):
        Rewriter([3])(THE_CAT_SLEEPS)  # type: ignore[list-item]


def test_rewrites_parsed_english(parser) -> None:
    d = parser.parse("The old man will cook the dinner.")
    result = Rewriter(["determiner", "auxiliary", "normal_form"]).apply(d)
    assert dict(result.counts) == {"determiner": 2, "auxiliary": 1}
    assert sorted(words_of(result.diagram)) == ["cook", "dinner", "man", "old"]
    assert result.diagram.cod == S
