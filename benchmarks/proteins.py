"""Protein classification on scldata: Cytoplasm (0) versus Membrane (4).

Trains the four architecture variants of :class:`qnlp.ProteinClassifier`
(RNN/CNN x uniform/hierarchical sharing) on the ``trn`` split, selects the
epoch on ``evl`` and reports accuracy on ``tst`` (981 proteins) with the
number of trainable parameters, next to the majority class and a classical
baseline computed here: logistic regression (torch, L-BFGS) on amino-acid
composition plus hydrophobic-window features (the largest mean Kyte-Doolittle
hydropathy over 19 residues, the number of such windows above 1.6, and the
log length), and three classical convolutional networks trained on the
same splits (one within the qnlp models' budget of 1,000 parameters, one ten
times larger, and a two-layer one with dropout fifty times larger), which
show what supervised models of those sizes reach on this split. Then it
times one training epoch of the best model on the whole train split (with
peak memory), and trains a hardware-feasible configuration
(short windows whose circuits fit in <= 20 qubits, discarding instead of
post-selecting) and reads it out with shots on ``aer`` on a sample of the
test proteins. Needs ``pip install 'qnlp[proteins]'``.

    python benchmarks/proteins.py [--epochs 20] [--threads 2] [--hardware-proteins 100] [--out benchmarks/results/proteins.json]
    python benchmarks/proteins.py --quick      # 600 training proteins, 2 epochs: a smoke test
    python benchmarks/proteins.py --only-baselines   # recompute the baselines into an existing JSON
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

from qnlp.protein_api import ProteinClassifier
from qnlp.sequences import load_scldata

AMINO = "ACDEFGHIKLMNPQRSTVWY"
KYTE_DOOLITTLE = dict(zip(AMINO, [1.8, 2.5, -3.5, -3.5, 2.8, -0.4, -3.2, 4.5, -3.9, 3.8, 1.9, -3.5, -1.6, -3.5, -4.5, -0.8, -0.7, 4.2, -0.9, -1.3]))

#: The shared settings of the four variants, then each variant's own.
COMMON = dict(window=20, stride=10, pool="attention", learning_rate=0.01, batch_size=32)
VARIANTS = {
    "rnn-uniform": dict(architecture="rnn", sharing="uniform", state_qubits=2, word_qubits=1, box="swap"),
    "rnn-hierarchical": dict(architecture="rnn", sharing="hierarchical", segments=4, state_qubits=2, word_qubits=1, box="swap"),
    "cnn-uniform": dict(architecture="cnn", sharing="uniform", word_qubits=1, box="swap"),
    "cnn-hierarchical": dict(architecture="cnn", sharing="hierarchical", word_qubits=1, box="swap"),
}
#: Hardware-feasible: 10-residue windows (at most 32 per protein), 2 state qubits + 1 per residue: 12 qubits.
HARDWARE = dict(architecture="rnn", sharing="uniform", window=10, stride=5, max_windows=32, state_qubits=2, word_qubits=1, box="swap", pool="attention", learning_rate=0.01)


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def features(sequences: list[str], width: int = 19) -> np.ndarray:
    """Composition (20) + hydrophobic-window features (3) per sequence."""
    rows = []
    for seq in sequences:
        index = np.array([AMINO.find(c) for c in seq])
        known = index >= 0
        composition = np.bincount(index[known], minlength=20) / max(int(known.sum()), 1)
        hydropathy = np.array([KYTE_DOOLITTLE.get(c, 0.0) for c in seq])
        windows = np.convolve(hydropathy, np.ones(width) / width, "valid") if len(seq) >= width else hydropathy.mean(keepdims=True)
        rows.append(np.concatenate([composition, [windows.max(), (windows > 1.6).sum() / 10, np.log(len(seq))]]))
    return np.array(rows)


def logistic_regression(train: np.ndarray, y: np.ndarray, tests: list[np.ndarray], l2: float = 1e-4) -> tuple[list[np.ndarray], int]:
    """Standardised features, L-BFGS on cross-entropy + L2; predictions (0/1) and parameter count."""
    mu, sd = train.mean(0), train.std(0) + 1e-9
    X = torch.tensor((train - mu) / sd)
    target = torch.tensor(y, dtype=torch.float64)
    w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([w, b], max_iter=500)

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(X @ w + b, target) + l2 * (w**2).sum()
        loss.backward()
        return loss

    optimiser.step(closure)
    with torch.no_grad():
        return [((torch.tensor((t - mu) / sd) @ w + b) > 0).numpy().astype(int) for t in tests], X.shape[1] + 1


def residue_indices(sequences: tuple[str, ...], length: int = 1000) -> torch.Tensor:
    """Residue indices (0-19, 20 for any other letter, -1 beyond the end), (N, length)."""
    index = torch.full((len(sequences), length), -1, dtype=torch.long)
    for row, seq in enumerate(sequences):
        seq = seq[:length]
        index[row, : len(seq)] = torch.tensor([AMINO.find(c) if c in AMINO else 20 for c in seq])
    return index


class ConvBaseline(torch.nn.Module):
    """``layers`` convolutions over one-hot residues (ReLU, dropout between),
    max- and mean-pooled over the sequence, then a linear layer: a small
    classical sequence model."""

    def __init__(self, channels: int, width: int, layers: int = 1, dropout: float = 0.0) -> None:
        super().__init__()
        sizes = [21] + [channels] * layers
        self.convs = torch.nn.ModuleList(torch.nn.Conv1d(a, b, width, padding=width // 2) for a, b in zip(sizes, sizes[1:]))
        self.drop = torch.nn.Dropout(dropout)
        self.out = torch.nn.Linear(2 * channels, 2)

    def forward(self, index: torch.Tensor) -> torch.Tensor:
        mask = (index >= 0).to(torch.float32)[:, None]
        h = torch.nn.functional.one_hot(index.clamp_min(0), 21).to(torch.float32).transpose(1, 2) * mask
        for i, conv in enumerate(self.convs):
            h = torch.relu(conv(self.drop(h) if i else h)) * mask
        top = (h - 1e4 * (1 - mask)).amax(-1)
        mean = h.sum(-1) / mask.sum(-1)
        return self.out(self.drop(torch.cat([top, mean], 1)))


def conv_baseline(data: dict, channels: int, width: int, layers: int = 1, dropout: float = 0.0, epochs: int = 25, seed: int = 0) -> dict:
    """Train :class:`ConvBaseline` (Adam, batches of 64, sequences cut at 1,000
    residues), keep the epoch best on evl, report its test accuracy."""
    torch.manual_seed(seed)
    split = {name: (residue_indices(data[name].sequences), torch.tensor([v == "Membrane" for v in data[name].y]).long()) for name in ("trn", "evl", "tst")}
    model = ConvBaseline(channels, width, layers, dropout)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    x, y = split["trn"]
    best = {"val_accuracy": -1.0}
    for epoch in range(1, epochs + 1):
        model.train()
        for rows in torch.randperm(len(y)).split(64):
            optimiser.zero_grad()
            torch.nn.functional.cross_entropy(model(x[rows]), y[rows]).backward()
            optimiser.step()
        model.eval()
        with torch.no_grad():
            acc = {name: float((model(split[name][0]).argmax(1) == split[name][1]).float().mean()) for name in ("evl", "tst")}
        if acc["evl"] > best["val_accuracy"]:
            best = {"val_accuracy": acc["evl"], "test_accuracy": acc["tst"], "best_epoch": epoch}
    return {"channels": channels, "width": width, "layers": layers, "dropout": dropout, "parameters": sum(p.numel() for p in model.parameters()), "epochs": epochs, **best}


def baselines(data: dict) -> dict:
    train, test = data["trn"], data["tst"]
    majority = max(set(train.y), key=train.y.count)
    y_train = np.array([v == "Membrane" for v in train.y], dtype=int)
    y_test = np.array([v == "Membrane" for v in test.y], dtype=int)
    (pred,), n_params = logistic_regression(features(list(train.sequences)), y_train, [features(list(test.sequences))])
    return {
        "majority_class": majority,
        "majority_accuracy": float(np.mean([v == majority for v in test.y])),
        "logistic_regression_accuracy": float(np.mean(pred == y_test)),
        "logistic_regression_parameters": n_params,
        "conv_small": conv_baseline(data, channels=8, width=5),
        "conv_large": conv_baseline(data, channels=32, width=15),
        "conv_deep": conv_baseline(data, channels=64, width=9, layers=2, dropout=0.3),
    }


def train_variant(name: str, settings: dict, data: dict, epochs: int, seed: int) -> tuple[ProteinClassifier, dict]:
    train, val, test = data["trn"], data["evl"], data["tst"]
    model = ProteinClassifier(**settings, epochs=epochs, seed=seed)
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(train.X, train.y, validation=(val.X, val.y))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    history = model.history_
    best = history.records[history.best_epoch - 1]
    result = {
        "settings": settings,
        "n_parameters": len(model.params_),
        "epochs_run": len(history.records),
        "best_epoch": history.best_epoch,
        "val_accuracy": best.val_accuracy,
        "test_accuracy": model.score(test.X, test.y),
        "train_seconds": round(seconds, 1),
        "train_cpu_seconds": round(cpu_seconds, 1),
        "epoch_seconds_median": round(float(np.median([r.seconds for r in history.records])), 2),
        "val_accuracy_by_epoch": [round(r.val_accuracy, 4) for r in history.records],
    }
    print(f"{name}: test {result['test_accuracy']:.4f} (val {best.val_accuracy:.4f}, epoch {history.best_epoch}), "
          f"{result['n_parameters']} parameters, {result['epoch_seconds_median']} s/epoch", file=sys.stderr, flush=True)
    return model, result


def time_one_epoch(settings: dict, data: dict, seed: int) -> dict:
    """One epoch (training pass plus the trainer's scoring of train and evl) on the whole train split."""
    train, val = data["trn"], data["evl"]
    model = ProteinClassifier(**settings, epochs=1, seed=seed)
    before = peak_memory_mb()
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(train.X, train.y, validation=(val.X, val.y))
    total, cpu_total = time.perf_counter() - start, time.process_time() - cpu
    return {
        "train_sequences": len(train),
        "epoch_seconds": round(model.history_.records[0].seconds, 2),
        "fit_seconds_including_reading": round(total, 2),
        "fit_cpu_seconds": round(cpu_total, 2),
        "peak_memory_mb": round(max(before, peak_memory_mb()), 1),
    }


def hardware(model: ProteinClassifier, data: dict, result: dict, proteins: int, shots: int) -> dict:
    """The hardware-feasible model read out with shots on ``aer``: its window
    circuits laid out flat (qubits, gates, post-selection), and its accuracy
    on the first ``proteins`` test proteins, exact and with ``shots`` shots."""
    from qnlp.backends import ExactBackend
    from qnlp.sequences import ProteinSet

    reader, ansatz = model.reader(), model.ansatz()
    test = data["tst"]
    sample = ProteinSet(test.ids[:proteins], test.sequences[:proteins], test.labels[:proteins])
    windows = [w for seq_id, seq in sample.X for w in reader.windows(seq, seq_id)]
    flat = [ansatz(reader.diagram(w)) for w in windows[:64]]
    exact = ExactBackend().prepare(flat, model.symbols_).probabilities(torch.from_numpy(model.params_))
    out = {
        "settings": result["settings"],
        "test_accuracy_exact": result["test_accuracy"],
        "n_parameters": result["n_parameters"],
        "circuit_qubits": max(c.n_qubits for c in flat),
        "two_qubit_gates": flat[0].metrics["two_qubit_gates"],
        "post_selected_qubits": flat[0].metrics["post_selected"],
        "discarded_qubits": len(flat[0].discarded),
        "mean_survival_exact_64_windows": float(exact.sum(1).mean()),
        "shots": shots,
        "shot_sample_proteins": len(sample),
        "shot_sample_windows": len(windows),
        "sample_accuracy_exact": model.score(sample.X, sample.y),
    }
    model.set_params(simulator="circuits", backend="aer", shots=shots)
    start = time.perf_counter()
    out["sample_accuracy_shots_aer"] = model.score(sample.X, sample.y)
    out["shot_seconds"] = round(time.perf_counter() - start, 1)
    print(f"hardware: {out['circuit_qubits']} qubits, survival {out['mean_survival_exact_64_windows']:.3f}, "
          f"{len(sample)} test proteins: exact {out['sample_accuracy_exact']:.4f}, aer {out['sample_accuracy_shots_aer']:.4f}",
          file=sys.stderr, flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--quick", action="store_true", help="600 training proteins, 2 epochs")
    parser.add_argument("--skip-hardware", action="store_true")
    parser.add_argument("--only-baselines", action="store_true", help="recompute the baselines into the existing --out JSON and stop")
    parser.add_argument("--hardware-proteins", type=int, default=100, help="test proteins read out with shots on aer")
    parser.add_argument("--shots", type=int, default=1024)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "proteins.json")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = {split: load_scldata(split, labels=[0, 4]) for split in ("trn", "evl", "tst")}
    epochs = 2 if args.quick else args.epochs
    if args.quick:
        from qnlp.sequences import ProteinSet

        t = data["trn"]
        data["trn"] = ProteinSet(t.ids[:600], t.sequences[:600], t.labels[:600])
    if args.only_baselines:
        report = json.loads(args.out.read_text())
        report["baselines"] = baselines(data)
        args.out.write_text(json.dumps(report, indent=2))
        print(json.dumps(report["baselines"]), file=sys.stderr)
        return
    report: dict = {
        "task": "scldata Cytoplasm (0) vs Membrane (4)",
        "sizes": {k: len(v) for k, v in data.items()},
        "machine": {"python": platform.python_version(), "torch": torch.__version__, "threads": args.threads},
        "epochs": epochs,
        "seed": args.seed,
        "baselines": baselines(data),
        "variants": {},
    }
    print(json.dumps(report["baselines"]), file=sys.stderr, flush=True)
    for name in args.variants:
        _, report["variants"][name] = train_variant(name, {**COMMON, **VARIANTS[name]}, data, epochs, args.seed)
    best = max(report["variants"], key=lambda n: report["variants"][n]["val_accuracy"])
    report["best_by_validation"] = best
    report["epoch_timing"] = {"variant": best, **time_one_epoch({**COMMON, **VARIANTS[best]}, data, args.seed)}
    if not args.skip_hardware:
        model, result = train_variant("hardware", HARDWARE, data, epochs, args.seed)
        report["hardware"] = hardware(model, data, result, args.hardware_proteins, args.shots)
    report["peak_memory_mb"] = round(peak_memory_mb(), 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(f"written {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
