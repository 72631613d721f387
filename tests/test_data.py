"""Reading labelled corpora, and the errors for bad files."""

from __future__ import annotations

import pytest

from qnlp import DataError, load_labelled, save_labelled

from conftest import lambeq_data


def test_round_trip(tmp_path):
    path = tmp_path / "d.txt"
    save_labelled(path, ["a b .", "c d ."], [1, "x"])
    assert load_labelled(path) == (["a b .", "c d ."], [1, "x"])


def test_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("\n1 woman cooks meal .\n\n0 man debugs program .")
    assert load_labelled(path)[1] == [1, 0]


def test_malformed_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("1 woman cooks meal .\n0\n")
    with pytest.raises(DataError, match=r"bad\.txt:2: expected 'LABEL sentence'"):
        load_labelled(path)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_labelled(tmp_path / "nope.txt")
    (tmp_path / "empty.txt").write_text("\n\n")
    with pytest.raises(DataError, match="holds no example"):
        load_labelled(tmp_path / "empty.txt")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(DataError, match="cannot read"):
        load_labelled(tmp_path / "binary.txt")


def test_mismatched_lengths_on_save(tmp_path):
    with pytest.raises(DataError, match="2 sentences but 1 labels"):
        save_labelled(tmp_path / "d.txt", ["a", "b"], [1])


@pytest.mark.parametrize("name, size", [("mc_train_data.txt", 70), ("mc_test_data.txt", 30), ("rp_test_data.txt", 31)])
def test_reads_the_lambeq_corpora(name, size):
    sentences, labels = load_labelled(lambeq_data(name))
    assert len(sentences) == size
    assert set(labels) == {0, 1}
