"""Exact training speed: qnlp against lambeq, side by side in one run.

Both train the same circuits (qnlp's parser, lambeq's IQP ansatz with one
qubit per noun and sentence wire, one layer) with Adam, the same epochs,
batch size and learning rate:

- qnlp: ``SentenceClassifier`` internals (batched tensor-network simulation);
- lambeq: ``PytorchQuantumModel`` + ``PytorchTrainer`` (lambeq's exact path).

Then a scaling series with qnlp alone: the MC training set repeated x1..x64
(time per epoch should grow linearly), sentences of 3 to 15 words, and the
evaluation throughput on MC-sized circuits. Writes JSON.

    python benchmarks/train_speed.py [--epochs 100] [--out benchmarks/results/train_speed.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import torch

from qnlp import load_labelled
from qnlp.backends import ExactBackend, class_probabilities
from qnlp.compile import CompileOptions, compile_many
from qnlp.functor import Ansatz
from qnlp.parse import EnglishParser
from qnlp.train import Objective, Trainer

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lambeq"
TASKS = {
    "MC": ("mc_train_data.txt", "mc_dev_data.txt", "mc_test_data.txt", {"n": 1, "s": 1}),
    "RP": ("rp_train_data.txt", None, "rp_test_data.txt", {"n": 1, "s": 0}),
}


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_task(name: str, parser: EnglishParser) -> dict:
    train_file, dev_file, test_file, qubits = TASKS[name]
    splits = {"train": load_labelled(DATA / train_file), "test": load_labelled(DATA / test_file)}
    if dev_file:
        splits["dev"] = load_labelled(DATA / dev_file)
    diagrams = {k: parser.parse_many(v[0]) for k, v in splits.items()}
    labels = {k: np.array(v[1]) for k, v in splits.items()}
    return {"diagrams": diagrams, "labels": labels, "qubits": qubits}


def train_qnlp(task: dict, epochs: int, batch_size: int, lr: float, seed: int) -> dict:
    """qnlp's own path, as ``SentenceClassifier`` trains by default: circuits
    compiled through ZX rewriting (light), batched exact backend, Trainer."""
    start = time.perf_counter()
    ansatz = Ansatz(task["qubits"])
    circuits = {k: compiled(ansatz.circuits(d)) for k, d in task["diagrams"].items()}
    symbols = sorted({s for cs in circuits.values() for c in cs for s in c.symbols})
    backend = ExactBackend()

    def objective(split: str) -> Objective:
        batch = backend.prepare(circuits[split], symbols)
        return Objective(lambda t, r: class_probabilities(batch.probabilities(t, r), 2), torch.tensor(task["labels"][split]))

    objectives = {k: objective(k) for k in circuits}
    theta0 = torch.tensor(np.random.default_rng(seed).uniform(0, 2, len(symbols)))
    setup = time.perf_counter() - start
    start = time.perf_counter()
    theta, history = Trainer(epochs, batch_size, lr, seed=seed).fit(theta0, objectives["train"], objectives.get("dev"))
    seconds = time.perf_counter() - start
    return {
        "setup_seconds": setup,
        "train_seconds": seconds,
        "seconds_per_epoch": seconds / epochs,
        "test_accuracy": objectives["test"].evaluate(theta)[1],
    }


def compiled(circuits: list) -> list:
    return [c.to_param_circuit() for c in compile_many(circuits, CompileOptions(optimisation="light"))]


def train_lambeq(task: dict, epochs: int, batch_size: int, lr: float, seed: int) -> dict:
    """lambeq's exact path: PytorchQuantumModel + PytorchTrainer."""
    from lambeq import Dataset, IQPAnsatz, PytorchQuantumModel, PytorchTrainer
    from lambeq.backend.grammar import Ty

    start = time.perf_counter()
    ansatz = IQPAnsatz({Ty(k): v for k, v in task["qubits"].items()}, n_layers=1)
    circuits = {k: [ansatz(d) for d in ds] for k, ds in task["diagrams"].items()}
    one_hot = {k: [[1 - y, y] for y in v.tolist()] for k, v in task["labels"].items()}
    model = PytorchQuantumModel.from_diagrams([c for cs in circuits.values() for c in cs])
    model.initialise_weights()

    def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
        return float((torch.argmax(y_hat, 1) == torch.argmax(y, 1)).double().mean())

    trainer = PytorchTrainer(
        model, loss_function=torch.nn.BCEWithLogitsLoss(), epochs=epochs, optimizer=torch.optim.Adam,
        learning_rate=lr, evaluate_functions={"acc": accuracy}, evaluate_on_train=True,
        verbose="suppress", seed=seed,
    )
    train = Dataset(circuits["train"], one_hot["train"], batch_size=batch_size)
    dev = Dataset(circuits["dev"], one_hot["dev"], shuffle=False) if "dev" in circuits else None
    setup = time.perf_counter() - start
    start = time.perf_counter()
    trainer.fit(train, dev)
    seconds = time.perf_counter() - start
    with torch.no_grad():
        test_acc = accuracy(model(circuits["test"]), torch.tensor(one_hot["test"]))
    return {"setup_seconds": setup, "train_seconds": seconds, "seconds_per_epoch": seconds / epochs, "test_accuracy": test_acc}


def synthetic_diagrams(n_words: int, count: int, rng: np.random.Generator) -> list:
    """Transitive sentences of ``n_words`` words: adjectives piled on the
    subject and object nouns around one verb, words drawn from a small
    vocabulary (so symbols repeat as in real data)."""
    from lambeq.backend.grammar import Cup, Diagram, Ty, Word

    n, s = Ty("n"), Ty("s")
    adjectives = [f"adj{i}" for i in range(8)]
    nouns = [f"noun{i}" for i in range(8)]
    verbs = [f"verb{i}" for i in range(4)]
    diagrams = []
    for _ in range(count):
        k = rng.integers(0, n_words - 2)  # adjectives on the subject; the rest on the object
        m = n_words - 3 - k
        words = [Word(rng.choice(adjectives), n @ n.l) for _ in range(k)] + [Word(rng.choice(nouns), n)]
        words += [Word(rng.choice(verbs), n.r @ s @ n.l)]
        words += [Word(rng.choice(adjectives), n @ n.l) for _ in range(m)] + [Word(rng.choice(nouns), n)]
        # greedy cups suffice here: each n.l meets the n to its right, the
        # subject's n meets the verb's n.r
        types = [t for w in words for t in w.cod]
        stack, morphs = [], []
        for i, t in enumerate(types):
            if stack and types[stack[-1]].name == t.name and types[stack[-1]].z + 1 == t.z:
                morphs.append((Cup, stack.pop(), i))
            else:
                stack.append(i)
        diagrams.append(Diagram.create_pregroup_diagram(words, morphs))
    return diagrams


def epoch_time(circuits: list, labels: torch.Tensor, batch_size: int, epochs: int = 3) -> float:
    symbols = sorted({s for c in circuits for s in c.symbols})
    batch = ExactBackend().prepare(circuits, symbols)
    objective = Objective(lambda t, r: class_probabilities(batch.probabilities(t, r), 2), labels)
    theta = torch.rand(len(symbols), dtype=torch.float64)
    Trainer(1, batch_size).fit(theta, objective)  # warm the path caches
    start = time.perf_counter()
    Trainer(epochs, batch_size).fit(theta, objective)
    return (time.perf_counter() - start) / epochs


def scaling(task: dict, batch_size: int) -> dict:
    ansatz = Ansatz(task["qubits"])
    base = ansatz.circuits(task["diagrams"]["train"])
    base_labels = torch.tensor(task["labels"]["train"])
    data_series = []
    for factor in (1, 2, 4, 8, 16, 32, 64):
        seconds = epoch_time(base * factor, base_labels.repeat(factor), batch_size)
        data_series.append({"factor": factor, "examples": len(base) * factor, "seconds_per_epoch": seconds})
        print(f"  data x{factor}: {seconds:.3f} s/epoch", flush=True)
    rng = np.random.default_rng(0)
    length_series = []
    for words in (3, 5, 7, 9, 11, 13, 15):
        circuits = Ansatz({"n": 1, "s": 1}).circuits(synthetic_diagrams(words, 70, rng))
        labels = torch.tensor(rng.integers(0, 2, 70))
        seconds = epoch_time(circuits, labels, batch_size)
        qubits = float(np.mean([c.n_qubits for c in circuits]))
        length_series.append({"words": words, "mean_qubits": qubits, "seconds_per_epoch": seconds})
        print(f"  {words} words ({qubits:.0f} qubits): {seconds:.3f} s/epoch", flush=True)
    return {"dataset_size": data_series, "sentence_length": length_series}


def throughput(task: dict, repeats: int = 128) -> dict:
    circuits = Ansatz(task["qubits"]).circuits([d for ds in task["diagrams"].values() for d in ds]) * repeats
    symbols = sorted({s for c in circuits for s in c.symbols})
    batch = ExactBackend().prepare(circuits, symbols)
    theta = torch.rand(len(symbols), dtype=torch.float64)
    with torch.no_grad():
        batch.probabilities(theta)
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            batch.probabilities(theta)
            best = min(best, time.perf_counter() - start)
    return {"circuits": len(circuits), "seconds": best, "circuits_per_second": len(circuits) / best}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-lambeq", action="store_true")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "train_speed.json")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} not found: this benchmark reads the lambeq corpora from ../shared/data/lambeq", file=sys.stderr)
        return 1
    english = EnglishParser()
    results: dict = {
        "benchmark": "train_speed",
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"python": platform.python_version(), "torch": torch.__version__, "threads": torch.get_num_threads()},
        "settings": {"epochs": args.epochs, "batch_size": args.batch_size, "learning_rate": args.learning_rate, "ansatz": "iqp, 1 layer"},
        "tasks": {},
    }
    for name in TASKS:
        task = load_task(name, english)
        row = {"qnlp": train_qnlp(task, args.epochs, args.batch_size, args.learning_rate, args.seed)}
        print(f"{name} qnlp:   {row['qnlp']['train_seconds']:.1f} s, test accuracy {row['qnlp']['test_accuracy']:.3f}", flush=True)
        if not args.skip_lambeq:
            row["lambeq"] = train_lambeq(task, args.epochs, args.batch_size, args.learning_rate, args.seed)
            row["speedup"] = row["lambeq"]["train_seconds"] / row["qnlp"]["train_seconds"]
            print(f"{name} lambeq: {row['lambeq']['train_seconds']:.1f} s, test accuracy {row['lambeq']['test_accuracy']:.3f}; qnlp {row['speedup']:.1f}x faster", flush=True)
        results["tasks"][name] = row
    mc = load_task("MC", english)
    print("scaling (MC):", flush=True)
    results["scaling"] = scaling(mc, args.batch_size)
    sizes = results["scaling"]["dataset_size"]
    results["scaling"]["x64_over_x1"] = sizes[-1]["seconds_per_epoch"] / sizes[0]["seconds_per_epoch"]
    results["throughput"] = throughput(mc)
    results["peak_memory_mb"] = peak_memory_mb()
    print(f"x64 data costs {results['scaling']['x64_over_x1']:.1f}x the time per epoch")
    print(f"throughput: {results['throughput']['circuits_per_second']:.0f} circuits/s on MC circuits")
    print(f"peak memory: {results['peak_memory_mb']:.0f} MB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
