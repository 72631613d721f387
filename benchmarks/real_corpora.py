"""Parsing real text: coverage, routes and speed on SST-2, SUBJ, TREC and CR.

Every line of every file of the four corpora in ``../shared/data/sentences``
goes through ``EnglishParser.analyse_many`` (spaCy's ``nlp.pipe`` in batches,
then the chart for short texts and the dependency route otherwise). For each
file: lines, diagrams, failures (with the first few), counts per route, per
codomain and per note (why the fallback was taken, what it changed in spaCy's
tree), and chart repairs. On SST-2 test it also measures ``parse_many``
throughput (the model loaded before the clock starts) and the slowest single
sentence with ``parse`` (the median of 3 timings of each of the 20 slowest).
Prints a summary and writes JSON.

    python benchmarks/real_corpora.py [--only sst2-test,trec-test] [--limit N]
                                      [--out benchmarks/results/real_corpora.json]

Targets: coverage >= 99.5 % of every file, >= 500 sentences/s over SST-2
test on 2 cores, the slowest sentence <= 0.1 s.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from qnlp.parse import EnglishParser

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "sentences"

# name -> (file, how a line gives its text)
FILES = {
    "sst2-train": ("sst2/train.tsv", "tsv"),
    "sst2-dev": ("sst2/dev.tsv", "tsv"),
    "sst2-test": ("sst2/test.tsv", "tsv"),
    "subj-subjective": ("subj/subj.subjective", "line"),
    "subj-objective": ("subj/subj.objective", "line"),
    "trec-train": ("trec/train_5500.label", "trec"),
    "trec-test": ("trec/TREC_10.label", "trec"),
    "cr-pos": ("cr/custrev.pos", "line"),
    "cr-neg": ("cr/custrev.neg", "line"),
}


def texts_of(name: str) -> list[str]:
    """Every non-blank line's text, as the corpus gives it."""
    path, kind = FILES[name]
    lines = (DATA / path).read_text(encoding="latin-1" if kind == "trec" else "utf-8").splitlines()
    lines = [line for line in lines if line.strip()]
    if kind == "tsv":
        return [line.rsplit("\t", 1)[0].strip() for line in lines]
    if kind == "trec":
        return [line.split(" ", 1)[1].strip() for line in lines]
    return [line.strip() for line in lines]


def coverage(parser: EnglishParser, texts: list[str]) -> dict:
    start = time.perf_counter()
    batch = parser.analyse_many(texts, errors="collect")
    seconds = time.perf_counter() - start
    analyses = batch.analyses
    notes = collections.Counter(note.split(" (")[0].split("'")[0].strip() for a in analyses for note in a.notes)
    return {
        "lines": len(texts),
        "parsed": len(analyses),
        "coverage": round(len(analyses) / len(texts), 5),
        "failed_examples": [(i, texts[i][:80], str(e)[:160]) for i, e in batch.errors[:5]],
        "routes": dict(collections.Counter(a.route for a in analyses)),
        "codomains": dict(collections.Counter(a.target for a in analyses)),
        "notes": dict(notes.most_common()),
        "texts_with_chart_repairs": sum(bool(a.repairs) for a in analyses),
        "chart_repairs": sum(len(a.repairs) for a in analyses),
        "mean_words": round(statistics.fmean(len(a.tokens) for a in analyses), 2) if analyses else 0,
        "max_words": max((len(a.tokens) for a in analyses), default=0),
        "seconds": round(seconds, 2),
        "texts_per_second": round(len(texts) / seconds, 1),
    }


def speed(parser: EnglishParser, texts: list[str]) -> dict:
    """parse_many throughput (best of 2) and the slowest single parse."""
    runs = []
    for _ in range(2):
        start = time.perf_counter()
        parser.parse_many(texts)
        runs.append(time.perf_counter() - start)
    singles = []
    for text in texts:
        start = time.perf_counter()
        parser.parse(text)
        singles.append((time.perf_counter() - start, text))
    singles.sort(reverse=True)
    slow = []
    for _, text in singles[:20]:  # re-time the slowest: one timing can catch a pause of the machine
        times = []
        for _ in range(3):
            start = time.perf_counter()
            parser.parse(text)
            times.append(time.perf_counter() - start)
        slow.append((statistics.median(times), text))
    slow.sort(reverse=True)
    return {
        "texts": len(texts),
        "parse_many_seconds": [round(r, 3) for r in runs],
        "parse_many_per_second": round(len(texts) / min(runs), 1),
        "single_parse_mean_seconds": round(statistics.fmean(t for t, _ in singles), 5),
        "slowest_seconds": round(slow[0][0], 4),
        "slowest_text": slow[0][1],
    }


def main() -> None:
    parser_ = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser_.add_argument("--only", help="comma-separated corpus files: " + ", ".join(FILES))
    parser_.add_argument("--limit", type=int, help="parse only the first N lines of each file")
    parser_.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "real_corpora.json"))
    args = parser_.parse_args()
    if not DATA.is_dir():
        sys.exit(f"{DATA} is missing: the corpora must sit in ../shared/data/sentences beside the repository")
    names = args.only.split(",") if args.only else list(FILES)
    unknown = [n for n in names if n not in FILES]
    if unknown:
        sys.exit(f"unknown corpus files {unknown}; choose from {', '.join(FILES)}")
    parser = EnglishParser()
    parser.parse("the model loads before the clock starts .")
    result: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "load": os.getloadavg()[0]}, "settings": {
        k: getattr(parser, k) for k in ("max_cost", "max_states", "max_steps", "chart_words", "fallback", "multi_sentence")},
        "coverage": {}}
    for name in names:
        texts = texts_of(name)[: args.limit]
        result["coverage"][name] = row = coverage(parser, texts)
        print(f"{name:16} {row['parsed']:>6}/{row['lines']:<6} coverage {row['coverage']:.4f}  "
              f"routes {row['routes']}  codomains {row['codomains']}  {row['texts_per_second']}/s", flush=True)
    if "sst2-test" in names:
        result["sst2_test_speed"] = row = speed(parser, texts_of("sst2-test")[: args.limit])
        print(f"SST-2 test: parse_many {row['parse_many_per_second']}/s, slowest parse {row['slowest_seconds']} s "
              f"({row['slowest_text'][:60]!r})")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
