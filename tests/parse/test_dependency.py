"""Tests of qnlp.parse.dependency: the linear-time reading of a dependency tree."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lambeq.backend.grammar import Ty, Word

from qnlp.errors import ConfigError, ParseError
from qnlp.parse import EnglishParser
from qnlp.parse.dependency import MAX_MODIFIER_WIRES, Tree, as_type, read_tree
from qnlp.parse.reduce import build_diagram

N, S = Ty("n"), Ty("s")


def _diagram(tree: Tree, pos: list[str], target: str):
    types, cups, roles = read_tree(tree, pos, target)
    words = [Word(f"w{i}", as_type(tuple(t))) for i, t in enumerate(types)]
    return build_diagram(words, cups), types, roles


def test_modifiers_get_the_grammar_files_types() -> None:
    # "the man quickly cooks the dinner in the park"
    heads = (1, 3, 3, -1, 5, 3, 3, 8, 6)
    deps = ("det", "nsubj", "advmod", "ROOT", "det", "dobj", "prep", "det", "pobj")
    pos = ["DET", "NOUN", "ADV", "VERB", "DET", "NOUN", "ADP", "DET", "NOUN"]
    diagram, types, roles = _diagram(Tree(heads, deps, 3), pos, "s")
    n, nl, nr, s, sl, sr = ("n", 0), ("n", -1), ("n", 1), ("s", 0), ("s", -1), ("s", 1)
    assert types[0] == [n, nl]                     # determiner
    assert types[2] == [nr, s, sl, n]              # adverb before the verb passes the subject on
    assert types[3] == [nr, s, nl]                 # transitive verb
    assert types[6] == [sr, s, nl]                 # preposition after the verb phrase
    assert roles[1] == "argument:nsubj" and roles[2] == "modifier:advmod" and roles[3] == "root"
    assert diagram.cod == S


def test_long_modifier_phrase_becomes_an_argument() -> None:
    # a modifier between a verb and both its arguments would act on n.r s n.l: too long
    heads = (2, 2, -1, 2)
    deps = ("nsubj", "advmod", "ROOT", "dobj")
    diagram, types, roles = _diagram(Tree(heads, deps, 2), ["NOUN", "ADV", "VERB", "NOUN"], "s")
    assert diagram.cod == S
    assert all(len(t) <= 2 * MAX_MODIFIER_WIRES for t, r in zip(types, roles) if r.startswith("modifier"))


@st.composite
def projective_trees(draw: st.DrawFn) -> tuple[Tree, list[str]]:
    """Random projective trees: a span's head splits it into left and right sub-spans."""
    size = draw(st.integers(1, 40))
    heads = [-1] * size
    labels = ["nsubj", "dobj", "amod", "det", "advmod", "prep", "pobj", "ccomp", "conj", "cc", "aux", "relcl"]
    deps = ["ROOT"] * size

    def split(start: int, end: int, head: int) -> None:
        """Give the words start..end-1 (a span next to ``head``) their heads."""
        while start < end:
            # the span's words hanging from ``head`` form a contiguous block; pick one root for a chunk
            cut = draw(st.integers(start + 1, end))
            root = draw(st.integers(start, cut - 1))
            heads[root] = head
            deps[root] = draw(st.sampled_from(labels))
            split(start, root, root)
            split(root + 1, cut, root)
            start = cut

    root = draw(st.integers(0, size - 1))
    split(0, root, root)
    split(root + 1, size, root)
    pos = draw(st.lists(st.sampled_from(["NOUN", "VERB", "ADJ", "ADV", "DET", "ADP", "AUX"]), min_size=size, max_size=size))
    return Tree(tuple(heads), tuple(deps), root), pos


@settings(max_examples=150, deadline=None)
@given(projective_trees(), st.sampled_from(["s", "n"]))
def test_every_projective_tree_reduces_to_the_target(case: tuple[Tree, list[str]], target: str) -> None:
    tree, pos = case
    diagram, types, _ = _diagram(tree, pos, target)   # build_diagram checks adjointness and planarity
    assert diagram.cod == Ty(target)
    assert max(len(t) for t in types) <= 2 * MAX_MODIFIER_WIRES + len(tree.heads)


# -- the English parser's routes ----------------------------------------------

REAL = [
    "allows us to hope that nolan is poised to embark a major career as a commercial yet inventive filmmaker .",
    "you do n't have to know about music to appreciate the film 's easygoing blend of comedy and romance .",
    "the acting , costumes , music , cinematography and sound are all astounding given the production 's austere locales .",
    "unflinchingly bleak and desperate",
]


def test_real_sentences_always_get_a_diagram(parser) -> None:
    for analysis in parser.analyse_many(REAL):
        assert analysis.diagram.cod in (S, N)
        assert analysis.route in ("chart", "dependency")
    long = parser.analyse(REAL[0])
    assert long.route == "dependency" and long.notes and long.roles[0].split(":")[0] in ("root", "argument", "modifier")


def test_the_fallback_reads_what_the_chart_cannot(parser) -> None:
    analysis = parser.analyse("the the the")
    assert analysis.route == "dependency" and analysis.notes[0] == "no chart reading"
    with pytest.raises(ParseError, match="no word"):
        parser.parse("%%% @@")                       # no word: still an error
    assert parser.analyse("man prepares tasty meal .").route == "chart"


def test_fragments_take_the_target_asked_for(parser) -> None:
    assert parser.parse(REAL[3], target="s").cod == S
    assert parser.parse(REAL[3], target="n").cod == N


def test_several_sentences_are_joined_or_refused(parser) -> None:
    joined = parser.analyse("Alice runs. Bob sleeps.")
    assert joined.sentences == 2 and joined.route == "dependency" and joined.diagram.cod == S
    assert any("joined" in note for note in joined.notes)
    with pytest.raises(ParseError, match="several sentences"):
        EnglishParser(multi_sentence="raise").parse("Alice runs. Bob sleeps.")
    with pytest.raises(ConfigError, match="fallback"):
        EnglishParser(fallback="guess").parse("Alice runs.")


def test_noise_characters_never_reach_word_names(parser) -> None:
    analysis = parser.analyse("the man\x00 runs \ud800 fast\u200b")
    assert analysis.tokens == ("the", "man", "runs", "fast")


def test_worker_processes_give_the_same_diagrams(parser) -> None:
    texts = REAL + ["man prepares tasty meal .", "Alice runs. Bob sleeps."]
    assert EnglishParser(n_process=2, batch_size=2).parse_many(texts) == parser.parse_many(texts)
    with pytest.raises(ParseError, match="no word"):
        EnglishParser(n_process=2, batch_size=1).parse_many(["man runs .", "%%%", "Bob sleeps ."])
