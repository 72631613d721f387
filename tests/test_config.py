"""Run configs' ``data`` section for sentences: formats, folds, dev splits and
subsets, checked when read, and the splits a run gets from them."""

from __future__ import annotations

import collections

import pytest
import yaml

from qnlp.config import DataConfig, load_config, parse_config
from qnlp.errors import ConfigError
from qnlp.runs import _sentence_splits

from conftest import SHARED_DATA


def _config(folder, data, name="c.yaml"):
    path = folder / name
    path.write_text(yaml.safe_dump({"data": data}))
    return load_config(path)


@pytest.fixture
def corpus(tmp_path):
    """Small files of each format under tmp_path/data."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.tsv").write_text("".join(f"sentence {i}\t{i % 2}\n" for i in range(20)))
    (data / "test.tsv").write_text("a test\t1\nanother test\t0\n")
    (data / "pos").write_text("".join(f"good {i} .\n" for i in range(30)))
    (data / "neg").write_text("".join(f"bad {i} .\n" for i in range(10)))
    (data / "q.label").write_text("NUM:dist How far ?\nHUM:ind Who ?\nNUM:date When ?\nLOC:city Where ?\n")
    return tmp_path


def test_tsv_files_relative_to_the_config(corpus):
    config = _config(corpus, {"format": "tsv", "train": "data/train.tsv", "test": "data/test.tsv"})
    assert config.data.train == str(corpus / "data" / "train.tsv")
    splits = _sentence_splits(config)
    assert list(splits) == ["train", "test"]
    assert splits["test"] == (["a test", "another test"], [1, 0])


def test_class_files_with_folds_give_stratified_train_dev_test(corpus):
    data = {"format": "class_files", "files": {1: "data/pos", 0: "data/neg"}, "folds": 5, "fold": 2, "dev_fraction": 0.25}
    config = _config(corpus, data)
    assert config.data.files == {1: str(corpus / "data" / "pos"), 0: str(corpus / "data" / "neg")}
    splits = _sentence_splits(config)
    sizes = {name: collections.Counter(labels) for name, (_, labels) in splits.items()}
    assert sizes == {"train": {1: 18, 0: 6}, "dev": {1: 6, 0: 2}, "test": {1: 6, 0: 2}}
    every = [s for inputs, _ in splits.values() for s in inputs]
    assert len(every) == len(set(every)) == 40
    assert _sentence_splits(config) == splits  # seeded
    other = _sentence_splits(_config(corpus, {**data, "fold": 3}))
    assert not set(other["test"][0]) & set(splits["test"][0])


def test_trec_labels_dev_fraction_and_limit(corpus):
    config = _config(corpus, {"format": "trec", "train": "data/q.label", "labels": "fine", "dev_fraction": 0.25})
    splits = _sentence_splits(config)
    assert len(splits["train"][0]) == 3 and len(splits["dev"][0]) == 1
    assert set(splits["train"][1] + splits["dev"][1]) == {"NUM:dist", "HUM:ind", "NUM:date", "LOC:city"}
    first = _sentence_splits(_config(corpus, {"format": "trec", "train": "data/q.label", "limit": 2}))
    assert first["train"] == (["How far ?", "Who ?"], ["NUM", "HUM"])


def test_random_subset_is_seeded(corpus):
    data = {"format": "tsv", "train": "data/train.tsv", "limit": 5, "sample": "random", "seed": 4}
    picked = _sentence_splits(_config(corpus, data))["train"]
    assert len(picked[0]) == 5 and picked != _sentence_splits(_config(corpus, {**data, "sample": "first"}))["train"]
    assert picked == _sentence_splits(_config(corpus, data))["train"]


def test_config_round_trips_through_its_dict(corpus):
    config = _config(corpus, {"format": "class_files", "files": {1: "data/pos", 0: "data/neg"}, "folds": 4, "limit": 9})
    assert parse_config(config.to_dict()) == config
    assert parse_config(parse_config({}).to_dict()).data == DataConfig()  # the demo corpus


@pytest.mark.parametrize(
    "data, message",
    [
        ({"formt": "tsv"}, "unknown key 'formt'.*did you mean 'format'"),
        ({"format": "csv", "train": "x"}, "data.format 'csv' is unknown; did you mean 'tsv'"),
        ({"format": "tsv"}, r"data gives \['format'\] but no 'train' file"),
        ({"train": 3}, "data.train must be a file path, got 3"),
        ({"format": "class_files", "files": {1: "a"}}, "at least two classes"),
        ({"format": "class_files", "files": ["a", "b"]}, "data.files must be a mapping"),
        ({"format": "class_files", "files": {1: "a", 0: "b"}, "train": "c"}, "remove data.train"),
        ({"train": "x", "files": {1: "a", 0: "b"}}, "set data.format: class_files"),
        ({"train": "x", "labels": "fine"}, "data.labels .* is for data.format trec"),
        ({"format": "trec", "train": "x", "labels": "fin"}, "did you mean 'fine'"),
        ({"train": "x", "folds": 1}, "data.folds must be a number of cross-validation folds, at least 2"),
        ({"train": "x", "folds": True}, "data.folds must be"),
        ({"train": "x", "test": "y", "folds": 10}, "remove data.dev and data.test"),
        ({"train": "x", "folds": 10, "fold": 10}, "data.fold must be from 0 to 9"),
        ({"train": "x", "fold": 3}, "add data.folds"),
        ({"train": "x", "dev": "y", "dev_fraction": 0.1}, "remove one of them"),
        ({"train": "x", "dev_fraction": 1.5}, "data.dev_fraction must be a number from 0"),
        ({"train": "x", "limit": 0}, "data.limit must be a number of training examples"),
        ({"train": "x", "sample": "random"}, "add data.limit"),
        ({"train": "x", "limit": 5, "sample": "rand"}, "did you mean 'random'"),
        ({"train": "x", "seed": -1}, "data.seed must be a non-negative integer"),
    ],
)
def test_bad_data_sections_are_refused_when_read(data, message):
    with pytest.raises(ConfigError, match=message):
        parse_config({"data": data}, "c.yaml")


def test_sst2_config_from_the_shared_data(tmp_path):
    folder = SHARED_DATA / "sentences" / "sst2"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found: the sentence benchmarks live in ../shared/data/sentences beside the repo")
    data = {"format": "tsv", "train": str(folder / "train.tsv"), "dev": str(folder / "dev.tsv"), "limit": 100, "sample": "random"}
    splits = _sentence_splits(_config(tmp_path, data))
    assert len(splits["train"][0]) == 100 and len(splits["dev"][0]) == 872
