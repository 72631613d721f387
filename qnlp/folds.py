"""Index splits for corpora without a fixed test set (SUBJ, CR), or without
a dev set (TREC): seeded k-fold cross-validation with an inner dev split, a
dev split on its own, and training subsets.

Every function returns lists of indices into the corpus, in increasing order,
and is reproducible: the same arguments give the same indices. Given the
labels, splits are stratified: each fold (and each dev split) holds every
class in about its share of the corpus. This matters for small or
unbalanced corpora, where a plain shuffle can leave a fold short of a class.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from qnlp.errors import ConfigError, DataError

__all__ = ["fold_splits", "kfold_splits", "subset", "train_dev_split"]


def _spread(indices: Iterable[int], labels: Sequence[Any] | None, rng: np.random.Generator) -> list[int]:
    """``indices`` in a random order that spreads each class evenly: every
    index is ranked by its quantile among its class's (shuffled) indices, so
    any stretch of the order holds each class in about its share."""
    by_class: dict[Any, list[int]] = {}
    for i in indices:
        by_class.setdefault(None if labels is None else labels[i], []).append(i)
    keyed = []
    for c, members in enumerate(by_class.values()):
        keyed += [((rank + 0.5) / len(members), c, int(i)) for rank, i in enumerate(rng.permutation(members))]
    return [i for *_, i in sorted(keyed)]


def _check_labels(n: int, labels: Sequence[Any] | None) -> None:
    if labels is not None and len(labels) != n:
        raise DataError(f"{len(labels)} labels for {n} examples; give one label per example")


def _holdout(indices: list[int], labels: Sequence[Any] | None, fraction: float, rng: np.random.Generator) -> tuple[list[int], list[int]]:
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 <= fraction < 1:
        raise ConfigError(f"dev_fraction must be a number from 0 up to (not including) 1, got {fraction!r}")
    order = _spread(indices, labels, rng)
    size = min(round(fraction * len(order)), len(order) - 1)  # keep one example to train on
    return sorted(order[size:]), sorted(order[:size])


def kfold_splits(n: int, k: int = 10, seed: int = 0, labels: Sequence[Any] | None = None) -> list[list[int]]:
    """Split ``range(n)`` into ``k`` disjoint folds that cover it.

    Fold sizes differ by at most one. With ``labels`` (one per example) the
    folds are stratified.

    Raises
    ------
    ConfigError
        If ``k`` is not an integer of at least 2.
    DataError
        If there are fewer examples than folds, or ``labels`` has the wrong length.

    >>> kfold_splits(6, k=3)
    [[2, 3], [4, 5], [0, 1]]
    >>> [sorted({"ab"[i % 2] for i in fold}) for fold in kfold_splits(8, k=4, labels="abababab")]
    [['a', 'b'], ['a', 'b'], ['a', 'b'], ['a', 'b']]
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ConfigError(f"the number of folds must be an integer of at least 2, got {k!r}")
    if n < k:
        raise DataError(f"{k} folds need at least {k} examples, got {n}; use fewer folds")
    _check_labels(n, labels)
    order = _spread(range(n), labels, np.random.default_rng(seed))
    return [sorted(order[i * n // k : (i + 1) * n // k]) for i in range(k)]


def train_dev_split(n: int, dev_fraction: float = 0.1, seed: int = 0, labels: Sequence[Any] | None = None) -> tuple[list[int], list[int]]:
    """Hold out ``round(dev_fraction * n)`` of ``range(n)`` as a dev set
    (stratified given ``labels``); returns ``(train, dev)``.

    Raises
    ------
    ConfigError
        If ``dev_fraction`` is not in ``[0, 1)``.
    DataError
        If ``labels`` has the wrong length.

    >>> train, dev = train_dev_split(10, 0.2, labels=[0] * 5 + [1] * 5)
    >>> len(train), len(dev), sorted(i // 5 for i in dev)
    (8, 2, [0, 1])
    """
    _check_labels(n, labels)
    return _holdout(list(range(n)), labels, dev_fraction, np.random.default_rng(seed))


def fold_splits(
    n: int, fold: int, k: int = 10, seed: int = 0, labels: Sequence[Any] | None = None, dev_fraction: float = 0.1
) -> tuple[list[int], list[int], list[int]]:
    """``(train, dev, test)`` indices of cross-validation fold ``fold``.

    ``test`` is fold ``fold`` of :func:`kfold_splits` ``(n, k, seed, labels)``;
    ``dev`` is ``dev_fraction`` of the other folds (so a model is selected on
    dev and never on test) and ``train`` the rest. The dev split changes with
    the fold, and is empty for ``dev_fraction=0``.

    Raises
    ------
    ConfigError
        If ``fold`` is not in ``range(k)``, or as :func:`kfold_splits` and
        :func:`train_dev_split` do.

    >>> train, dev, test = fold_splits(20, fold=0, k=5)
    >>> len(train), len(dev), len(test), sorted(train + dev + test) == list(range(20))
    (14, 2, 4, True)
    """
    folds = kfold_splits(n, k, seed, labels)
    if isinstance(fold, bool) or not isinstance(fold, int) or not 0 <= fold < k:
        raise ConfigError(f"fold must be an integer from 0 to {k - 1} for {k} folds, got {fold!r}")
    rest = sorted(i for j, part in enumerate(folds) if j != fold for i in part)
    train, dev = _holdout(rest, labels, dev_fraction, np.random.default_rng([seed, fold]))
    return train, dev, folds[fold]


def subset(n: int, size: int, seed: int | None = None) -> list[int]:
    """``size`` of ``range(n)`` (all of it if ``n <= size``): the first
    ones for ``seed=None``, else a seeded random choice, in increasing order.

    Raises
    ------
    ConfigError
        If ``size`` is not a positive integer.

    >>> subset(10, 3), subset(10, 3, seed=0), subset(2, 3)
    ([0, 1, 2], [5, 6, 9], [0, 1])
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ConfigError(f"the subset size must be a positive integer, got {size!r}")
    if seed is None or size >= n:
        return list(range(min(size, n)))
    return sorted(int(i) for i in np.random.default_rng(seed).choice(n, size, replace=False))
