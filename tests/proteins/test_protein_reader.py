"""Protein reader: tokens, the non-standard letter policy, errors that name
the sequence and position, length policies and the diagrams' shapes."""

from __future__ import annotations

import re

import pytest

from qnlp import ConfigError, SequenceError
from qnlp.parse.proteins import PAD, ProteinGrammar, ProteinReader, load_protein_grammar, structure


def reader(**grammar) -> ProteinReader:
    return ProteinReader(load_protein_grammar().replace(**{"length": "full", **grammar}))


def test_shipped_grammar_loads_with_documented_defaults():
    g = load_protein_grammar()
    assert g.tokens == "residue" and g.length == "windows" and (g.window, g.stride) == (20, 10)
    assert dict(g.nonstandard) == {"U": "C", "O": "K", "B": "unknown", "Z": "unknown", "X": "unknown"}


def test_residue_tokens_and_nonstandard_policy():
    assert reader().tokens("MKUOBZX*") == ("M", "K", "C", "K", "X", "X", "X")


@pytest.mark.parametrize(
    ("sequence", "position", "char"),
    [("MKV1L", 4, "1"), ("MKvL", 3, "v"), ("MK L", 3, " "), ("MK*L", 3, "*"), ("MKJ", 3, "J")],
)
def test_bad_residue_names_sequence_and_position(sequence, position, char):
    with pytest.raises(SequenceError, match=re.escape(f"sequence P12345: cannot read {char!r} at position {position}")):
        reader().tokens(sequence, "P12345")


def test_empty_sequence_is_refused():
    with pytest.raises(SequenceError, match="sequence Q1 is empty"):
        reader().tokens("  ", "Q1")
    with pytest.raises(SequenceError, match="sequence Q2 has no residue left"):
        reader(nonstandard=(("X", "drop"),)).tokens("XX", "Q2")


def test_lowercase_policy_and_error_policy():
    assert reader(lowercase="upper").tokens("mkv") == ("M", "K", "V")
    with pytest.raises(SequenceError, match="position 2"):
        reader(nonstandard=(("X", "error"),)).tokens("MXK", "s")


def test_reduced_alphabet_and_kmers():
    assert reader(tokens="reduced", reduced_alphabet="hpc3").tokens("MKSX") == ("h", "c", "p", "X")
    assert reader(tokens="kmer", k=2).tokens("MKVLA") == ("MK", "VL")
    assert reader(tokens="reduced_kmer", k=2, kmer_stride=1, reduced_alphabet="hp2").tokens("MKV") == ("hp", "ph")
    with pytest.raises(SequenceError, match="fewer than k=3"):
        reader(tokens="kmer", k=3).tokens("MK", "short")


def test_bad_grammar_options_raise_config_error(tmp_path):
    with pytest.raises(ConfigError, match="did you mean 'window'"):
        ProteinGrammar().replace(windw=8)
    with pytest.raises(ConfigError, match="reduced alphabet 'nope' is not defined"):
        reader(tokens="reduced", reduced_alphabet="nope")
    with pytest.raises(ConfigError, match="length 'all' is not one of"):
        reader(length="all")
    bad = tmp_path / "p.yaml"
    bad.write_text("tokens: [residue\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_protein_grammar(bad)
    with pytest.raises(ConfigError, match="does not exist"):
        load_protein_grammar(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="unknown architecture"):
        ProteinReader(architecture="lstm")


def test_length_policies():
    seq = "ACDEFGHIKL"
    assert reader().windows(seq) == (tuple(seq),)
    assert reader(length="truncate", max_length=4).windows(seq) == (tuple("ACDE"),)
    assert reader(length="windows", window=4, stride=3).windows(seq) == (tuple("ACDE"), tuple("EFGH"), tuple("HIKL"))
    assert reader(length="windows", window=4).windows(seq)[-1] == tuple("HIKL")  # the last window is flush with the end
    assert reader(length="windows", window=6).windows("MKV") == (("M", "K", "V", PAD, PAD, PAD),)
    capped = reader(length="windows", window=2, stride=2, max_windows=3).windows(seq)
    assert capped == (("A", "C"), ("F", "G"), ("K", "L"))


def test_rnn_and_cnn_diagrams():
    rnn = ProteinReader(ProteinGrammar(length="full"), "rnn", "hierarchical", segments=2).read("MKVL")[0]
    assert [b.name for b in rnn.boxes][4:] == ["start", "cell_0", "cell_0", "cell_1", "cell_1", "read"]
    assert str(rnn.cod) == "s" and str(rnn.dom) == "Ty()"
    cnn = ProteinReader(ProteinGrammar(length="full"), "cnn", "hierarchical").read("MKVLA")[0]
    assert [b.name for b in cnn.boxes][5:] == ["merge_0", "merge_0", "merge_1", "merge_2", "read"]
    assert structure("cnn", "uniform", 1) == ()
