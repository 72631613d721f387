"""Property-based tests: whatever bytes or text come in, only qnlp's own
exceptions come out of the loaders, the config reader and the model loader."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qnlp import QnlpError, SentenceClassifier, load_labelled
from qnlp.config import MODEL_KEYS, load_config, parse_config
from qnlp.train.checkpoint import load_checkpoint

FAST = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


@FAST
@given(content=st.binary(max_size=2000))
def test_loader_raises_only_data_errors_on_any_bytes(tmp_path, content):
    path = tmp_path / "data.txt"
    path.write_bytes(content)
    try:
        sentences, labels = load_labelled(path)
    except QnlpError:
        return
    assert len(sentences) == len(labels) > 0
    assert all(s.strip() for s in sentences)


@FAST
@given(lines=st.lists(st.text(max_size=200), max_size=30))
def test_loader_on_any_unicode_lines(tmp_path, lines):
    path = tmp_path / "data.txt"
    path.write_bytes("\n".join(lines).encode("utf-8", errors="replace"))
    try:
        load_labelled(path)
    except QnlpError:
        pass


@FAST
@given(raw=json_values)
def test_config_parser_raises_only_config_errors(raw):
    try:
        config = parse_config(raw)
    except QnlpError:
        return
    assert set(config.model) <= set(MODEL_KEYS)  # anything else was refused


@FAST
@given(text=st.text(max_size=500))
def test_config_files_of_any_text(tmp_path, text):
    path = tmp_path / "c.yaml"
    path.write_bytes(text.encode("utf-8", errors="replace"))
    try:
        load_config(path)
    except QnlpError:
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config=st.binary(max_size=300), params=st.binary(max_size=300))
def test_model_loader_raises_only_data_errors(tmp_path, config, params):
    (tmp_path / "config.json").write_bytes(config)
    (tmp_path / "params.npz").write_bytes(params)
    try:
        SentenceClassifier.load(tmp_path)
    except QnlpError:
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=json_values, content=st.binary(max_size=300))
def test_checkpoint_loader_raises_only_data_errors(tmp_path, header, content):
    path = tmp_path / "c.npz"
    path.write_bytes(content + json.dumps(header, default=str).encode())
    try:
        load_checkpoint(path)
    except QnlpError:
        pass


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300) | st.from_regex(r"([a-z]{1,8} ){0,12}[a-z]{1,8} ?\.?", fullmatch=True))
def test_english_parser_raises_only_parse_errors(parser, text):
    try:
        diagram = parser.parse(text)
    except QnlpError:
        return
    assert str(diagram.cod) in {"s", "n"}


def test_resource_limits_are_enforced(parser):
    import pytest

    from qnlp.errors import ParseError
    from qnlp.parse.english import MAX_CHARACTERS, MAX_WORDS

    with pytest.raises(ParseError, match="more than the limit of"):
        parser.parse("man " * (MAX_WORDS + 1) + "runs")
    with pytest.raises(ParseError, match="characters"):
        parser.parse("a" * (MAX_CHARACTERS + 1))


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.text(max_size=3000) | st.text(alphabet="ACDEFGHIKLMNPQRSTVWYXBZUO", max_size=6000))
def test_protein_reader_raises_only_sequence_errors(sequence):
    from qnlp.parse.proteins import ProteinReader

    try:
        residues = ProteinReader().residues(sequence, "fuzz")
    except QnlpError:
        return
    assert residues


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2000) | st.text(max_size=2000).map(lambda t: (">P1 Cytoplasm-S\n" + t).encode("utf-8", "replace")))
def test_fasta_reader_raises_only_data_errors(tmp_path, content):
    from qnlp.sequences import read_fasta

    path = tmp_path / "p.fasta"
    path.write_bytes(content)
    try:
        read_fasta(path)
    except QnlpError:
        pass
