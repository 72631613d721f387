"""Tests of the Bobcat adapter: never downloads, says how to supply a model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lambeq.backend.grammar import Ty

from qnlp.errors import ConfigError
from qnlp.parse import BobcatParser
from qnlp.parse.bobcat import MODEL_ENV


def test_without_a_model_the_error_says_how_to_supply_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODEL_ENV, raising=False)
    parser = BobcatParser()                      # no I/O yet
    with pytest.raises(ConfigError, match=f"model_dir=.*{MODEL_ENV}.*never downloads"):
        parser.parse("Alice runs.")
    with pytest.raises(ConfigError, match="never downloads"):
        parser.parse_many(["Alice runs."])


def test_a_directory_without_model_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        BobcatParser(tmp_path / "missing").parse("Alice runs.")
    with pytest.raises(ConfigError, match=r"not a Bobcat model directory: \['pipeline_config.json'"):
        BobcatParser(tmp_path).parse("Alice runs.")


def test_tokenise_needs_no_model() -> None:
    assert BobcatParser().tokenise("Alice doesn't run.") == ["Alice", "does", "n't", "run", "."]


@pytest.mark.skipif(not os.environ.get(MODEL_ENV), reason=f"set {MODEL_ENV} to a local Bobcat model directory to run")
def test_parses_with_a_local_model() -> None:
    parser = BobcatParser()
    assert parser.parse("Alice runs.").cod == Ty("s")
    batch = parser.parse_many(["Alice runs.", "Bob cooks dinner."], errors="collect")
    assert len(batch.diagrams) == 2
