"""Run directories: a killed run resumes to the same result; one writer at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import yaml

from qnlp.errors import ConfigError, DataError
from qnlp.runs import resume_run, run_lock
from qnlp.train.checkpoint import load_checkpoint

CONFIG = {"model": {"epochs": 12, "seed": 3, "batch_size": 8}}


def _train(run_dir, config_file):
    return subprocess.Popen(
        [sys.executable, "-m", "qnlp.cli", "train", str(config_file), "--run-dir", str(run_dir), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )


def _params(run_dir):
    with np.load(run_dir / "model" / "params.npz", allow_pickle=False) as data:
        return data["params"]


def test_killed_run_resumes_to_identical_parameters(tmp_path):
    config_file = tmp_path / "c.yaml"
    config_file.write_text(yaml.safe_dump(CONFIG))
    straight = _train(tmp_path / "straight", config_file)
    killed = _train(tmp_path / "killed", config_file)
    checkpoint = tmp_path / "killed" / "checkpoint.npz"
    deadline = time.time() + 120
    while time.time() < deadline:  # kill once a few epochs are saved, mid-way through the next
        if checkpoint.exists() and load_checkpoint(checkpoint)[1]["epoch"] >= 3:
            break
        time.sleep(0.02)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert not (tmp_path / "killed" / "report.json").exists()
    epoch_at_kill = load_checkpoint(checkpoint)[1]["epoch"]
    assert 3 <= epoch_at_kill < 12
    assert straight.wait(timeout=300) == 0, straight.stdout.read().decode()
    report = resume_run(tmp_path / "killed")  # the dead process's lock is stale
    assert report["resumed"] and report["epochs_run"] == 12
    np.testing.assert_array_equal(_params(tmp_path / "killed"), _params(tmp_path / "straight"))
    with pytest.raises(DataError, match="already finished"):
        resume_run(tmp_path / "killed")


def test_edited_config_refuses_to_resume_and_keeps_the_checkpoint(tmp_path):
    from qnlp.config import RunConfig
    from qnlp.runs import train_run

    run_dir = tmp_path / "run"
    train_run(RunConfig(model={"epochs": 2, "seed": 0}), run_dir)
    (run_dir / "report.json").unlink()  # pretend it was interrupted
    config = yaml.safe_load((run_dir / "config.yaml").read_text())
    config["model"]["n_layers"] = 2
    (run_dir / "config.yaml").write_text(yaml.safe_dump(config))
    before = (run_dir / "checkpoint.npz").read_bytes()
    with pytest.raises(DataError, match="another model"):
        resume_run(run_dir)
    assert (run_dir / "checkpoint.npz").read_bytes() == before


def test_a_run_directory_has_one_writer(tmp_path):
    with run_lock(tmp_path):
        with pytest.raises(ConfigError, match=f"in use by process {os.getpid()}"):
            with run_lock(tmp_path):
                pass
    assert not (tmp_path / ".lock").exists()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / ".lock").write_text(f"{__import__('socket').gethostname()} {dead.pid}")
    with run_lock(tmp_path):  # a stale lock is taken over
        assert (tmp_path / ".lock").read_text().endswith(str(os.getpid()))


def test_resume_needs_a_run_directory(tmp_path):
    with pytest.raises(DataError, match="not a run directory"):
        resume_run(tmp_path)
