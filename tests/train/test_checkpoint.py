"""Checkpoints: resuming gives the uninterrupted result; damage is detected."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from qnlp.errors import DataError
from qnlp.train import Trainer
from qnlp.train.checkpoint import atomic_write, load_checkpoint, save_checkpoint

from test_trainer import _logistic_objective


def test_resumed_training_is_bitwise_identical(tmp_path):
    train, val = _logistic_objective(seed=0), _logistic_objective(seed=1)
    start = torch.zeros(2, dtype=torch.float64)
    straight, history = Trainer(epochs=10, batch_size=8, seed=5).fit(start, train, val)
    ckpt = tmp_path / "c.npz"
    Trainer(epochs=4, batch_size=8, seed=5).fit(start, train, val, checkpoint=ckpt, fingerprint="m")
    resumed, resumed_history = Trainer(epochs=10, batch_size=8, seed=5).fit(start, train, val, checkpoint=ckpt, resume=True, fingerprint="m")
    assert torch.equal(straight, resumed)
    assert [r.train_loss for r in history.records] == [r.train_loss for r in resumed_history.records]
    assert load_checkpoint(ckpt)[1]["epoch"] == 10


def test_foreign_truncated_and_edited_checkpoints_are_refused(tmp_path):
    ckpt = tmp_path / "c.npz"
    Trainer(epochs=2).fit(torch.zeros(2), _logistic_objective(), checkpoint=ckpt, fingerprint="model-a")
    with pytest.raises(DataError, match="another model"):
        Trainer(epochs=4).fit(torch.zeros(2), _logistic_objective(), checkpoint=ckpt, resume=True, fingerprint="model-b")
    original = ckpt.read_bytes()
    truncated = tmp_path / "t.npz"
    truncated.write_bytes(original[: len(original) // 2])
    with pytest.raises(DataError, match=r"t\.npz is unreadable"):
        load_checkpoint(truncated)
    arrays, header = load_checkpoint(ckpt)
    arrays["theta"] = arrays["theta"] + 1.0
    edited = tmp_path / "e.npz"
    np.savez(edited, **arrays, __header__=np.frombuffer(__import__("json").dumps(header).encode(), dtype=np.uint8))
    with pytest.raises(DataError, match=r"e\.npz does not match its checksum"):
        load_checkpoint(edited)
    with pytest.raises(DataError, match="no checkpoint"):
        load_checkpoint(tmp_path / "missing.npz")
    assert ckpt.read_bytes() == original  # refusing changes nothing


def test_checkpoints_hold_no_pickle(tmp_path):
    save_checkpoint(tmp_path / "c.npz", {"a": np.arange(3.0)}, {"epoch": 1})
    with np.load(tmp_path / "c.npz", allow_pickle=False) as archive:
        assert all(archive[name].dtype != object for name in archive.files)


def test_atomic_write_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "f.json"
    atomic_write(target, b"old")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]
