"""Train on the MC and RP benchmark corpora over several seeds; write JSON.

MC (meaning classification, food vs IT) and RP (relative pronouns) are the
standard small QNLP tasks of Lorenz et al. (2023), read from
../shared/data/lambeq. Each run parses with qnlp's offline English parser,
uses the IQP ansatz with one qubit per noun and sentence wire (RP: zero for
the sentence wire, as in the literature) and exact simulation.

    python benchmarks/train_mc_rp.py [--seeds 5] [--epochs 100] [--out benchmarks/results/mc_rp.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import torch

from qnlp import SentenceClassifier, load_labelled

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lambeq"

TASKS = {
    "MC": {"train": "mc_train_data.txt", "dev": "mc_dev_data.txt", "test": "mc_test_data.txt", "model": {}},
    "RP": {"train": "rp_train_data.txt", "dev": None, "test": "rp_test_data.txt", "model": {"sentence_qubits": 0, "min_word_count": 2}},
}


def run_task(name: str, spec: dict, seeds: int, epochs: int) -> dict:
    train = load_labelled(DATA / spec["train"])
    dev = load_labelled(DATA / spec["dev"]) if spec["dev"] else None
    test = load_labelled(DATA / spec["test"])
    runs = []
    for seed in range(seeds):
        start = time.perf_counter()
        model = SentenceClassifier(epochs=epochs, seed=seed, **spec["model"]).fit(*train, validation=dev)
        seconds = time.perf_counter() - start
        run = {
            "seed": seed,
            "train_accuracy": model.score(*train),
            "test_accuracy": model.score(*test),
            "best_epoch": model.history_.best_epoch,
            "fit_seconds": round(seconds, 2),
            "n_parameters": len(model.params_),
        }
        print(f"{name} seed {seed}: test {run['test_accuracy']:.3f} train {run['train_accuracy']:.3f} ({seconds:.1f} s)", flush=True)
        runs.append(run)
    accuracies = [r["test_accuracy"] for r in runs]
    return {
        "train_size": len(train[0]),
        "dev_size": len(dev[0]) if dev else 0,
        "test_size": len(test[0]),
        "settings": {"ansatz": "iqp", "n_layers": 1, "noun_qubits": 1, "epochs": epochs, **spec["model"]},
        "runs": runs,
        "mean_test_accuracy": statistics.mean(accuracies),
        "std_test_accuracy": statistics.pstdev(accuracies),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "mc_rp.json")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} not found: this benchmark reads the lambeq corpora from ../shared/data/lambeq", file=sys.stderr)
        return 1
    results = {
        "benchmark": "train_mc_rp",
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"python": platform.python_version(), "torch": torch.__version__, "cpus": torch.get_num_threads()},
        "tasks": {name: run_task(name, TASKS[name], args.seeds, args.epochs) for name in args.tasks},
    }
    for name, task in results["tasks"].items():
        print(f"{name}: mean test accuracy {task['mean_test_accuracy']:.3f} ± {task['std_test_accuracy']:.3f} over {args.seeds} seeds")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
