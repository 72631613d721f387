"""qnlp's ZX compiler against lambeq's own translation, on MC and RP; writes JSON.

Both sides start from the same diagrams (qnlp's offline English parser) and
the same IQP ansatz (1 layer, 1 qubit per noun wire; 1 qubit per sentence
wire for MC, 0 for RP as in the training benchmark). lambeq's side is
``lambeq.IQPAnsatz(...)(diagram).to_tk()``, then ``FullPeepholeOptimise`` and
a rebase to CX, H, Rx, Rz; qnlp's side is ``qnlp.compile.compile`` on the
circuit of ``qnlp.functor.Ansatz`` (same gates), rebased to the same set.
For every sentence it records qubits, two-qubit gates (CX), depth (gates only,
no measurements), post-selected qubits and the exact survival probability
at random parameters, checks that compiled and uncompiled circuits give the
same output distribution, and times compilation.

    python benchmarks/compile_reduction.py [--level light] [--out benchmarks/results/compile_reduction.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from lambeq import IQPAnsatz
from lambeq.backend.grammar import Ty
from pytket import Circuit, OpType
from pytket.passes import AutoRebase, FullPeepholeOptimise

from qnlp import load_labelled
from qnlp.backends import ExactBackend
from qnlp.compile import CompileOptions, compile, compile_many
from qnlp.functor import Ansatz
from qnlp.parse import EnglishParser

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lambeq"
TASKS = {
    "MC": {"files": ["mc_train_data.txt", "mc_dev_data.txt", "mc_test_data.txt"], "qubits": {"n": 1, "s": 1}},
    "RP": {"files": ["rp_train_data.txt", "rp_test_data.txt"], "qubits": {"n": 1, "s": 0}},
}
METRICS = ("qubits", "two_qubit_gates", "depth", "post_selected")
GATES = {OpType.CX, OpType.H, OpType.Rx, OpType.Rz}


def lambeq_metrics(diagram, qubits: dict[str, int]) -> dict[str, int]:
    """lambeq's translation after FullPeepholeOptimise and the rebase."""
    tk = IQPAnsatz({Ty(t): n for t, n in qubits.items()}, n_layers=1)(diagram).to_tk()
    post_selected = len(tk.post_selection)
    FullPeepholeOptimise().apply(tk)
    AutoRebase(GATES).apply(tk)
    gates_only = Circuit(tk.n_qubits)
    for cmd in tk.get_commands():
        if cmd.op.type not in (OpType.Measure, OpType.Barrier):
            gates_only.add_gate(cmd.op, [q.index[0] for q in cmd.qubits])
    return {
        "qubits": tk.n_qubits,
        "two_qubit_gates": tk.n_gates_of_type(OpType.CX),
        "depth": gates_only.depth(),
        "post_selected": post_selected,
    }


def survival(circuit, values: dict[str, float]) -> float:
    """Exact survival probability of an uncompiled circuit: the post-selected
    weight of the outputs over the squared scalar."""
    symbols = list(circuit.symbols) + ["_unused"]
    theta = torch.tensor([values.get(s, 0.0) for s in symbols], dtype=torch.float64)
    total = ExactBackend().prepare([circuit], symbols).probabilities(theta).sum().item()
    return total / circuit.scalar**2


def distribution(circuit, values: dict[str, float]) -> np.ndarray:
    symbols = list(circuit.symbols) + ["_unused"]
    theta = torch.tensor([values.get(s, 0.0) for s in symbols], dtype=torch.float64)
    probs = ExactBackend().prepare([circuit], symbols).probabilities(theta)[0].numpy()
    return probs / probs.sum()


def run_task(name: str, spec: dict, parser: EnglishParser, options: CompileOptions, seed: int) -> dict:
    texts: list[str] = []
    for f in spec["files"]:
        texts += list(load_labelled(DATA / f)[0])
    diagrams = parser.parse_many(texts)
    circuits = Ansatz(spec["qubits"], n_layers=1).circuits(diagrams)
    rng = np.random.default_rng(seed)
    compile(circuits[0], options)  # warm up imports and pytket
    rows = []
    for text, diagram, circuit in zip(texts, diagrams, circuits):
        start = time.perf_counter()
        compiled = compile(circuit, options)
        seconds = time.perf_counter() - start
        values = {s: float(rng.uniform(0, 2)) for s in circuit.symbols}
        error = float(np.abs(distribution(circuit, values) - distribution(compiled.to_param_circuit(), values)).max())
        ours = {m: getattr(compiled.metrics, m) for m in METRICS}
        rows.append(
            {
                "sentence": text,
                "lambeq": {**lambeq_metrics(diagram, spec["qubits"]), "survival": survival(circuit, values)},
                "qnlp": {**ours, "survival": compiled.survival_probability(values)},
                "max_abs_error": error,
                "compile_ms": 1000 * seconds,
            }
        )
    start = time.perf_counter()
    compile_many(circuits, options)
    many_ms = 1000 * (time.perf_counter() - start) / len(circuits)
    summary = {}
    for m in (*METRICS, "survival"):
        theirs = statistics.mean(r["lambeq"][m] for r in rows)
        ours = statistics.mean(r["qnlp"][m] for r in rows)
        summary[m] = {"lambeq_mean": theirs, "qnlp_mean": ours, "reduction_pct": 100 * (1 - ours / theirs)}
    worse = {m: sum(r["qnlp"][m] > r["lambeq"][m] for r in rows) for m in METRICS}
    worst = {
        m: max(rows, key=lambda r: r["qnlp"][m] / max(r["lambeq"][m], 1))["sentence"] for m in METRICS
    }
    return {
        "sentences": len(rows),
        "ansatz": {"kind": "iqp", "n_layers": 1, "qubits": spec["qubits"]},
        "summary": summary,
        "sentences_worse": worse,
        "worst_sentence": worst,
        "max_abs_error": max(r["max_abs_error"] for r in rows),
        "compile_ms_mean": statistics.mean(r["compile_ms"] for r in rows),
        "compile_ms_max": max(r["compile_ms"] for r in rows),
        "compile_many_ms_per_sentence": many_ms,
        "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--level", default="light", help="qnlp optimisation level (none, light, clifford, full)")
    parser.add_argument("--cores", type=int, default=2, help="pin the process to this many cores where the OS allows")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "compile_reduction.json")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} not found: this benchmark reads the lambeq corpora from ../shared/data/lambeq", file=sys.stderr)
        return 1
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))[: args.cores]
        os.sched_setaffinity(0, cpus)
    torch.set_num_threads(args.cores)
    options = CompileOptions(optimisation=args.level)
    english = EnglishParser()
    results = {
        "benchmark": "compile_reduction",
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "python": platform.python_version(),
            "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        },
        "settings": {"qnlp_optimisation": args.level, "lambeq_passes": "FullPeepholeOptimise + AutoRebase(CX, H, Rx, Rz)"},
        "tasks": {name: run_task(name, TASKS[name], english, options, args.seed) for name in args.tasks},
    }
    header = f"{'task':4} {'metric':16} {'lambeq':>8} {'qnlp':>8} {'reduction':>10} {'worse':>6}  (means; survival: gain)"
    print(header)
    print("-" * len(header))
    for name, task in results["tasks"].items():
        print(f"{name}: IQP, 1 layer, qubits per type {task['ansatz']['qubits']}")
        for m, s in task["summary"].items():
            worse = task["sentences_worse"].get(m, "")
            change = f"x{s['qnlp_mean'] / s['lambeq_mean']:.1f}" if m == "survival" else f"{s['reduction_pct']:.1f}%"
            print(f"{name:4} {m:16} {s['lambeq_mean']:8.3f} {s['qnlp_mean']:8.3f} {change:>10} {worse!s:>6}")
        print(
            f"{name:4} {task['sentences']} sentences, max |p - p'| = {task['max_abs_error']:.1e}, "
            f"compile {task['compile_ms_mean']:.1f} ms/sentence (max {task['compile_ms_max']:.1f}), "
            f"compile_many {task['compile_many_ms_per_sentence']:.2f} ms/sentence"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
