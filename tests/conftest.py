"""Shared fixtures: small diagrams, the shared data folder, one English parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from lambeq.backend.grammar import Cup, Diagram, Ty, Word

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

N, S = Ty("n"), Ty("s")


def lambeq_data(name: str) -> Path:
    """A file of the lambeq benchmark corpora in ../shared/data, or skip."""
    path = SHARED_DATA / "lambeq" / name
    if not path.is_file():
        pytest.skip(f"{path} not found: the MC/RP benchmark data lives in ../shared/data/lambeq beside the repo")
    return path


@pytest.fixture(scope="session")
def parser():
    from qnlp.parse import EnglishParser

    return EnglishParser()


@pytest.fixture
def transitive_diagram() -> Diagram:
    """'man cooks tasty dinner' as a pregroup diagram."""
    words = [Word("man", N), Word("cooks", N.r @ S @ N.l), Word("tasty", N @ N.l), Word("dinner", N)]
    return Diagram.create_pregroup_diagram(words, [(Cup, 0, 1), (Cup, 5, 6), (Cup, 3, 4)])


@pytest.fixture
def relative_diagram() -> Diagram:
    """'organisation that church runs' (object relative clause), type n."""
    words = [Word("org", N), Word("that", N.r @ N @ N.l.l @ S.l), Word("church", N), Word("runs", N.r @ S @ N.l)]
    return Diagram.create_pregroup_diagram(words, [(Cup, 0, 1), (Cup, 5, 6), (Cup, 4, 7), (Cup, 3, 8)])
