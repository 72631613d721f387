"""Tests of the demo-corpus generator (qnlp.corpus) and the shipped corpus."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from qnlp import corpus as corpus_module
from qnlp.corpus import SPLITS, demo_corpus_dir, generate_corpus, load_grammar, main, write_corpus
from qnlp.data import load_labelled
from qnlp.errors import ConfigError, DataError

REPO = Path(__file__).resolve().parents[1]
GRAMMAR = REPO / "grammars" / "demo.yaml"
SHIPPED = REPO / "corpora" / "demo"
SHIPPED_SEED = 0


@pytest.fixture(scope="module")
def demo_raw() -> dict[str, Any]:
    return yaml.safe_load(GRAMMAR.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: Any, name: str = "grammar.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# --- the shipped corpus --------------------------------------------------------


def test_regenerating_reproduces_shipped_files_exactly(tmp_path: Path) -> None:
    written = write_corpus(GRAMMAR, tmp_path, seed=SHIPPED_SEED)
    assert set(written) == set(SPLITS)
    for split in SPLITS:
        assert written[split] == tmp_path / f"{split}.txt"
        assert written[split].read_bytes() == (SHIPPED / f"{split}.txt").read_bytes(), (
            f"corpora/demo/{split}.txt is stale; regenerate it with "
            "'python -m qnlp.corpus --grammar grammars/demo.yaml --out corpora/demo --seed 0'"
        )


def test_shipped_files_load_as_generated() -> None:
    generated = generate_corpus(GRAMMAR, seed=SHIPPED_SEED)
    for split in SPLITS:
        assert load_labelled(SHIPPED / f"{split}.txt") == generated[split]


def test_demo_corpus_dir_is_the_shipped_folder() -> None:
    assert demo_corpus_dir() == SHIPPED.resolve()


def test_demo_corpus_dir_missing_raises_data_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus_module, "_REPO_ROOT", tmp_path)
    with pytest.raises(DataError, match="python -m qnlp.corpus"):
        demo_corpus_dir()
    (tmp_path / "corpora" / "demo").mkdir(parents=True)
    (tmp_path / "corpora" / "demo" / "train.txt").write_text("1 man sees moon .\n", encoding="utf-8")
    with pytest.raises(DataError, match="dev.txt, test.txt"):
        demo_corpus_dir()


# --- properties of generated corpora -------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 12345])
def test_splits_have_grammar_sizes_are_balanced_and_disjoint(seed: int, demo_raw: dict[str, Any]) -> None:
    corpus = generate_corpus(GRAMMAR, seed=seed)
    labels_of_topics = sorted(topic["label"] for topic in demo_raw["topics"])
    seen: set[str] = set()
    for split in SPLITS:
        sentences, labels = corpus[split]
        size = demo_raw["sizes"][split]
        assert len(sentences) == len(labels) == size
        assert sorted(set(labels)) == labels_of_topics
        for label in labels_of_topics:
            assert labels.count(label) == size // len(labels_of_topics)
        assert len(set(sentences)) == len(sentences), f"duplicate sentence inside {split}"
        assert not seen & set(sentences), f"{split} shares sentences with an earlier split"
        seen |= set(sentences)


def test_sentences_use_only_supported_shapes_and_vocabulary(demo_raw: dict[str, Any]) -> None:
    grammar = load_grammar(GRAMMAR)
    by_label = {topic.label: topic for topic in grammar.topics}
    for split in SPLITS:
        for sentence, label in zip(*generate_corpus(GRAMMAR)[split]):
            words = sentence.split()
            assert words[-1] == "."
            words = words[:-1]
            assert 3 <= len(words) <= 5
            topic = by_label[label]
            verb_at = next(i for i, w in enumerate(words) if w in topic.words["verb"])
            subject, obj = words[:verb_at], words[verb_at + 1 :]
            assert subject[-1] in topic.words["subject"] and obj[-1] in topic.words["object"]
            assert all(w in topic.words["subject_adjective"] for w in subject[:-1])
            assert all(w in topic.words["object_adjective"] for w in obj[:-1])
            assert len(subject) <= 2 and len(obj) <= 2


def test_topic_is_decidable_from_the_object() -> None:
    grammar = load_grammar(GRAMMAR)
    objects = [set(topic.words["object"]) for topic in grammar.topics]
    assert not objects[0] & objects[1]


def test_same_seed_same_corpus_and_global_random_untouched() -> None:
    state = random.getstate()
    first = generate_corpus(GRAMMAR, seed=7)
    assert random.getstate() == state
    assert generate_corpus(GRAMMAR, seed=7) == first


def test_different_seeds_give_different_corpora() -> None:
    corpora = [generate_corpus(GRAMMAR, seed=seed) for seed in (0, 1, 2)]
    for i in range(len(corpora)):
        for j in range(i + 1, len(corpora)):
            assert corpora[i]["train"][0] != corpora[j]["train"][0]
            assert set(corpora[i]["test"][0]) != set(corpora[j]["test"][0])


def test_main_writes_corpus_and_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nested" / "out"
    assert main(["--grammar", str(GRAMMAR), "--out", str(out), "--seed", "0"]) == 0
    for split in SPLITS:
        assert (out / f"{split}.txt").read_bytes() == (SHIPPED / f"{split}.txt").read_bytes()
    assert "train: 70" in capsys.readouterr().out
    assert main(["--grammar", str(tmp_path / "absent.yaml"), "--out", str(out)]) == 1
    assert "absent.yaml" in capsys.readouterr().err


# --- malformed grammars ----------------------------------------------------------


def _drop(key: str):
    def edit(raw: dict[str, Any]) -> None:
        del raw[key]

    return edit


MALFORMED = {
    "missing sizes": (_drop("sizes"), "sizes"),
    "missing topics": (_drop("topics"), "topics"),
    "missing templates": (_drop("templates"), "templates"),
    "missing sizes.dev": (lambda raw: raw["sizes"].pop("dev"), "sizes.dev"),
    "missing topic label": (lambda raw: raw["topics"][0].pop("label"), "topics[0].label"),
    "missing topic words": (lambda raw: raw["topics"][1].pop("words"), "topics[1].words"),
    "unknown top-level key": (lambda raw: raw.update(size={"train": 2}), "'size'"),
    "unknown template slot": (
        lambda raw: raw["templates"].append("{subject} {verb} {determiner} {object} ."),
        "templates[4]",
    ),
    "unsupported shape": (lambda raw: raw["templates"].append("{subject} {verb} ."), "templates[4]"),
    "unknown word slot": (lambda raw: raw["shared"].update(adverb=["quickly"]), "shared"),
    "empty word list": (lambda raw: raw["topics"][0]["words"].update(object=[]), "topics[0].words.object"),
    "template slot without words": (
        lambda raw: raw["shared"].pop("subject_adjective"),
        "subject_adjective",
    ),
    "non-word entry": (lambda raw: raw["topics"][0]["words"].update(verb=["sees it"]), "topics[0].words.verb"),
    "duplicate labels": (lambda raw: raw["topics"][1].update(label=raw["topics"][0]["label"]), "topics"),
    "single topic": (lambda raw: raw["topics"].pop(), "topics"),
    "sizes larger than distinct sentences": (lambda raw: raw["sizes"].update(train=1000), "sizes"),
    "unbalanced size": (lambda raw: raw["sizes"].update(dev=31), "sizes.dev"),
    "negative size": (lambda raw: raw["sizes"].update(test=-2), "sizes.test"),
    "sentence in two topics": (
        lambda raw: raw["topics"][1]["words"].update(
            verb=raw["topics"][0]["words"]["verb"], object=raw["topics"][0]["words"]["object"]
        ),
        "generated by both",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_grammar_raises_config_error(case: str, tmp_path: Path, demo_raw: dict[str, Any]) -> None:
    edit, key = MALFORMED[case]
    raw = copy.deepcopy(demo_raw)
    edit(raw)
    path = _write(tmp_path, raw)
    with pytest.raises(ConfigError) as info:
        generate_corpus(path)
    message = str(info.value)
    assert str(path) in message
    assert key in message
    assert ";" in message  # problem; fix


def test_invalid_yaml_and_missing_file_raise_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sizes: {train: 70\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.yaml"):
        generate_corpus(bad)
    not_mapping = tmp_path / "list.yaml"
    not_mapping.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="list.yaml"):
        generate_corpus(not_mapping)
    with pytest.raises(ConfigError, match="absent.yaml"):
        generate_corpus(tmp_path / "absent.yaml")


def test_write_corpus_does_not_write_on_malformed_grammar(tmp_path: Path, demo_raw: dict[str, Any]) -> None:
    raw = copy.deepcopy(demo_raw)
    raw["sizes"]["train"] = 10_000
    with pytest.raises(ConfigError):
        write_corpus(_write(tmp_path, raw), tmp_path / "out")
    assert not (tmp_path / "out").exists()
