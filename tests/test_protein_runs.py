"""Protein runs: ``task: proteins`` configs (scldata or FASTA data) trained,
resumed, evaluated and used for prediction, through the library and the CLI."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from qnlp.cli import main
from qnlp.config import ProteinDataConfig, load_config, parse_config
from qnlp.errors import ConfigError
from qnlp.protein_api import ProteinClassifier
from qnlp.runs import evaluate_run, load_run_model, train_run
from qnlp.train import trainer
from qnlp.train.checkpoint import load_checkpoint

ROOT = Path(__file__).resolve().parents[1]
MODEL = {"window": 8, "stride": 8, "epochs": 2, "batch_size": 8, "learning_rate": 0.1, "seed": 0}


def _fasta(n: int, seed: int, extra: int = 0) -> str:
    """DeepLoc-style records: membrane sequences hold a hydrophobic stretch
    between polar flanks, cytoplasm ones are polar and charged throughout;
    ``extra`` nucleus records follow."""
    rng = np.random.default_rng(seed)
    polar = list("DEKRSTNQG")

    def residues(letters: list[str], k: int) -> str:
        return "".join(rng.choice(letters, k))

    records = []
    for i in range(n + extra):
        if i >= n:
            label, seq = "Nucleus-U", residues(polar, 12)
        elif i % 2:
            label, seq = "Membrane-M", residues(polar, 2) + residues(list("AVLIFMW"), int(rng.integers(8, 14))) + residues(polar, 2)
        else:
            label, seq = "Cytoplasm-S", residues(polar, int(rng.integers(12, 18)))
        records.append(f">S{seed}{i:03d} {label}\n{seq}\n")
    return "".join(records)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """train/dev/test FASTA files (train with two extra Nucleus records) and
    a config reading them by relative paths, keeping Cytoplasm and Membrane."""
    folder = tmp_path_factory.mktemp("proteins")
    (folder / "data").mkdir()
    (folder / "data" / "train.fasta").write_text(_fasta(16, 0, extra=2))
    (folder / "data" / "dev.fasta").write_text(_fasta(8, 1))
    (folder / "data" / "test.fasta").write_text(_fasta(8, 2))
    config = {
        "task": "proteins",
        "data": {"source": "fasta", "labels": ["Cytoplasm", "Membrane"], "train": "data/train.fasta", "dev": "data/dev.fasta", "test": "data/test.fasta"},
        "model": MODEL,
    }
    (folder / "fasta.yaml").write_text(yaml.safe_dump(config))
    return folder


@pytest.fixture(scope="module")
def run(folder):
    run_dir = folder / "run"
    train_run(load_config(folder / "fasta.yaml"), run_dir)
    return run_dir


def test_fasta_run_writes_its_report_and_config(run, folder):
    report = json.loads((run / "report.json").read_text())
    assert report["classes"] == ["Cytoplasm", "Membrane"]  # Nucleus records were left out
    assert (report["train_size"], report["dev_size"], report["test_size"]) == (16, 8, 8)
    assert report["epochs_run"] == 2 and report["n_parameters"] > 0 and not report["resumed"]
    assert all(0.0 <= report[f"{name}_accuracy"] <= 1.0 for name in ("train", "dev", "test"))
    saved = yaml.safe_load((run / "config.yaml").read_text())
    assert saved["task"] == "proteins"
    assert saved["data"]["train"] == str((folder / "data" / "train.fasta").resolve())
    assert parse_config(saved).to_dict() == saved  # the run's config reads back as written


def test_run_model_and_evaluation(run, folder):
    model = load_run_model(run)
    assert isinstance(model, ProteinClassifier) and model.window == 8
    result = evaluate_run(run, folder / "data" / "test.fasta")
    report = json.loads((run / "report.json").read_text())
    assert result["size"] == 8 and result["accuracy"] == pytest.approx(report["test_accuracy"])
    assert evaluate_run(run, folder / "data" / "train.fasta")["size"] == 16  # the run's labels are kept


def test_interrupted_run_resumes_to_identical_parameters(run, folder, monkeypatch):
    save = trainer.save_checkpoint

    def save_then_stop(path, arrays, header):
        save(path, arrays, header)
        if header["epoch"] == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(trainer, "save_checkpoint", save_then_stop)
    with pytest.raises(KeyboardInterrupt):
        train_run(load_config(folder / "fasta.yaml"), folder / "killed")
    monkeypatch.undo()
    assert not (folder / "killed" / "report.json").exists()
    assert load_checkpoint(folder / "killed" / "checkpoint.npz")[1]["epoch"] == 1
    result = CliRunner().invoke(main, ["train", "--resume", str(folder / "killed"), "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads((folder / "killed" / "report.json").read_text())
    assert report["resumed"] and report["epochs_run"] == 2
    np.testing.assert_array_equal(load_run_model(folder / "killed").params_, load_run_model(run).params_)


def _protein_config(data=None, **model):
    return {"task": "proteins", "data": {"source": "fasta", "train": "t.fasta", **(data or {})}, "model": model}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (_protein_config({"lables": ["Membrane"]}), "unknown key 'lables' in section 'data'; did you mean 'labels'?"),
        (_protein_config(window="twenty"), "model.window must be int | None, got 'twenty'"),
        (_protein_config(ansatz="iqp"), "unknown key 'ansatz' in section 'model'"),
        (_protein_config({"train": None, "dev": "d.fasta"}), "no 'train' data; add data.train, a FASTA file path"),
        (_protein_config({"source": "fastq"}), "data.source must be 'scldata'.*got 'fastq'; did you mean 'fasta'?"),
        ({"task": "proteins", "data": {"train": "t.fasta"}}, "data.source must be .* got none"),
        ({"task": "proteins", "data": {"source": "scldata", "train": "train"}}, "data.train 'train' is not a scldata split"),
        (_protein_config({"labels": "Membrane"}), "data.labels must be a list"),
        ({"task": "proteins", "data": {"source": "scldata", "train": "trn", "label_pattern": "(?P<label>x)"}}, "label_pattern reads FASTA headers"),
        (_protein_config({"label_pattern": r"(\w+)"}), r"needs a named group \(\?P<label>"),
        ({"task": "protein"}, "unknown task 'protein'; did you mean 'proteins'\\? valid tasks: sentences, proteins"),
    ],
)
def test_config_errors(raw, message):
    with pytest.raises(ConfigError, match=message):
        parse_config(raw, "p.yaml")


def test_shipped_scldata_config_parses():
    config = load_config(ROOT / "configs" / "proteins_scl.yaml", ["model.epochs=1"])
    assert config.task == "proteins" and config.model["epochs"] == 1 and config.model["window"] == 20
    assert config.data == ProteinDataConfig("scldata", ("Cytoplasm", "Membrane"), "trn", "evl", "tst")  # split names stay names
    assert parse_config(config.to_dict()) == config


@pytest.mark.skipif(importlib.util.find_spec("scldata") is None, reason="needs the optional scldata package")
def test_shipped_config_reads_scldata_splits():
    from qnlp.runs import _splits

    splits = _splits(load_config(ROOT / "configs" / "proteins_scl.yaml", ["data.train=tst", "data.dev=null"]))
    X, y = splits["test"]
    assert set(splits) == {"train", "test"} and set(y) == {"Cytoplasm", "Membrane"}
    assert isinstance(X[0], tuple) and len(X) == len(y)


def test_cli_trains_evaluates_and_predicts(folder):
    runner = CliRunner()
    run_dir = folder / "cli-run"
    result = runner.invoke(main, ["train", str(folder / "fasta.yaml"), "--set", "model.epochs=1", "--run-dir", str(run_dir), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "test_accuracy" in result.output and json.loads((run_dir / "report.json").read_text())["epochs_run"] == 1
    test_file = str(folder / "data" / "test.fasta")
    evaluated = runner.invoke(main, ["evaluate", str(run_dir), test_file])
    assert evaluated.exit_code == 0, evaluated.output
    assert evaluated.output.startswith("accuracy: ") and "on 8 examples" in evaluated.output
    predicted = runner.invoke(main, ["predict", str(run_dir), "DEKRDLLIVAFLLIKRSD", "--file", test_file])
    assert predicted.exit_code == 0, predicted.output
    lines = [line.split("\t") for line in predicted.output.strip().splitlines()]
    assert len(lines) == 9 and lines[0][2] == "DEKRDLLIVAFLLIKRSD" and lines[1][2] == "S2000"
    assert all(label in {"Cytoplasm", "Membrane"} and 0.5 <= float(p) <= 1 for label, p, _ in lines)
    bad = runner.invoke(main, ["predict", str(run_dir), "MKV*X1"])
    assert bad.exit_code == 1 and bad.output.startswith("error: ")
    assert "task: proteins" in runner.invoke(main, ["train", "--help"]).output


def test_cli_sweeps_a_protein_config(folder):
    result = CliRunner().invoke(
        main, ["train", str(folder / "fasta.yaml"), "--set", "model.epochs=1", "--sweep", "model.seed=0,1", "--run-dir", str(folder / "sweep"), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (folder / "sweep").iterdir() if p.is_dir()) == ["seed=0", "seed=1"]
    summary = json.loads((folder / "sweep" / "summary.json").read_text())
    assert len(summary["runs"]) == 2 and "test_accuracy_mean" in summary
