"""The ``qnlp`` command: train, predict and parse from the shell.

A thin layer over the library: each subcommand reads its arguments, calls one
library function and prints the result. Errors a user can cause end the
command with exit code 1 and a one-line reason on stderr.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from qnlp.errors import QnlpError

logger = logging.getLogger(__name__)


def _friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn qnlp's own errors into a one-line message and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except QnlpError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qnlp")
@click.option("-v", "--verbose", count=True, help="Log more (-v: info, -vv: debug).")
def main(verbose: int) -> None:
    """qnlp: categorical quantum NLP.

    Parse sentences into pregroup string diagrams, map them to parameterised
    quantum circuits, and train classifiers on them, offline.
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("config", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--run-dir", type=click.Path(file_okay=False, path_type=Path), help="Where to write the run (default: runs/NAME-TIMESTAMP).")
@click.option("--resume", "resume_dir", type=click.Path(file_okay=False, path_type=Path), help="Continue the interrupted run in this directory from its last checkpoint.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@_friendly
def train(config: Path | None, run_dir: Path | None, resume_dir: Path | None, quiet: bool) -> None:
    """Train a sentence classifier and write a run directory.

    CONFIG is a YAML file with two sections: 'data' (train, dev, test: files of
    'LABEL sentence' lines, paths relative to the config) and 'model'
    (SentenceClassifier settings: ansatz, n_layers, noun_qubits,
    sentence_qubits, epochs, batch_size, learning_rate, patience, seed).
    Without CONFIG, trains on the built-in demo corpus.

    The run directory gets config.yaml, checkpoint.npz (every epoch), model/,
    metrics.json, metrics.csv and report.json (with the test accuracy). An
    interrupted run goes on with --resume RUN_DIR, to the same result.
    """
    from qnlp.runs import load_config, resume_run, train_run

    if resume_dir is not None:
        if config is not None or run_dir is not None:
            raise click.UsageError("--resume takes the run directory alone; its config.yaml is used")
        report = resume_run(resume_dir, verbose=not quiet)
        run_dir = resume_dir
    else:
        run_config = load_config(config)
        if run_dir is None:
            name = config.stem if config else "demo"
            run_dir = Path("runs") / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
        report = train_run(run_config, run_dir, verbose=not quiet)
    for key, value in report.items():
        click.echo(f"{key}: {value}")
    click.echo(f"run directory: {run_dir}")


@main.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.argument("sentences", nargs=-1, required=True)
@_friendly
def predict(run_dir: Path, sentences: tuple[str, ...]) -> None:
    """Predict the label of each SENTENCE with the model of RUN_DIR.

    Prints one line per sentence: label, its probability, the sentence.
    """
    from qnlp.runs import load_run_model

    model = load_run_model(run_dir)
    probabilities = model.predict_proba(list(sentences))
    for sentence, row in zip(sentences, probabilities):
        best = int(row.argmax())
        click.echo(f"{model.classes_[best]}\t{row[best]:.3f}\t{sentence}")


@main.command()
@click.argument("sentence")
@click.option("--target", type=click.Choice(["s", "n"]), help="Force the codomain: s (sentence) or n (noun phrase).")
@click.option("--draw", type=click.Path(dir_okay=False, path_type=Path), help="Also draw the diagram to this PNG/SVG/PDF file.")
@click.option("--json", "as_json", is_flag=True, help="Print the analysis as JSON.")
@_friendly
def parse(sentence: str, target: str | None, draw: Path | None, as_json: bool) -> None:
    """Parse SENTENCE into a pregroup diagram and print it: each word with its
    type, the cups that join them, and the codomain."""
    from qnlp.parse import EnglishParser, describe

    diagram = EnglishParser().parse(sentence, target=target)
    text = describe(diagram)
    click.echo(json.dumps(text, indent=2) if as_json else _format(text))
    if draw is not None:
        from qnlp.parse import draw_diagram

        draw_diagram(diagram, draw)
        click.echo(f"drawn to {draw}")


def _format(description: dict[str, Any]) -> str:
    width = max(len(w) for w, _ in description["words"])
    lines = [f"{word:<{width}}  {typ}" for word, typ in description["words"]]
    lines.append("cups: " + "; ".join(description["cups"]))
    lines.append(f"codomain: {description['codomain']}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    main()
