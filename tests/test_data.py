"""Reading labelled corpora, and the errors for bad files."""

from __future__ import annotations

import collections

import pytest

from qnlp import ConfigError, DataError, load_class_files, load_labelled, load_trec, load_tsv, save_labelled

from conftest import SHARED_DATA, lambeq_data


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


def test_tsv_label_is_the_last_column_and_the_header_is_skipped(tmp_path):
    path = tmp_path / "d.tsv"
    path.write_text("sentence\tlabel\nhide new secretions \t0\n\na\tb with a tab\tpos\n")
    assert load_tsv(path) == (["hide new secretions", "a\tb with a tab"], [0, "pos"])


@pytest.mark.parametrize("line", ["no tab here 1", "\t1", "text only\t "])
def test_malformed_tsv_line_names_file_and_line(tmp_path, line):
    path = tmp_path / "bad.tsv"
    path.write_text(f"good one\t1\n{line}\n")
    with pytest.raises(DataError, match=r"bad\.tsv:2: expected 'sentence<TAB>label'"):
        load_tsv(path)


def test_tsv_header_only_is_empty(tmp_path):
    (tmp_path / "h.tsv").write_text("sentence\tlabel\n")
    with pytest.raises(DataError, match="holds no example"):
        load_tsv(tmp_path / "h.tsv")


def test_class_files_label_each_file(tmp_path):
    (tmp_path / "subjective").write_text("a lovely , moving film . \n\nsheer joy .\n")
    (tmp_path / "objective").write_text("the film is set in 1950 .\n")
    files = {"subj": tmp_path / "subjective", "obj": str(tmp_path / "objective")}
    assert load_class_files(files) == (["a lovely , moving film .", "sheer joy .", "the film is set in 1950 ."], ["subj", "subj", "obj"])


def test_class_files_missing_empty_or_none(tmp_path):
    (tmp_path / "pos").write_text("good .\n")
    (tmp_path / "neg").write_text("\n  \n")
    with pytest.raises(DataError, match="neg.*holds no example.*class 0"):
        load_class_files({1: tmp_path / "pos", 0: tmp_path / "neg"})
    with pytest.raises(DataError, match="nope.*does not exist"):
        load_class_files({1: tmp_path / "pos", 0: tmp_path / "nope"})
    with pytest.raises(DataError, match="no class files"):
        load_class_files({})


def test_trec_coarse_and_fine_labels(tmp_path):
    path = tmp_path / "t.label"
    path.write_text("NUM:dist How far is it from Denver to Aspen ?\nLOC:city What county is Modesto in ?\n")
    assert load_trec(path) == (["How far is it from Denver to Aspen ?", "What county is Modesto in ?"], ["NUM", "LOC"])
    assert load_trec(path, labels="fine")[1] == ["NUM:dist", "LOC:city"]
    with pytest.raises(ConfigError, match="'coarse'.*'fine'"):
        load_trec(path, labels="medium")


def test_trec_falls_back_to_latin_1_and_takes_an_encoding(tmp_path):
    path = tmp_path / "t.label"
    path.write_bytes("HUM:ind Who painted the Mona Lisa in Fran\xe7ais ?\n".encode("iso-8859-1"))
    assert load_trec(path)[0] == ["Who painted the Mona Lisa in Fran\xe7ais ?"]
    with pytest.raises(DataError, match="as utf-8"):
        load_trec(path, encoding="utf-8")
    with pytest.raises(DataError, match="as utf-8"):
        load_tsv(path)  # the other loaders do not guess
    with pytest.raises(ConfigError, match="unknown encoding"):
        load_tsv(path, encoding="klingon")


@pytest.mark.parametrize("line", ["NUM How far ?", "NUM: How far ?", ":dist How far ?", "NUM:dist", "NUM:dist   "])
def test_malformed_trec_line_names_file_and_line(tmp_path, line):
    path = tmp_path / "bad.label"
    path.write_text(f"HUM:ind Who ?\n\n{line}\n")
    with pytest.raises(DataError, match=r"bad\.label:3: expected 'COARSE:fine question'"):
        load_trec(path)


def _corpus(*parts: str):
    """A file of the sentence benchmarks in ../shared/data/sentences, or skip."""
    path = SHARED_DATA.joinpath("sentences", *parts)
    if not path.is_file():
        pytest.skip(f"{path} not found: the sentence benchmarks live in ../shared/data/sentences beside the repo")
    return path


@pytest.mark.parametrize("split, size", [("train", 67349), ("dev", 872), ("test", 1821)])
def test_reads_sst2(split, size):
    sentences, labels = load_tsv(_corpus("sst2", f"{split}.tsv"))
    assert len(sentences) == size and set(labels) == {0, 1}


def test_reads_subj():
    sentences, labels = load_class_files({1: _corpus("subj", "subj.subjective"), 0: _corpus("subj", "subj.objective")})
    assert collections.Counter(labels) == {1: 5000, 0: 5000}


def test_reads_cr():
    # the README counts lines; two lines of each file are blank
    sentences, labels = load_class_files({1: _corpus("cr", "custrev.pos"), 0: _corpus("cr", "custrev.neg")})
    assert collections.Counter(labels) == {1: 2407 - 2, 0: 1368 - 2}


@pytest.mark.parametrize("name, size", [("train_5500.label", 5452), ("TREC_10.label", 500)])
def test_reads_trec(name, size):
    sentences, coarse = load_trec(_corpus("trec", name))
    assert len(sentences) == size
    assert set(coarse) == {"ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"}
    fine = load_trec(_corpus("trec", name), labels="fine")[1]
    assert all(f.split(":")[0] == c for f, c in zip(fine, coarse)) and len(set(fine)) > 40
