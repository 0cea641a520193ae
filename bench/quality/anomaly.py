"""The one-class anomaly benchmark: every class of a dataset as the normal class in turn, each method,
several seeds, a fixed training budget (the presets' 1,500 steps of 64), the last step evaluated
(nothing chosen by test scores), AUROC on the whole held-out split.

    python bench/quality/anomaly.py [--datasets mnist-5k,fashion-mnist] [--methods ganomaly,fanogan,autoencoder,deep-svdd]
                            [--classes 0-9] [--seeds 0,1,2] [--steps N] [--runs runs/anomaly]
    python bench/quality/anomaly.py --table [--datasets ...]   # the markdown tables of what is measured so far

Each model is one run folder (runs/anomaly/DATA/METHOD/normal-C/seed-S); a finished run is reused and
an unfinished one resumed, so the benchmark can be stopped and continued across sessions. Results
are rewritten to docs/eval/anomaly-DATA.json after every model: per model the AUROC, average
precision and training seconds (the checkpoint's train_seconds: summed over resumes); per method and class the mean and standard deviation over seeds;
per method the mean over classes. Anchors (published, one-class protocol): MNIST mean AUROC Deep
SVDD 94.8, Fashion-MNIST Deep SVDD 89.2 +- 6.2 (as reproduced in the Deep SAD paper).
"""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path

import numpy as np
import torch

from ganforge.apps.anomaly import evaluate_anomaly
from ganforge.models.io import read_state
from ganforge.training import train
from ganforge.training.checkpoint import latest_checkpoint
from ganforge.training.config import PRESETS
from ganforge.utils.files import atomic_write_text

DOCS = Path(__file__).resolve().parents[2] / "docs"


def parse_classes(text: str) -> list[int]:
    """'0-9' or '0,3,5'."""
    if "-" in text:
        first, last = (int(x) for x in text.split("-"))
        return list(range(first, last + 1))
    return [int(x) for x in text.split(",")]


def one_model(data: str, method: str, normal: int, seed: int, steps: int, runs: Path) -> dict:
    """Train (or reuse, or resume) one detector and evaluate its last step."""
    run = runs / data / method / f"normal-{normal}" / f"seed-{seed}"
    timing = run / "bench-seconds.json"  # older runs: their checkpoints did not record the training time
    checkpoint = latest_checkpoint(run) if run.exists() else None
    if checkpoint is None or read_state(checkpoint)["step"] < steps:
        fresh = checkpoint is None
        train(method, data=data if fresh else None, out=run, steps=steps, seed=seed if fresh else None,
              resume=not fresh, progress=False, overrides=[f"preprocess.normal=[{normal}]"] if fresh else [])
        reached = read_state(latest_checkpoint(run))["step"]
        if reached < steps:  # Ctrl-C: the trainer saved and returned; a half-trained model is never measured
            raise SystemExit(f"{run} stopped at step {reached} of {steps}: the same command resumes it")
    metrics = evaluate_anomaly(run)["metrics"]
    seconds = read_state(latest_checkpoint(run)).get("train_seconds")  # summed over resumes by the trainer
    if seconds is None and timing.exists():
        seconds = json.loads(timing.read_text())["seconds"]
    return {"method": method, "normal": normal, "seed": seed, "steps": steps, "auroc": round(metrics["auroc"], 4),
            "average_precision": round(metrics["average_precision"], 4),
            "train_seconds": None if seconds is None else round(seconds, 1), "machine": machine()}


def cpu_name() -> str:
    """The processor's model name (Linux), else what platform knows."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        return next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def machine() -> str:
    """Where a model's training seconds come from: the processor, torch's threads and build."""
    return f"{cpu_name()}, {torch.get_num_threads()} threads, torch {torch.__version__}"


def summary(rows: list[dict]) -> dict:
    """Mean and std over seeds per (method, class); mean over classes per method."""
    table: dict[str, dict] = {}
    for method in sorted({r["method"] for r in rows}):
        per_class = {}
        for normal in sorted({r["normal"] for r in rows if r["method"] == method}):
            values = [r["auroc"] for r in rows if r["method"] == method and r["normal"] == normal]
            per_class[str(normal)] = {"mean": round(float(np.mean(values)), 4), "std": round(float(np.std(values)), 4),
                                      "seeds": len(values)}
        means = [c["mean"] for c in per_class.values()]
        table[method] = {"classes": per_class, "mean_auroc": round(float(np.mean(means)), 4),
                         "std_over_classes": round(float(np.std(means)), 4)}
    return table


SPREAD = 2.0  # AUROC points between a class's seeds that issue 18 asks to stay within


def table(data: str, out: Path) -> None:
    """Per class AUROC (mean +- std over the seeds measured) per method, the mean over classes, and
    the mean training seconds per model, as markdown."""
    path = out / f"anomaly-{data}.json"
    if not path.exists():
        print(f"{path}: nothing measured yet")
        return
    report = json.loads(path.read_text())
    methods = sorted(report["summary"])
    print(f"\n{data}: AUROC % per normal class, mean +- std over seeds (seeds)\n")
    print("| normal class | " + " | ".join(methods) + " |\n| --- |" + " --- |" * len(methods))
    for normal in sorted({int(c) for m in methods for c in report["summary"][m]["classes"]}):
        cells = []
        for method in methods:
            entry = report["summary"][method]["classes"].get(str(normal))
            cells.append("" if entry is None else f"{100 * entry['mean']:.1f} +- {100 * entry['std']:.1f} ({entry['seeds']})")
        print(f"| {normal} | " + " | ".join(cells) + " |")
    means = [f"{100 * report['summary'][m]['mean_auroc']:.1f} ({len(report['summary'][m]['classes'])} classes)"
             for m in methods]
    print("| mean | " + " | ".join(means) + " |")
    print(f"\nSeeds more than {SPREAD:g} points apart (AUROC % by seed; range = best - worst):")
    for method in methods:
        for normal in sorted({r["normal"] for r in report["models"] if r["method"] == method}):
            rows = sorted((r for r in report["models"] if (r["method"], r["normal"]) == (method, normal)),
                          key=lambda r: r["seed"])
            values = [100 * r["auroc"] for r in rows]
            if max(values) - min(values) > SPREAD:
                by_seed = " / ".join(f"{v:.1f}" for v in values)
                seeds = " / ".join(str(r["seed"]) for r in rows)
                print(f"- {method} {normal}: {by_seed} (seeds {seeds}; range {max(values) - min(values):.2f})")
    print("\nTraining seconds per model (they compare within one machine only):")
    for method in methods:
        rows = [r for r in report["models"] if r["method"] == method and r["train_seconds"]]
        for where in sorted({r.get("machine", report["machine"]) for r in rows}):
            spent = [r["train_seconds"] for r in rows if r.get("machine", report["machine"]) == where]
            print(f"- {method}: {np.mean(spent):.0f} s ({len(spent)} models; {where})")


def main() -> None:
    """Train, evaluate, write after every model, print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="mnist-5k,fashion-mnist")
    parser.add_argument("--methods", default="ganomaly,fanogan,autoencoder,deep-svdd")
    parser.add_argument("--classes", default="0-9")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--steps", type=int, help="training steps of every model (default: the presets' 1,500)")
    parser.add_argument("--runs", type=Path, default=Path("runs/anomaly"))
    parser.add_argument("--out", type=Path, default=DOCS / "eval")
    parser.add_argument("--table", action="store_true", help="only print the tables of what is measured so far")
    args = parser.parse_args()
    if args.table:
        for data in args.datasets.split(","):
            table(data, args.out)
        return
    methods, classes = args.methods.split(","), parse_classes(args.classes)
    seeds = [int(s) for s in args.seeds.split(",")]
    for data in args.datasets.split(","):
        # A smoke run with another budget gets a file of its own: budgets are never averaged together.
        path = args.out / (f"anomaly-{data}.json" if args.steps is None else f"anomaly-{data}-{args.steps}-steps.json")
        # Models measured by earlier invocations (other methods, classes or seeds) stay in the report.
        rows: list[dict] = []
        for method in methods:
            steps = args.steps or PRESETS.get(method).run.train.steps
            for normal in classes:
                for seed in seeds:
                    row = one_model(data, method, normal, seed, steps, args.runs)
                    if path.exists():  # read again: another invocation (other classes, say) may have added models
                        rows = json.loads(path.read_text())["models"]
                    rows = [r for r in rows if (r["method"], r["normal"], r["seed"], r.get("steps")) !=
                            (method, normal, seed, steps)] + [row]
                    print(f"{data} {method} normal {normal} seed {seed}: AUROC {row['auroc']:.4f}", flush=True)
                    report = {"machine": "per model (each row's machine)",
                              "command": f"python bench/quality/anomaly.py --datasets {data} (models are reused, so "
                                         "invocations over other methods, classes or seeds add to this file)",
                              "protocol": "train on the normal class only (minus a tenth kept for thresholds); "
                                          "test on the whole held-out split; the last step is evaluated",
                              "models": rows, "summary": summary(rows)}
                    atomic_write_text(path, json.dumps(report, indent=2) + "\n")  # another invocation may read it now
        for method, entry in summary(rows).items():
            print(f"{data} {method}: mean AUROC {entry['mean_auroc']:.4f} over {len(entry['classes'])} classes")


if __name__ == "__main__":
    main()
