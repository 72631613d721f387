"""Protein data loaders: FASTA with labels in headers, and scldata's splits
(skipped when the optional extra is not installed)."""

from __future__ import annotations

import importlib.util

import pytest

from qnlp import ConfigError, DataError
from qnlp.sequences import ProteinSet, load_scldata, read_fasta, scldata_labels

DEEPLOC = """>Q9H400 Cell.membrane-M test
MKVLAA
GGLL
>P63033 Cytoplasm-S
MSTNPKPQRK
; a comment line
>A0A0B4 Nucleus-U
mkv
"""


def test_deeploc_headers(tmp_path):
    path = tmp_path / "deeploc.fasta"
    path.write_text(DEEPLOC)
    data = read_fasta(path)
    assert data.ids == ("Q9H400", "P63033", "A0A0B4")
    assert data.labels == ("Cell.membrane", "Cytoplasm", "Nucleus")
    assert data.sequences[0] == "MKVLAAGGLL"
    assert data.sequences[2] == "mkv"  # kept raw: the reader judges residues
    assert data.X[1] == ("P63033", "MSTNPKPQRK") and len(data) == 3


def test_user_regex_and_unlabelled(tmp_path):
    path = tmp_path / "custom.fa"
    path.write_text(">sp|P1|X label=membrane\nMK\n>sp|P2|Y label=cytoplasm\nVL\n")
    data = read_fasta(path, r"\|(?P<id>\w+)\|.*label=(?P<label>\w+)")
    assert data.ids == ("P1", "P2") and data.y == ["membrane", "cytoplasm"]
    plain = read_fasta(path, None)
    assert plain.labels is None and plain.ids == ("sp|P1|X", "sp|P2|Y")
    with pytest.raises(DataError, match="no labels"):
        plain.y


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "holds no record"),
        ("MKV\n>P1 Cytoplasm-S\nMK\n", r":1: sequence line before any '>' header"),
        (">P1 Cytoplasm-S\n>P2 Membrane-M\nMK\n", r":1: record P1 has no sequence"),
        (">P1 Cytoplasm\nMK\n", r":1: header 'P1 Cytoplasm' does not match the label pattern"),
    ],
)
def test_malformed_fasta_raises_data_error_naming_the_line(tmp_path, text, message):
    path = tmp_path / "bad.fasta"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        read_fasta(path)


def test_missing_file_and_bad_pattern(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        read_fasta(tmp_path / "none.fasta")
    (tmp_path / "a.fasta").write_text(">P1 x\nMK\n")
    with pytest.raises(ConfigError, match=r"needs a named group \(\?P<label>"):
        read_fasta(tmp_path / "a.fasta", r"(\w+)")
    with pytest.raises(ConfigError, match="not a regular expression"):
        read_fasta(tmp_path / "a.fasta", r"(?P<label>")


needs_scldata = pytest.mark.skipif(
    importlib.util.find_spec("scldata") is None,
    reason="scldata is not installed: pip install 'qnlp[proteins]' (p-scldata==2025.6.0)",
)


@needs_scldata
def test_scldata_cytoplasm_vs_membrane_counts():
    assert scldata_labels()[0] == "Cytoplasm" and scldata_labels()[4] == "Membrane"
    test = load_scldata("tst", labels=[0, 4])
    assert isinstance(test, ProteinSet) and len(test) == 981
    assert test.y.count("Cytoplasm") == 377 and test.y.count("Membrane") == 604
    train = load_scldata("trn", labels=["Cytoplasm", "Membrane"], names=False)
    assert len(train) == 5759 and set(train.y) == {0, 4}
    assert len(load_scldata("tst", labels=[0, 4], fold=0)) > 0


@needs_scldata
def test_scldata_bad_options():
    with pytest.raises(ConfigError, match="unknown scldata split 'dev'"):
        load_scldata("dev")
    with pytest.raises(ConfigError, match="unknown scldata location 'Cytosol'"):
        load_scldata("tst", labels=["Cytosol"])
    with pytest.raises(ConfigError, match="no cross-validation fold 9"):
        load_scldata("trn", fold=9)
