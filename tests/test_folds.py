"""Cross-validation folds, dev splits and subsets: disjoint, covering,
seeded, stratified, and refused with a clear error when impossible."""

from __future__ import annotations

import collections

import pytest

from qnlp import ConfigError, DataError, fold_splits, kfold_splits, subset, train_dev_split

LABELS = [0] * 30 + [1] * 60 + ["x"] * 10  # unbalanced, with a small class


@pytest.mark.parametrize("n, k", [(10, 10), (23, 5), (100, 10)])
def test_folds_are_disjoint_cover_and_balanced(n, k):
    folds = kfold_splits(n, k, seed=3)
    assert len(folds) == k
    assert sorted(i for fold in folds for i in fold) == list(range(n))
    assert max(map(len, folds)) - min(map(len, folds)) <= 1


def test_folds_are_seeded():
    assert kfold_splits(50, 5, seed=1) == kfold_splits(50, 5, seed=1)
    assert kfold_splits(50, 5, seed=1) != kfold_splits(50, 5, seed=2)


def test_folds_are_stratified():
    for fold in kfold_splits(len(LABELS), 10, seed=0, labels=LABELS):
        assert collections.Counter(LABELS[i] for i in fold) == {0: 3, 1: 6, "x": 1}


@pytest.mark.parametrize("fold", range(5))
def test_fold_splits_partition_and_keep_test_apart(fold):
    train, dev, test = fold_splits(len(LABELS), fold, k=5, seed=0, labels=LABELS, dev_fraction=0.25)
    assert test == kfold_splits(len(LABELS), 5, seed=0, labels=LABELS)[fold]
    assert sorted(train + dev + test) == list(range(len(LABELS)))
    assert not set(train) & set(dev) and not set(dev) & set(test)
    assert len(dev) == 20 and collections.Counter(LABELS[i] for i in dev) == {0: 6, 1: 12, "x": 2}


def test_each_fold_has_its_own_dev_split_and_zero_means_none():
    assert fold_splits(40, 0, k=4)[1] != fold_splits(40, 1, k=4)[1]
    assert fold_splits(40, 2, k=4, seed=7) == fold_splits(40, 2, k=4, seed=7)
    train, dev, test = fold_splits(40, 0, k=4, dev_fraction=0)
    assert dev == [] and len(train) == 30


def test_train_dev_split_is_stratified_and_keeps_a_training_example():
    train, dev = train_dev_split(len(LABELS), 0.1, seed=0, labels=LABELS)
    assert collections.Counter(LABELS[i] for i in dev) == {0: 3, 1: 6, "x": 1}
    assert sorted(train + dev) == list(range(len(LABELS)))
    assert len(train_dev_split(1, 0.9)[0]) == 1


def test_subset_first_or_random():
    assert subset(100, 5) == [0, 1, 2, 3, 4]
    picked = subset(100, 5, seed=0)
    assert picked == subset(100, 5, seed=0) and picked == sorted(set(picked)) and picked != [0, 1, 2, 3, 4]
    assert subset(3, 10, seed=0) == [0, 1, 2]


def test_impossible_splits_are_refused():
    with pytest.raises(ConfigError, match="at least 2"):
        kfold_splits(10, 1)
    with pytest.raises(DataError, match="10 folds need at least 10 examples, got 4"):
        kfold_splits(4, 10)
    with pytest.raises(DataError, match="3 labels for 4 examples"):
        kfold_splits(4, 2, labels=[0, 1, 0])
    with pytest.raises(ConfigError, match="fold must be an integer from 0 to 4"):
        fold_splits(10, 5, k=5)
    with pytest.raises(ConfigError, match="dev_fraction"):
        train_dev_split(10, 1.0)
    with pytest.raises(ConfigError, match="positive integer"):
        subset(10, 0)
