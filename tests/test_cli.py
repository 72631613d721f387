"""The qnlp command, as a user runs it."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from qnlp.cli import main
from qnlp.corpus import demo_corpus_dir


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A short training run on the demo corpus, through the CLI."""
    folder = tmp_path_factory.mktemp("cli")
    config = folder / "small.yaml"
    demo = demo_corpus_dir()
    config.write_text(yaml.safe_dump({
        "data": {"train": str(demo / "train.txt"), "dev": str(demo / "dev.txt"), "test": str(demo / "test.txt")},
        "model": {"epochs": 15, "seed": 0},
    }))
    result = CliRunner().invoke(main, ["train", str(config), "--run-dir", str(folder / "run"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "test_accuracy" in result.output
    return folder / "run"


def test_train_writes_a_run_directory(run_dir):
    for name in ("config.yaml", "metrics.json", "metrics.csv", "report.json", "model/config.json", "model/params.npz"):
        assert (run_dir / name).is_file(), name
    report = json.loads((run_dir / "report.json").read_text())
    assert report["test_size"] == 30
    assert 0.0 <= report["test_accuracy"] <= 1.0
    assert report["epochs_run"] == 15


def test_train_refuses_an_existing_run(runner, run_dir):
    result = runner.invoke(main, ["train", "--run-dir", str(run_dir)])
    assert result.exit_code == 1
    assert "already holds a run" in result.output


def test_predict(runner, run_dir):
    result = runner.invoke(main, ["predict", str(run_dir), "woman observes distant planet .", "man steers old ship ."])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    label, probability, sentence = lines[0].split("\t")
    assert label in {"0", "1"} and 0.5 <= float(probability) <= 1 and sentence.startswith("woman")


def test_predict_missing_run_directory(runner, tmp_path):
    result = runner.invoke(main, ["predict", str(tmp_path / "nope"), "man sees ship ."])
    assert result.exit_code == 1
    assert "is not a run directory" in result.output


def test_unknown_config_key_is_named(runner, tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("model:\n  epoch: 3\n")
    result = runner.invoke(main, ["train", str(config), "--run-dir", str(tmp_path / "run")])
    assert result.exit_code == 1
    assert "unknown key 'epoch'" in result.output and "did you mean 'epochs'" in result.output
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    "text, message",
    [("data: [1, 2]\n", "must be a mapping"), ("model: {epochs: 2\n", "not valid YAML"),
     ("data:\n  dev: x.txt\n", "no 'train' file"), ("extra: 1\n", "unknown key 'extra'")],
)
def test_malformed_configs(runner, tmp_path, text, message):
    config = tmp_path / "c.yaml"
    config.write_text(text)
    result = runner.invoke(main, ["train", str(config), "--run-dir", str(tmp_path / "run")])
    assert result.exit_code == 1
    assert message in result.output


def test_missing_config_and_data_files(runner, tmp_path):
    result = runner.invoke(main, ["train", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1 and "does not exist" in result.output
    config = tmp_path / "c.yaml"
    config.write_text("data:\n  train: missing.txt\n")
    result = runner.invoke(main, ["train", str(config), "--run-dir", str(tmp_path / "run")])
    assert result.exit_code == 1 and "missing.txt" in result.output and "does not exist" in result.output


def test_parse_prints_and_draws(runner, tmp_path):
    result = runner.invoke(main, ["parse", "Alice cooks tasty dinner .", "--draw", str(tmp_path / "d.png")])
    assert result.exit_code == 0, result.output
    assert "cooks   n.r s n.l" in result.output
    assert "Alice.n ~ cooks.n.r" in result.output
    assert "codomain: s" in result.output
    assert (tmp_path / "d.png").read_bytes()[:4] == b"\x89PNG"
    as_json = json.loads(runner.invoke(main, ["parse", "man that cooks", "--json"]).output)
    assert as_json["codomain"] == "n"


@pytest.mark.parametrize("text", ["", "   ", "%%% @@@"])
def test_parse_bad_input(runner, text):
    result = runner.invoke(main, ["parse", text])
    assert result.exit_code == 1
    assert result.output.startswith("error: ")


def test_help_explains_every_command(runner):
    for command in ([], ["train"], ["evaluate"], ["predict"], ["parse"], ["draw"], ["compile"], ["report"]):
        result = runner.invoke(main, command + ["--help"])
        assert result.exit_code == 0
        assert "Usage:" in result.output


def test_set_overrides_and_checks_types(runner, tmp_path):
    result = runner.invoke(main, ["train", "--set", "model.epochs=2", "--set", "model.seed=1", "--run-dir", str(tmp_path / "r"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "r" / "report.json").read_text())["epochs_run"] == 2
    bad = runner.invoke(main, ["train", "--set", "model.epochs=two", "--run-dir", str(tmp_path / "s")])
    assert bad.exit_code == 1 and "model.epochs must be int" in bad.output
    malformed = runner.invoke(main, ["train", "--set", "epochs", "--run-dir", str(tmp_path / "t")])
    assert malformed.exit_code == 1 and "SECTION.KEY=VALUE" in malformed.output


def test_sweep_over_three_seeds_on_mc(runner, tmp_path):
    from conftest import lambeq_data

    config = tmp_path / "mc.yaml"
    config.write_text(yaml.safe_dump({
        "data": {"train": str(lambeq_data("mc_train_data.txt")), "test": str(lambeq_data("mc_test_data.txt"))},
        "model": {"epochs": 8},
    }))
    result = runner.invoke(main, ["train", str(config), "--sweep", "model.seed=0,1,2", "--run-dir", str(tmp_path / "sweep"), "--quiet"])
    assert result.exit_code == 0, result.output
    runs = sorted(p.name for p in (tmp_path / "sweep").iterdir() if p.is_dir())
    assert runs == ["seed=0", "seed=1", "seed=2"]
    summary = json.loads((tmp_path / "sweep" / "summary.json").read_text())
    accuracies = [r["test_accuracy"] for r in summary["runs"]]
    assert summary["test_accuracy_mean"] == pytest.approx(sum(accuracies) / 3)
    assert "test_accuracy_std" in summary
    assert "mean ± std" in result.output
    assert (tmp_path / "sweep" / "summary.csv").read_text().splitlines()[-2].startswith("mean")


def test_evaluate_and_predict_from_a_file(runner, run_dir, tmp_path):
    result = runner.invoke(main, ["evaluate", str(run_dir), str(demo_corpus_dir() / "test.txt")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("accuracy: ") and "on 30 examples" in result.output
    sentences = tmp_path / "s.txt"
    sentences.write_text("man sees moon .\n\nwoman steers boat .\n")
    result = runner.invoke(main, ["predict", str(run_dir), "--file", str(sentences)])
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == 2
    missing = runner.invoke(main, ["evaluate", str(run_dir), str(tmp_path / "nope.txt")])
    assert missing.exit_code == 1 and "does not exist" in missing.output


def test_report_plots_training_curves(runner, run_dir, tmp_path):
    result = runner.invoke(main, ["report", str(run_dir), "--out", str(tmp_path / "curves.png")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"
    assert "test_accuracy" in result.output
    missing = runner.invoke(main, ["report", str(tmp_path)])
    assert missing.exit_code == 1 and "not a run directory" in missing.output


def test_draw_diagram_and_circuit(runner, tmp_path):
    result = runner.invoke(main, ["draw", "woman observes bright moon .", "--out", str(tmp_path / "d.svg"), "--circuit", str(tmp_path / "c.png")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "d.svg").read_text().lstrip().startswith("<?xml")
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    bad = runner.invoke(main, ["draw", "woman observes bright moon .", "--out", str(tmp_path / "d.txt")])
    assert bad.exit_code == 1 and ".png" in bad.output


def test_compile_prints_metrics_before_and_after(runner, tmp_path):
    result = runner.invoke(main, ["compile", "skillful man prepares tasty sauce .", "--json", "--draw", str(tmp_path / "b.png"), str(tmp_path / "a.png")])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output[: result.output.rindex("}") + 1])
    assert metrics["after"]["post_selected"] < metrics["before"]["post_selected"]
    assert metrics["after"]["qubits"] < metrics["before"]["qubits"]
    assert metrics["after"]["survival"] > metrics["before"]["survival"]
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    bad = runner.invoke(main, ["compile", "man sees ship .", "--qubits", "n:1"])
    assert bad.exit_code == 1 and "TYPE=N" in bad.output


def test_parse_with_a_lexicon(runner):
    result = runner.invoke(main, ["parse", "skillful woman prepares tasty meal .", "--lexicon", "mc"])
    assert result.exit_code == 0, result.output
    assert "prepares  n.r s n.l" in result.output
    unknown = runner.invoke(main, ["parse", "zebra eats", "--lexicon", "mc"])
    assert unknown.exit_code == 1 and "not in the lexicon" in unknown.output
