"""Training with shots, as on a quantum device: MC on Aer, noiseless and with
a real device's noise model, with SPSA and with parameter-shift gradients;
and qnlp's SPSA epoch time against lambeq's ``TketModel`` + ``QuantumTrainer``
on the same diagrams, shots and backend. Writes JSON.

    python benchmarks/train_shots.py [--seeds 3] [--shots 1024] [--noisy aer:FakeManilaV2]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from qnlp import SentenceClassifier, load_labelled
from qnlp.backends.shots import SurvivalWarning
from qnlp.parse import EnglishParser

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lambeq"


def mc() -> dict:
    return {name: load_labelled(DATA / f"mc_{name}_data.txt") for name in ("train", "dev", "test")}


def train_qnlp(data: dict, backend: str, gradient: str, seed: int, epochs: int, shots: int, lr: float, batch: int, parser) -> dict:
    start = time.perf_counter()
    model = SentenceClassifier(backend=backend, gradient=gradient, shots=shots, epochs=epochs, learning_rate=lr,
                               seed=seed, batch_size=batch, parser=parser)
    model.fit(*data["train"], validation=data["dev"])
    seconds = time.perf_counter() - start
    exact = SentenceClassifier.load(_roundtrip(model))  # the same parameters, read out exactly
    exact.backend = "exact"
    return {
        "seed": seed,
        "test_accuracy_shots": model.score(*data["test"]),
        "test_accuracy_exact_readout": exact.score(*data["test"]),
        "best_epoch": model.history_.best_epoch,
        "seconds": round(seconds, 1),
        "seconds_per_epoch": round(seconds / len(model.history_.records), 2),
    }


def _roundtrip(model: SentenceClassifier) -> Path:
    import tempfile

    return model.save(Path(tempfile.mkdtemp()) / "model")


def lambeq_epoch_time(data: dict, epochs: int, shots: int, parser) -> float:
    """Seconds per epoch of lambeq's own shot pipeline with SPSA."""
    from lambeq import Dataset, IQPAnsatz, QuantumTrainer, SPSAOptimizer, TketModel
    from lambeq.backend.grammar import Ty
    from pytket.extensions.qiskit import AerBackend

    from qnlp.backends.registry import _single_threaded

    ansatz = IQPAnsatz({Ty("n"): 1, Ty("s"): 1}, n_layers=1)
    circuits = {k: [ansatz(d) for d in parser.parse_many(v[0])] for k, v in data.items()}
    labels = {k: [[1 - y, y] for y in v[1]] for k, v in data.items()}
    model = TketModel.from_diagrams(circuits["train"] + circuits["dev"],
                                    backend_config={"backend": _single_threaded(AerBackend()), "compilation": AerBackend().default_compilation_pass(2), "shots": shots})

    def loss(y_hat, y):
        return float(-np.sum(np.array(y) * np.log(np.clip(y_hat, 1e-9, 1))) / len(y))

    trainer = QuantumTrainer(model, loss_function=loss, epochs=epochs, optimizer=SPSAOptimizer,
                             optim_hyperparams={"a": 0.05, "c": 0.06, "A": 0.01 * epochs}, verbose="suppress", seed=0)
    start = time.perf_counter()
    trainer.fit(Dataset(circuits["train"], labels["train"], batch_size=16), Dataset(circuits["dev"], labels["dev"], shuffle=False))
    return (time.perf_counter() - start) / epochs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--shots", type=int, default=1024)
    parser.add_argument("--spsa-epochs", type=int, default=120)
    parser.add_argument("--shift-epochs", type=int, default=30)
    parser.add_argument("--noisy", default="aer:FakeManilaV2")
    parser.add_argument("--compare-epochs", type=int, default=3)
    parser.add_argument("--skip-lambeq", action="store_true")
    parser.add_argument("--only", choices=["noiseless", "noisy", "compare"], help="Run one part only.")
    parser.add_argument("--gradient", choices=["spsa", "parameter-shift"], help="Run the runs of one gradient only.")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "train_shots.json")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} not found: this benchmark reads the lambeq corpora from ../shared/data/lambeq", file=sys.stderr)
        return 1
    warnings.simplefilter("ignore", SurvivalWarning)
    english = EnglishParser()
    data = mc()
    results: dict = {
        "benchmark": "train_shots",
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"python": platform.python_version(), "torch": torch.__version__},
        "settings": {"shots": args.shots, "spsa_epochs": args.spsa_epochs, "shift_epochs": args.shift_epochs, "ansatz": "iqp, 1 qubit per n and s"},
        "runs": {},
    }
    # SPSA: many small steps (batches of 8, a = 0.2); parameter-shift: Adam, batches of 16
    plans = [("aer", "spsa", args.spsa_epochs, 0.2, 8), ("aer", "parameter-shift", args.shift_epochs, 0.1, 16),
             (args.noisy, "spsa", args.spsa_epochs, 0.2, 8), (args.noisy, "parameter-shift", args.shift_epochs, 0.1, 16)]
    if args.only == "compare":
        plans = []
    elif args.only:
        plans = [p for p in plans if (p[0] == "aer") == (args.only == "noiseless")]
    if args.gradient:
        plans = [p for p in plans if p[1] == args.gradient]
    if args.out.exists():  # a partial rerun updates the runs it repeats and keeps the others
        results["runs"] = json.loads(args.out.read_text()).get("runs", {})
    for backend, gradient, epochs, lr, batch in plans:
        key = f"{backend} / {gradient}"
        runs = []
        for seed in range(args.seeds):
            run = train_qnlp(data, backend, gradient, seed, epochs, args.shots, lr, batch, english)
            print(f"{key} seed {seed}: test {run['test_accuracy_shots']:.3f} ({run['seconds_per_epoch']} s/epoch)", flush=True)
            runs.append(run)
        mean = statistics.mean(r["test_accuracy_shots"] for r in runs)
        results["runs"][key] = {"runs": runs, "mean_test_accuracy": mean, "epochs": epochs, "learning_rate": lr, "batch_size": batch}
        print(f"{key}: mean test accuracy {mean:.3f}", flush=True)
        _write(args.out, results)  # partial results survive an interruption
    if not args.skip_lambeq and args.only in (None, "compare"):
        ours = SentenceClassifier(backend="aer", gradient="spsa", shots=args.shots, epochs=args.compare_epochs, seed=0, parser=english)
        start = time.perf_counter()
        ours.fit(*data["train"], validation=data["dev"])
        qnlp_epoch = (time.perf_counter() - start) / args.compare_epochs
        lambeq_epoch = lambeq_epoch_time({k: data[k] for k in ("train", "dev")}, args.compare_epochs, args.shots, english)
        results["epoch_time_vs_lambeq"] = {
            "epochs": args.compare_epochs,
            "qnlp_seconds_per_epoch": qnlp_epoch,
            "lambeq_seconds_per_epoch": lambeq_epoch,
            "speedup": lambeq_epoch / qnlp_epoch,
        }
        print(f"SPSA epoch on aer: qnlp {qnlp_epoch:.2f} s, lambeq {lambeq_epoch:.2f} s ({lambeq_epoch / qnlp_epoch:.1f}x)")
    _write(args.out, results)
    print(f"written to {args.out}")
    return 0


def _write(path: Path, results: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    sys.exit(main())
