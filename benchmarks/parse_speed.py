"""Parsing speed: sentences per second of ``EnglishParser.parse_many``.

The MC and RP corpora (130 + 105 texts) repeated to 5,000 texts go through
``parse_many`` (spaCy's ``nlp.pipe`` in batches, then the chart parser);
the spaCy model is loaded before the clock starts. Also measured: the same
texts split into the spaCy part and the grammar part, the project's English
corpora (varied and longer sentences: ``corpora/english/constructs.tsv`` and
``heldout.tsv``) repeated to 1,000 texts, and
``LexiconParser`` on MC+RP. Prints a summary and writes JSON.

    python benchmarks/parse_speed.py [--n 5000] [--repeats 3] [--out benchmarks/results/parse_speed.json]

The target is 300 sentences/s on 2 CPU cores; the figures depend on the
machine and on what else runs on it (the JSON records the CPU count and load).
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

import spacy

from qnlp import load_labelled
from qnlp.parse import EnglishParser, LexiconParser
from qnlp.parse.tagger import tag_gaps

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "lambeq"
FILES = ("mc_train_data.txt", "mc_dev_data.txt", "mc_test_data.txt", "rp_train_data.txt", "rp_test_data.txt")
CONSTRUCTS = ROOT / "corpora" / "english" / "constructs.tsv"


def corpus() -> tuple[list[str], list[str], list[str]]:
    """All MC+RP texts, the MC texts and the RP texts."""
    missing = [name for name in FILES if not (DATA / name).is_file()]
    if missing:
        sys.exit(f"{DATA} lacks {missing}: the MC/RP data must sit in ../shared/data/lambeq beside the repo")
    texts = {name: load_labelled(DATA / name)[0] for name in FILES}
    mc = [t for name in FILES[:3] for t in texts[name]]
    rp = [t for name in FILES[3:] for t in texts[name]]
    return mc + rp, mc, rp


def timed(function, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        out.append(time.perf_counter() - start)
    return out


def rate(count: int, seconds: list[float]) -> dict[str, float]:
    best, median = min(seconds), statistics.median(seconds)
    return {"seconds_best": round(best, 3), "seconds_median": round(median, 3),
            "per_second_best": round(count / best, 1), "per_second_median": round(count / median, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="texts per run (MC+RP repeated)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "parse_speed.json")
    args = parser.parse_args()

    everything, mc, rp = corpus()
    texts = (everything * (args.n // len(everything) + 1))[: args.n]
    english = EnglishParser(batch_size=args.batch_size)
    english.parse_many(everything[:20])              # load spaCy and the grammar before timing
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None

    results: dict[str, object] = {}
    results["english_parse_many"] = {"texts": len(texts), **rate(len(texts), timed(lambda: english.parse_many(texts), args.repeats))}

    # where the time goes: spaCy's pipe + tagger scores, then the grammar (rules + chart + diagram)
    docs: list = []

    def spacy_part() -> None:
        docs.clear()
        for start in range(0, len(texts), args.batch_size):
            chunk = list(english.nlp.pipe(texts[start:start + args.batch_size], batch_size=args.batch_size))
            tag_gaps(english.nlp, chunk, english.grammar_.tag_classes)
            docs.extend(chunk)

    spacy_seconds = timed(spacy_part, args.repeats)
    gaps = [g for start in range(0, len(docs), args.batch_size)
            for g in tag_gaps(english.nlp, docs[start:start + args.batch_size], english.grammar_.tag_classes)]
    grammar_seconds = timed(lambda: [english._analyse_doc(t, d, None, g) for t, d, g in zip(texts, docs, gaps)], args.repeats)
    results["english_split"] = {"spacy": rate(len(texts), spacy_seconds), "grammar_and_chart": rate(len(texts), grammar_seconds)}

    if CONSTRUCTS.is_file():
        lines = [line.split("\t")[2] for path in (CONSTRUCTS, CONSTRUCTS.with_name("heldout.tsv")) if path.is_file()
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
        varied = (lines * (1000 // len(lines) + 1))[:1000]
        batch = english.parse_many(varied, errors="collect")
        results["english_corpora"] = {"texts": len(varied), "words_per_text": round(
            statistics.mean(len(english.tokenise(t)) for t in lines), 1), "failed": len(batch.errors),
            **rate(len(varied), timed(lambda: english.parse_many(varied, errors="collect"), args.repeats))}

    lexicons = {"mc": LexiconParser("mc"), "rp": LexiconParser("rp")}
    lexicon_texts = [("mc", t) for t in mc] + [("rp", t) for t in rp]
    lexicon_texts = (lexicon_texts * (args.n // len(lexicon_texts) + 1))[: args.n]
    results["lexicon_parse"] = {"texts": len(lexicon_texts), **rate(len(lexicon_texts), timed(
        lambda: [lexicons[kind].parse(t) for kind, t in lexicon_texts], args.repeats))}

    report = {
        "benchmark": "parse_speed",
        "target_per_second": 300,
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpu_count": os.cpu_count(),
                    "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
                    "load_average_1min_before": load_before},
        "spacy": spacy.__version__,
        "spacy_model": f"{english.nlp.meta.get('lang')}_{english.nlp.meta.get('name')} {english.nlp.meta.get('version')}",
        "batch_size": args.batch_size,
        "repeats": args.repeats,
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    main_rate = results["english_parse_many"]
    print(f"EnglishParser.parse_many: {main_rate['texts']} MC+RP texts, "             # noqa: T201 (a script)
          f"{main_rate['per_second_median']:.0f}/s median, {main_rate['per_second_best']:.0f}/s best "
          f"({report['machine']['cpus_usable']} usable CPUs)")
    for name, value in results.items():
        if name != "english_parse_many":
            print(f"  {name}: {json.dumps(value)}")                                    # noqa: T201
    print(f"wrote {args.out}")                                                         # noqa: T201


if __name__ == "__main__":
    main()
