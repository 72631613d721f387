"""Tests of qnlp.parse.draw: pictures and plain-data descriptions of diagrams."""

from __future__ import annotations

from pathlib import Path

import pytest
from lambeq.backend.grammar import Cup, Diagram, Ty, Word

from qnlp.errors import ConfigError
from qnlp.parse import describe, draw_diagram
from qnlp.rewrite import Rewriter

N, S = Ty("n"), Ty("s")
SENTENCE = Diagram.create_pregroup_diagram(
    [Word("the", N @ N.l), Word("man", N), Word("will", N.r @ S @ S.l @ N), Word("run", N.r @ S)],
    [(Cup, 1, 2), (Cup, 0, 3), (Cup, 6, 7), (Cup, 5, 8)])


@pytest.mark.parametrize("name", ["d.png", "d.svg"])
def test_draws_files_with_word_labels(tmp_path: Path, name: str) -> None:
    path = draw_diagram(SENTENCE, tmp_path / name)
    assert path.is_file() and path.stat().st_size > 1000
    if name.endswith(".svg"):
        text = path.read_text(encoding="utf-8")
        assert "<svg" in text


def test_draws_rewritten_and_discopy_diagrams(tmp_path: Path) -> None:
    rewritten = Rewriter(["determiner", "auxiliary"])(SENTENCE)
    assert draw_diagram(rewritten, tmp_path / "r.png").is_file()
    assert draw_diagram(SENTENCE.to_discopy(), tmp_path / "c.png").is_file()
    shown = describe(rewritten)
    assert [w for w, _ in shown["words"]] == ["man", "run"] and shown["boxes"]


def test_bad_extension(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="png"):
        draw_diagram(SENTENCE, tmp_path / "d.jpg")
