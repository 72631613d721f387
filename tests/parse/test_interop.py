"""Tests of qnlp.parse.interop and of DisCoPy diagrams accepted where qnlp diagrams are."""

from __future__ import annotations

import pytest
from discopy.grammar import pregroup
from lambeq.backend.grammar import Cup, Diagram, Ty, Word

from qnlp.errors import DataError
from qnlp.parse import describe, to_discopy, to_lambeq
from qnlp.rewrite import Rewriter, replace_unknown, vocabulary

N, S = Ty("n"), Ty("s")


def lambeq_sentence() -> Diagram:
    words = [Word("the", N @ N.l), Word("cat", N), Word("chases", N.r @ S @ N.l), Word("mice", N)]
    return Diagram.create_pregroup_diagram(words, [(Cup, 1, 2), (Cup, 0, 3), (Cup, 5, 6)])


def discopy_sentence() -> pregroup.Diagram:
    n, s = pregroup.Ty("n"), pregroup.Ty("s")
    words = pregroup.Word("Alice", n) @ pregroup.Word("runs", n.r @ s)
    return words >> pregroup.Cup(n, n.r) @ s


def test_round_trip() -> None:
    d = lambeq_sentence()
    there = to_discopy(d)
    assert isinstance(there, pregroup.Diagram)
    assert to_lambeq(there) == d
    assert to_lambeq(d) is d and to_discopy(there) is there
    assert to_lambeq(Word("cat", N)) == Word("cat", N).to_diagram()


def test_discopy_diagrams_work_in_qnlp_functions() -> None:
    d = discopy_sentence()
    assert describe(d) == {"words": [("Alice", "n"), ("runs", "n.r s")], "cups": ["Alice.n ~ runs.n.r"], "codomain": "s"}
    assert vocabulary([d, d], 1) == [("Alice", "n"), ("runs", "n.r @ s")]
    (unk,) = replace_unknown([d], [("runs", "n.r @ s")])
    assert [b.name for b in unk.boxes if isinstance(b, Word)] == ["<UNK>", "runs"]
    assert Rewriter(["normal_form"])(d).cod == S


@pytest.mark.parametrize("bad", [42, "Alice runs", None, [1, 2]])
def test_non_diagrams_are_data_errors(bad: object) -> None:
    with pytest.raises(DataError, match="expected a lambeq or DisCoPy pregroup diagram"):
        to_lambeq(bad)
    with pytest.raises(DataError):
        to_discopy(bad)
