"""Unknown words: a classifier trained on MC reads test sentences with unseen synonyms through <UNK>."""

from __future__ import annotations

from conftest import lambeq_data

from qnlp import SentenceClassifier
from qnlp.data import load_labelled
from qnlp.rewrite import UNK, vocabulary

SYNONYMS = {"man": "guy", "prepares": "makes"}   # unseen in training: a noun and a transitive verb


def test_mc_with_unseen_synonyms_predicts_through_unk(parser) -> None:
    X, y = load_labelled(lambeq_data("mc_train_data.txt"))
    X_test, y_test = load_labelled(lambeq_data("mc_test_data.txt"))
    swapped = [" ".join(SYNONYMS.get(w, w) for w in text.split()) for text in X_test]
    assert sum(text != orig for text, orig in zip(swapped, X_test)) >= 10
    train_words = {w for text in X for w in text.split()}
    assert not set(SYNONYMS.values()) & train_words

    clf = SentenceClassifier(min_word_count=2, epochs=3, seed=0, parser=parser).fit(X, y)
    assert {word for word, _ in clf.vocabulary_} < train_words     # some training words became <UNK>
    predictions = clf.predict(swapped)
    assert len(predictions) == len(swapped) and set(predictions) <= set(clf.classes_)
    assert clf.predict_proba(swapped).shape == (len(swapped), 2)
    assert 0.0 <= clf.score(swapped, y_test) <= 1.0
    unk_symbols = [s for s in clf.symbols_ if s.startswith(UNK)]
    assert unk_symbols                                            # <UNK> was trained


def test_vocabulary_trains_an_unk_for_every_type(parser) -> None:
    X, _ = load_labelled(lambeq_data("mc_train_data.txt"))
    diagrams = parser.parse_many(X)
    known = vocabulary(diagrams, 2)
    types = {str(box.cod) for d in diagrams for box in d.boxes if not len(box.dom)}
    for ty in types:   # every type keeps all its frequent words but one, the rarest
        words = {box.name for d in diagrams for box in d.boxes if not len(box.dom) and str(box.cod) == ty}
        assert len([w for w, t in known if t == ty]) == len(words) - 1
    assert vocabulary(diagrams, 2, every_type=False) == sorted({(b.name, str(b.cod)) for d in diagrams for b in d.boxes if not len(b.dom)})
