"""The trainer: learns, is reproducible, stops early, records its history."""

from __future__ import annotations

import json
import math

import pytest
import torch

from qnlp.errors import ConfigError
from qnlp.train import History, Objective, Trainer


def _logistic_objective(n: int = 40, seed: int = 0) -> Objective:
    """A separable two-class problem: p(class 1) = sigmoid(theta . x)."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 2, generator=generator, dtype=torch.float64)
    targets = (x[:, 0] + 0.5 * x[:, 1] > 0).long()

    def predict(theta: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        p1 = torch.sigmoid(x[rows] @ theta)
        return torch.stack([1 - p1, p1], dim=1)

    return Objective(predict, targets)


def test_learns_a_separable_problem():
    theta, history = Trainer(epochs=60, batch_size=8, learning_rate=0.1).fit(torch.zeros(2), _logistic_objective())
    assert history.records[-1].train_accuracy >= 0.95
    assert history.records[-1].train_loss < history.records[0].train_loss
    assert theta.requires_grad is False


def test_same_seed_same_result_and_input_untouched():
    start = torch.zeros(2, dtype=torch.float64)
    a, _ = Trainer(epochs=5, seed=3).fit(start, _logistic_objective())
    b, _ = Trainer(epochs=5, seed=3).fit(start, _logistic_objective())
    c, _ = Trainer(epochs=5, seed=4).fit(start, _logistic_objective())
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert torch.equal(start, torch.zeros(2, dtype=torch.float64))


def test_early_stopping_keeps_the_best_epoch():
    train = _logistic_objective(seed=0)
    flipped = Objective(train.predict, 1 - train.targets)  # validation that only gets worse
    theta, history = Trainer(epochs=50, patience=3).fit(torch.zeros(2), train, flipped)
    assert history.stopped_early
    assert len(history.records) == history.best_epoch + 3
    best = history.records[history.best_epoch - 1]
    assert flipped.evaluate(theta)[0] == pytest.approx(best.val_loss)


def test_history_saves_as_json_and_csv(tmp_path):
    _, history = Trainer(epochs=3).fit(torch.zeros(2), _logistic_objective(), _logistic_objective(seed=1))
    history.save(tmp_path / "m.json")
    history.save(tmp_path / "m.csv")
    again = History.from_dict(json.loads((tmp_path / "m.json").read_text()))
    assert again == history
    rows = (tmp_path / "m.csv").read_text().strip().splitlines()
    assert rows[0].startswith("epoch,train_loss,train_accuracy,val_loss,val_accuracy")
    assert len(rows) == 4
    with pytest.raises(ConfigError, match=".json or .csv"):
        history.save(tmp_path / "m.txt")


def test_without_validation_metrics_are_nan():
    _, history = Trainer(epochs=2).fit(torch.zeros(2), _logistic_objective())
    assert math.isnan(history.records[0].val_loss)


@pytest.mark.parametrize("bad", [{"epochs": 0}, {"batch_size": 1.5}, {"learning_rate": -1}, {"patience": 0}])
def test_bad_settings_raise_config_error(bad):
    with pytest.raises(ConfigError, match=next(iter(bad))):
        Trainer(**bad).fit(torch.zeros(2), _logistic_objective())
