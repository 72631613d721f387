"""SentenceClassifier: the scikit-learn contract, end to end on the demo corpus."""

from __future__ import annotations

import numpy as np
import pytest

from qnlp import ConfigError, DataError, NotFittedError, ParseError, SentenceClassifier, load_labelled
from qnlp.corpus import demo_corpus_dir


@pytest.fixture(scope="module")
def demo():
    folder = demo_corpus_dir()
    return {name: load_labelled(folder / f"{name}.txt") for name in ("train", "dev", "test")}


@pytest.fixture(scope="module")
def fitted(demo, parser):
    model = SentenceClassifier(epochs=40, seed=0, parser=parser)
    return model.fit(*demo["train"], validation=demo["dev"])


def test_fit_returns_self_and_learns(fitted, demo):
    assert isinstance(fitted, SentenceClassifier)
    assert fitted.classes_ == [0, 1]
    assert fitted.score(*demo["test"]) >= 0.9
    assert len(fitted.history_.records) == 40


def test_predict_proba_columns_follow_classes(fitted, demo):
    sentences = demo["test"][0][:5]
    proba = fitted.predict_proba(sentences)
    assert proba.shape == (5, 2)
    np.testing.assert_allclose(proba.sum(1), 1.0)
    assert fitted.predict(sentences) == [fitted.classes_[i] for i in proba.argmax(1)]


def test_same_seed_same_model(demo, parser):
    train = (demo["train"][0][:20], demo["train"][1][:20])
    a = SentenceClassifier(epochs=3, seed=7, parser=parser).fit(*train)
    b = SentenceClassifier(epochs=3, seed=7, parser=parser).fit(*train)
    np.testing.assert_array_equal(a.params_, b.params_)


def test_save_and_load_give_the_same_predictions(fitted, demo, tmp_path):
    fitted.save(tmp_path / "model")
    loaded = SentenceClassifier.load(tmp_path / "model")
    sentences = demo["test"][0]
    np.testing.assert_array_equal(loaded.predict_proba(sentences), fitted.predict_proba(sentences))
    assert loaded.get_params()["epochs"] == 40
    assert not any(p.suffix == ".pkl" for p in (tmp_path / "model").iterdir())


def test_tampered_parameters_are_detected(fitted, tmp_path):
    fitted.save(tmp_path / "model")
    params = tmp_path / "model" / "params.npz"
    params.write_bytes(params.read_bytes()[:-10])
    with pytest.raises(DataError, match="params.npz does not match its checksum"):
        SentenceClassifier.load(tmp_path / "model")
    with pytest.raises(DataError, match="not found"):
        SentenceClassifier.load(tmp_path / "elsewhere")


def test_any_labels_and_more_than_two_classes(parser):
    sentences = ["man observes planet .", "woman steers ship .", "person sees galaxy .", "man navigates boat ."]
    labels = ["space", "sea", "space", "sea"]
    model = SentenceClassifier(epochs=2, seed=0, parser=parser).fit(sentences, labels)
    assert model.classes_ == ["sea", "space"]
    assert set(model.predict(sentences)) <= {"sea", "space"}
    three = SentenceClassifier(epochs=2, seed=0, parser=parser).fit(sentences, ["a", "b", "c", "a"])
    assert three.sentence_qubits_ == 2
    assert three.predict_proba(sentences).shape == (4, 3)


def test_clone_gives_an_unfitted_twin(fitted):
    twin = type(fitted)(**fitted.get_params())
    assert twin.get_params() == fitted.get_params()
    assert not hasattr(twin, "params_")
    with pytest.raises(NotFittedError, match="call fit"):
        twin.predict(["man observes planet ."])
    assert "epochs=40" in repr(twin)


def test_set_params(fitted):
    model = SentenceClassifier().set_params(epochs=3, n_layers=2)
    assert (model.epochs, model.n_layers) == (3, 2)
    with pytest.raises(ConfigError, match="unknown parameter 'epoch'"):
        model.set_params(epoch=3)


def test_unseen_word_is_named(fitted):
    with pytest.raises(ParseError, match="zebra"):
        fitted.predict(["man observes zebra ."])


def test_bad_training_data(parser):
    model = SentenceClassifier(epochs=1, parser=parser)
    with pytest.raises(DataError, match="2 sentences but 1 labels"):
        model.fit(["man sees ship .", "woman sees moon ."], [1])
    with pytest.raises(DataError, match="only one class"):
        model.fit(["man sees ship .", "woman sees moon ."], [1, 1])
    with pytest.raises(DataError, match="no training data"):
        model.fit([], [])
    with pytest.raises(DataError, match="another type"):
        model.fit(["man sees ship .", "ship that man sees"], [0, 1])
    with pytest.raises(ParseError):
        model.fit(["man sees ship .", "%%% @@@"], [0, 1])
